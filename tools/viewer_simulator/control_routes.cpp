#include "control_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "gateway/domain/registration_request.hpp"
#include "json_response.hpp"

namespace gw::sim {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::string_view kPrefix = "/_sim/";

// Reads a POST /_sim/faults body; the field names are Fault's, with the delay as delay_ms.
std::optional<Fault> fault_from_json(const value& body, std::string& error) {
  if (!body.is_object()) {
    error = "body must be a JSON object";
    return std::nullopt;
  }
  Fault fault;
  for (const auto& [key, v] : body.as_object()) {
    const bool is_int = v.is_int64() || v.is_uint64();
    if (key == "status" && is_int) {
      fault.status = static_cast<int>(v.to_number<std::int64_t>());
    } else if (key == "retry_after" && v.is_string()) {
      fault.retry_after = v.as_string();
    } else if (key == "delay_ms" && is_int && v.to_number<std::int64_t>() >= 0) {
      fault.delay = std::chrono::milliseconds(v.to_number<std::int64_t>());
    } else if (key == "drop" && v.is_bool()) {
      fault.drop = v.as_bool();
    } else if (key == "hang" && v.is_bool()) {
      fault.hang = v.as_bool();
    } else if (key == "count" && is_int) {
      fault.count = static_cast<int>(v.to_number<std::int64_t>());
    } else if (key == "only_path_prefix" && v.is_string()) {
      fault.only_path_prefix = v.as_string();
    } else {
      error = "field '" + std::string(key) + "' is unknown or has the wrong type";
      return std::nullopt;
    }
  }
  if (fault.status != 0 && (fault.status < 100 || fault.status > 599)) {
    error = "status must be 0 or an HTTP status (100-599)";
    return std::nullopt;
  }
  return fault;
}

// Reads a POST /_sim/users body: the user object's own field names; userId and email required.
std::optional<User> user_from_json(const value& body, std::string& error) {
  if (!body.is_object()) {
    error = "body must be a JSON object";
    return std::nullopt;
  }
  User user;
  for (const auto& [key, v] : body.as_object()) {
    std::string* field = key == "userId"       ? &user.id
                         : key == "email"      ? &user.email
                         : key == "firstName"  ? &user.first_name
                         : key == "lastName"   ? &user.last_name
                         : key == "level"      ? &user.level
                         : key == "clinicRole" ? &user.clinic_role
                                               : nullptr;
    if (field == nullptr || !v.is_string()) {
      error = "field '" + std::string(key) + "' is unknown or has the wrong type";
      return std::nullopt;
    }
    *field = v.as_string();
  }
  if (!gw::is_valid_user_id(user.id) || user.email.empty()) {
    error = "userId (usr_ followed by 32 hex characters) and email are required";
    return std::nullopt;
  }
  return user;
}

std::optional<value> parse_body(const Request& request, std::string& error) {
  boost::system::error_code ec;
  value body = boost::json::parse(request.body(), ec);
  if (ec) {
    error = "body is not valid JSON: " + ec.message();
    return std::nullopt;
  }
  return body;
}

}  // namespace

ControlRoutes::ControlRoutes(StudyStore& store, UserDirectory& users, FaultPlan& faults,
                             RequestLog& requests)
    : store_(store), users_(users), faults_(faults), requests_(requests) {}

bool ControlRoutes::is_control(const Request& request) {
  return request.target().starts_with(kPrefix);
}

Response ControlRoutes::handle(const Request& request) const {
  std::string_view path = request.target().substr(kPrefix.size());
  path = path.substr(0, path.find('?'));
  const auto method = request.method();

  if (path == "requests" && method == http::verb::get) return list_requests(request);
  if (path == "faults" && method == http::verb::post) return add_fault(request);
  if (path == "faults" && method == http::verb::delete_) {
    faults_.clear();
    return empty_response(request);
  }
  if (path == "reset" && method == http::verb::post) {
    store_.reset();
    requests_.clear();
    return empty_response(request);
  }
  if (path == "config" && method == http::verb::post) return configure(request);
  if (path == "users" && method == http::verb::post) return add_user(request);
  // studies/{studyId}/cancel: the viewer's users cancel studies; tests need to play them.
  constexpr std::string_view studies = "studies/", cancel = "/cancel";
  if (path.starts_with(studies) && path.ends_with(cancel) && method == http::verb::post &&
      path.size() > studies.size() + cancel.size()) {
    const auto id = path.substr(studies.size(), path.size() - studies.size() - cancel.size());
    if (!store_.cancel(id)) {
      return error_response(request, http::status::not_found, "studyId is not a known study");
    }
    return empty_response(request);
  }
  return error_response(request, http::status::not_found, "no such control route");
}

Response ControlRoutes::add_fault(const Request& request) const {
  std::string error;
  const auto body = parse_body(request, error);
  const auto fault = body ? fault_from_json(*body, error) : std::nullopt;
  if (!fault) return error_response(request, http::status::bad_request, error);
  faults_.add(*fault);
  return empty_response(request);
}

Response ControlRoutes::add_user(const Request& request) const {
  std::string error;
  const auto body = parse_body(request, error);
  const auto user = body ? user_from_json(*body, error) : std::nullopt;
  if (!user) return error_response(request, http::status::bad_request, error);
  users_.add(*user);
  return empty_response(request);
}

Response ControlRoutes::configure(const Request& request) const {
  std::string error;
  const auto body = parse_body(request, error);
  if (!body) return error_response(request, http::status::bad_request, error);
  if (!body->is_object()) {
    return error_response(request, http::status::bad_request, "body must be a JSON object");
  }
  for (const auto& [key, v] : body->as_object()) {
    if (key != "ignore_idempotency" || !v.is_bool()) {
      return error_response(request, http::status::bad_request,
                            "field '" + std::string(key) + "' is unknown or has the wrong type");
    }
    store_.set_ignore_idempotency(v.as_bool());
  }
  return empty_response(request);
}

Response ControlRoutes::list_requests(const Request& request) const {
  boost::json::array list;
  for (const RecordedRequest& r : requests_.snapshot()) {
    list.push_back(object{{"method", r.method},
                          {"target", r.target},
                          {"idempotency_key", r.idempotency_key},
                          {"authorized", r.authorized},
                          {"status", r.status},
                          {"body", r.body}});
  }
  return json_response(request, http::status::ok, list);
}

}  // namespace gw::sim
