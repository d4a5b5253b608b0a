#pragma once

// An independent, strict reader of one HTTP/1.1 request (RFC 9112 §2–§7, RFC 9110 §5, §8.6):
// the oracle of request_framing_fuzz and of the framing corpus. It shares no code with edugate's
// path (Beast's parser, proxy/http/chunked_decoder) and is written the other way round: the
// whole message at once, by recursive descent over a cursor, from the ABNF. It says whether the
// bytes are one complete request (and where it ends, and its body), a malformed one, or the
// start of one that needs more bytes.
//
// Strict on everything that decides framing: CRLF line ends only, no bare CR, no control bytes
// in fields, field names are tokens with no space before the colon, Transfer-Encoding only on
// HTTP/1.1 and exactly "chunked", Content-Length a list of one decimal value, never both. It
// accepts obs-fold in the head of a received request (RFC 9112 §5.2 lets a recipient unfold it)
// unless `no_obs_fold` is set, as for a request edugate sends on.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::fuzz {

struct StrictRequest {
  enum class Kind { complete, invalid, incomplete };
  enum class Framing { none, length, chunked };
  Kind kind = Kind::invalid;
  Framing framing = Framing::none;
  std::string body;     ///< complete only: the body, chunked coding removed
  std::size_t end = 0;  ///< complete only: bytes of `in` the request takes
  std::string method;
  int minor = 1;  ///< HTTP/1.<minor>
  /// Content-Length and Transfer-Encoding fields, and list elements in them: a request edugate
  /// sends on has at most one of either, with one element.
  int framing_fields = 0;
  int framing_elements = 0;
};

namespace strict_detail {

struct Invalid {};
struct Incomplete {};

class Cursor {
 public:
  explicit Cursor(std::string_view in) : in_(in) {}
  unsigned char peek() const {
    if (at_ >= in_.size()) throw Incomplete{};
    return static_cast<unsigned char>(in_[at_]);
  }
  unsigned char take() {
    const auto c = peek();
    ++at_;
    return c;
  }
  void expect(unsigned char c) {
    if (take() != c) throw Invalid{};
  }
  void crlf() {
    expect('\r');
    expect('\n');
  }
  std::size_t at() const { return at_; }
  std::string_view input() const { return in_; }

