#include "study_validation.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>

#include "gateway/domain/registration_request.hpp"
#include "gateway/domain/severity.hpp"
#include "gateway/domain/uid.hpp"

namespace gw::sim {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::size_t kMaxMetadataPairs = 50;
constexpr std::size_t kMaxMetadataKey = 100;
constexpr std::size_t kMaxMetadataValue = 1000;

// The reference counts characters, not bytes; JSON parsing already rejected invalid UTF-8.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Checked<object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  value parsed = boost::json::parse(body, ec);
  if (ec) return Invalid{std::string("body is not valid JSON: ") + ec.message()};
  if (!parsed.is_object()) return Invalid{"body must be a JSON object"};
  return std::move(parsed.as_object());
}

// The reason for the first member not in `known`; nullopt when there is none.
std::optional<std::string> find_unknown(const object& body,
                                        std::initializer_list<std::string_view> known) {
  for (const auto& member : body) {
    if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
      return "unknown field '" + std::string(member.key()) + "'";
    }
  }
  return std::nullopt;
}

// nullptr when the field is absent.
const value* field(const object& body, std::string_view name) {
  auto it = body.find(name);
  return it == body.end() ? nullptr : &it->value();
}

Checked<std::string> as_string(const value& v, std::string_view name) {
  if (!v.is_string()) return Invalid{std::string(name) + " must be a string"};
  return std::string(v.as_string());
}

Checked<std::string> required_string(const object& body, std::string_view name) {
  const value* v = field(body, name);
  if (v == nullptr) return Invalid{std::string(name) + " is required"};
  return as_string(*v, name);
}

Checked<std::string> check_description(Checked<std::string> text) {
  if (text && text->empty()) return Invalid{"studyDescription must not be empty"};
  return text;
}

Checked<std::string> check_severity(Checked<std::string> text) {
  if (text && !gw::parse_severity(*text)) {
    return Invalid{"severity must be one of normal, high, stat"};
  }
  return text;
}

Checked<std::string> check_user_id(Checked<std::string> text) {
  if (text && !gw::is_valid_user_id(*text)) {
    return Invalid{"assignedTo must be usr_ followed by 32 hex characters"};
  }
  return text;
}

Checked<Metadata> check_metadata(const value& v) {
  if (!v.is_object()) return Invalid{"metadata must be an object of strings"};
  const object& pairs = v.as_object();
  if (pairs.size() > kMaxMetadataPairs) return Invalid{"metadata has more than 50 pairs"};
  Metadata metadata;
  for (const auto& [key, item] : pairs) {
    const std::string name(key);
    if (utf8_length(name) > kMaxMetadataKey) {
      return Invalid{"metadata key '" + name.substr(0, 20) + "…' is longer than 100 characters"};
    }
    if (!item.is_string()) return Invalid{"metadata value of '" + name + "' must be a string"};
    if (utf8_length(item.as_string()) > kMaxMetadataValue) {
      return Invalid{"metadata value of '" + name + "' is longer than 1000 characters"};
    }
    metadata.emplace(name, std::string(item.as_string()));
  }
  return metadata;
}

Checked<std::string> check_customer(Checked<std::string> id, const StudyStore& store) {
  if (!id) return id;
  if (!gw::is_valid_customer_id(*id)) {
    return Invalid{"expressCustomerId must be cus_ followed by 32 hex characters"};
  }
  const auto customer = store.find_customer(*id);
  if (!customer) return Invalid{"expressCustomerId is not a known customer"};
  if (!customer->active) return Invalid{"expressCustomerId names an inactive customer"};
  return id;
}

}  // namespace

bool is_valid_viewer_status(std::string_view status) noexcept {
  return status == "incomplete" || status == "complete";
}

Checked<NewStudy> parse_new_study(std::string_view body, const StudyStore& store) {
  auto parsed = parse_object(body);
  if (!parsed) return Invalid{parsed.error()};
  const object& o = *parsed;
  if (auto unknown = find_unknown(o, {"studyInstanceUid", "studyDescription", "severity",
                                      "assignedTo", "expressCustomerId", "metadata"})) {
    return Invalid{*unknown};
  }

  NewStudy study;
  auto uid = required_string(o, "studyInstanceUid");
  if (!uid) return Invalid{uid.error()};
  if (!gw::is_valid_uid(*uid)) {
    return Invalid{"studyInstanceUid must be a valid DICOM UID (at most 64 digits and dots)"};
  }
  study.study_instance_uid = *uid;

  auto description = check_description(required_string(o, "studyDescription"));
  if (!description) return Invalid{description.error()};
  study.study_description = *description;

  auto severity = check_severity(required_string(o, "severity"));
  if (!severity) return Invalid{severity.error()};
  study.severity = *severity;

  // Optional fields must be omitted, not null: the reference gives them no null form.
  if (const value* v = field(o, "assignedTo")) {
    auto user = check_user_id(as_string(*v, "assignedTo"));
    if (!user) return Invalid{user.error()};
    study.assigned_to = *user;
  }
  if (const value* v = field(o, "expressCustomerId")) {
    auto customer = check_customer(as_string(*v, "expressCustomerId"), store);
    if (!customer) return Invalid{customer.error()};
    study.express_customer_id = *customer;
  }
  if (const value* v = field(o, "metadata")) {
    auto metadata = check_metadata(*v);
    if (!metadata) return Invalid{metadata.error()};
    study.metadata = std::move(*metadata);
  }
  return study;
}

Checked<StudyPatch> parse_study_patch(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return Invalid{parsed.error()};
  const object& o = *parsed;
  if (auto unknown = find_unknown(
          o, {"assignedTo", "severity", "studyDescription", "metadata", "studyViewerStatus"})) {
    return Invalid{*unknown};
  }

  StudyPatch patch;
  if (const value* v = field(o, "assignedTo")) {
    if (v->is_null()) {
      patch.assigned_to.emplace(std::nullopt);  // null unassigns, as the reference allows
    } else {
      auto user = check_user_id(as_string(*v, "assignedTo"));
      if (!user) return Invalid{user.error()};
      patch.assigned_to.emplace(*user);
    }
  }
  if (const value* v = field(o, "severity")) {
    auto severity = check_severity(as_string(*v, "severity"));
    if (!severity) return Invalid{severity.error()};
    patch.severity = *severity;
  }
  if (const value* v = field(o, "studyDescription")) {
    auto description = check_description(as_string(*v, "studyDescription"));
    if (!description) return Invalid{description.error()};
    patch.study_description = *description;
  }
  if (const value* v = field(o, "metadata")) {
    auto metadata = check_metadata(*v);
    if (!metadata) return Invalid{metadata.error()};
    patch.metadata = std::move(*metadata);
  }
  if (const value* v = field(o, "studyViewerStatus")) {
    auto status = as_string(*v, "studyViewerStatus");
    if (!status) return Invalid{status.error()};
    if (!is_valid_viewer_status(*status)) {
      return Invalid{"studyViewerStatus must be incomplete or complete"};
    }
    patch.study_viewer_status = *status;
  }
  return patch;
}

}  // namespace gw::sim
