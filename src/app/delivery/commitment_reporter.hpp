#pragma once
// Storage Commitment, the gateway's side (PS3.4 Annex J): records requests, resolves each named
// instance against the registry, and delivers the report: first on the requester's own
// association (the worker that answered the N-ACTION), otherwise from this class's thread on
// an association it opens to the requester's dicom.peers address, with retries and backoff.
// Every step is a row in the registry, so a restart loses nothing.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/dicom/commitment_report_sender.hpp"
#include "gateway/dicom/commitment_sink.hpp"
#include "gateway/domain/retry_policy.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/domain/storage_commitment.hpp"
#include "gateway/registry/study_registry.hpp"
#include "wall_clock.hpp"

namespace gw::app {

/// Thread-safe: the sink's calls come from association workers, start/stop/wake from the
/// controller; deliveries run on the reporter's own thread (DcmSCU blocks: never on the io
/// thread). The registry and the sender must outlive it.
class CommitmentReporter final : public dicom::CommitmentSink {
 public:
  struct Options {
    domain::RetryPolicy retry{std::chrono::seconds(1), std::chrono::seconds(60)};
    // A report still undelivered this long after its request is abandoned (logged, counted).
    std::chrono::milliseconds give_up_after{std::chrono::hours(24 * 7)};
    WallClock clock = now_ms;
    std::function<double()> random;  // uniform in [0, 1); unset: std::random_device-seeded
    metrics::GatewayMetrics* metrics = nullptr;  // borrowed, outlives the reporter; null: its own
  };
  CommitmentReporter(registry::StudyRegistry& registry, std::vector<domain::DicomPeer> peers,
                     dicom::CommitmentReportSender& sender, Options options);
  CommitmentReporter(registry::StudyRegistry& registry, std::vector<domain::DicomPeer> peers,
                     dicom::CommitmentReportSender& sender)
      : CommitmentReporter(registry, std::move(peers), sender, Options{}) {}
  ~CommitmentReporter() override;  // stops

  /// Starts the delivery thread: what an earlier run left pending is due at once.
  void start();
  /// Lets a delivery in progress end (bounded by the sender's timeouts), joins the thread.
  /// Pending commitments stay rows for the next start.
  void stop();
  /// Look for due commitments now (a claim released, a peer back).
  void wake();

  // dicom::CommitmentSink
  domain::CommitmentRefusal accept(const domain::CommitmentRequest& request) noexcept override;
  std::optional<domain::CommitmentRequest> claim_for_association(
      const std::string& transaction_uid) noexcept override;
  void reported_on_association(const std::string& transaction_uid, bool delivered,
                               const std::string& detail) noexcept override;

 private:
  void run();
  /// Delivers every due commitment not claimed by a worker; returns when none is left.
  void deliver_due();
  void deliver(const domain::CommitmentRecord& record);
  /// The record's items with their fates: judged now and written (synced) when still
  /// pending, as stored when resolved already.
  domain::CommitmentRequest resolve(const domain::CommitmentRecord& record);
  void delivered(const domain::CommitmentRequest& resolved, std::string_view via);
  void schedule_retry(const domain::CommitmentRecord& record, const std::string& error);
  bool claim(const std::string& transaction_uid);
  void release(const std::string& transaction_uid);

  registry::StudyRegistry& registry_;
  const std::vector<domain::DicomPeer> peers_;
  dicom::CommitmentReportSender& sender_;
  Options options_;
  metrics::MetricsHandle metrics_;

  std::mutex mutex_;  // guards the four below
  std::condition_variable changed_;
  std::set<std::string> claimed_;  // transactions a worker or the thread is reporting now
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gw::app
