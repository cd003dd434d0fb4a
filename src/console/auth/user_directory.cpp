#include "user_directory.hpp"

#include <map>

#include "password_hash.hpp"

namespace gw::console {
namespace {

// A yescrypt hash (default cost) of a password no one uses, for lookups of unknown names when
// the directory is empty. The password is irrelevant: the result is thrown away.
constexpr const char* fixed_dummy_hash =
    "$y$j9T$Hc/MzIPpg9Wry9haaQrxb.$Pw7bDCMiIARu6ksdx8RpDF8sGkVvdNo9L16XbI9gJi7";

}  // namespace

struct UserDirectory::Snapshot {
  std::map<std::string, UserRecord, std::less<>> users;
  // What an unknown name is hashed against. A real user's hash has the method and cost the
  // site chose, so a miss takes as long as a wrong password for an existing user; a fixed
  // yescrypt hash would not if the site uses bcrypt at cost 12.
  std::string dummy_hash;
};

UserDirectory::UserDirectory(std::vector<UserRecord> users) { replace(std::move(users)); }

void UserDirectory::replace(std::vector<UserRecord> users) {
  auto next = std::make_shared<Snapshot>();
  for (auto& user : users) {
    std::string name = user.name;
    next->users.insert_or_assign(std::move(name), std::move(user));
  }
  next->dummy_hash = fixed_dummy_hash;
  for (const auto& [name, user] : next->users) {
    if (is_accepted_hash(user.hash)) {
      next->dummy_hash = user.hash;
      break;
    }
  }
  std::shared_ptr<const Snapshot> frozen = std::move(next);
  const std::lock_guard lock(mutex_);
  current_.swap(frozen);
  // The old snapshot is released after the lock, by `frozen`'s destructor.
}

std::shared_ptr<const UserDirectory::Snapshot> UserDirectory::snapshot() const {
  const std::lock_guard lock(mutex_);
  return current_;
}

std::optional<Principal> UserDirectory::authenticate(std::string_view name,
                                                     std::string_view password) const {
  const auto users = snapshot();
  if (!users) {
    (void)verify_password(password, fixed_dummy_hash);
    return std::nullopt;
  }
  const auto found = users->users.find(name);
  if (found == users->users.end()) {
    (void)verify_password(password, users->dummy_hash);
    return std::nullopt;
  }
  if (!verify_password(password, found->second.hash)) return std::nullopt;
  return Principal{found->second.name, found->second.role};
}

std::optional<Principal> UserDirectory::find(std::string_view name) const {
  const auto users = snapshot();
  if (!users) return std::nullopt;
  const auto found = users->users.find(name);
  if (found == users->users.end()) return std::nullopt;
  return Principal{found->second.name, found->second.role};
}

std::size_t UserDirectory::size() const {
  const auto users = snapshot();
  return users ? users->users.size() : 0;
}

}  // namespace gw::console
