#pragma once
// What the read calls of the Viewer API (get one study, find a study by StudyInstanceUID, list
// express customers) answer, already classified by the rules of viewer-api.md. Plain values:
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
  std::string error;          // short human-readable reason
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

/// How a search of the study list for one StudyInstanceUID ended. Value type.
struct FindStudyOutcome {
  enum class Kind {
    found,       // study holds the newest study with that UID
    not_found,   // walked back to the time bound (or the end of the list) without a match
    incomplete,  // the page budget ran out first: the study may exist; failure.error says so
    failed,      // a page could not be fetched or read; failure says why
  };
  Kind kind = Kind::failed;
  StudyRecord study;
  unsigned pages_read = 0;  // pages fetched and parsed
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
