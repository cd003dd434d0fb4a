#pragma once
// Scripts send HTTP Basic with every request; a password hash takes tens of milliseconds on
// purpose, on the io thread that also registers studies. A verified name and password are
// remembered for a minute, as a salted SHA-256 digest, never in clear.
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.hpp"

namespace gw::console {

/// io thread only. Cleared when the users are reloaded.
class BasicAuthCache {
 public:
  using Clock = std::chrono::steady_clock;

  BasicAuthCache() { RAND_bytes(salt_.data(), static_cast<int>(salt_.size())); }

  std::optional<Principal> find(std::string_view user, std::string_view password, Clock::time_point now) {
    const auto it = entries_.find(digest(user, password));
    if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
    return it->second.user;
  }
  void remember(std::string_view user, std::string_view password, const Principal& principal,
                Clock::time_point now) {
    if (entries_.size() >= 1000) entries_.clear();  // bounded; a miss only costs one hash
    entries_[digest(user, password)] = {principal, now + std::chrono::minutes(1)};
  }
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    Principal user;
    Clock::time_point expires;
  };
  std::string digest(std::string_view user, std::string_view password) const {
    std::string input(reinterpret_cast<const char*>(salt_.data()), salt_.size());
    input.append(user).push_back('\0');
    input.append(password);
    std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), out.data());
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
  }

  std::array<unsigned char, 32> salt_{};
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace gw::console
