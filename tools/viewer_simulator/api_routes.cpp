#include "api_routes.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <optional>
#include <vector>

#include "json_response.hpp"
#include "list_query.hpp"
#include "study_json.hpp"
#include "study_validation.hpp"

namespace gw::sim {
namespace {

ApiAnswer answer(Response response) { return {std::move(response), {}, {}}; }

// A page as the vendor shapes it: {"hasMore", "<items_key>": [...], "cursor"}; the cursor is
// left out on the last page, as the reference allows.
boost::json::object page_json(std::string_view items_key, boost::json::array items,
                              const std::optional<std::string>& cursor) {
  boost::json::object page{{"hasMore", cursor.has_value()}, {items_key, std::move(items)}};
  if (cursor) page["cursor"] = *cursor;
  return page;
}

ApiAnswer method_not_allowed(const Request& request, std::string_view allow) {
  Response response =
      error_response(request, http::status::method_not_allowed, "method not allowed on this path");
  response.set(http::field::allow, allow);
  return answer(std::move(response));
}

// "application/json", in any case, with or without parameters such as charset.
bool is_json(const Request& request) {
  std::string type(request[http::field::content_type]);
  type = type.substr(0, type.find(';'));
  std::erase_if(type, [](unsigned char c) { return std::isspace(c); });
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "application/json";
}

ApiAnswer not_json(const Request& request) {
  return answer(
      error_response(request, http::status::bad_request, "Content-Type must be application/json"));
}

}  // namespace

ApiRoutes::ApiRoutes(StudyStore& store, const UserDirectory& users, std::string api_key)
    : store_(store), users_(users), api_key_(std::move(api_key)) {}

ApiAnswer ApiRoutes::study_answer(const Request& request, http::status status,
                                  const Study& study) const {
  return {json_response(request, status, to_json(study, users_)), study.id,
          study.study_instance_uid};
}

bool ApiRoutes::is_authorized(const Request& request) const {
  const std::string_view header = request[http::field::authorization];
  constexpr std::string_view scheme = "bearer ";
  if (header.size() != scheme.size() + api_key_.size() || api_key_.empty()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  }
  // Constant time, as a real service compares secrets, so no test leans on a timing side channel.
  return CRYPTO_memcmp(header.data() + scheme.size(), api_key_.data(), api_key_.size()) == 0;
}

ApiAnswer ApiRoutes::handle(const Request& request) const {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    return answer(error_response(request, http::status::bad_request, "target is not a valid URL"));
  }
  const std::vector<std::string> path(url->segments().begin(), url->segments().end());
  if (path.empty() || path[0] != "v1") {
    return answer(error_response(request, http::status::not_found, "no such route"));
  }
  // Authentication comes before routing, so an unknown /v1 path does not reveal itself.
  if (!is_authorized(request)) {
    Response response = error_response(request, http::status::unauthorized,
                                       "missing or invalid API key (Authorization: Bearer)");
    response.set(http::field::www_authenticate, "Bearer");
    return answer(std::move(response));
  }

  if (path.size() >= 2 && path[1] == "viewer") return route_viewer(request, path, url->params());
  if (path.size() == 2 && path[1] == "express") {
    if (request.method() == http::verb::get) return list_customers(request, url->params());
    return method_not_allowed(request, "GET");
  }
  return answer(error_response(request, http::status::not_found, "no such route"));
}

