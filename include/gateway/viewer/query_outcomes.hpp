#pragma once
// What the read calls of the Viewer API (get one study, find a study by StudyInstanceUID, get one
// user, list express customers) answer, already classified by the rules of viewer-api.md. Plain values:
// the command line and the registry read them without any network header.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gw::viewer {

/// Why a read call failed; the same table as create (outcome_classifier.hpp).
enum class FailureKind {
  transient,     // network/TLS failure, timeout, 408, 425, 429, 5xx: try again later
  unauthorized,  // 401/403: the key is wrong or revoked
  permanent,     // other 4xx, or an answer the gateway cannot read: an operator must look
};

/// The details of a failed read call. Value type; never contains the API key.
struct CallFailure {
  FailureKind kind = FailureKind::transient;
  int http_status = 0;        // 0 when no HTTP response was read
  std::string error;          // short human-readable reason; never the response body
  std::string response_body;  // truncated to 4 KiB of valid UTF-8
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After, when present
};

/// The parts of a viewer study object the gateway reads. Value type.
struct StudyRecord {
  std::string study_id;            // "stu_…"
  std::string study_instance_uid;
  std::string study_viewer_status;  // "incomplete" | "complete" (as sent; may be empty)
  bool is_cancelled = false;
  std::optional<std::chrono::system_clock::time_point> created_at;  // nullopt: absent/unreadable
};

/// How `GET {base}/viewer/studies/{studyId}` ended. Value type.
struct GetStudyOutcome {
  enum class Kind {
    found,      // study holds the viewer's record (check study.is_cancelled)
    not_found,  // 404: the viewer does not know this studyId (deleted, or never created)
    failed,     // failure says why
  };
  Kind kind = Kind::failed;
  StudyRecord study;
  CallFailure failure;
};

/// How `GET {base}/viewer/studies/by-uid/{studyInstanceUid}` ended. Value type.
struct FindStudyOutcome {
  enum class Kind {
    found,      // study holds the viewer's study with that UID
    not_found,  // 404: the viewer has no study with that UID
    failed,     // failure says why (a 2xx naming another study is permanent)
  };
  Kind kind = Kind::failed;
  StudyRecord study;
  CallFailure failure;
};

/// The parts of a viewer user object the gateway reads. Value type.
struct UserRecord {
  std::string user_id;  // "usr_…"
  std::string email;
  std::string first_name;  // may be empty: absent or null
  std::string last_name;   // may be empty: absent or null
};

/// How `GET {base}/viewer/users/{userId}` ended. Value type.
struct GetUserOutcome {
  enum class Kind {
    found,      // user holds the viewer's record
    not_found,  // 404: the viewer has no such user
    failed,     // failure says why
  };
  Kind kind = Kind::failed;
  UserRecord user;
  CallFailure failure;
};

/// One express customer (`GET {base}/express`). Value type.
struct ExpressCustomer {
  std::string id;    // "cus_…"
  std::string name;
  bool is_active = false;
};

/// How listing every express customer ended. Value type.
struct ListCustomersOutcome {
  enum class Kind {
    listed,  // customers holds every page, in the API's order
    failed,  // failure says why (401 → unauthorized: the key does not work)
  };
  Kind kind = Kind::failed;
  std::vector<ExpressCustomer> customers;
  CallFailure failure;
};

}  // namespace gw::viewer
