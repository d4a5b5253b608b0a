#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/signing/bundle.hpp"

namespace edugate::rules::update {

/// A department bundle travels as one gzip-compressed POSIX tar (libarchive), so that any web
/// server can serve it and any admin can look inside with `tar tzf`. pack() is deterministic:
/// the same files give the same bytes, hence the same content address.
///
/// Packs `files` (relative '/'-separated paths → bytes) with sorted names, mode 0644, owner 0
/// and time 0. Nullopt with `error` set if libarchive fails.
std::optional<std::string> pack(const signing::BundleFiles& files, std::string& error);

/// What unpack() accepts at most.
struct UnpackLimits {
  std::uint64_t max_total_bytes = std::uint64_t{1} << 30;  ///< all files together, uncompressed
  std::size_t max_files = 10'000;
};

/// Reads an archive that pack() made, or any gzip tar of regular files and directories, into
/// memory. Refused, with `error` naming the entry: a symbolic or hard link, a device, FIFO or
/// socket; an absolute name, a `..` or empty component, a control character; the same name
/// twice (names are printable ASCII); more than the limits (decompression bombs stop at the limit,
/// not after); a truncated or corrupt stream. Pure apart from the memory it allocates.
std::optional<signing::BundleFiles> unpack(std::string_view archive, const UnpackLimits& limits,
                                           std::string& error);

}  // namespace edugate::rules::update
