#include "user_directory.hpp"

#include <algorithm>
#include <string>

namespace gw::sim {

UserDirectory::UserDirectory()
    : users_{{"usr_0123456789abcdef0123456789abcdef", "dr.reader@radiology.example", "Dana",
              "Reader", "member", "Radiologist"},
             {"usr_1234567890abcdef1234567890abcdef", "dr.smith@radiology.com", "John", "Smith",
              "member", "Radiologist"},
             {std::string(kCreatorUserId), "integrations@radiology.example", "Gateway",
              "Integration", "admin", "PACS Administrator"}} {}

void UserDirectory::add(User user) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(users_.begin(), users_.end(),
                         [&](const User& u) { return u.id == user.id; });
  if (it != users_.end()) {
    *it = std::move(user);
  } else {
    users_.push_back(std::move(user));
  }
}

std::optional<User> UserDirectory::find(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  for (const User& u : users_) {
    if (u.id == user_id) return u;
  }
  return std::nullopt;
}

}  // namespace gw::sim
