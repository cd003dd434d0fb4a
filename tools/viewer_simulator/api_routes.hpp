#pragma once
// The viewer API itself (base path /v1): request in, response out, no sockets. Kept apart
// from the TLS plumbing so each half reads on its own.
#include <boost/url/params_view.hpp>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "study_store.hpp"
#include "user_directory.hpp"

namespace gw::sim {

/// A response, plus what the request log line names.
struct ApiAnswer {
  Response response;
  std::string study_id;            // the study created, read or changed; empty: none
  std::string study_instance_uid;  // of that study
};

/// Routes /v1 requests onto a StudyStore and a UserDirectory. Holds references to both, which
/// must outlive it. Stateless otherwise, so handle() is safe from any thread.
class ApiRoutes {
 public:
  ApiRoutes(StudyStore& store, const UserDirectory& users, std::string api_key);

  /// True when the request carries "Authorization: Bearer <the key>".
  bool is_authorized(const Request& request) const;
  /// Answers one request; never throws for anything a client can send.
  ApiAnswer handle(const Request& request) const;

 private:
  ApiAnswer create_study(const Request& request) const;
  ApiAnswer get_study(const Request& request, const std::string& study_id) const;
  ApiAnswer get_study_by_uid(const Request& request, const std::string& uid) const;
  ApiAnswer get_user(const Request& request, const std::string& user_id) const;
  ApiAnswer route_viewer(const Request& request, const std::vector<std::string>& path,
                         const boost::urls::params_view& params) const;
  ApiAnswer study_answer(const Request& request, http::status status, const Study& study) const;
  ApiAnswer patch_study(const Request& request, const std::string& study_id) const;
  ApiAnswer list_studies(const Request& request, const boost::urls::params_view& params) const;
  ApiAnswer list_customers(const Request& request, const boost::urls::params_view& params) const;

  StudyStore& store_;
  const UserDirectory& users_;
  std::string api_key_;
};

}  // namespace gw::sim
