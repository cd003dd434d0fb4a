#include "list_format.hpp"

#include <boost/json.hpp>

#include "gateway/domain/registration_request.hpp"
#include "gateway/viewer/wire_format.hpp"
#include "iso8601.hpp"

namespace gw::viewer::detail {
namespace {

namespace json = boost::json;

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return std::nullopt;
  return value;
}

const json::string* string_field(const json::object& object, std::string_view name) {
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

bool bool_field(const json::object& object, std::string_view name, bool fallback) {
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

std::optional<StudyRecord> study_from(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  const json::object& object = value.get_object();
  const json::string* id = string_field(object, "studyId");
  if (id == nullptr || !is_study_id(*id)) return std::nullopt;
  const json::string* uid = string_field(object, "studyInstanceUid");
  if (uid == nullptr) return std::nullopt;

  StudyRecord study;
  study.study_id = std::string(*id);
  study.study_instance_uid = std::string(*uid);
  if (const json::string* status = string_field(object, "studyViewerStatus"))
    study.study_viewer_status = std::string(*status);
  study.is_cancelled = bool_field(object, "isCancelled", false);
  if (const json::string* created = string_field(object, "createdAt"))
    study.created_at = parse_iso8601(*created);
  return study;
}

std::optional<ExpressCustomer> customer_from(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  const json::object& object = value.get_object();
  const json::string* id = string_field(object, "expressCustomerId");
  if (id == nullptr || id->empty()) return std::nullopt;
  ExpressCustomer customer;
  customer.id = std::string(*id);
  if (const json::string* name = string_field(object, "expressCustomerName"))
    customer.name = std::string(*name);
  customer.is_active = bool_field(object, "isActive", false);
  return customer;
}

std::optional<UserRecord> user_from(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  const json::object& object = value.get_object();
  const json::string* id = string_field(object, "userId");
  if (id == nullptr || !gw::is_valid_user_id(*id)) return std::nullopt;
  const json::string* email = string_field(object, "email");
  if (email == nullptr) return std::nullopt;
  UserRecord user;
  user.user_id = std::string(*id);
  user.email = std::string(*email);
  if (const json::string* first = string_field(object, "firstName"))
    user.first_name = std::string(*first);
  if (const json::string* last = string_field(object, "lastName")) user.last_name = std::string(*last);
  return user;
}

// Each list names its array differently ("studies", "expressCustomers", "users"); there is no
// "data" key.
template <class Item, class Read>
std::optional<Page<Item>> parse_page(std::string_view body, std::string_view items_key, Read read) {
  const auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const json::object& object = parsed->get_object();
  const json::value* items = object.if_contains(items_key);
  const json::value* has_more = object.if_contains("hasMore");
  if (items == nullptr || !items->is_array() || has_more == nullptr || !has_more->is_bool())
    return std::nullopt;

  Page<Item> page;
  for (const json::value& item : items->get_array()) {
    auto read_item = read(item);
    if (!read_item) return std::nullopt;
    page.items.push_back(std::move(*read_item));
  }
  page.has_more = has_more->get_bool();
  if (const json::string* cursor = string_field(object, "cursor")) page.cursor = std::string(*cursor);
  if (page.has_more && page.cursor.empty()) return std::nullopt;
  return page;
}

}  // namespace

std::optional<StudyRecord> parse_study(std::string_view body) {
  const auto parsed = parse_json(body);
  if (!parsed) return std::nullopt;
  return study_from(*parsed);
}

std::optional<UserRecord> parse_user(std::string_view body) {
  const auto parsed = parse_json(body);
  if (!parsed) return std::nullopt;
  return user_from(*parsed);
}

std::optional<StudyPage> parse_study_page(std::string_view body) {
  return parse_page<StudyRecord>(body, "studies", study_from);
}

std::optional<CustomerPage> parse_customer_page(std::string_view body) {
  return parse_page<ExpressCustomer>(body, "expressCustomers", customer_from);
}

}  // namespace gw::viewer::detail
