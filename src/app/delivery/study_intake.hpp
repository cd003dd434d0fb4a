#pragma once
// Where a received instance becomes the gateway's responsibility: spool, registry, routing.
#include <atomic>
#include <chrono>
#include <optional>
#include <functional>
#include <memory>

#include "gateway/dicom/instance_sink.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"
#include "recent_studies.hpp"
#include "wall_clock.hpp"

namespace gw::routing {
class RuleSet;
}

namespace gw::app {

/// The receiver's sink. For each instance: validate its UIDs, make it durable in the spool,
/// record it in the registry (routing a study the first time it is seen), then wake the
/// dispatcher. Thread-safe: called from every association worker at once.
class StudyIntake : public dicom::InstanceSink {
 public:
  using RulesSource = std::function<std::shared_ptr<const routing::RuleSet>()>;
  using Wakeup = std::function<void()>;

  /// `rules` is read for every new study, so a reload takes effect for studies routed
  /// afterwards; `wakeup` is called (on the worker thread) after a new pending study commits.
  struct Options {
    // registration.trigger study_stable (nullopt: first_instance): a new study is kept
    // `receiving`, and routed by route_stable() once quiet for this long.
    std::optional<std::chrono::milliseconds> stable_after;
    // storage.on_duplicate: keep the stored copy of a SOP instance received again (else replace).
    bool keep_duplicates = true;
    WallClock clock = now_ms;  // when an instance arrived, as the registry records it
    // Called on the worker's thread after each recorded arrival (the console's live view):
    // the study, and whether this arrival created it. Must only copy and post.
    std::function<void(const std::string& study_uid, bool created, registry::TimestampMs at)> on_recorded;
    metrics::GatewayMetrics* metrics = nullptr;  // borrowed, outlives the intake; null: its own
  };
  StudyIntake(storage::Spool& spool, registry::StudyRegistry& registry, RulesSource rules,
              Wakeup wakeup, Options options);

  dicom::StoreResult store(const dicom::ReceivedInstance& instance) noexcept override;

  /// Start-up: an instance already in its spool place (`spooled.file`) that the registry does
  /// not know, because the process died between the rename and the commit. Records it (and
  /// routes its study if new) exactly as store() would have. Throws on a registry failure.
  void adopt(const dicom::ReceivedInstance& spooled);

  /// study_stable: routes a `receiving` study that has gone quiet, with the facts of its first
  /// instance plus ModalitiesInStudy (every modality received) and
  /// NumberOfStudyRelatedInstances (the instances received). Any thread.
  registry::NewStudy route_stable(const registry::StudyRecord& study) const;

 private:
  /// Records the arrival; `routed` is the decision for a study the registry did not know.
  void record(const dicom::ReceivedInstance& instance, std::optional<registry::NewStudy> routed);
  /// The routing decision for a study the registry does not know yet; nullopt for a known one.
  std::optional<registry::NewStudy> route_if_new(const dicom::ReceivedInstance& instance) const;
  registry::NewStudy route_new_study(const dicom::ReceivedInstance& instance) const;
  registry::NewStudy route(const StudyFacts& facts) const;
  /// `event=study_first_seen` (or study_stable) once the decision is recorded: a decision
  /// that lost a race to another association's commit is not logged.
  void log_routed(std::string_view event, const std::string& uid, const registry::NewStudy& study,
                  const std::string& calling_ae) const;

  storage::Spool& spool_;
  registry::StudyRegistry& registry_;
  RulesSource rules_;
  Wakeup wakeup_;
  metrics::MetricsHandle metrics_;
  std::optional<std::chrono::milliseconds> stable_after_;
  bool keep_duplicates_;
  WallClock clock_;
  std::function<void(const std::string&, bool, registry::TimestampMs)> on_recorded_;
  RecentStudies recent_;  // studies recorded lately: known without asking the registry
};

}  // namespace gw::app
