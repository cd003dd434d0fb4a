#include "study_json.hpp"

#include <string>

namespace gw::sim {
namespace {

// The API key and org are fixed: the simulator serves one org through one key, as a
// gateway installation sees the real service.
constexpr const char* kCreatorUserId = "usr_5151515151515151515151515151510a";

// The real API expands a user id into a profile; the simulator cannot know one, so it
// derives a stable, recognisable fake from the id.
boost::json::object user_object(const std::string& user_id) {
  const std::string tag = user_id.substr(4, 8);
  return {{"userId", user_id},         {"email", "user." + tag + "@viewer-simulator.example"},
          {"firstName", "Sim"},        {"middleName", nullptr},
          {"lastName", "User " + tag}, {"suffix1", nullptr},
          {"suffix2", nullptr}};
}

boost::json::object metadata_object(const Metadata& metadata) {
  boost::json::object object;
  for (const auto& [key, value] : metadata) object[key] = value;
  return object;
}

}  // namespace

boost::json::object to_json(const Study& study) {
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
      {"createdByUser", user_object(kCreatorUserId)},
      {"createdByApiKey",
       {{"apiKeyId", "550e8400-e29b-41d4-a716-446655440000"},
        {"description", "Viewer simulator key"},
        {"isViewerEnabled", true}}},
      {"expressCustomer", nullptr},
      {"org",
       {{"orgId", "org_5151515151515151515151515151510b"}, {"orgName", "Simulated Radiology"}}},
  };
  if (study.cancelled_at) json["cancelledAt"] = *study.cancelled_at;
  if (study.assigned_to) json["assignedTo"] = user_object(*study.assigned_to);
  if (study.express_customer) {
    json["expressCustomer"] = {{"expressCustomerId", study.express_customer->id},
                               {"expressCustomerName", study.express_customer->name}};
  }
  return json;
}

boost::json::object to_json(const Customer& customer) {
  return {{"expressCustomerId", customer.id},
          {"expressCustomerName", customer.name},
          {"isActive", customer.active},
          {"userCount", customer.user_count}};
}

}  // namespace gw::sim
