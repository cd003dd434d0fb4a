#include "http_credentials.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace gw::console {
namespace {

using namespace std::chrono_literals;

// ---- Authorization: Basic ------------------------------------------------------------------

struct BasicCase {
  std::string name;
  std::string header;
  std::optional<std::string> user;  // nullopt: refused
  std::string password;
  // Names the case in ctest's list instead of dumping the struct's bytes.
  friend void PrintTo(const BasicCase& c, std::ostream* out) { *out << c.name; }
};

class BasicAuthorization : public ::testing::TestWithParam<BasicCase> {};

TEST_P(BasicAuthorization, ParsesOnlyWellFormedBasicCredentials) {
  const auto& c = GetParam();
  const auto parsed = parse_basic_authorization(c.header);
  if (!c.user) {
    EXPECT_FALSE(parsed.has_value()) << c.header;
    return;
  }
  ASSERT_TRUE(parsed.has_value()) << c.header;
  EXPECT_EQ(parsed->user, *c.user);
  EXPECT_EQ(parsed->password, c.password);
}

// base64("alice:s3cret") = YWxpY2U6czNjcmV0
INSTANTIATE_TEST_SUITE_P(
    Table, BasicAuthorization,
    ::testing::Values(
        BasicCase{"good", "Basic YWxpY2U6czNjcmV0", "alice", "s3cret"},
        BasicCase{"scheme_in_any_case", "bAsIc YWxpY2U6czNjcmV0", "alice", "s3cret"},
        BasicCase{"blanks_around", "  Basic \t YWxpY2U6czNjcmV0  ", "alice", "s3cret"},
        BasicCase{"colon_in_password", "Basic YWxpY2U6YTpiOmM=", "alice", "a:b:c"},  // alice:a:b:c
        BasicCase{"empty_password", "Basic YWxpY2U6", "alice", ""},                  // alice:
        BasicCase{"utf8_user", "Basic w6lsw6huZTpwdw==", "\xc3\xa9l\xc3\xa8ne", "pw"},  // élène:pw
        BasicCase{"wrong_scheme", "Bearer YWxpY2U6czNjcmV0", std::nullopt, ""},
        BasicCase{"scheme_prefix_only", "BasicYWxpY2U6czNjcmV0", std::nullopt, ""},
        BasicCase{"scheme_without_credentials", "Basic", std::nullopt, ""},
        BasicCase{"scheme_and_blank", "Basic   ", std::nullopt, ""},
        BasicCase{"bad_base64", "Basic YWxp*2U6czNjcmV0", std::nullopt, ""},
        BasicCase{"url_safe_alphabet", "Basic YWxpY2U6Pz8-", std::nullopt, ""},
        BasicCase{"two_tokens", "Basic YWxp Y2U6czNjcmV0", std::nullopt, ""},
        BasicCase{"no_colon", "Basic YWxpY2U=", std::nullopt, ""},               // alice
        BasicCase{"empty_user", "Basic OnB3", std::nullopt, ""},                 // :pw
        BasicCase{"control_character", "Basic YWxpY2U6cHcK", std::nullopt, ""},  // alice:pw\n
        BasicCase{"empty_header", "", std::nullopt, ""}),
    [](const auto& info) { return info.param.name; });

// ---- Cookie ----------------------------------------------------------------------------------

struct CookieCase {
  std::string name;
  std::string header;
  std::string cookie;
  std::optional<std::string> value;
  friend void PrintTo(const CookieCase& c, std::ostream* out) { *out << c.name; }
};

class CookieValue : public ::testing::TestWithParam<CookieCase> {};

TEST_P(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value(GetParam().header, GetParam().cookie), GetParam().value)
      << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CookieValue,
    ::testing::Values(
        CookieCase{"only", "gw_session=abc", "gw_session", "abc"},
        CookieCase{"among_several", "theme=dark; gw_session=abc; lang=en", "gw_session", "abc"},
        CookieCase{"extra_spaces", "  theme=dark ;   gw_session = abc  ;lang=en", "gw_session",
                   "abc"},
        CookieCase{"no_space_after_semicolon", "a=1;gw_session=abc;b=2", "gw_session", "abc"},
        CookieCase{"first_of_two", "gw_session=one; gw_session=two", "gw_session", "one"},
        CookieCase{"quoted", "gw_session=\"abc\"", "gw_session", "abc"},
        CookieCase{"empty_value", "gw_session=; a=1", "gw_session", ""},
        CookieCase{"value_with_equals", "gw_session=a=b", "gw_session", "a=b"},
        CookieCase{"absent", "theme=dark; lang=en", "gw_session", std::nullopt},
        CookieCase{"name_is_a_suffix", "old_gw_session=abc", "gw_session", std::nullopt},
        CookieCase{"name_is_a_prefix", "gw_session_old=abc", "gw_session", std::nullopt},
        CookieCase{"case_sensitive", "GW_SESSION=abc", "gw_session", std::nullopt},
        CookieCase{"pair_without_equals", "gw_session; a=1", "gw_session", std::nullopt},
        CookieCase{"empty_header", "", "gw_session", std::nullopt},
        CookieCase{"empty_name_never_matches", "=abc", "", std::nullopt}),
    [](const auto& info) { return info.param.name; });

// ---- Set-Cookie ------------------------------------------------------------------------------

TEST(SessionCookie, CarriesTheTokenWithStrictAttributesAndMaxAge) {
  EXPECT_EQ(session_cookie("gw_session", "tok", 1800s, false),
            "gw_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=1800");
}

TEST(SessionCookie, IsMarkedSecureWhenServedOverTls) {
  EXPECT_EQ(session_cookie("__Host-gw_session", "tok", 60s, true),
            "__Host-gw_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
}

TEST(SessionCookie, ANegativeMaxAgeIsSentAsZero) {
  EXPECT_EQ(session_cookie("s", "t", -5s, false),
            "s=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST(ExpiredCookie, ClearsTheValueWithMaxAgeZero) {
  EXPECT_EQ(expired_cookie("gw_session", false),
            "gw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(expired_cookie("gw_session", true),
            "gw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

}  // namespace
}  // namespace gw::console
