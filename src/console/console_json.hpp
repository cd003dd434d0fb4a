#pragma once
// The console API's JSON shapes (docs/console.md): one function per shape, no I/O. Nothing
// here writes the patient's name, IDs or birth date.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/domain/study_facts.hpp"
#include "gateway/operations/study_json.hpp"
#include "gateway/registry/study_record.hpp"
#include "gateway/routing/explanation.hpp"

namespace gw::console {

// A study and times, in the shape the command line's --json shares.
using operations::json_time;
using operations::parse_time;
using operations::attempt_json;
using operations::study_summary;

/// study_summary plus nextAttempt, updated.
boost::json::object study_details(const registry::StudyRecord& study);
/// Every attribute the gateway read, but those that identify the patient.
boost::json::object facts_json(const StudyFacts& facts);
/// Each rule's outcome: rule, line, matched, failedCondition.
boost::json::array explanation_json(const routing::Explanation& explanation);
/// The stored create body as JSON, or null when there is none (or it does not parse).
boost::json::value request_json(const std::string& body);

/// The opaque cursor after `study` ("<first_seen>_<uid>"), and back.
std::string cursor_after(const registry::StudyRecord& study);
std::optional<std::pair<registry::TimestampMs, std::string>> parse_cursor(std::string_view cursor);

}  // namespace gw::console
