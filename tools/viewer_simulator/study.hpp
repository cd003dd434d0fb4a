#pragma once
// Plain values the simulator keeps: studies, express customers and users, shaped as viewer-api.md
// describes them. No Boost here, so the store and its tests need no JSON.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gw::sim {

/// An express customer (GET /v1/express). Value type.
struct Customer {
  std::string id;  // cus_ + 32 hex
  std::string name;
  bool active = true;
  int user_count = 0;
};

/// A viewer user (GET /v1/viewer/users/{userId}; embedded as assignedTo). Value type.
struct User {
  std::string id;  // usr_ + 32 hex
  std::string email;
  std::string first_name, last_name;
  std::string level = "member";  // owner | admin | member
  std::string clinic_role = "Radiologist";
};

using Metadata = std::map<std::string, std::string>;

/// A validated create body. Value type.
struct NewStudy {
  std::string study_instance_uid;
  std::string study_description;
  std::string severity;                            // normal | high | stat
  std::optional<std::string> assigned_to;          // usr_ + 32 hex
  std::optional<std::string> express_customer_id;  // cus_ + 32 hex, a known active customer
  Metadata metadata;
};

/// A validated PATCH body: every member that is set replaces the stored one. Value type.
struct StudyPatch {
  std::optional<std::optional<std::string>> assigned_to;  // set to nullopt: unassign
  std::optional<std::string> severity;
  std::optional<std::string> study_description;
  std::optional<Metadata> metadata;
  std::optional<std::string> study_viewer_status;  // incomplete | complete
};

/// A stored study. Value type; the store hands out copies.
struct Study {
  std::uint64_t sequence = 0;  // creation order; the list is newest first (the vendor documents
                               // no order, and the gateway relies on none)
  std::string id;              // stu_ + 32 hex
  std::string study_instance_uid;
  std::string study_description;
  std::string severity;
  std::optional<std::string> assigned_to;
  std::optional<Customer> express_customer;  // a copy taken at creation
  Metadata metadata;
  std::string study_viewer_status = "incomplete";
  bool is_cancelled = false;
  std::optional<std::string> cancelled_at;
  std::string created_at, updated_at;  // ISO 8601 UTC
};

/// The filters of GET /v1/viewer/studies; unset members match everything. Value type.
struct StudyFilter {
  std::optional<std::string> assigned_to;
  std::optional<std::string> severity;
  std::optional<std::string> study_viewer_status;
  std::optional<bool> is_cancelled;
  std::optional<std::string> description_contains;
};

}  // namespace gw::sim
