#pragma once
// The study, customer and user objects exactly as the viewer API returns them (viewer-api.md).
#include <boost/json/object.hpp>

#include "study.hpp"
#include "user_directory.hpp"

namespace gw::sim {

/// The full study object, with the user, API-key and org objects the real API embeds; a known
/// assignee is described from `users`, an unknown one with a stable fake profile.
boost::json::object to_json(const Study& study, const UserDirectory& users);
/// An express customer as GET /v1/express lists it.
boost::json::object to_json(const Customer& customer);
/// A user as GET /v1/viewer/users/{userId} returns it.
boost::json::object to_json(const User& user);

}  // namespace gw::sim
