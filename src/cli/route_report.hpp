#pragma once
// What `dicom-gateway route` prints for a study: text for the administrator, JSON for scripts.
// Pure formatting: the command reads the files and routes; nothing here does I/O but `out`.
#include <boost/json/object.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "gateway/routing/explanation.hpp"
#include "gateway/routing/routing_decision.hpp"
#include "study_inputs.hpp"

namespace gw::app {

/// Prints, for one study:
///   study UID (N files, first: PATH)
///     rule NAME -> register|ignore
///     warning: ...                      (one per routing warning, if any)
///     skipped: RULE (line L): CONDITION  (every earlier rule's first failing condition)
///     json: {...}                       (exactly what would be sent; "(not sent: ignored)")
void print_explanation(std::ostream& out, const StudyInput& study,
                       const routing::Explanation& explanation);

/// The same as one JSON object: studyInstanceUid, files, firstFile, rule, action, skipped
/// [{rule, line, failedCondition}], warnings, request (the body that would be sent, or null).
boost::json::object explanation_to_json(const StudyInput& study,
                                        const routing::Explanation& explanation);

/// What differs between two decisions for one study: "rule", "action", then the create body's
/// field names ("studyDescription", "severity", "assignedTo", "expressCustomerId",
/// "metadata"). Empty when both would do exactly the same.
std::vector<std::string> decision_differences(const routing::RoutingDecision& config,
                                              const routing::RoutingDecision& against);

/// Prints both decisions for one study, one under the other:
///   study UID (N files, first: PATH)
///     differs: rule, severity
///     --config:  rule NAME -> ACTION
///                json: {...}
///     --against: rule NAME -> ACTION
///                json: {...}
void print_comparison(std::ostream& out, const StudyInput& study,
                      const routing::RoutingDecision& config,
                      const routing::RoutingDecision& against,
                      const std::vector<std::string>& differences);

/// The same as one JSON object: studyInstanceUid, files, firstFile, differs, and config and
/// against, each {rule, action, request}.
boost::json::object comparison_to_json(const StudyInput& study,
                                       const routing::RoutingDecision& config,
                                       const routing::RoutingDecision& against,
                                       const std::vector<std::string>& differences);

}  // namespace gw::app
