#pragma once
// A compiled `assign:` block: fills a RegistrationRequest from a study's facts.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/domain/registration_request.hpp"
#include "gateway/domain/severity.hpp"
#include "template_text.hpp"

namespace gw::routing {

/// Immutable after compilation; `apply` is const and thread-safe.
struct Assignment {
  std::optional<TemplateText> assigned_to;
  std::optional<TemplateText> express_customer_id;
  std::optional<TemplateText> study_description;
  Severity severity = Severity::normal;
  std::vector<std::pair<std::string, TemplateText>> metadata;

  /// Builds the request: ids validated after expansion (invalid ones dropped with a warning),
  /// the description never empty, metadata values truncated to the viewer's 1000 characters.
  void apply(const FactsView& facts, const std::vector<LookupTable>& tables,
             const std::string& default_description, RegistrationRequest& request,
             std::vector<std::string>& warnings) const;
};

}  // namespace gw::routing
