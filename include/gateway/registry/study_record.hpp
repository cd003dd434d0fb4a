#pragma once
// One study as the registry knows it: plain values, no SQLite.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/domain/study_lifecycle.hpp"

namespace gw::registry {

/// The lifecycle's states and times are the domain's (gateway/domain/study_lifecycle.hpp).
using domain::StudyState;
using domain::parse_study_state;
using domain::to_string;
using domain::TimestampMs;

struct StudyRecord {
  std::string study_instance_uid;
  StudyState state = StudyState::pending;
  std::string rule_name;
  std::string request_body;     // the JSON create body, fixed when the study was routed
  std::string idempotency_key;  // stable across every retry of this registration
  int attempts = 0;
  std::string last_error;       // empty when none; never holds the API key
  std::string study_id;         // "stu_…" once registered
  TimestampMs first_seen = 0;
  TimestampMs last_instance = 0;
  TimestampMs next_attempt = 0;  // when a pending study may be sent again
  TimestampMs updated = 0;
  std::int64_t instances = 0;
  std::int64_t bytes = 0;
  // A request for this study was on the wire when a gateway process died: the viewer may
  // have created it. Look it up in the viewer's list before creating it again.
  bool lookup_first = false;
  TimestampMs first_attempt = 0;  // when the first request started (0: never sent)
  std::int64_t series = 0;        // distinct SeriesInstanceUIDs among the instances
  std::string modalities;         // distinct Modality values, '\\'-joined in arrival order
  std::string facts_json;         // the facts it was routed on (receiving: the first instance's)
  std::string description;        // StudyDescription, for search and the console
  std::string accession_number;   // AccessionNumber, for search and the console
  std::string callers;            // distinct calling AE titles, '\\'-joined in arrival order
  // The fleet (node.name; one name with SQLite): which node received the study's first
  // instance, holds its claim while in_flight (until lease_until), and got the viewer's receipt.
  std::string received_by;
  std::string claimed_by;
  TimestampMs lease_until = 0;
  std::string registered_by;
};

/// One page of the console's and the CLI's study list, newest first (keyset-paged). Value type.
struct StudyQuery {
  std::optional<StudyState> state;
  std::string text;        // a substring of the UID, AccessionNumber or StudyDescription
  std::string calling_ae;  // studies that this AE title sent instances of
  std::optional<TimestampMs> since;  // first seen at or after
  std::optional<TimestampMs> until;  // first seen before
  std::size_t limit = 50;
  // The last row of the previous page: the page starts after it.
  std::optional<std::pair<TimestampMs, std::string>> after;
};
struct StudyPage {
  std::vector<StudyRecord> studies;
  bool more = false;  // another page follows the last row
};

/// One registration attempt as the history keeps it (`studies show`).
struct Attempt {
  TimestampMs at = 0;          // when the answer (or the failure) came
  std::string outcome;         // created, already_registered, transient, unauthorized, permanent
  int http_status = 0;         // 0 when no HTTP answer was read
  std::string error;           // short reason; empty on success
  std::int64_t duration_ms = 0;
};

}  // namespace gw::registry
