#include "wall_clock.hpp"
#include "study_intake.hpp"

#include <chrono>

#include "gateway/domain/uid.hpp"
#include "gateway/log/log.hpp"
#include "gateway/metrics/registry.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/wire_format.hpp"

namespace gw::app {
StudyIntake::StudyIntake(storage::Spool& spool, registry::StudyRegistry& registry,
                         RulesSource rules, Wakeup wakeup)
    : spool_(spool), registry_(registry), rules_(std::move(rules)), wakeup_(std::move(wakeup)) {}

registry::NewStudy StudyIntake::route_new_study(const dicom::ReceivedInstance& instance) const {
  const StudyFacts facts = instance.read_facts();
  const routing::RoutingDecision decision = rules_()->route(facts);
  registry::NewStudy study;
  study.rule_name = decision.rule_name;
  study.request_body = viewer::to_json(decision.request);
  study.state = decision.action == routing::RoutingDecision::Action::ignore
                    ? registry::StudyState::ignored
                    : registry::StudyState::pending;
  log::info("study_first_seen")
      .kv("study_uid", instance.study_instance_uid)
      .kv("rule", decision.rule_name)
      .kv("action", study.state == registry::StudyState::ignored ? "ignore" : "register")
      .kv("calling_ae", instance.association.calling_ae);
  return study;
}

void StudyIntake::record(const dicom::ReceivedInstance& instance) {
  registry::InstanceArrival arrival{instance.study_instance_uid, instance.sop_instance_uid,
                                    instance.bytes, now_ms()};
  bool pending = false;
  const bool created = registry_.record_instance(arrival, [&] {
    registry::NewStudy study = route_new_study(instance);
    pending = study.state == registry::StudyState::pending;
    return study;
  });
  if (created) {
    metrics::counter("dicom_gateway_studies_routed_total",
                     {{"action", pending ? "register" : "ignore"}}).inc();
  }
  if (created && pending) wakeup_();
}

void StudyIntake::adopt(const dicom::ReceivedInstance& spooled) { record(spooled); }

dicom::StoreResult StudyIntake::store(const dicom::ReceivedInstance& instance) noexcept {
  using dicom::StoreStatus;
  try {
    // The UIDs become path components: only valid UIDs ever reach the file system.
    if (!is_valid_uid(instance.study_instance_uid)) {
      return {StoreStatus::invalid_attribute, instance.study_instance_uid.empty()
                                                  ? "missing StudyInstanceUID"
                                                  : "invalid StudyInstanceUID"};
    }
    if (!is_valid_uid(instance.sop_instance_uid)) {
      return {StoreStatus::invalid_attribute, instance.sop_instance_uid.empty()
                                                  ? "missing SOPInstanceUID"
                                                  : "invalid SOPInstanceUID"};
    }
    std::string detail;
    const storage::SpoolError spooled = spool_.commit(instance.file, instance.study_instance_uid,
                                                      instance.sop_instance_uid, detail);
    if (spooled != storage::SpoolError::none) {
      log::error("spool_write_failed")
          .kv("study_uid", instance.study_instance_uid)
          .kv("reason", detail);
      return {spooled == storage::SpoolError::no_space ? StoreStatus::out_of_resources
                                                       : StoreStatus::processing_failure,
              spooled == storage::SpoolError::no_space ? "spool full" : "spool write failed"};
    }
    // The file is durable; the study becomes durably known before the success answer.
    record(instance);
    return {StoreStatus::stored, {}};
  } catch (const std::exception& e) {
    log::error("intake_failed")
        .kv("study_uid", instance.study_instance_uid)
        .kv("reason", e.what());
    return {StoreStatus::processing_failure, "cannot record instance"};
  }
}

}  // namespace gw::app
