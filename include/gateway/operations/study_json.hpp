#pragma once
// A study as administrators' tools show it, in one shape for `dicom-gateway studies … --json`
// and the console's API (docs/console.md, dicom-gateway(8)), and the times they read and
// accept. No I/O; nothing here writes the patient's name, IDs or birth date.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

#include "gateway/registry/study_record.hpp"

namespace gw::operations {

/// "2026-12-02T15:04:05.123Z"; null for 0 (never).
boost::json::value json_time(registry::TimestampMs ms);
/// An ISO date or time ("2026-11-01", "2026-11-01T08:00", "2026-11-01T08:00:00Z") or a
/// duration before `now` ("24h", "7d"); nullopt when it is neither. --since and ?since= alike.
std::optional<registry::TimestampMs> parse_time(std::string_view text, registry::TimestampMs now);

/// One study: UID, state, description, accession, modalities and callers (arrays), counts,
/// bytes, first/last arrival, attempts, studyId, lastError, rule.
boost::json::object study_summary(const registry::StudyRecord& study);
/// One registration attempt: at, outcome, httpStatus, durationMs, error.
boost::json::object attempt_json(const registry::Attempt& attempt);

}  // namespace gw::operations
