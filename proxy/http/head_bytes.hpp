#pragma once

// A parsed (and rewritten) message head as the bytes that go on the wire. Included only by
// body_relay.hpp.
//
// Beast's serializer hands the head out as nested buffer views over the start line and every
// field; walking them cost a proxied 1 KiB response more instructions than parsing it
// (callgrind). The head is small, so it is laid out once into one string: the start line Beast
// would write, then each field exactly as stored, then the blank line. Bodies never pass here.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <string>
#include <string_view>

namespace edugate::proxy::http {

/// "HTTP/1.1" for 11: Beast's version numbers are major * 10 + minor, one digit each.
inline void append_version(unsigned version, std::string& out) {
  const char text[] = {'H', 'T',
                       'T', 'P',
                       '/', static_cast<char>('0' + version / 10 % 10),
                       '.', static_cast<char>('0' + version % 10)};
  out.append(text, sizeof text);
}

template <bool isRequest, class Fields>
void append_head(const boost::beast::http::header<isRequest, Fields>& h, std::string& out) {
  if constexpr (isRequest) {
    out.append(h.method_string()).append(" ").append(h.target()).append(" ");
    append_version(h.version(), out);
  } else {
    append_version(h.version(), out);
    const unsigned status = h.result_int();  // three digits: the parser accepts nothing else
    const char code[] = {' ', static_cast<char>('0' + status / 100 % 10),
                         static_cast<char>('0' + status / 10 % 10),
                         static_cast<char>('0' + status % 10), ' '};
    out.append(code, sizeof code);
    const auto reason = h.reason();
    out.append(reason.empty() ? boost::beast::http::obsolete_reason(h.result()) : reason);
  }
  out.append("\r\n");
  for (const auto& field : h) {
    out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace edugate::proxy::http
