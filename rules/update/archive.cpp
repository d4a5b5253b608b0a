#include "rules/update/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <memory>

#include "rules/diagnostic.hpp"

namespace edugate::rules::update {

namespace {

struct ReadDeleter {
  void operator()(struct archive* a) const noexcept { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(struct archive* a) const noexcept { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};

std::string archive_error(struct archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "libarchive failed";
}

/// A relative name made of clean components: no leading '/', no "", "." or ".." component, no
/// control character. A trailing '/' (directories) is allowed and removed.
std::optional<std::string> safe_name(std::string name) {
  if (!name.empty() && name.back() == '/') name.pop_back();
  if (name.starts_with("./")) name.erase(0, 2);  // tar's own way of writing relative names
  if (name.empty() || name.front() == '/') return std::nullopt;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto end = std::min(name.find('/', start), name.size());
    const std::string_view part(name.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") return std::nullopt;
    start = end + 1;
  }
  for (const unsigned char c : name)
    if (c < 0x20 || c >= 0x7f || c == '\\') return std::nullopt;
  return name;
}

}  // namespace

std::optional<std::string> pack(const signing::BundleFiles& files, std::string& error) {
  std::unique_ptr<struct archive, WriteDeleter> a(archive_write_new());
  std::string out;
  if (!a || archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
      // No name or time in the gzip header: the same files give the same bytes.
      archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) != ARCHIVE_OK ||
      // Level 5: within 0.3 % of level 6's size on the public lists, 30 % faster.
      archive_write_set_filter_option(a.get(), "gzip", "compression-level", "5") != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK) {
    error = a ? archive_error(a.get()) : "out of memory";
    return std::nullopt;
  }
  const auto write = [](struct archive*, void* data, const void* buf, std::size_t n) -> la_ssize_t {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a.get(), &out, nullptr, write, nullptr) != ARCHIVE_OK) {
    error = archive_error(a.get());
    return std::nullopt;
  }
  std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
  for (const auto& [path, bytes] : files) {  // std::map: sorted by name
    if (!safe_name(path)) {
      error = fmt::format("{}: not a clean relative file name", path);
      return std::nullopt;
    }
    archive_entry_clear(e.get());
    archive_entry_set_pathname(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_mtime(e.get(), 0, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), bytes.data(), bytes.size()) !=
            static_cast<la_ssize_t>(bytes.size())) {
      error = fmt::format("{}: {}", path, archive_error(a.get()));
      return std::nullopt;
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    error = archive_error(a.get());
    return std::nullopt;
  }
  return out;
}

std::optional<signing::BundleFiles> unpack(std::string_view bytes, const UnpackLimits& limits,
                                           std::string& error) {
  std::unique_ptr<struct archive, ReadDeleter> a(archive_read_new());
  if (!a || archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_support_format_tar(a.get()) != ARCHIVE_OK ||
      archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    error = a ? "not a gzip tar archive: " + archive_error(a.get()) : "out of memory";
    return std::nullopt;
  }
  signing::BundleFiles files;
  std::uint64_t total = 0;
  archive_entry* e = nullptr;
  for (;;) {
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) {
      error = "the archive is truncated or corrupt: " + archive_error(a.get());
      return std::nullopt;
    }
    const char* raw = archive_entry_pathname(e);
    const std::string_view given = raw ? raw : "";
    const auto type = archive_entry_filetype(e);
    // `tar -C dir -czf x.tar.gz .` writes the top directory as "./": nothing to unpack.
    if (type == AE_IFDIR && (given == "." || given == "./")) continue;
    const std::string shown = quote_token(given);  // safe in a log line
    const auto name = safe_name(raw ? raw : "");
    if (!name) {
      error = fmt::format(
          "{}: refused: an absolute name, a '..' or empty component, or a control "
          "character (the bundle must stay inside its directory)",
          shown);
      return std::nullopt;
    }
    if (archive_entry_hardlink(e) != nullptr || type == AE_IFLNK) {
      error = fmt::format("{}: refused: a link (a bundle holds regular files only)", *name);
      return std::nullopt;
    }
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) {
      error = fmt::format("{}: refused: not a regular file", *name);
      return std::nullopt;
    }
    if (files.size() >= limits.max_files) {
      error = fmt::format("more than {} files", limits.max_files);
      return std::nullopt;
    }
    std::string content;
    // The header's size is a hint only (the data may end sooner); never reserve past the limit.
    if (const auto hint = archive_entry_size(e);
        hint > 0 && static_cast<std::uint64_t>(hint) <= limits.max_total_bytes - total)
      content.reserve(static_cast<std::size_t>(hint));
    char buf[64 * 1024];
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        error = fmt::format("{}: the archive is truncated or corrupt: {}", *name,
                            archive_error(a.get()));
        return std::nullopt;
      }
      total += static_cast<std::uint64_t>(n);
      if (total > limits.max_total_bytes) {
        error = fmt::format("the unpacked bundle is larger than {} bytes", limits.max_total_bytes);
        return std::nullopt;
      }
      content.append(buf, static_cast<std::size_t>(n));
    }
    if (!files.emplace(*name, std::move(content)).second) {
      error = fmt::format("{}: the same name twice", *name);
      return std::nullopt;
    }
  }
  // A file under a name that is also a file ("a" and "a/b") cannot be written out.
  for (const auto& [path, bytes] : files)
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (files.contains(path.substr(0, slash))) {
        error = fmt::format("{}: both a file and a directory", path.substr(0, slash));
        return std::nullopt;
      }
  return files;
}

}  // namespace edugate::rules::update
