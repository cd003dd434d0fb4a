// RuleSet::customer_ids: what `check-config --online` asks the viewer about.
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

TEST(CustomerIds, LiteralsTableValuesAndTheirDefaultAreListedIgnoringRulesAreNot) {
  const auto rules = testing::load_ok(R"y(
routing:
  tables:
    sites:
      CT01: cus_00000000000000000000000000000001
      CT02: cus_00000000000000000000000000000002
  rules:
    - name: by-station
      match: { Modality: CT }
      assign: { express_customer_id: "{{table:sites[StationName]|cus_00000000000000000000000000000009}}" }
    - name: phantoms
      match: { PatientName: { prefix: PHANTOM } }
      action: ignore
    - name: built
      match: { Modality: MR }
      assign: { express_customer_id: "cus_{{StationName}}" }
  default:
    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }
)y");
  const CustomerIds ids = rules->customer_ids();
  EXPECT_EQ(ids.listed, (std::set<std::string>{"cus_00000000000000000000000000000001",
                                               "cus_00000000000000000000000000000002",
                                               "cus_00000000000000000000000000000009",
                                               "cus_0123456789abcdef0123456789abcdef"}));
  EXPECT_EQ(ids.from_attributes, std::vector<std::string>{"built"});
}

TEST(CustomerIds, RulesWithoutACustomerGiveNone) {
  const auto rules = testing::load_ok(R"y(
routing:
  rules:
    - name: any
      match: { Modality: CT }
      assign: { severity: high }
)y");
  EXPECT_TRUE(rules->customer_ids().listed.empty());
  EXPECT_TRUE(rules->customer_ids().from_attributes.empty());
}

TEST(UserIds, AssigneesOfRegisteringRulesAreListedBuiltOnesNamedByRule) {
  const auto rules = testing::load_ok(R"y(
routing:
  tables:
    readers:
      CT01: usr_00000000000000000000000000000001
  rules:
    - name: by-station
      match: { Modality: CT }
      assign: { assigned_to: "{{table:readers[StationName]|usr_00000000000000000000000000000009}}" }
    - name: phantoms
      match: { PatientName: { prefix: PHANTOM } }
      action: ignore
    - name: built
      match: { Modality: MR }
      assign: { assigned_to: "usr_{{StationName}}" }
  default:
    assign: { assigned_to: usr_0123456789abcdef0123456789abcdef }
)y");
  const UserIds ids = rules->user_ids();
  EXPECT_EQ(ids.listed, (std::set<std::string>{"usr_00000000000000000000000000000001",
                                               "usr_00000000000000000000000000000009",
                                               "usr_0123456789abcdef0123456789abcdef"}));
  EXPECT_EQ(ids.from_attributes, std::vector<std::string>{"built"});
  EXPECT_TRUE(rules->customer_ids().listed.empty());
}

}  // namespace
}  // namespace gw::routing
