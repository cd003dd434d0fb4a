#include "password_hash.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "test_hashes.hpp"

namespace gw::console {
namespace {

using test::make_hash;

// ---- verify_password with real hashes of each strong method -------------------------------

class VerifyPassword : public ::testing::TestWithParam<const char*> {};

TEST_P(VerifyPassword, AcceptsTheRightPasswordAndRefusesAWrongOne) {
  const std::string hash = make_hash(GetParam(), "correct horse");
  ASSERT_TRUE(is_accepted_hash(hash)) << hash;
  EXPECT_TRUE(verify_password("correct horse", hash));
  EXPECT_FALSE(verify_password("correct horsf", hash));
  EXPECT_FALSE(verify_password("", hash));
  EXPECT_FALSE(verify_password("correct horse ", hash));
}

INSTANTIATE_TEST_SUITE_P(Methods, VerifyPassword, ::testing::Values("$y$", "$6$", "$2b$", "$5$"),
                         [](const auto& info) {
                           const std::string prefix = info.param;
                           if (prefix == "$y$") return std::string("yescrypt");
                           if (prefix == "$6$") return std::string("sha512crypt");
                           if (prefix == "$2b$") return std::string("bcrypt");
                           return std::string("sha256crypt");
                         });

TEST(VerifyPasswordLimits, APasswordWithANulByteNeverMatchesEvenIfItsPrefixWould) {
  const std::string hash = make_hash("$6$", "abc");
  EXPECT_FALSE(verify_password(std::string_view("abc\0def", 7), hash));
}

TEST(VerifyPasswordLimits, AnOverlongPasswordNeverMatchesThoughBcryptReadsOnly72Bytes) {
  const std::string long_password(5000, 'a');
  const std::string hash = make_hash("$2b$", long_password.substr(0, 72));
  EXPECT_TRUE(verify_password(long_password.substr(0, 511), hash));  // bcrypt's own truncation
  EXPECT_FALSE(verify_password(long_password.substr(0, 512), hash));
  EXPECT_FALSE(verify_password(long_password, hash));
}

TEST(VerifyPasswordLimits, AWeakHashNeverVerifiesEvenWithItsPassword) {
  const std::string md5 = make_hash("$1$", "secret");
  EXPECT_FALSE(verify_password("secret", md5));
}

// ---- is_accepted_hash ----------------------------------------------------------------------

struct HashCase {
  std::string name;
  std::string hash;
  bool accepted;
  // Names the case in ctest's list instead of dumping the struct's bytes.
  friend void PrintTo(const HashCase& c, std::ostream* out) { *out << c.name; }
};

class AcceptedHash : public ::testing::TestWithParam<HashCase> {};

TEST_P(AcceptedHash, AcceptsOnlyCompleteHashesOfStrongMethods) {
  EXPECT_EQ(is_accepted_hash(GetParam().hash), GetParam().accepted) << GetParam().hash;
}

std::vector<HashCase> hash_cases() {
  const std::string yescrypt = make_hash("$y$", "pw");
  return {
      {"yescrypt", yescrypt, true},
      {"gost_yescrypt", make_hash("$gy$", "pw"), true},
      {"scrypt", make_hash("$7$", "pw"), true},
      {"bcrypt_2b", make_hash("$2b$", "pw"), true},
      {"bcrypt_2y", make_hash("$2y$", "pw"), true},
      {"sha512crypt", make_hash("$6$", "pw"), true},
      {"sha512crypt_with_rounds", test::hash_with_setting("$6$rounds=5000$saltsalt", "pw"), true},
      {"sha256crypt", make_hash("$5$", "pw"), true},
      {"md5crypt", make_hash("$1$", "pw"), false},
      {"des", "abiQ6Ep3EYTHc", false},
      {"bsdi_des", "_J9..5NhqdWeLV/nk7f.", false},
      {"empty", "", false},
      {"locked_star", "*", false},
      {"locked_bang", "!" + yescrypt, false},
      {"star_prefixed", "*" + yescrypt, false},
      {"setting_without_hash", "$6$saltsalt", false},
      {"bare_prefix", "$y$", false},
      {"truncated", yescrypt.substr(0, yescrypt.size() - 1), false},
      {"trailing_newline", yescrypt + "\n", false},
      {"blank_inside", "$6$sa lt$" + std::string(86, 'a'), false},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, AcceptedHash, ::testing::ValuesIn(hash_cases()),
                         [](const auto& info) { return info.param.name; });

// ---- resolve_hash --------------------------------------------------------------------------

class ResolveHash : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("console_auth_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    if (const char* previous = std::getenv("CREDENTIALS_DIRECTORY")) saved_ = previous;
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("CREDENTIALS_DIRECTORY", saved_->c_str(), 1);
    } else {
      ::unsetenv("CREDENTIALS_DIRECTORY");
    }
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path) << content;
    return path;
  }

