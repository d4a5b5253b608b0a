#pragma once

// A strict, incremental reader of a chunked request body (RFC 9112 §7.1), used instead of
// Beast's for what clients upload. Beast's chunk parser is lenient in ways a smuggler can use
// or that stall the connection: a line ending in a bare LF, or a quoted chunk extension that
// never closes, leaves it waiting for bytes that never come instead of refusing. This one looks
// at every byte once, keeps no copy of a line, and refuses the first byte the grammar does not
// allow:
//
//   chunked-body  = *chunk last-chunk trailer-section CRLF
//   chunk         = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-size    = 1*HEXDIG
//   last-chunk    = 1*("0") [ chunk-ext ] CRLF
//   chunk-ext     = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val = token / quoted-string
//   trailer-section = *( field-line CRLF )       (no obs-fold: RFC 9112 §5.2 allows a 400)
//
// Extensions and trailers are read and dropped: what goes on is re-framed by the relay.
// No Asio here.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edugate::proxy::http {

class ChunkedDecoder {
 public:
  static constexpr std::size_t kMaxLine = 4096;  ///< a chunk-size line, extensions included
  static constexpr std::size_t kMaxTrailers = 16 * 1024;  ///< the whole trailer section

  enum class Status {
    need_more,  ///< every byte given was framing; give more
    data,       ///< `data` holds body bytes (a view into the input)
    done,       ///< the message ended; bytes after `consumed` belong to the next one
    error,      ///< malformed: refuse the request
  };
  struct Step {
    Status status = Status::need_more;
    std::size_t consumed = 0;  ///< input bytes used up by this step
    std::string_view data;     ///< Status::data only
  };

  /// Reads from the start of `in` until it has body bytes to hand out, the body ends, the
  /// framing breaks, or `in` runs out. The caller drops `consumed` bytes and calls again.
  Step next(std::string_view in);

 private:
  // In this order: the states of a chunk-size line first (counted against kMaxLine), those of
  // the trailer section after the data states (counted against kMaxTrailers).
  enum class State {
    size_first,    // the first hex digit of a chunk-size
    size,          // more hex digits
    ext_bws,       // whitespace after the size or a value, before ';' or CR
    ext_name_bws,  // after ';', before the name
    ext_name,
    ext_eq_bws,   // after the name: '=' or ';' or CR
    ext_val_bws,  // after '=', before the value
    ext_token,
    ext_quoted,
    ext_quoted_escape,
    ext_after_value,  // right after a value: ';', whitespace or CR
    size_lf,          // the LF of the chunk-size line
    data,
    data_cr,
    data_lf,
    trailer_start,  // the start of a trailer line, or the final CRLF
    trailer_name,
    trailer_value,
    trailer_lf,
    final_lf,
    done,
    error,
  };
  /// Feeds one framing byte; false when it breaks the grammar.
  bool framing_byte(char c);
  /// After a chunk size or an extension's value: ';' (another extension), whitespace before
  /// one, or the CR that ends the line.
  bool after_size_or_value(unsigned char c);
  /// `c` must be `want`; then the state becomes `next`.
  bool expect(unsigned char c, char want, State next);

  State state_ = State::size_first;
  std::uint64_t remaining_ = 0;  // chunk-data bytes still to come, or the size being read
  std::size_t line_ = 0;         // bytes of the current chunk-size line
  std::size_t trailers_ = 0;     // bytes of the trailer section so far
};

}  // namespace edugate::proxy::http
