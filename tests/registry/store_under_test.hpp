#pragma once
// The registry's contract runs on both stores: a test opens its store through this, so the same
// case runs on a SQLite file and on a real PostgreSQL database.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "gateway/registry/study_registry.hpp"
#include "postgres_server.hpp"
#include "temp_dir.hpp"

namespace gw::registry::test {

enum class StoreKind { sqlite, postgres };

/// The PostgreSQL server of this test process, started at first use and stopped at exit
/// (gtest_discover_tests runs each test in a process of its own).
gw::test::PostgresServer& postgres_server();

/// One store for one test: a fresh SQLite file, or a fresh PostgreSQL database. Owned by the
/// test; open() may be called again to reopen the same state (a restart), or with another
/// node's options (a second node on the same PostgreSQL database).
class StoreUnderTest {
 public:
  explicit StoreUnderTest(StoreKind kind);
  std::unique_ptr<StudyRegistry> open(RegistryOptions options = {}) const;
  StoreKind kind() const { return kind_; }
  const std::string& location() const { return location_; }

 private:
  StoreKind kind_;
  gw::test::TempDir dir_;
  std::string location_;
};

/// "SQLite" / "PostgreSQL", for the names of parameterised tests.
inline std::string store_name(const testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::sqlite ? "SQLite" : "PostgreSQL";
}

}  // namespace gw::registry::test
