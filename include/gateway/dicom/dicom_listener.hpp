#pragma once
// The DICOM receiver: one accept thread and a fixed pool of association workers.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gateway/dicom/commitment_sink.hpp"
#include "gateway/dicom/instance_sink.hpp"
#include "gateway/dicom/listener_options.hpp"
#include "gateway/dicom/receive_limits.hpp"
#include "gateway/domain/caller_policy.hpp"
#include "gateway/domain/presentation_policy.hpp"

namespace gw::metrics {
class GatewayMetrics;
}

namespace gw::dicom {

/// What the listener runs with: the configured values (ListenerOptions) and the daemon's
/// wiring. Value type, copied into the listener.
struct ListenerSettings : ListenerOptions {
  std::shared_ptr<const CallerPolicy> policy;  // null: the default CallerPolicy
  std::filesystem::path incoming_dir;  // where datasets stream to before the sink takes them
  PresentationPolicy presentation;     // SOP classes and transfer syntaxes accepted
  ReceiveLimits limits;                // dicom.limits and the spool's reserve, per C-STORE
  std::optional<TlsListenerSettings> tls;  // absent: no TLS port
  CommitmentSink* commitments = nullptr;   // borrowed, outlives the listener; null: no Storage Commitment
  // Borrowed, outlives the listener; null: the listener counts into a private one (a test
  // that does not read its metrics).
  metrics::GatewayMetrics* metrics = nullptr;
};

/// Accepts associations and serves C-ECHO and C-STORE on them. Owns its threads; the sink
/// must outlive it. start() and stop() are called from one controlling thread.
class DicomListener {
 public:
  DicomListener(ListenerSettings settings, InstanceSink& sink);
  ~DicomListener();  // stops
  DicomListener(const DicomListener&) = delete;
  DicomListener& operator=(const DicomListener&) = delete;

  /// Binds the port(s) and starts accepting. Throws std::runtime_error when it cannot listen
  /// or the TLS certificate, key or CA cannot be used.
  void start();
  /// The port actually listened on.
  std::uint16_t port() const;
  /// The TLS port actually listened on; 0 without TLS.
  std::uint16_t tls_port() const;
  /// Stops accepting new associations, waits for open ones to finish, joins every thread.
  void stop();
  /// Thread-safe: breaks every open association now (its unanswered instance is resent by
  /// the peer), so that a stop() in progress returns promptly. Used when shutdown_grace ends.
  void abort_open();
  /// Associations being served right now.
  unsigned open_associations() const;
  /// Thread-safe: the policy for associations requested from now on (SIGHUP reload); open
  /// ones keep running. Null restores the default policy.
  void set_caller_policy(std::shared_ptr<const CallerPolicy> policy);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::dicom
