#include "simulator_fixture.hpp"

#include <boost/json/serialize.hpp>

namespace gw::sim::test {

boost::json::object SimulatorTest::valid_study() {
  return {{"studyInstanceUid", "1.2.840.113619.2.55.3.604688119.868.1234567890.123"},
          {"studyDescription", "CT Chest/Abdomen/Pelvis"},
          {"severity", "high"},
          {"assignedTo", "usr_1234567890abcdef1234567890abcdef"},
          {"expressCustomerId", "cus_0123456789abcdef0123456789abcdef"},
          {"metadata", {{"department", "radiology"}, {"priority", "urgent"}}}};
}

Exchange SimulatorTest::post_study(const boost::json::object& body,
                                   const std::string& idempotency_key) {
  Request request =
      make_request(http::verb::post, "/v1/viewer/studies", boost::json::serialize(body));
  if (!idempotency_key.empty()) request.set("Idempotency-Key", idempotency_key);
  return client().send(std::move(request));
}

Exchange SimulatorTest::get(const std::string& target) {
  return client().send(make_request(http::verb::get, target));
}

}  // namespace gw::sim::test
