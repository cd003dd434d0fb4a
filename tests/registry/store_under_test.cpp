#include "store_under_test.hpp"

#include <atomic>

namespace gw::registry::test {

gw::test::PostgresServer& postgres_server() {
  static gw::test::PostgresServer server;
  return server;
}

StoreUnderTest::StoreUnderTest(StoreKind kind) : kind_(kind) {
  if (kind_ == StoreKind::sqlite) {
    location_ = (dir_ / "state.db").string();
    return;
  }
  static std::atomic<int> databases{0};
  const std::string name = "registry_" + std::to_string(++databases);
  postgres_server().create_database(name);
  location_ = postgres_server().uri(name);
}

std::unique_ptr<StudyRegistry> StoreUnderTest::open(RegistryOptions options) const {
  if (kind_ == StoreKind::postgres && options.password.empty()) {
    options.password = postgres_server().password();
  }
  return StudyRegistry::open(location_, options);
}

}  // namespace gw::registry::test