  std::filesystem::path dir_;
  std::optional<std::string> saved_;
  const std::string hash_ = make_hash("$y$", "pw");
};

TEST_F(ResolveHash, ReturnsAnInlineHash) {
  config::ConsoleUser user{"alice", config::ConsoleRole::viewer, hash_, "", ""};
  const auto resolved = resolve_hash(user, nullptr);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, hash_);
}

TEST_F(ResolveHash, ReadsTheFirstLineOfAHashFileWithoutItsLineEnd) {
  const auto file = write("alice.hash", hash_ + "\r\nsecond line is ignored\n");
  config::ConsoleUser user{"alice", config::ConsoleRole::viewer, "", file.string(), ""};
  const auto resolved = resolve_hash(user);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, hash_);
}

TEST_F(ResolveHash, ReadsASystemdCredentialFromTheCredentialsDirectory) {
  write("console-bob", hash_ + "\n");
  ::setenv("CREDENTIALS_DIRECTORY", dir_.c_str(), 1);
  config::ConsoleUser user{"bob", config::ConsoleRole::operator_, "", "", "console-bob"};
  const auto resolved = resolve_hash(user);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(*resolved, hash_);
}

TEST_F(ResolveHash, ACredentialWithoutCredentialsDirectoryIsAnErrorNamingTheUser) {
  ::unsetenv("CREDENTIALS_DIRECTORY");
  config::ConsoleUser user{"bob", config::ConsoleRole::operator_, "", "", "console-bob"};
  const auto resolved = resolve_hash(user);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("'bob'"), std::string::npos);
  EXPECT_NE(resolved.error().message.find("CREDENTIALS_DIRECTORY"), std::string::npos);
}

TEST_F(ResolveHash, AMissingCredentialFileIsAnErrorNamingTheUserAndTheFile) {
  config::ConsoleUser user{"bob", config::ConsoleRole::operator_, "", "", "absent"};
  const auto resolved = resolve_hash(user, dir_.c_str());
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("'bob'"), std::string::npos);
  EXPECT_NE(resolved.error().message.find((dir_ / "absent").string()), std::string::npos);
}

TEST_F(ResolveHash, ACredentialNameThatIsAPathIsRefused) {
  write("inner", hash_);
  config::ConsoleUser user{"bob", config::ConsoleRole::viewer, "", "", "../x/inner"};
  EXPECT_FALSE(resolve_hash(user, dir_.c_str()).has_value());
}

TEST_F(ResolveHash, AMissingHashFileIsAnErrorNamingTheUserAndTheFile) {
  const auto file = dir_ / "nope.hash";
  config::ConsoleUser user{"carol", config::ConsoleRole::viewer, "", file.string(), ""};
  const auto resolved = resolve_hash(user, nullptr);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("'carol'"), std::string::npos);
  EXPECT_NE(resolved.error().message.find(file.string()), std::string::npos);
}

TEST_F(ResolveHash, AWeakHashInAFileIsRefusedAndTheErrorNeverShowsTheHash) {
  const std::string md5 = make_hash("$1$", "pw");
  const auto file = write("weak.hash", md5 + "\n");
  config::ConsoleUser user{"dave", config::ConsoleRole::viewer, "", file.string(), ""};
  const auto resolved = resolve_hash(user, nullptr);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("'dave'"), std::string::npos);
  EXPECT_NE(resolved.error().message.find(file.string()), std::string::npos);
  EXPECT_EQ(resolved.error().message.find(md5), std::string::npos);
  EXPECT_EQ(resolved.error().message.find(md5.substr(md5.rfind('$') + 1)), std::string::npos);
}

TEST_F(ResolveHash, AWeakInlineHashIsRefusedWithoutShowingIt) {
  config::ConsoleUser user{"erin", config::ConsoleRole::viewer, "abiQ6Ep3EYTHc", "", ""};
  const auto resolved = resolve_hash(user, nullptr);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("'erin'"), std::string::npos);
  EXPECT_EQ(resolved.error().message.find("abiQ6Ep3EYTHc"), std::string::npos);
}

TEST_F(ResolveHash, NoSourceOrTwoSourcesIsAnError) {
  config::ConsoleUser none{"frank", config::ConsoleRole::viewer, "", "", ""};
  config::ConsoleUser two{"frank", config::ConsoleRole::viewer, hash_, "/etc/hash", ""};
  EXPECT_FALSE(resolve_hash(none, nullptr).has_value());
  EXPECT_FALSE(resolve_hash(two, nullptr).has_value());
}

TEST_F(ResolveHash, ValueThrowsTheErrorTextForStartUpCode) {
  config::ConsoleUser user{"gina", config::ConsoleRole::viewer, "", "", ""};
  EXPECT_THROW((void)resolve_hash(user, nullptr).value(), std::runtime_error);
}

}  // namespace
}  // namespace gw::console