 private:
  std::string_view in_;
  std::size_t at_ = 0;
};

inline bool tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
inline bool ws(unsigned char c) { return c == ' ' || c == '\t'; }
inline bool vchar_or_obs(unsigned char c) { return (c > 0x20 && c < 0x7f) || c >= 0x80; }
inline int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<unsigned char>(c | 0x20);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && ws(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && ws(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// token
inline std::string token(Cursor& c) {
  std::string t;
  while (tchar(c.peek())) t.push_back(static_cast<char>(c.take()));
  if (t.empty()) throw Invalid{};
  return t;
}

/// A field value up to its CRLF (not taken): VCHAR, obs-text, SP, HTAB.
inline std::string field_value(Cursor& c) {
  std::string v;
  while (c.peek() != '\r') {
    const auto ch = c.take();
    if (!vchar_or_obs(ch) && !ws(ch)) throw Invalid{};
    v.push_back(static_cast<char>(ch));
  }
  return v;
}

/// Content-Length: a comma list of one decimal value (RFC 9110 §8.6); nullopt when malformed.
inline std::optional<std::uint64_t> content_length(std::string_view value) {
  std::optional<std::uint64_t> n;
  std::size_t start = 0;
  for (;;) {
    const auto comma = value.find(',', start);
    const auto item =
        trim(value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
    if (item.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char ch : item) {
      if (ch < '0' || ch > '9') return std::nullopt;
      const auto digit = static_cast<std::uint64_t>(ch - '0');
      if (v > (UINT64_MAX - digit) / 10) return std::nullopt;  // does not fit in 64 bits
      v = v * 10 + digit;
    }
    if (n && *n != v) return std::nullopt;
    n = v;
    if (comma == std::string_view::npos) return n;
    start = comma + 1;
  }
}

inline void chunk_ext(Cursor& c) {
  // *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ), then CRLF
  for (;;) {
    while (ws(c.peek())) c.take();
    if (c.peek() == '\r') {
      // BWS right before CRLF is not in the grammar: only before ';'.
      const auto before = static_cast<unsigned char>(c.input()[c.at() - 1]);
      if (ws(before)) throw Invalid{};
      return;
    }
    c.expect(';');
    while (ws(c.peek())) c.take();
    token(c);
    std::size_t ws_run = 0;
    while (ws(c.peek())) c.take(), ++ws_run;
    if (c.peek() != '=') {
      if (ws_run > 0 && c.peek() != ';') throw Invalid{};
      continue;
    }
    c.take();
    while (ws(c.peek())) c.take();
    if (c.peek() == '"') {
      c.take();
      for (;;) {
        const auto ch = c.take();
        if (ch == '"') break;
        if (ch == '\\') {
          const auto q = c.take();
          if (!ws(q) && !vchar_or_obs(q)) throw Invalid{};
        } else if (!ws(ch) && !vchar_or_obs(ch)) {
          throw Invalid{};
        }
      }
    } else {
      token(c);
    }
  }
}

inline std::string chunked_body(Cursor& c) {
  std::string body;
  for (;;) {
    std::uint64_t size = 0;
    int digits = 0;
    while (hexval(c.peek()) >= 0) {
      if (size >> 60) throw Invalid{};
      size = size * 16 + static_cast<std::uint64_t>(hexval(c.take()));
      ++digits;
    }
    if (digits == 0) throw Invalid{};
    chunk_ext(c);
    c.crlf();
    if (size == 0) break;
    for (std::uint64_t i = 0; i < size; ++i) body.push_back(static_cast<char>(c.take()));
    c.crlf();
  }
  // trailer-section: field lines (no obs-fold), then CRLF
  while (c.peek() != '\r') {
    token(c);
    c.expect(':');
    field_value(c);
    c.crlf();
  }
  c.crlf();
  return body;
}

}  // namespace strict_detail

inline StrictRequest read_strict_request(std::string_view in, bool no_obs_fold = false) {
  using namespace strict_detail;
  StrictRequest r;
  Cursor c(in);
  try {
    // request-line = method SP request-target SP HTTP-version CRLF
    r.method = token(c);
    c.expect(' ');
    std::size_t target = 0;
    while (c.peek() != ' ') {
      if (!vchar_or_obs(c.take())) throw Invalid{};
      ++target;
    }
    if (target == 0) throw Invalid{};
    c.expect(' ');
    for (char ch : std::string_view("HTTP/1.")) c.expect(static_cast<unsigned char>(ch));
    const auto minor = c.take();
    if (minor != '0' && minor != '1') throw Invalid{};
    r.minor = minor - '0';
    c.crlf();
    // field lines
    struct Field {
      std::string name, value;
    };
    std::string te, cl;
    int te_fields = 0, cl_fields = 0;
    std::optional<Field> last;
    auto finish = [&](const Field& f) {
      const auto name = lower(f.name);
      if (name == "transfer-encoding") {
        te += (te_fields++ ? "," : "") + f.value;
      } else if (name == "content-length") {
        cl += (cl_fields++ ? "," : "") + f.value;
      }
    };
    while (c.peek() != '\r') {
      if (ws(c.peek())) {  // obs-fold: continues the field before
        if (!last || no_obs_fold) throw Invalid{};
        while (ws(c.peek())) c.take();
        last->value = std::string(trim(last->value)) + " " + std::string(trim(field_value(c)));
        c.crlf();
        continue;
      }
      if (last) finish(*last);
      Field f;
      f.name = token(c);
      c.expect(':');
      f.value = std::string(trim(field_value(c)));
      c.crlf();
      last = f;
    }
    if (last) finish(*last);
    c.crlf();
    r.framing_fields = te_fields + cl_fields;
    for (const auto& list : {te, cl})
      if (!list.empty())
        r.framing_elements += 1 + static_cast<int>(std::count(list.begin(), list.end(), ','));
    // framing (RFC 9112 §6.1–§6.3)
    if (te_fields > 0) {
      if (cl_fields > 0 || r.minor == 0) throw Invalid{};
      if (lower(trim(te)) != "chunked") throw Invalid{};
      r.framing = StrictRequest::Framing::chunked;
      r.body = chunked_body(c);
    } else if (cl_fields > 0) {
      const auto n = content_length(cl);
      if (!n) throw Invalid{};
      r.framing = StrictRequest::Framing::length;
      if (in.size() - c.at() < *n) throw Incomplete{};
      r.body = std::string(in.substr(c.at(), static_cast<std::size_t>(*n)));
      for (std::uint64_t i = 0; i < *n; ++i) c.take();
    }
    r.kind = StrictRequest::Kind::complete;
    r.end = c.at();
  } catch (const Invalid&) {
    r = StrictRequest{};
    r.kind = StrictRequest::Kind::invalid;
  } catch (const Incomplete&) {
    r = StrictRequest{};
    r.kind = StrictRequest::Kind::incomplete;
  }
  return r;
}

}  // namespace edugate::fuzz
