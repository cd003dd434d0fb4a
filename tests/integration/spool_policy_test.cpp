// The spool under pressure and a SOP instance sent twice. What the user sees: a full spool
// answers 0xA700 (out of resources, so the modality keeps the study and retries), C-ECHO still
// works, and storing resumes by itself once space is back; a duplicate is acknowledged and
// the copy kept is the one storage.on_duplicate names.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dicom_files.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// A 4 MiB tmpfs on `dir` for the life of the test: a file system the test can fill.
class SmallFileSystem {
 public:
  explicit SmallFileSystem(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir_);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=4m") == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~SmallFileSystem() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

TEST(SpoolPolicy, AFullSpoolAnswersOutOfResourcesKeepsEchoingAndResumesWhenSpaceReturns) {
  GatewayHarness harness;
  SmallFileSystem small(harness.dir() / "spool");
  if (!small.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root: " << small.error();
  harness.add_storage_setting("min_free_bytes", "1048576");
  harness.start_gateway();
  const fs::path filler = harness.dir() / "spool" / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'x');
    for (int i = 0; i < 52; ++i) out << block;  // 3.25 of 4 MiB: below the 1 MiB reserve
  }
  const auto refused = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  ASSERT_TRUE(refused.associated) << refused.error;
  EXPECT_EQ(refused.statuses, std::vector<std::uint16_t>{0xA700});
  EXPECT_TRUE(echo(harness.sender())) << "C-ECHO is still answered";
  EXPECT_TRUE(harness.gateway().wait_for_line("event=spool_full", std::chrono::seconds(5)));
  EXPECT_TRUE(fs::is_empty(harness.dir() / "spool" / ".incoming")) << "nothing half-written";

  fs::remove(filler);
  const auto stored = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  EXPECT_EQ(stored.statuses, std::vector<std::uint16_t>{0x0000}) << "storing resumed by itself";
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
}

/// Two versions of one SOP instance, told apart by their StudyDescription.
struct TwoVersions {
  std::string first, second;
};

TwoVersions write_two_versions(const GatewayHarness& harness) {
  const std::string study = "1.2.826.0.1.3680043.10.543.910.1";
  TwoVersions v{(harness.dir() / "v1.dcm").string(), (harness.dir() / "v2.dcm").string()};
  write_instance(v.first, {study, study + ".1.1", "MR", "FIRST VERSION"});
  write_instance(v.second, {study, study + ".1.1", "MR", "SECOND VERSION"});
  return v;
}

fs::path spooled(const GatewayHarness& harness) {
  const std::string study = "1.2.826.0.1.3680043.10.543.910.1";
  return harness.dir() / "spool" / study / (study + ".1.1.dcm");
}

TEST(SpoolPolicy, ADuplicateIsAcknowledgedAndTheFirstCopyKeptByDefault) {
  GatewayHarness harness;
  harness.start_gateway();
  const auto v = write_two_versions(harness);
  ASSERT_EQ(send_files(harness.sender(), {v.first}).statuses, std::vector<std::uint16_t>{0x0000});
  ASSERT_EQ(send_files(harness.sender(), {v.second}).statuses, std::vector<std::uint16_t>{0x0000});
  const std::string kept = read_all(spooled(harness));
  EXPECT_NE(kept.find("FIRST VERSION"), std::string::npos);
  EXPECT_EQ(kept.find("SECOND VERSION"), std::string::npos);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  EXPECT_EQ(harness.simulator().studies_created(), 1u);
}

TEST(SpoolPolicy, WithReplaceTheLatestCopyIsKept) {
  GatewayHarness harness;
  harness.add_storage_setting("on_duplicate", "replace");
  harness.start_gateway();
  const auto v = write_two_versions(harness);
  ASSERT_EQ(send_files(harness.sender(), {v.first}).statuses, std::vector<std::uint16_t>{0x0000});
  ASSERT_EQ(send_files(harness.sender(), {v.second}).statuses, std::vector<std::uint16_t>{0x0000});
  const std::string kept = read_all(spooled(harness));
  EXPECT_NE(kept.find("SECOND VERSION"), std::string::npos);
  EXPECT_EQ(kept.find("FIRST VERSION"), std::string::npos);
}

}  // namespace
}  // namespace gw::test
