#include "proxy/tls/client_hello.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <optional>

// Wire formats: RFC 8446 §5.1 (records), §4 (handshake, ClientHello), RFC 6066 §3 (server_name),
// RFC 7301 §3.1 (ALPN). The parser is two passes: walk the record headers to find out whether a
// whole ClientHello has arrived (cheap, no copy, so a client trickling bytes costs little), then
// parse the reassembled message with a bounds-checked reader.

namespace edugate::proxy::tls {
namespace {

constexpr std::uint8_t kHandshakeRecord = 22;
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kTlsMajor = 3;
constexpr std::uint8_t kMaxTlsMinor = 4;  // TLS 1.3 is 3.4
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kMaxRecordPayload = std::size_t{1} << 14;
constexpr std::size_t kHandshakeHeader = 4;
// A 64 KiB hello needs 4 full records; real clients use 1-2. Many tiny records are only an
// attacker's way to make us do more work per byte, so their number is capped too.
constexpr std::size_t kMaxHelloRecords = 64;
constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kMaxSessionId = 32;
constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtAlpn = 16;
constexpr std::uint8_t kNameTypeHostName = 0;
constexpr std::size_t kMaxHostName = 255;
constexpr std::size_t kMaxLabel = 63;

using Bytes = std::span<const std::uint8_t>;

/// Big-endian reader that refuses to step past its end.
class Reader {
 public:
  explicit Reader(Bytes bytes) : bytes_(bytes) {}

  bool empty() const { return bytes_.empty(); }
  Bytes rest() const { return bytes_; }

  bool read(std::size_t width, std::uint32_t& value) {
    if (bytes_.size() < width) return false;
    value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes_[i];
    bytes_ = bytes_.subspan(width);
    return true;
  }
  bool skip(std::size_t n) {
    if (bytes_.size() < n) return false;
    bytes_ = bytes_.subspan(n);
    return true;
  }
  /// Reads a vector with a `width`-byte length prefix into `out`.
  bool prefixed(std::size_t width, Reader& out) {
    std::uint32_t length = 0;
    if (!read(width, length) || bytes_.size() < length) return false;
    out = Reader(bytes_.first(length));
    bytes_ = bytes_.subspan(length);
    return true;
  }

