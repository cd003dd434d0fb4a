#include "console_router.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include "auth/http_credentials.hpp"
#include "console_api.hpp"
#include "console_replies.hpp"
#include "gateway/console/console_assets.hpp"
#include "gateway/log/log.hpp"

namespace gw::console {
namespace {

constexpr std::string_view kCookie = "gw_session";
constexpr std::string_view kApi = "/api/v1/";

bool is_safe(http::verb method) { return method == http::verb::get || method == http::verb::head; }

/// The page's files: no login needed, they hold no data.
Response serve_asset(const Request& request, std::string_view path) {
  const Asset* asset = find_asset(path);
  if (!asset || !is_safe(request.method())) {
    Response response{http::status::not_found, request.version()};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "not found\n";
    response.prepare_payload();
    return response;
  }
  Response response{http::status::ok, request.version()};
  response.set(http::field::etag, asset->etag);
  response.set(http::field::cache_control, "no-cache");
  if (request[http::field::if_none_match] == asset->etag) {
    response.result(http::status::not_modified);
  } else {
    response.set(http::field::content_type, asset->content_type);
    if (request.method() != http::verb::head) response.body() = std::string(asset->body);
  }
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  if (request.method() == http::verb::head && response.result() == http::status::ok) {
    response.content_length(asset->body.size());
  }
  return response;
}

Response unauthorized(const Request& request, bool basic_sent, std::string_view message) {
  Response response = error_reply(request, http::status::unauthorized, "unauthorized", message);
  // A Basic challenge only to a client that sent Basic: a browser never learns to send a
  // password by itself, so no other site can make it act with one.
  response.set(http::field::www_authenticate,
               basic_sent ? "Basic realm=\"dicom-gateway\", charset=\"UTF-8\"" : "Session realm=\"dicom-gateway\"");
  return response;
}

Response too_many(const Request& request, std::chrono::seconds wait) {
  Response response = error_reply(request, http::status::too_many_requests, "too_many_attempts",
                                  "too many failed logins; try again in " + std::to_string(wait.count()) + " s");
  response.set(http::field::retry_after, std::to_string(wait.count()));
  return response;
}

boost::json::object session_body(const Session& session, config::ConsoleRole role) {
  return {{"user", session.user.name},
          {"role", role == config::ConsoleRole::operator_ ? "operator" : "viewer"},
          {"csrf", session.csrf_token}};
}

/// POST, GET and DELETE /api/v1/session: the page's login, who am I, and logout.
Response handle_session(ConsoleState& state, const Request& request, const std::string& peer) {
  const auto steady = SessionStore::Clock::now();
  const auto token = cookie_value(request[http::field::cookie], kCookie);
  if (request.method() == http::verb::post) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(request.body(), ec);
    const auto* object = ec ? nullptr : body.if_object();
    const auto* name = object ? object->if_contains("name") : nullptr;
    const auto* password = object ? object->if_contains("password") : nullptr;
    if (!name || !password || !name->is_string() || !password->is_string()) {
      return error_reply(request, http::status::bad_request, "invalid_request",
                         "send {\"name\": …, \"password\": …}");
    }
    const std::string user(name->as_string());
    if (const auto wait = state.throttle.retry_after(peer, user, steady)) return too_many(request, *wait);
    const auto principal = state.users.authenticate(user, password->as_string());
    if (!principal) {
      state.throttle.record_failure(peer, user, steady);
      log::warning("console_login_failed").kv("user", user).kv("peer", peer);
      return error_reply(request, http::status::unauthorized, "unauthorized", "wrong name or password");
    }
    state.throttle.record_success(peer, user);
    const Session session = state.sessions.create(*principal, steady);
    log::info("console_login").kv("user", principal->name).kv("peer", peer);
    Response response = json_reply(request, http::status::ok, session_body(session, principal->role));
    response.set(http::field::set_cookie, session_cookie(kCookie, session.token, state.session_max, state.tls));
    return response;
  }
  const auto session = token ? state.sessions.find(*token, steady) : std::nullopt;
  const auto current = session ? state.users.find(session->user.name) : std::nullopt;
  if (!session || !current) return unauthorized(request, false, "not logged in");
  if (request.method() == http::verb::delete_) {
    if (!SessionStore::check_csrf(*session, request["X-CSRF-Token"])) {
      return error_reply(request, http::status::forbidden, "csrf_mismatch", "the X-CSRF-Token header is missing or wrong");
    }
    state.sessions.remove(*token);
    if (state.events) state.events->revalidate();  // its event streams end with it
    log::info("console_logout").kv("user", current->name);
    Response response{http::status::no_content, request.version()};
    response.set(http::field::set_cookie, expired_cookie(kCookie, state.tls));
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
  }
  if (request.method() != http::verb::get) {
    return error_reply(request, http::status::method_not_allowed, "invalid_request", "GET, POST or DELETE");
  }
  return json_reply(request, http::status::ok, session_body(*session, current->role));
}

struct Caller {
  Principal user;
  bool by_cookie = false;
  std::string session_token;  // by cookie
};

/// Endpoints after authentication. `rest` is the path after /api/v1/.
Reply dispatch(ConsoleState& state, const Request& request, std::string_view rest,
               boost::urls::params_view query, const Caller& caller) {
  const http::verb method = request.method();
  if (rest == "events" && method == http::verb::get) {
    return {Response{}, true, caller.user.name, caller.session_token};
  }
  if (rest == "status" && method == http::verb::get) return {get_status(state, request)};
  if (rest == "studies" && method == http::verb::get) return {get_studies(state, request, query)};
  if (rest == "rules" && method == http::verb::get) return {get_rules(state, request)};
  if (rest == "route" && method == http::verb::post) return {post_route(state, request, query)};
  if (rest.starts_with("studies/")) {
    std::string_view tail = rest.substr(8);
    std::string_view action;
    if (const auto slash = tail.find('/'); slash != std::string_view::npos) {
      action = tail.substr(slash + 1);
      tail = tail.substr(0, slash);
    }
    const std::string uid(tail);
    if (action.empty() && method == http::verb::get) return {get_study(state, request, uid, caller.user)};
    if ((action == "retry" || action == "resend" || action == "forget") && method == http::verb::post) {
      if (caller.user.role != config::ConsoleRole::operator_) {
        log::warning("console_action_refused").kv("user", caller.user.name).kv("action", action).kv("study_uid", uid);
        return {error_reply(request, http::status::forbidden, "forbidden",
                            "the viewer role reads only; an operator may " + std::string(action))};
      }
      return {post_action(state, request, uid, action, caller.user)};
    }
  }
  return {error_reply(request, http::status::not_found, "not_found", "no such endpoint")};
}

Reply handle_api(ConsoleState& state, const Request& request, std::string_view rest,
                 boost::urls::params_view query, const std::string& peer) {
  if (rest == "session") return {handle_session(state, request, peer)};
  Caller caller;
  const auto steady = SessionStore::Clock::now();
  std::optional<Session> session;
  const auto authorization = request[http::field::authorization];
  if (!authorization.empty()) {
    const auto basic = parse_basic_authorization(authorization);
    if (!basic) return {unauthorized(request, true, "the Authorization header is not HTTP Basic")};
    if (const auto wait = state.throttle.retry_after(peer, basic->user, steady)) return {too_many(request, *wait)};
    auto principal = state.basic_cache.find(basic->user, basic->password, steady);
    if (principal) principal = state.users.find(principal->name);  // the role in force now
    if (!principal) {
      principal = state.users.authenticate(basic->user, basic->password);
      if (!principal) {
        state.throttle.record_failure(peer, basic->user, steady);
        log::warning("console_login_failed").kv("user", basic->user).kv("peer", peer);
        return {unauthorized(request, true, "wrong name or password")};
      }
      state.throttle.record_success(peer, basic->user);
      state.basic_cache.remember(basic->user, basic->password, *principal, steady);
    }
    caller.user = *principal;
  } else {
    const auto token = cookie_value(request[http::field::cookie], kCookie);
    session = token ? state.sessions.find(*token, steady) : std::nullopt;
    // The role in force now: a user removed or demoted on reload loses it at once.
    const auto current = session ? state.users.find(session->user.name) : std::nullopt;
    if (!current) return {unauthorized(request, false, "log in first")};
    caller.user = *current;
    caller.by_cookie = true;
    caller.session_token = *cookie_value(request[http::field::cookie], kCookie);
    // A cookie goes with every request the browser makes, whichever page asks: an unsafe
    // one must prove it comes from our page.
    if (!is_safe(request.method()) && !SessionStore::check_csrf(*session, request["X-CSRF-Token"])) {
      return {error_reply(request, http::status::forbidden, "csrf_mismatch",
                          "the X-CSRF-Token header is missing or wrong")};
    }
  }
  return dispatch(state, request, rest, query, caller);
}

}  // namespace

Reply handle_request(ConsoleState& state, const Request& request, const std::string& peer_address) {
  Reply reply;
  try {
    const auto target = boost::urls::parse_origin_form(request.target());
    if (!target) {
      reply.response = error_reply(request, http::status::bad_request, "invalid_request", "malformed target");
    } else {
      const std::string path = target->path();  // percent-decoded
      if (path.starts_with(kApi)) {
        reply = handle_api(state, request, std::string_view(path).substr(kApi.size()), target->params(), peer_address);
      } else {
        reply.response = serve_asset(request, path);
      }
    }
  } catch (const std::exception& e) {
    log::error("console_request_failed").kv("reason", e.what());
    reply = {error_reply(request, http::status::service_unavailable, "unavailable",
                         "the gateway's database did not answer; try again")};
  }
  if (!reply.stream_events) add_security_headers(reply.response, state.tls);
  return reply;
}

}  // namespace gw::console
