#include "assignment.hpp"

#include "text_util.hpp"
#include "viewer_limits.hpp"

namespace gw::routing {
namespace {

std::optional<std::string> expand_id(const std::optional<TemplateText>& tmpl, const FactsView& facts,
                                     const std::vector<LookupTable>& tables,
                                     bool (*valid)(std::string_view) noexcept, const char* field,
                                     std::vector<std::string>& warnings) {
  if (!tmpl) return std::nullopt;
  std::string id = tmpl->expand(facts, tables);
  if (id.empty()) return std::nullopt;  // e.g. a station missing from the table: no assignee
  if (valid(id)) return id;
  warnings.push_back(std::string(field) + " expanded to " + quoted(id) +
                     ", which is not a valid id; left unset");
  return std::nullopt;
}

}  // namespace

void Assignment::apply(const FactsView& facts, const std::vector<LookupTable>& tables,
                       const std::string& default_description, RegistrationRequest& request,
                       std::vector<std::string>& warnings) const {
  const StudyFacts& f = facts.facts();
  request.study_instance_uid = f.study_instance_uid;
  request.severity = severity;
  request.assigned_to = expand_id(assigned_to, facts, tables, &is_valid_user_id, "assigned_to", warnings);
  request.express_customer_id = expand_id(express_customer_id, facts, tables,
                                          &is_valid_customer_id, "express_customer_id", warnings);

  if (study_description) request.study_description = study_description->expand(facts, tables);
  if (request.study_description.empty()) request.study_description = f.first("StudyDescription");
  if (request.study_description.empty()) request.study_description = default_description;
  if (request.study_description.empty()) request.study_description = "DICOM study";

  for (const auto& [key, value] : metadata) {
    std::string text = value.expand(facts, tables);
    if (utf8_length(text) > max_metadata_value_chars) {
      text.resize(utf8_prefix(text, max_metadata_value_chars).size());
      warnings.push_back("metadata " + quoted(key) + " truncated to " +
                         std::to_string(max_metadata_value_chars) + " characters");
    }
    request.metadata.insert_or_assign(key, std::move(text));
  }
}

}  // namespace gw::routing
