#include "study_json.hpp"

#include <string>

namespace gw::sim {
namespace {

// The API key and org are fixed: the simulator serves one org through one key, as a
// gateway installation sees the real service.
constexpr const char* kApiKeyId = "550e8400-e29b-41d4-a716-446655440000";
constexpr const char* kSeedTime = "2024-01-15T09:00:00Z";

// A user reference (assignedTo, createdByUser): the reference requires only email and userId.
boost::json::object user_reference(const User& user) {
  return {{"email", user.email},         {"userId", user.id},    {"firstName", user.first_name},
          {"lastName", user.last_name},  {"middleName", nullptr}, {"suffix1", nullptr},
          {"suffix2", nullptr}};
}

// The real API knows every user it accepts; the simulator accepts any well-formed id and, for
// one it was not told about, derives a stable, recognisable profile from the id.
User user_for(const std::string& user_id, const UserDirectory& users) {
  if (auto known = users.find(user_id)) return *known;
  const std::string tag = user_id.substr(4, 8);
  return {user_id, "user." + tag + "@viewer-simulator.example", "Sim", "User " + tag};
}

boost::json::object metadata_object(const Metadata& metadata) {
  boost::json::object object;
  for (const auto& [key, value] : metadata) object[key] = value;
  return object;
}

}  // namespace

boost::json::object to_json(const Study& study, const UserDirectory& users) {
  boost::json::object json{
      {"studyId", study.id},
      {"studyInstanceUid", study.study_instance_uid},
      {"studyDescription", study.study_description},
      {"severity", study.severity},
      {"metadata", metadata_object(study.metadata)},
      {"studyViewerStatus", study.study_viewer_status},
      {"isCancelled", study.is_cancelled},
      {"cancelledAt", nullptr},
      {"createdAt", study.created_at},
      {"updatedAt", study.updated_at},
      {"assignedTo", nullptr},
      {"createdByUser", user_reference(user_for(std::string(kCreatorUserId), users))},
      {"createdByApiKey",
       {{"apiKeyId", kApiKeyId}, {"description", "Viewer simulator key"}, {"isViewerEnabled", true}}},
      {"expressCustomer", nullptr},
      {"org",
       {{"orgId", "org_5151515151515151515151515151510b"}, {"orgName", "Simulated Radiology"}}},
  };
  if (study.cancelled_at) json["cancelledAt"] = *study.cancelled_at;
  if (study.assigned_to) json["assignedTo"] = user_reference(user_for(*study.assigned_to, users));
  if (study.express_customer) {
    json["expressCustomer"] = {{"expressCustomerId", study.express_customer->id},
                               {"expressCustomerName", study.express_customer->name}};
  }
  return json;
}

boost::json::object to_json(const Customer& customer) {
  // createdByUserId is left out: the reference makes it optional, and these were made by key.
  return {{"createdAt", kSeedTime},
          {"expressCustomerId", customer.id},
          {"expressCustomerName", customer.name},
          {"isActive", customer.active},
          {"updatedAt", kSeedTime},
          {"userCount", customer.user_count},
          {"createdByApiKeyId", kApiKeyId},
          {"metadata", boost::json::object{}}};
}

boost::json::object to_json(const User& user) {
  return {{"canManageStudies", true},
          {"clinicRole", user.clinic_role},
          {"createdAt", kSeedTime},
          {"email", user.email},
          {"firstName", user.first_name},
          {"hasDashboardAccess", user.level != "member"},
          {"invitedSource", "api"},
          {"lastLoginAt", nullptr},
          {"lastName", user.last_name},
          {"level", user.level},
          {"userId", user.id}};
}

}  // namespace gw::sim
