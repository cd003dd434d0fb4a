#pragma once
// Every series the gateway counts, as one typed object on a prometheus-cpp registry: a part
// that counts is handed a GatewayMetrics& and calls a member, so a mistyped name is a
// compile error rather than a new series. Label values with a known set are created at zero
// up front, so a first scrape (and an alert rule) sees them before the first event.
//
// No network code: the Beast endpoint (src/app/http) serves render().
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// Declared only: the parts that count never see prometheus-cpp (nor compile its headers).
namespace prometheus {
class Collectable;
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace gw::metrics {

/// The `calling_ae` label of an AE title that is not among the configured callers.
inline constexpr std::string_view kOtherCaller = "other";

/// Thread-safe: every member may be called from any thread (prometheus-cpp's series are
/// atomics; label lookups take its family's mutex). Owned by the daemon, borrowed by the parts
/// that count, which it must outlive.
class GatewayMetrics {
 public:
  /// `known_callers`: the AE titles of dicom.allowed_callers (the other callers count as
  /// `other`). Records the process start time and the build identity.
  explicit GatewayMetrics(const std::vector<std::string>& known_callers = {});
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  // --- DICOM: accept thread and association workers
  /// An association handed to a worker.
  void association_accepted(std::string_view calling_ae);
  /// An association refused or aborted by the gateway; `reason` is one of the listener's
  /// fixed words (local_limit, idle_timeout, ...).
  void association_rejected(std::string_view reason);
  /// An instance stored durably and acknowledged with Success; `bytes` as spooled.
  void instance_received(std::string_view calling_ae, std::uint64_t bytes);
  /// A C-STORE answered with a failure status.
  void store_failed(std::uint16_t dimse_status);
  /// One C-STORE from its command to its response, whatever the answer.
  void cstore_finished(double seconds);
  /// A Storage Commitment N-ACTION: `accepted` or why it was refused.
  void commitment_request(std::string_view result);
  /// Items of a resolved commitment: `committed` or the Failure Reason (hex).
  void commitment_instances(std::string_view result, std::uint64_t n);
  /// A report delivery: `via` same_association|new_association, `outcome`
  /// delivered|failed|abandoned.
  void commitment_report(std::string_view via, std::string_view outcome);

  // --- Delivery: intake (worker thread) and dispatcher (io thread)
  /// A new study routed: ignored or to be registered.
  void study_routed(bool ignored);
  /// A registration request's answer (`outcome`: created, transient, lookup_permanent, ...)
  /// and how long it took.
  void registration_attempt(std::string_view outcome, double seconds);
  /// A study registered at `unix_seconds`.
  void study_registered(double unix_seconds);
  /// When the last study was registered since start; nullopt: none yet (the series is then
  /// absent rather than 0).
  std::optional<double> last_registration() const;

  // --- Controller, webhooks
  void config_reload(bool applied);
  /// A webhook delivery's result (delivered, retried, rejected, dropped_*), `n` alerts.
  void alert_result(std::string_view result, std::uint64_t n = 1);

  /// SIGHUP: the configured callers now. New ones get their series at zero; the series of
  /// a caller no longer listed stay (a counter never vanishes or goes back while the process
  /// runs, so rate() stays right; a restart drops them), and its new associations count as
  /// `other`.
  void set_known_callers(const std::vector<std::string>& callers);
  /// The label an association from `calling_ae` is counted under.
  std::string caller_label(std::string_view calling_ae) const;

  /// Series computed when scraped (studies by state, free spool, ...): collected by
  /// render() while `collectable` lives.
  void add_collectable(std::weak_ptr<prometheus::Collectable> collectable);
  /// Every family, sorted by name, in the Prometheus text format 0.0.4. Any thread.
  std::string render() const;
  /// A fleet (several nodes on one PostgreSQL state): every series gains the label
  /// node="<name>", so that sums across the fleet and per-node views need no relabelling.
  /// Set once, before the first scrape. One gateway on SQLite leaves it unset.
  void set_node_label(std::string node) { node_ = std::move(node); }

  /// The underlying registry (tests, or a part with a family of its own; include
  /// <prometheus/registry.h> to use it).
  prometheus::Registry& registry() { return *registry_; }

 private:
  using CounterFamily = prometheus::Family<prometheus::Counter>;
  using GaugeFamily = prometheus::Family<prometheus::Gauge>;

  std::shared_ptr<prometheus::Registry> registry_;
  CounterFamily& associations_;
  CounterFamily& associations_rejected_;
  CounterFamily& instances_received_;
  prometheus::Counter& received_bytes_;
  CounterFamily& store_failures_;
  prometheus::Histogram& cstore_duration_;
  CounterFamily& commitment_requests_;
  CounterFamily& commitment_instances_;
  CounterFamily& commitment_reports_;
  CounterFamily& studies_routed_;
  CounterFamily& registration_attempts_;
  prometheus::Histogram& registration_duration_;
  GaugeFamily& last_registration_;
  CounterFamily& config_reloads_;
  CounterFamily& alerts_;

  std::string node_;  // set before sharing; read-only after

  mutable std::mutex mutex_;  // guards the members below
  std::set<std::string, std::less<>> known_callers_;
  prometheus::Gauge* last_registration_gauge_ = nullptr;  // created at the first registration
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_;
};

/// What a part counts into: the object it was handed, or, when handed none (a test that does
/// not read them), one of its own. Owned by the part; thread-safe as GatewayMetrics is.
class MetricsHandle {
 public:
  explicit MetricsHandle(GatewayMetrics* borrowed)
      : own_(borrowed ? nullptr : std::make_unique<GatewayMetrics>()),
        metrics_(borrowed ? borrowed : own_.get()) {}
  GatewayMetrics& operator*() const { return *metrics_; }
  GatewayMetrics* operator->() const { return metrics_; }

 private:
  std::unique_ptr<GatewayMetrics> own_;
  GatewayMetrics* metrics_;
};

}  // namespace gw::metrics
