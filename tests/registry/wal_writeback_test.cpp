// WalWriteback queues the WAL's dirty pages for writeback after an unsynced arrival commit.
// What it saves (the claim's fdatasync, on the registration's path) is measured by hand and by
// bench/run's latency figures (docs/performance.md), not here.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "gateway/registry/study_registry.hpp"
#include "temp_dir.hpp"
#include "wal_writeback.hpp"
#include "registry_steps.hpp"

using namespace gw::registry::test;

namespace {

using gw::registry::WalWriteback;

TEST(WalWriteback, QueuesTheFilesDirtyPagesAndLeavesItIntact) {
  gw::test::TempDir dir;
  const auto wal = dir / "state.db-wal";
  {
    std::ofstream out(wal, std::ios::binary);
    out << std::string(64 * 1024, 'w');
  }
  WalWriteback writeback(wal.string());
  writeback.start();
  writeback.start();
  EXPECT_EQ(writeback.requests(), 2u);
  EXPECT_EQ(std::filesystem::file_size(wal), 64u * 1024u);
}

TEST(WalWriteback, CommitsAreWrittenBackInGroupsOfEightNotOneByOne) {
  // One writeback per commit made each arrival's 30 KB of frames a small write of its own.
  gw::test::TempDir dir;
  const auto wal = dir / "state.db-wal";
  std::ofstream(wal, std::ios::binary) << std::string(16 * 1024, 'w');
  WalWriteback writeback(wal.string());
  for (unsigned i = 1; i < WalWriteback::kDefaultEvery; ++i) writeback.committed();
  EXPECT_EQ(writeback.requests(), 0u) << "seven commits: nothing queued yet";
  writeback.committed();
  EXPECT_EQ(writeback.requests(), 1u) << "the eighth queues the pages of all eight";
  for (unsigned i = 0; i < 2 * WalWriteback::kDefaultEvery; ++i) writeback.committed();
  EXPECT_EQ(writeback.requests(), 3u);
  WalWriteback each(wal.string(), 1);
  each.committed();
  each.committed();
  EXPECT_EQ(each.requests(), 2u);
}

TEST(WalWriteback, NoWalYetOrNoFileAtAllIsIgnoredNotAnError) {
  gw::test::TempDir dir;
  WalWriteback missing((dir / "state.db-wal").string());
  EXPECT_NO_THROW(missing.start());
  EXPECT_EQ(missing.requests(), 0u);
  WalWriteback in_memory("");  // ":memory:" has no WAL file
  EXPECT_NO_THROW(in_memory.start());
  EXPECT_EQ(in_memory.requests(), 0u);
}

TEST(WalWriteback, ARegistryOnAFileAndOneInMemoryBothRecordArrivals) {
  // The registry derives the WAL's path from SQLite: a file database has one, ":memory:" none.
  gw::test::TempDir dir;
  for (const std::string& path : {(dir / "state.db").string(), std::string(":memory:")}) {
    auto registry = gw::registry::StudyRegistry::open(path);
    for (int i = 0; i < 3; ++i) {
      const std::string uid = "1.2." + std::to_string(i);
      EXPECT_TRUE(record(*registry, {uid, uid + ".1", 10, 1000 + i}, [] {
        return gw::registry::NewStudy{gw::registry::StudyState::pending, "default", "{}", {}};
      }));
    }
    EXPECT_EQ(registry->due(5000, 10).size(), 3u) << path;
    if (path != ":memory:") {
      EXPECT_TRUE(std::filesystem::exists(path + "-wal")) << "SQLite deletes it at close only";
    }
  }
}

}  // namespace
