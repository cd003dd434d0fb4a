#pragma once
// Browser sessions of the console: an unguessable token in a cookie, a CSRF token the page
// echoes in a header on every unsafe request, an idle limit and an absolute limit. In memory
// only: a restart logs everyone out, which is the safe direction.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "principal.hpp"

#include "string_hash.hpp"

namespace gw::console {

/// What a valid session token stands for. Value type; both tokens are secrets.
struct Session {
  std::string token;       // the cookie value: 32 random bytes, base64url without padding
  std::string csrf_token;  // for the X-CSRF-Token header (or the like): same form, independent
  Principal user;          // as at login; ask UserDirectory::find for the current role
  std::chrono::steady_clock::time_point expires;  // the earlier of the idle and the max limit
};

/// The live sessions. Thread-safe (one mutex; every call is short, no hashing). Time is passed
/// in: steady_clock, because a session limit is a duration, and a wall-clock step (NTP, a VM
/// resumed) must neither end every session nor keep one alive.
class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  /// `idle`: a session ends this long after its last use; `max`: this long after login, used
  /// or not. At most `max_sessions` live at once (at least 1).
  SessionStore(std::chrono::milliseconds idle, std::chrono::milliseconds max,
               std::size_t max_sessions = 1000);

  /// A new session for `user`. When the store is full, expired sessions go first, then the
  /// least recently used one. Throws std::runtime_error if the random generator fails (the
  /// caller answers 500; a guessable token is never issued). Thread-safe.
  Session create(const Principal& user, TimePoint now);

  /// The session `token` names, with its idle limit renewed from `now`; nullopt (and the
  /// session removed) when unknown or past either limit. Thread-safe.
  std::optional<Session> find(std::string_view token, TimePoint now);

  /// Whether `header_value` is the session's CSRF token. Constant time for a value of the
  /// right length; an empty value never matches. Pure; thread-safe.
  static bool check_csrf(const Session& session, std::string_view header_value);

  /// Ends one session (logout). Unknown tokens are ignored. Thread-safe.
  void remove(std::string_view token);

  /// Ends every session whose user `still_exists` rejects (after a reload). The predicate runs
  /// under the store's lock: it must not call back into this store. Thread-safe.
  void retain_users(const std::function<bool(std::string_view)>& still_exists);

  /// How many sessions are held (expired ones not yet swept included). Thread-safe.
  std::size_t size() const;

 private:
  struct Entry {
    Session session;
    TimePoint created;
    TimePoint last_used;
    std::list<std::string>::iterator recency;  // this session's place in recency_
  };

  TimePoint expiry_of(const Entry& entry) const;
  void erase(std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>::iterator it);
  void sweep_expired(TimePoint now);

  const std::chrono::milliseconds idle_;
  const std::chrono::milliseconds max_;
  const std::size_t max_sessions_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> sessions_;
  std::list<std::string> recency_;  // tokens, most recently used first
};

}  // namespace gw::console
