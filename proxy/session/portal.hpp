#pragma once

#include <boost/asio/awaitable.hpp>

#include "proxy/http/forward.hpp"
#include "proxy/session/next.hpp"
#include "rules/ids.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy::server {

struct WorkerContext;
struct ClientConnection;
class ClientGroup;

/// The path of the anonymous report form on the portal host ("báo cáo" = report).
inline constexpr std::string_view kReportPath = "/bao-cao";
/// The teacher page on the portal host ("mở khóa" = unlock): open a category or a site to a
/// pupil group for one lesson, with a teacher code (portal.teacher_codes); staff networks only.
inline constexpr std::string_view kTeacherPath = "/mo-khoa";
/// Largest form body accepted.
inline constexpr std::size_t kMaxFormBody = 8 * 1024;

/// Serves edugate's own pages on the portal host (e.g. http://edugate.lan/bao-cao): the form
/// where a pupil reports, anonymously, a site that should be blocked or was blocked wrongly.
/// Only the reported domain and the group are kept; never who sent it.
boost::asio::awaitable<session::Next> serve_portal(WorkerContext& w, ClientConnection& client,
                                                   http::RequestParser& parser,
                                                   const rules::RuleSet& rules, ClientGroup& group);

}  // namespace edugate::proxy::server
