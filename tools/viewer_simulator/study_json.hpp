#pragma once
// The study and customer objects exactly as the viewer API returns them (viewer-api.md).
#include <boost/json/object.hpp>

#include "study.hpp"

namespace gw::sim {

/// The full study object, with the user, API-key and org objects the real API embeds.
boost::json::object to_json(const Study& study);
/// An express customer as GET /v1/express lists it.
boost::json::object to_json(const Customer& customer);

}  // namespace gw::sim
