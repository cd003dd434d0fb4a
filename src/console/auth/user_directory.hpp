#pragma once
// The console's users and their hashes, checked at login and again on every request that
// rides a session, so a user removed or demoted by a reload loses that access at once.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "principal.hpp"

namespace gw::console {

/// One console login with its resolved hash (see resolve_hash). Value type; the hash is secret.
struct UserRecord {
  std::string name;
  config::ConsoleRole role = config::ConsoleRole::viewer;
  std::string hash;
};

/// The current set of users. Thread-safe: readers take a snapshot under a short lock and hash
/// outside it, so a reload never waits for a login and a login never sees half a reload.
class UserDirectory {
 public:
  UserDirectory() = default;
  explicit UserDirectory(std::vector<UserRecord> users);

  /// Swaps in a new set of users (SIGHUP reload). A later name replaces an earlier duplicate
  /// (the configuration loader refuses duplicates before this). Thread-safe.
  void replace(std::vector<UserRecord> users);

  /// The principal when `password` matches `name`'s hash; nullopt otherwise. An unknown name
  /// still costs one hash computation, so timing does not tell which names exist. Slow on
  /// purpose (see verify_password): call it off the event loop. Thread-safe.
  std::optional<Principal> authenticate(std::string_view name, std::string_view password) const;

  /// The user's current name and role, nullopt when no such user exists now. Cheap; no
  /// hashing. Thread-safe.
  std::optional<Principal> find(std::string_view name) const;

  /// How many users there are now. Thread-safe.
  std::size_t size() const;

 private:
  struct Snapshot;
  std::shared_ptr<const Snapshot> snapshot() const;

  mutable std::mutex mutex_;  // guards the pointer only; a Snapshot is immutable
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace gw::console
