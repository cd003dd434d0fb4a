#pragma once
// Test shorthand for the lifecycle steps the dispatcher and the intake take, each through
// StudyRegistry::apply() like the real ones. A step on a pending study claims it first, as
// the dispatcher would have before an answer could come.
#include <chrono>
#include <functional>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "gateway/registry/study_registry.hpp"

namespace gw::registry::test {

using domain::EventKind;

/// The intake's straight line: route (via `decide`) only a study the registry does not know.
/// True when this call created the study.
inline bool record(StudyRegistry& registry, const InstanceArrival& arrival,
                   const std::function<NewStudy()>& decide, const ArrivalDetails& details = {}) {
  std::optional<NewStudy> routed;
  if (!registry.knows_study(arrival.study_instance_uid)) routed = decide();
  return registry.record_instance(arrival, routed ? &*routed : nullptr, details) ==
         StudyRegistry::Recorded::created;
}

inline StudyRegistry::ApplyResult step(StudyRegistry& registry, const std::string& uid,
                                       domain::LifecycleEvent event, TimestampMs now,
                                       const Attempt* attempt = nullptr) {
  domain::LifecyclePolicy policy;
  policy.retry.max = std::chrono::milliseconds(std::numeric_limits<std::int32_t>::max());
  return registry.apply(uid, event, policy, now, attempt);
}

inline void claim(StudyRegistry& registry, const std::string& uid, TimestampMs now) {
  ASSERT_TRUE(step(registry, uid, {EventKind::claimed}, now)) << uid;
}

inline void claim_if_pending(StudyRegistry& registry, const std::string& uid, TimestampMs now) {
  const auto study = registry.find(uid);
  if (study && study->state == StudyState::pending) claim(registry, uid, now);
}

inline void registered(StudyRegistry& registry, const std::string& uid, const std::string& id,
                       const Attempt& attempt) {
  claim_if_pending(registry, uid, attempt.at);
  domain::LifecycleEvent event{EventKind::created};
  event.study_id = id;
  ASSERT_TRUE(step(registry, uid, event, attempt.at, &attempt)) << uid;
}

/// A transient failure (or, for HTTP 401/403, a refused key) due again at `next`.
inline void retry_later(StudyRegistry& registry, const std::string& uid, TimestampMs next,
                        const Attempt& attempt) {
  claim_if_pending(registry, uid, attempt.at);
  domain::LifecycleEvent event{EventKind::failed_transient};
  if (attempt.http_status == 401 || attempt.http_status == 403) {
    event.kind = EventKind::failed_auth;
    event.resume_at = next;
  }
  event.retry_after = std::chrono::milliseconds(next - attempt.at);
  ASSERT_TRUE(step(registry, uid, event, attempt.at, &attempt)) << uid;
}

inline void failed(StudyRegistry& registry, const std::string& uid, const Attempt& attempt) {
  claim_if_pending(registry, uid, attempt.at);
  ASSERT_TRUE(step(registry, uid, {EventKind::failed_permanent}, attempt.at, &attempt)) << uid;
}

}  // namespace gw::registry::test
