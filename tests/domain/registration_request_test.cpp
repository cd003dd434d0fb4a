#include <gtest/gtest.h>

#include "gateway/domain/registration_request.hpp"
#include "gateway/domain/severity.hpp"

TEST(UserAndCustomerIds, AcceptThePrefixFollowedByThirtyTwoHexDigits) {
  EXPECT_TRUE(gw::is_valid_user_id("usr_0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(gw::is_valid_customer_id("cus_0123456789ABCDEF0123456789abcdef"));
}

TEST(UserAndCustomerIds, RejectWrongPrefixLengthOrDigits) {
  EXPECT_FALSE(gw::is_valid_user_id("cus_0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(gw::is_valid_user_id("usr_0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(gw::is_valid_user_id("usr_0123456789abcdef0123456789abcdeg"));
  EXPECT_FALSE(gw::is_valid_customer_id("cus_"));
}

TEST(Severity, RoundTripsTheThreeApiNamesAndRejectsOthers) {
  for (auto s : {gw::Severity::normal, gw::Severity::high, gw::Severity::stat}) {
    EXPECT_EQ(gw::parse_severity(gw::to_string(s)), s);
  }
  EXPECT_FALSE(gw::parse_severity("urgent"));
  EXPECT_FALSE(gw::parse_severity("HIGH"));
}
