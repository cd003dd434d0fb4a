#include <gtest/gtest.h>

#include "gateway/domain/uid.hpp"

namespace {

struct UidCase {
  const char* uid;
  bool valid;
  const char* why;
};

class UidValidation : public testing::TestWithParam<UidCase> {};

TEST_P(UidValidation, FollowsPs35Section91) {
  const UidCase& c = GetParam();
  EXPECT_EQ(gw::is_valid_uid(c.uid), c.valid) << c.uid << ": " << c.why;
}

INSTANTIATE_TEST_SUITE_P(
    Table, UidValidation,
    testing::Values(
        UidCase{"1.2.840.10008.1.1", true, "a standard UID"},
        UidCase{"1.2.840.113619.2.55.3.604688119.868.1234567890.123", true, "the API example"},
        UidCase{"0", true, "a single zero component is allowed"},
        UidCase{"1.0.2", true, "a zero component is allowed"},
        UidCase{"", false, "empty"},
        UidCase{"1..2", false, "empty component"},
        UidCase{".1.2", false, "leading dot"},
        UidCase{"1.2.", false, "trailing dot"},
        UidCase{"1.02", false, "leading zero in a multi-digit component"},
        UidCase{"1.2a", false, "a letter"},
        UidCase{"1.2 ", false, "padding must be trimmed before validation"},
        UidCase{"..", false, "a path component never passes"},
        UidCase{"1/2", false, "a slash never passes"},
        UidCase{"1.23456789012345678901234567890123456789012345678901234567890123", true,
                "exactly 64 characters"},
        UidCase{"1.234567890123456789012345678901234567890123456789012345678901234", false,
                "65 characters"}));

}  // namespace