// /v1/viewer/...: path[0] is "v1" and path[1] "viewer".
ApiAnswer ApiRoutes::route_viewer(const Request& request, const std::vector<std::string>& path,
                                  const boost::urls::params_view& params) const {
  const auto method = request.method();
  const bool studies = path.size() >= 3 && path[2] == "studies";
  if (studies && path.size() == 3) {
    if (method == http::verb::post) return create_study(request);
    if (method == http::verb::get) return list_studies(request, params);
    return method_not_allowed(request, "GET, POST");
  }
  if (studies && path.size() == 5 && path[3] == "by-uid") {
    if (method == http::verb::get) return get_study_by_uid(request, path[4]);
    return method_not_allowed(request, "GET");
  }
  if (studies && path.size() == 4) {
    if (method == http::verb::get) return get_study(request, path[3]);
    if (method == http::verb::patch) return patch_study(request, path[3]);
    return method_not_allowed(request, "GET, PATCH");
  }
  if (path.size() == 4 && path[2] == "users") {
    if (method == http::verb::get) return get_user(request, path[3]);
    return method_not_allowed(request, "GET");
  }
  return answer(error_response(request, http::status::not_found, "no such route"));
}

ApiAnswer ApiRoutes::create_study(const Request& request) const {
  if (!is_json(request)) return not_json(request);
  const auto study = parse_new_study(request.body(), store_);
  if (!study) return answer(error_response(request, http::status::bad_request, study.error()));
  const auto result = store_.create(*study, std::string(request["Idempotency-Key"]));
  // A replay answers 200 with the first study: the caller learns nothing new was made.
  return study_answer(request, result.created ? http::status::created : http::status::ok,
                      result.study);
}

ApiAnswer ApiRoutes::get_study(const Request& request, const std::string& study_id) const {
  const auto study = store_.find(study_id);
  if (!study) {
    return answer(error_response(request, http::status::not_found, "studyId is not a known study"));
  }
  return study_answer(request, http::status::ok, *study);
}

ApiAnswer ApiRoutes::get_study_by_uid(const Request& request, const std::string& uid) const {
  // The reference does not say what an unknown UID answers; 404 is what a REST API says.
  const auto study = store_.find_by_uid(uid);
  if (!study) {
    return answer(error_response(request, http::status::not_found,
                                 "studyInstanceUid is not a known study"));
  }
  return study_answer(request, http::status::ok, *study);
}

ApiAnswer ApiRoutes::get_user(const Request& request, const std::string& user_id) const {
  const auto user = users_.find(user_id);
  if (!user) {
    return answer(error_response(request, http::status::not_found, "userId is not a known user"));
  }
  return answer(json_response(request, http::status::ok, to_json(*user)));
}

ApiAnswer ApiRoutes::patch_study(const Request& request, const std::string& study_id) const {
  if (!is_json(request)) return not_json(request);
  const auto patch = parse_study_patch(request.body());
  if (!patch) return answer(error_response(request, http::status::bad_request, patch.error()));
  const auto study = store_.update(study_id, *patch);
  if (!study) {
    return answer(error_response(request, http::status::not_found, "studyId is not a known study"));
  }
  return study_answer(request, http::status::ok, *study);
}

ApiAnswer ApiRoutes::list_studies(const Request& request,
                                  const boost::urls::params_view& params) const {
  const auto query = parse_study_list_query(params);
  if (!query) return answer(error_response(request, http::status::bad_request, query.error()));
  const auto page = store_.list(query->filter, query->limit, query->before);
  boost::json::array studies;
  for (const Study& study : page.studies) studies.push_back(to_json(study, users_));
  std::optional<std::string> cursor;
  if (page.next) cursor = study_cursor(*page.next);
  return answer(json_response(request, http::status::ok,
                              page_json("studies", std::move(studies), cursor)));
}

ApiAnswer ApiRoutes::list_customers(const Request& request,
                                    const boost::urls::params_view& params) const {
  const auto query = parse_page_query(params);
  if (!query) return answer(error_response(request, http::status::bad_request, query.error()));
  const auto page = store_.customers(query->limit, query->from);
  boost::json::array customers;
  for (const Customer& customer : page.customers) customers.push_back(to_json(customer));
  std::optional<std::string> cursor;
  if (page.next) cursor = customer_cursor(*page.next);
  return answer(json_response(request, http::status::ok,
                              page_json("expressCustomers", std::move(customers), cursor)));
}

}  // namespace gw::sim