 private:
  Bytes bytes_;
};

/// Where the ClientHello lies in the input: at most kMaxHelloRecords fragments, one per record.
struct Framing {
  HelloStatus status = HelloStatus::need_more;
  std::array<Bytes, kMaxHelloRecords> fragments{};
  std::size_t fragment_count = 0;
  std::size_t message_size = 0;  ///< handshake header + body, once known
  std::size_t end = 0;           ///< input offset past the message's last byte
};

/// Checks the record header at the start of `rest`, as far as it has arrived. A bad first
/// record means "not TLS at all"; a bad later one means a broken TLS client.
HelloStatus check_record_header(Bytes rest, bool first, std::size_t& payload) {
  const HelloStatus wrong_kind = first ? HelloStatus::not_tls : HelloStatus::malformed;
  if (!rest.empty() && rest[0] != kHandshakeRecord) return wrong_kind;
  if (rest.size() > 1 && rest[1] != kTlsMajor) return wrong_kind;
  if (rest.size() > 2 && rest[2] > kMaxTlsMinor) return wrong_kind;
  if (rest.size() < kRecordHeader) return HelloStatus::need_more;
  payload = (std::size_t{rest[3]} << 8) | rest[4];
  // Zero-length handshake fragments are forbidden (RFC 8446 §5.1), as are oversize records.
  if (payload == 0 || payload > kMaxRecordPayload) return HelloStatus::malformed;
  return HelloStatus::complete;
}

/// Takes the handshake header once its 4 bytes have arrived (possibly across records).
HelloStatus take_handshake_header(const std::array<std::uint8_t, kHandshakeHeader>& header,
                                  std::size_t max_bytes, Framing& framing) {
  if (header[0] != kClientHello) return HelloStatus::malformed;
  const std::size_t body =
      (std::size_t{header[1]} << 16) | (std::size_t{header[2]} << 8) | header[3];
  framing.message_size = kHandshakeHeader + body;
  if (framing.message_size > max_bytes) return HelloStatus::too_large;
  return HelloStatus::need_more;
}

/// First pass: walks records until the ClientHello is whole, or says why not. No copies.
Framing scan_records(Bytes input, std::size_t max_bytes) {
  Framing framing;
  std::array<std::uint8_t, kHandshakeHeader> header{};
  std::size_t have = 0;  // handshake bytes seen so far
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t payload = 0;
    const bool first = framing.fragment_count == 0;
    framing.status = check_record_header(input.subspan(pos), first, payload);
    if (framing.status != HelloStatus::complete) return framing;
    if (framing.fragment_count == kMaxHelloRecords) {
      framing.status = HelloStatus::too_large;
      return framing;
    }
    const Bytes fragment = input.subspan(pos + kRecordHeader)
                               .first(std::min(payload, input.size() - pos - kRecordHeader));
    std::size_t used = 0;
    for (; have < kHandshakeHeader && used < fragment.size(); ++used)
      header[have++] = fragment[used];
    if (have == kHandshakeHeader && framing.message_size == 0) {
      framing.status = take_handshake_header(header, max_bytes, framing);
      if (framing.status != HelloStatus::need_more) return framing;
    }
    if (framing.message_size != 0) {
      const std::size_t n = std::min(framing.message_size - have, fragment.size() - used);
      have += n;
      used += n;
    }
    framing.fragments[framing.fragment_count++] = fragment.first(used);
    if (framing.message_size != 0 && have == framing.message_size) {
      framing.status = HelloStatus::complete;
      framing.end = pos + kRecordHeader + used;
      return framing;
    }
    pos += kRecordHeader + payload;
  }
  framing.status = HelloStatus::need_more;
  return framing;
}

bool is_host_char(std::uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

/// host_name must be an ASCII DNS name (A-labels for IDN). Returns it lower-cased without a
/// trailing dot, or nothing when it has any other byte (NUL, space, '%', ...) or empty labels.
std::optional<std::string> clean_host_name(Bytes raw) {
  if (raw.empty() || raw.size() > kMaxHostName) return std::nullopt;
  if (raw.back() == '.') raw = raw.first(raw.size() - 1);
  std::string host;
  host.reserve(raw.size());
  std::size_t label = 0;
  for (const std::uint8_t c : raw) {
    if (!is_host_char(c)) return std::nullopt;
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
    } else if (++label > kMaxLabel) {
      return std::nullopt;
    }
    host.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  if (label == 0) return std::nullopt;
  return host;
}

bool parse_server_name(Reader data, ClientHelloInfo& info) {
  Reader list(Bytes{});
  if (!data.prefixed(2, list) || !data.empty() || list.empty()) return false;
  while (!list.empty()) {
    std::uint32_t type = 0;
    Reader name(Bytes{});
    if (!list.read(1, type) || !list.prefixed(2, name) || name.empty()) return false;
    if (type != kNameTypeHostName) continue;  // no other type is defined; skip, as peers do
    if (info.has_sni) return false;           // at most one name per type (RFC 6066)
    auto host = clean_host_name(name.rest());
    if (!host) return false;
    info.sni = std::move(*host);
    info.has_sni = true;
  }
  return true;
}

bool parse_alpn(Reader data, ClientHelloInfo& info) {
  Reader list(Bytes{});
  if (!data.prefixed(2, list) || !data.empty() || list.empty()) return false;
  while (!list.empty()) {
    Reader name(Bytes{});
    if (!list.prefixed(1, name) || name.empty()) return false;
    const Bytes p = name.rest();
    info.alpn.emplace_back(p.begin(), p.end());
  }
  return true;
}

bool parse_extensions(Reader& body, ClientHelloInfo& info) {
  Reader extensions(Bytes{});
  if (!body.prefixed(2, extensions) || !body.empty()) return false;
  std::bitset<65536> seen;  // each extension type at most once (RFC 8446 §4.2)
  while (!extensions.empty()) {
    std::uint32_t type = 0;
    Reader data(Bytes{});
    if (!extensions.read(2, type) || !extensions.prefixed(2, data)) return false;
    if (seen.test(type)) return false;
    seen.set(type);
    if (type == kExtServerName && !parse_server_name(data, info)) return false;
    if (type == kExtAlpn && !parse_alpn(data, info)) return false;
  }
  return true;
}

/// Second pass: the ClientHello body (after the 4-byte handshake header).
HelloStatus parse_body(Bytes bytes, ClientHelloInfo& info) {
  Reader body(bytes);
  std::uint32_t version = 0;
  std::uint32_t length = 0;
  if (!body.read(2, version) || (version >> 8) != kTlsMajor) return HelloStatus::malformed;
  info.legacy_version = static_cast<std::uint16_t>(version);
  if (!body.skip(kRandomBytes)) return HelloStatus::malformed;
  if (!body.read(1, length) || length > kMaxSessionId || !body.skip(length)) {
    return HelloStatus::malformed;
  }
  if (!body.read(2, length) || length < 2 || length % 2 != 0 || !body.skip(length)) {
    return HelloStatus::malformed;
  }
  if (!body.read(1, length) || length < 1 || !body.skip(length)) return HelloStatus::malformed;
  // Extensions are optional before TLS 1.3; when present they must fill the rest exactly.
  if (!body.empty() && !parse_extensions(body, info)) return HelloStatus::malformed;
  return HelloStatus::complete;
}

}  // namespace

HelloParse parse_client_hello(std::span<const std::uint8_t> bytes, std::size_t max_bytes) {
  HelloParse result;
  const Framing framing = scan_records(bytes, max_bytes);
  result.status = framing.status;
  if (framing.status != HelloStatus::complete) {
    result.consumed_hint = bytes.size();
    return result;
  }
  result.consumed_hint = framing.end;
  std::vector<std::uint8_t> joined;  // only when the hello spans records
  Bytes message = framing.fragments[0];
  if (framing.fragment_count > 1) {
    joined.reserve(framing.message_size);
    for (std::size_t i = 0; i < framing.fragment_count; ++i) {
      joined.insert(joined.end(), framing.fragments[i].begin(), framing.fragments[i].end());
    }
    message = joined;
  }
  result.status = parse_body(message.subspan(kHandshakeHeader), result.info);
  if (result.status != HelloStatus::complete) result.info = ClientHelloInfo{};
  return result;
}

}  // namespace edugate::proxy::tls
