#pragma once
// The outbox drain: takes pending studies from the registry and registers them with the
// viewer, at most max_in_flight at a time, retrying transient failures with backoff.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "gateway/app/dispatch_options.hpp"
#include "gateway/registry/retry_policy.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/viewer/viewer_client.hpp"
#include "registration_outcome.hpp"
#include "wall_clock.hpp"

namespace gw::app {

/// What the dispatcher runs with: the configured values (DispatchOptions, whose defaults live
/// there alone) and the daemon's wiring.
struct DispatchSettings : DispatchOptions {
  // registration.trigger study_stable: routes a `receiving` study once it is quiet (called on
  // the io thread); empty for first_instance.
  std::function<registry::NewStudy(const registry::StudyRecord&)> route_stable;
  // The wall clock, injected: the simulation runs the dispatcher on a fake one.
  WallClock clock = now_ms;
  // false: the dispatcher never arms its own timer; whoever drives it calls wake() (the
  // deterministic simulation, which owns time).
  bool self_schedule = true;
  std::uint64_t seed = 0;  // the backoff jitter's seed; 0: a random one
  // state.claim_lease: this node's claims are renewed every third of it, and other nodes'
  // expired claims taken over as often (PostgreSQL; with SQLite both are no-ops).
  std::chrono::milliseconds claim_lease{std::chrono::seconds(60)};
  metrics::GatewayMetrics* metrics = nullptr;  // borrowed, outlives the dispatcher; null: its own
};

/// Lives on one io_context thread: every member runs there, except wake(), which any
/// thread may call. Keeps itself alive across its asynchronous steps (shared_from_this).
class RegistrationDispatcher : public std::enable_shared_from_this<RegistrationDispatcher> {
 public:
  RegistrationDispatcher(boost::asio::io_context& io, registry::StudyRegistry& registry,
                         viewer::ViewerClient& client, DispatchSettings settings);

  /// Puts studies left in flight by a previous process back in the queue, then drains.
  void start();
  /// Thread-safe: a new pending study exists; drain soon.
  void wake();
  /// No new attempts after this; in-flight ones finish or are cancelled by the client, and
  /// a cancelled one stays in_flight, as a crash would leave it (looked up on the next start).
  void stop();
  /// SIGHUP: later retries are scheduled with `retry` (io thread only).
  void set_retry(const registry::RetryPolicy& retry, unsigned probe_after_failures) {
    static_cast<registry::RetryPolicy&>(settings_.retry) = retry;
    settings_.retry.probe_after_failures = probe_after_failures;
  }
  /// SIGHUP with a new API key: end an authentication pause now (io thread only). If the
  /// key is still refused, the next attempt pauses again, with one alarm.
  void resume();
  /// Requests on the wire now (io thread only).
  std::size_t in_flight() const { return in_flight_.size(); }
  /// The circuit breaker is open: the API is presumed down and probed one request at a time
  /// (io thread only).
  bool breaker_open() const { return consecutive_failures_ >= settings_.retry.probe_after_failures; }
  /// When the pause after a refused key ends; 0 or the past: no pause (io thread only).
  registry::TimestampMs auth_paused_until() const { return paused_until_; }

 private:
  /// Sends ready studies into the free slots; then commits the outcomes learned (unwritten_)
  /// and claims studies for the slots still free and for the ready queue in one transaction,
  /// sends those the slots take, and sets the timer. A failed commit keeps the outcomes for
  /// the next try, after a backoff.
  void pump();
  /// Up to `free` due studies, alternating between the oldest and the newest.
  std::vector<registry::StudyRecord> claim_due(registry::TimestampMs now, std::size_t free);
  /// Ready studies for the free slots, oldest claim first.
  std::vector<registry::StudyRecord> take_ready();
  std::size_t free_slots() const;
  std::size_t ready_room() const;
  void send(const std::vector<registry::StudyRecord>& studies);
  void create(const registry::StudyRecord& study);
  /// For a study whose last request may have reached the viewer: GET by-uid first.
  void look_up(const registry::StudyRecord& study);
  void on_lookup(const registry::StudyRecord& study, const viewer::FindStudyOutcome& found,
                 std::chrono::steady_clock::time_point started);
  /// `via` names a lookup ("lookup", "adopted") in the attempt history; empty for a create.
  void on_outcome(const registry::StudyRecord& study, const viewer::CreateOutcome& outcome,
                  std::chrono::steady_clock::time_point started, std::string_view via = {});
  /// pump()'s transaction: the unwritten outcomes, then the claims. Returns what was written
  /// (reported after the commit) and fills `claimed`. Throws when the database fails.
  std::vector<std::pair<StudyOutcome, domain::Transition>> commit_step(
      std::vector<registry::StudyRecord>& claimed);
  /// Queues `outcome` for pump()'s next commit; the slot it freed goes to a ready study first.
  void record(StudyOutcome outcome);
  void schedule_next_due();
  /// Every third of the claim lease: renews this node's claims, and takes over (lookup first)
  /// the claims of nodes that stopped renewing theirs.
  void keep_claims(registry::TimestampMs now);
  /// study_stable: routes every receiving study whose quiet period has passed.
  void route_stable_studies(registry::TimestampMs now);
  /// Counts a transient failure or a success towards the circuit breaker, logging each change.
  void note_api_health(bool answered);
  /// max_in_flight, or 1 while the API is presumed down (probing).
  std::size_t slots() const;
  registry::TimestampMs now() const { return settings_.clock(); }
  domain::LifecyclePolicy policy() const { return {settings_.retry, settings_.retry.give_up_after}; }

  boost::asio::io_context& io_;
  registry::StudyRegistry& registry_;
  viewer::ViewerClient& client_;
  DispatchSettings settings_;
  metrics::MetricsHandle metrics_;
  boost::asio::steady_timer timer_;
  std::set<std::string> in_flight_;  // requests on the wire
  // Claimed (durably in_flight) but not sent yet: the next free slot takes one at once, with
  // no commit to wait for. At most slots() of them; given back to pending by stop().
  std::deque<registry::StudyRecord> ready_;
  std::atomic<bool> wake_posted_{false};
  bool stopped_ = false;
  registry::TimestampMs paused_until_ = 0;
  unsigned consecutive_failures_ = 0;  // transient failures in a row; the circuit breaker's count
  bool newest_turn_ = false;           // the next free slot takes the newest due study
  // Outcomes learned but not yet committed (the commit failed: a busy or full disk). Kept
  // and retried after write_backoff_ms_, never dropped: their rows stay in_flight meanwhile.
  std::deque<StudyOutcome> unwritten_;
  registry::TimestampMs write_backoff_ms_ = 0;  // 0: the last commit succeeded
  registry::TimestampMs next_claim_check_ = 0;  // keep_claims() runs again at this time
  bool claims_failing_ = false;                 // the last renewal failed (logged once)

  std::mt19937_64 rng_;
};

}  // namespace gw::app
