#pragma once
// What the `studies` commands share: times as administrators read them in text and --since.
// A study's JSON is operations::study_summary, the console's shape too (dicom-gateway(8)).
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "gateway/registry/study_record.hpp"

namespace gw::app {

/// ISO 8601 in UTC (2026-11-01T08:00:00Z); "-" for 0 (never).
std::string iso_time(registry::TimestampMs ms);
/// A date (2026-11-01, 2026-11-01T08:00:00Z) or a duration ago (24h); nullopt when neither.
std::optional<registry::TimestampMs> parse_since(const std::string& text);
/// The usage message for a --since that parse_since refused.
inline constexpr const char* kSinceUsage =
    "--since takes a date (2026-11-01, 2026-11-01T08:00:00Z) or a duration (24h)";
/// An empty field as "-", so that a TSV line never has an empty column a reader could miss,
/// and with tabs and newlines turned into spaces, so that it stays one field on one line.
std::string tsv_field(const std::string& text);

}  // namespace gw::app
