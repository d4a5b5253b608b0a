#include "proxy/http/chunked_decoder.hpp"

#include <algorithm>
#include <limits>

namespace edugate::proxy::http {

namespace {

/// tchar (RFC 9110 §5.6.2).
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

/// qdtext (RFC 9110 §5.6.4): HTAB, SP, visible characters but '"' and '\', obs-text.
bool is_qdtext(unsigned char c) {
  return is_ws(c) || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

/// field-vchar, SP or HTAB: what a field value may hold (RFC 9110 §5.5).
bool is_value_byte(unsigned char c) { return is_ws(c) || (c >= 0x21 && c != 0x7f); }

}  // namespace

bool ChunkedDecoder::expect(unsigned char c, char want, State next) {
  if (c != static_cast<unsigned char>(want)) return false;
  state_ = next;
  return true;
}

bool ChunkedDecoder::after_size_or_value(unsigned char c) {
  if (c == ';')
    state_ = State::ext_name_bws;
  else if (is_ws(c))
    state_ = State::ext_bws;
  else if (c == '\r')
    state_ = State::size_lf;
  else
    return false;
  return true;
}

bool ChunkedDecoder::framing_byte(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if (state_ <= State::size_lf) {
    if (++line_ > kMaxLine) return false;
  } else if (state_ >= State::trailer_start && state_ <= State::final_lf) {
    if (++trailers_ > kMaxTrailers) return false;
  }
  switch (state_) {
    case State::size_first: {
      const int v = hex_value(c);
      if (v < 0) return false;
      remaining_ = static_cast<std::uint64_t>(v);
      state_ = State::size;
      return true;
    }
    case State::size: {
      const int v = hex_value(c);
      if (v >= 0) {
        // Leading zeros are fine; a size that does not fit in 64 bits is refused.
        if (remaining_ > (std::numeric_limits<std::uint64_t>::max() >> 4)) return false;
        remaining_ = remaining_ << 4 | static_cast<std::uint64_t>(v);
        return true;
      }
      return after_size_or_value(c);
    }
    case State::ext_bws:  // BWS must lead to ';' (a size or value followed by blanks and CR is not
                          // in the grammar)
      if (is_ws(c)) return true;
      if (c != ';') return false;
      state_ = State::ext_name_bws;
      return true;
    case State::ext_name_bws:
      if (is_ws(c)) return true;
      if (!is_tchar(c)) return false;
      state_ = State::ext_name;
      return true;
    case State::ext_name:
      if (is_tchar(c)) return true;
      if (c == ';')
        state_ = State::ext_name_bws;
      else if (c == '=')
        state_ = State::ext_val_bws;
      else if (is_ws(c))
        state_ = State::ext_eq_bws;
      else if (c == '\r')
        state_ = State::size_lf;
      else
        return false;
      return true;
    case State::ext_eq_bws:
      if (is_ws(c)) return true;
      if (c == '=')
        state_ = State::ext_val_bws;
      else if (c == ';')
        state_ = State::ext_name_bws;
      else
        return false;
      return true;
    case State::ext_val_bws:
      if (is_ws(c)) return true;
      if (c == '"')
        state_ = State::ext_quoted;
      else if (is_tchar(c))
        state_ = State::ext_token;
      else
        return false;
      return true;
    case State::ext_token:
      if (is_tchar(c)) return true;
      [[fallthrough]];
    case State::ext_after_value:
      return after_size_or_value(c);
    case State::ext_quoted:
      if (c == '"')
        state_ = State::ext_after_value;
      else if (c == '\\')
        state_ = State::ext_quoted_escape;
      else if (!is_qdtext(c))
        return false;  // a CR or LF inside quotes among them
      return true;
    case State::ext_quoted_escape:  // quoted-pair: HTAB, SP, VCHAR, obs-text
      if (!is_ws(c) && (c < 0x21 || c == 0x7f)) return false;
      state_ = State::ext_quoted;
      return true;
    case State::size_lf:
      if (c != '\n') return false;
      line_ = 0;
      state_ = remaining_ == 0 ? State::trailer_start : State::data;
      return true;
    case State::data_cr:
      return expect(c, '\r', State::data_lf);
    case State::data_lf:
      return expect(c, '\n', State::size_first);
    case State::trailer_start:
      if (c == '\r')
        state_ = State::final_lf;
      else if (is_tchar(c))
        state_ = State::trailer_name;
      else
        return false;  // obs-fold, an empty name, a bare LF
      return true;
    case State::trailer_name:
      if (is_tchar(c)) return true;
      if (c != ':') return false;
      state_ = State::trailer_value;
      return true;
    case State::trailer_value:
      if (c == '\r')
        state_ = State::trailer_lf;
      else if (!is_value_byte(c))
        return false;
      return true;
    case State::trailer_lf:
      return expect(c, '\n', State::trailer_start);
    case State::final_lf:
      return expect(c, '\n', State::done);
    case State::data:
    case State::done:
    case State::error:
      return false;
  }
  return false;
}

ChunkedDecoder::Step ChunkedDecoder::next(std::string_view in) {
  if (state_ == State::done) return {Status::done, 0, {}};
  if (state_ == State::error) return {Status::error, 0, {}};
  std::size_t i = 0;
  while (i < in.size()) {
    if (state_ == State::data) {
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(in.size() - i)));
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::data_cr;
      return {Status::data, i + n, in.substr(i, n)};
    }
    if (!framing_byte(in[i])) {
      state_ = State::error;
      return {Status::error, i, {}};
    }
    ++i;
    if (state_ == State::done) return {Status::done, i, {}};
  }
  return {Status::need_more, i, {}};
}

}  // namespace edugate::proxy::http
