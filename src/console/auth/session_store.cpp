#include "session_store.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "base64.hpp"

namespace gw::console {
namespace {

// 256 bits: guessing a live token is out of reach however many sessions there are, which is
// also why a plain hash-map lookup (not constant time) is safe for finding one.
constexpr std::size_t token_bytes = 32;

std::string random_token() {
  std::array<unsigned char, token_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("the random generator failed: no console session was created");
  }
  std::string token = base64url_encode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

}  // namespace

SessionStore::SessionStore(std::chrono::milliseconds idle, std::chrono::milliseconds max,
                           std::size_t max_sessions)
    : idle_(idle), max_(max), max_sessions_(std::max<std::size_t>(max_sessions, 1)) {}

SessionStore::TimePoint SessionStore::expiry_of(const Entry& entry) const {
  return std::min(entry.last_used + idle_, entry.created + max_);
}

void SessionStore::erase(
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>::iterator it) {
  recency_.erase(it->second.recency);
  sessions_.erase(it);
}

void SessionStore::sweep_expired(TimePoint now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now >= expiry_of(it->second)) {
      recency_.erase(it->second.recency);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

Session SessionStore::create(const Principal& user, TimePoint now) {
  Session session{random_token(), random_token(), user, {}};
  const std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions_) sweep_expired(now);
  while (sessions_.size() >= max_sessions_) {
    erase(sessions_.find(recency_.back()));
  }
  recency_.push_front(session.token);
  Entry entry{session, now, now, recency_.begin()};
  session.expires = expiry_of(entry);
  entry.session.expires = session.expires;
  sessions_.emplace(session.token, std::move(entry));
  return session;
}

std::optional<Session> SessionStore::find(std::string_view token, TimePoint now) {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  Entry& entry = it->second;
  if (now >= expiry_of(entry)) {
    erase(it);
    return std::nullopt;
  }
  entry.last_used = std::max(entry.last_used, now);  // a late caller's older `now` never rewinds
  entry.session.expires = expiry_of(entry);
  recency_.splice(recency_.begin(), recency_, entry.recency);
  return entry.session;
}

bool SessionStore::check_csrf(const Session& session, std::string_view header_value) {
  const std::string& expected = session.csrf_token;
  if (expected.empty() || header_value.size() != expected.size()) return false;
  return CRYPTO_memcmp(header_value.data(), expected.data(), expected.size()) == 0;
}

void SessionStore::remove(std::string_view token) {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(token);
  if (it != sessions_.end()) erase(it);
}

void SessionStore::retain_users(const std::function<bool(std::string_view)>& still_exists) {
  const std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!still_exists(it->second.session.user.name)) {
      recency_.erase(it->second.recency);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

std::size_t SessionStore::size() const {
  const std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace gw::console
