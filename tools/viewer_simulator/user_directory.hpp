#pragma once
// The viewer's users as the simulator knows them: seeded like the customers, more added by a
// test (ViewerSimulator::add_user) or a script (POST /_sim/users).
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "study.hpp"

namespace gw::sim {

/// Thread-safe list of users; every method locks one mutex.
class UserDirectory {
 public:
  /// Seeds the users the configurations, tests and the vendor's examples name: every usr_ id of
  /// config/local.yaml and config/gateway.yaml, the reference's example user, and the user
  /// behind the simulator's API key (createdByUser).
  UserDirectory();

  /// Adds `user`, or replaces the one with the same id.
  void add(User user);
  std::optional<User> find(std::string_view user_id) const;

 private:
  mutable std::mutex mutex_;
  std::vector<User> users_;
};

/// The user behind the simulator's one API key: every study's createdByUser.
inline constexpr std::string_view kCreatorUserId = "usr_5151515151515151515151515151510a";

}  // namespace gw::sim
