// registration.trigger: study_stable. What the user sees: one registration per study, sent
// once no instance has arrived for stable_after, whose rules saw every instance received.
#include <gtest/gtest.h>

#include <thread>

#include "dicom_files.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

const std::string kStudy = "1.2.826.0.1.3680043.10.543.800.1";

std::string stable_routing() {
  return "routing:\n"
         "  rules:\n"
         "    - name: with-presentation-states\n"
         "      match: { ModalitiesInStudy: PR }\n"
         "      assign:\n"
         "        express_customer_id: " + kCustomer + "\n"
         "        metadata:\n"
         "          instances: \"{{NumberOfStudyRelatedInstances}}\"\n"
         "          modalities: \"{{ModalitiesInStudy}}\"\n"
         "  default:\n"
         "    assign: { express_customer_id: " + kOtherCustomer + " }\n";
}

TEST(StudyStable, AStudyIsRegisteredOnceAfterItsQuietPeriodWithEveryAssociationsInstances) {
  GatewayHarness harness;
  harness.set_routing_yaml(stable_routing());
  harness.start_gateway("registration: { trigger: study_stable, stable_after: 2s }\n");
  const std::string mr = (harness.dir() / "mr.dcm").string();
  const std::string pr = (harness.dir() / "pr.dcm").string();
  const std::string mr2 = (harness.dir() / "mr2.dcm").string();
  write_instance(mr, {kStudy, kStudy + ".1.1", "MR", "Knee"});
  write_instance(mr2, {kStudy, kStudy + ".1.2", "MR", "Knee"});
  write_instance(pr, {kStudy, kStudy + ".1.3", "PR", "Knee"});

  // Three instances over two associations, the second association half a second later.
  ASSERT_TRUE(send_files(harness.sender(), {mr, mr2}).associated);
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(send_files(harness.sender(), {pr}).associated);
  EXPECT_TRUE(harness.creates().empty()) << "nothing is sent while the study is arriving";

  ASSERT_TRUE(harness.wait_for_registrations(1, 20s)) << harness.gateway().output();
  std::this_thread::sleep_for(500ms);
  const auto bodies = harness.create_bodies();
  ASSERT_EQ(bodies.size(), 1u) << "one registration for the study";
  const auto& metadata = bodies[0].at("metadata").as_object();
  EXPECT_EQ(metadata.at("instances").as_string(), "3");
  EXPECT_EQ(metadata.at("modalities").as_string(), "MR\\PR");
  EXPECT_EQ(bodies[0].at("expressCustomerId").as_string(), kCustomer)
      << "the rule saw the modality of the second association";

  std::string shown;
  run_command(kGatewayBinary, {"studies", "show", kStudy, "--config", harness.config_path()}, shown);
  EXPECT_NE(shown.find("instances        3"), std::string::npos) << shown;
  EXPECT_NE(shown.find("series           1"), std::string::npos) << shown;
  EXPECT_NE(shown.find("modalities       MR\\PR"), std::string::npos) << shown;
}

TEST(StudyStable, AStudyStillArrivingIsListedAsReceiving) {
  GatewayHarness harness;
  harness.start_gateway("registration: { trigger: study_stable, stable_after: 1h }\n");
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  std::string listed;
  run_command(kGatewayBinary, {"studies", "list", "--state", "receiving", "--config", harness.config_path()},
              listed);
  EXPECT_NE(listed.find("1.2.826.0.1.3680043.10.543.3\treceiving"), std::string::npos) << listed;
}

}  // namespace
}  // namespace gw::test
