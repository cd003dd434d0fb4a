#include "wall_clock.hpp"
#include "study_intake.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "gateway/domain/uid.hpp"
#include "gateway/log/log.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/wire_format.hpp"
#include "gateway/domain/study_facts_json.hpp"

namespace gw::app {
StudyIntake::StudyIntake(storage::Spool& spool, registry::StudyRegistry& registry,
                         RulesSource rules, Wakeup wakeup, Options options)
    : spool_(spool),
      registry_(registry),
      rules_(std::move(rules)),
      wakeup_(std::move(wakeup)),
      metrics_(options.metrics),
      stable_after_(options.stable_after),
      keep_duplicates_(options.keep_duplicates),
      clock_(std::move(options.clock)),
      on_recorded_(std::move(options.on_recorded)) {}

registry::NewStudy StudyIntake::route(const StudyFacts& facts) const {
  const routing::RoutingDecision decision = rules_()->route(facts);
  registry::NewStudy study;
  // Kept with the study, the patient's identity left out: the console explains its routing
  // from them and shows what was read. (A receiving study keeps them all until it is routed.)
  study.facts_json = facts_to_json(without_patient_identity(facts));
  study.description = facts.first("StudyDescription");
  study.accession_number = facts.first("AccessionNumber");
  study.rule_name = decision.rule_name;
  study.request_body = viewer::to_json(decision.request);
  study.state = decision.action == routing::RoutingDecision::Action::ignore
                    ? registry::StudyState::ignored
                    : registry::StudyState::pending;
  return study;
}

void StudyIntake::log_routed(std::string_view event, const std::string& uid,
                             const registry::NewStudy& study, const std::string& calling_ae) const {
  auto line = log::info(event);
  line.kv("study_uid", uid);
  if (study.state == registry::StudyState::receiving) {
    line.kv("action", "wait_until_stable")
        .kv("stable_after_ms", static_cast<std::int64_t>(stable_after_ ? stable_after_->count() : 0));
  } else {
    line.kv("rule", study.rule_name)
        .kv("action", study.state == registry::StudyState::ignored ? "ignore" : "register");
  }
  line.kv("calling_ae", calling_ae);
}

registry::NewStudy StudyIntake::route_new_study(const dicom::ReceivedInstance& instance) const {
  StudyFacts facts = instance.read_facts();
  facts.association = instance.association;
  if (!stable_after_) return route(facts);
  // study_stable: routed later, with what every instance brought (route_stable).
  registry::NewStudy study;
  study.state = registry::StudyState::receiving;
  study.facts_json = facts_to_json(facts);
  study.description = facts.first("StudyDescription");
  study.accession_number = facts.first("AccessionNumber");
  return study;
}

registry::NewStudy StudyIntake::route_stable(const registry::StudyRecord& record) const {
  StudyFacts facts;
  if (auto stored = facts_from_json(record.facts_json)) {
    facts = std::move(*stored);
  } else {  // cannot happen unless the database was edited: route on the UID alone
    facts.study_instance_uid = record.study_instance_uid;
  }
  StudyFacts::Values modalities;
  for (std::size_t start = 0; start < record.modalities.size();) {
    const std::size_t end = std::min(record.modalities.find('\\', start), record.modalities.size());
    modalities.push_back(record.modalities.substr(start, end - start));
    start = end + 1;
  }
  if (!modalities.empty()) {
    facts.set("ModalitiesInStudy", modalities);
    facts.set("00080061", modalities);
  }
  facts.set("NumberOfStudyRelatedInstances", {std::to_string(record.instances)});
  facts.set("00201208", {std::to_string(record.instances)});
  registry::NewStudy routed = route(facts);
  log_routed("study_stable", record.study_instance_uid, routed, facts.association.calling_ae);
  return routed;
}

std::optional<registry::NewStudy> StudyIntake::route_if_new(
    const dicom::ReceivedInstance& instance) const {
  if (recent_.contains(instance.study_instance_uid) ||
      registry_.knows_study(instance.study_instance_uid)) {
    return std::nullopt;
  }
  return route_new_study(instance);
}

void StudyIntake::record(const dicom::ReceivedInstance& instance,
                         std::optional<registry::NewStudy> routed) {
  const registry::InstanceArrival arrival{instance.study_instance_uid, instance.sop_instance_uid,
                                          instance.bytes, clock_()};
  registry::ArrivalDetails details{instance.series_instance_uid, instance.modality, std::nullopt,
                                   instance.association.calling_ae, instance.sop_class_uid};
  if (stable_after_) details.stable_after = stable_after_->count();
  // Straight line: a new study was routed before this, on this thread; the arrival's
  // transaction calls out to nothing.
  using Recorded = registry::StudyRegistry::Recorded;
  Recorded recorded = registry_.record_instance(arrival, routed ? &*routed : nullptr, details);
  if (recorded == Recorded::unknown_study) {
    // Forgotten by an operator between the check and the commit: routed now, after the
    // rename, on the UIDs and modality alone (the file has moved; a race only an operator starts).
    routed = route_new_study(instance);
    recorded = registry_.record_instance(arrival, &*routed, details);
  }
  recent_.add(instance.study_instance_uid);
  if (on_recorded_) on_recorded_(instance.study_instance_uid, recorded == Recorded::created, arrival.received);
  if (recorded != Recorded::created) return;  // another association's arrival created it
  log_routed("study_first_seen", instance.study_instance_uid, *routed, instance.association.calling_ae);
  const registry::StudyState state = routed->state;
  if (state != registry::StudyState::receiving) {
    metrics_->study_routed(state == registry::StudyState::ignored);
  }
  // A receiving study wakes the dispatcher too, so its timer covers the quiet period.
  if (state != registry::StudyState::ignored) wakeup_();
}

void StudyIntake::adopt(const dicom::ReceivedInstance& spooled) {
  record(spooled, route_if_new(spooled));
}

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
    // The facts are read now, while the file is where DCMTK can parse it, and only for a
    // study the registry does not know (routing needs them; reading them costs a parse and a
    // charset conversion of every attribute).
    std::optional<registry::NewStudy> routed = route_if_new(instance);
    // A SOP instance received again is acknowledged either way; with on_duplicate: keep the
    // copy already durable stays (the sink owns the received file and removes it). Durable
    // means recorded: the registry's row is written only after the first copy's rename and
    // flush succeeded. A file that merely exists (a concurrent duplicate still being
    // committed, or one whose flush failed) is no proof: this copy is spooled instead.
    std::error_code exists_ec;
    // A stat first: only a name that exists is worth a question to the registry.
    if (keep_duplicates_ &&
        std::filesystem::exists(spool_.path_for(instance.study_instance_uid, instance.sop_instance_uid),
                                exists_ec) &&
        registry_.knows_instance(instance.study_instance_uid, instance.sop_instance_uid)) {
      std::filesystem::remove(instance.file, exists_ec);
      log::info("instance_duplicate_kept")
          .kv("study_uid", instance.study_instance_uid)
          .kv("sop_uid", instance.sop_instance_uid);
      record(instance, std::move(routed));
      return {StoreStatus::stored, {}};
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
    record(instance, std::move(routed));
    return {StoreStatus::stored, {}};
  } catch (const registry::StoreUnavailable& e) {
    // A state database that does not answer (PostgreSQL restarting, a network cut) is
    // transient: 0xA700 tells the sender to try again, and nothing unrecorded was acknowledged.
    // The spooled file, if any, is recorded when the instance comes again or at the next start.
    log::error("intake_failed")
        .kv("study_uid", instance.study_instance_uid)
        .kv("reason", e.what());
    return {StoreStatus::out_of_resources, "state database unavailable"};
  } catch (const std::exception& e) {
    log::error("intake_failed")
        .kv("study_uid", instance.study_instance_uid)
        .kv("reason", e.what());
    // A store that failed otherwise but says it is unavailable (SQLite's folder turned
    // read-only): transient too.
    try {
      if (!registry_.unavailable_reason().empty()) {
        return {StoreStatus::out_of_resources, "state database unavailable"};
      }
    } catch (const std::exception&) {
      return {StoreStatus::out_of_resources, "state database unavailable"};
    }
    return {StoreStatus::processing_failure, "cannot record instance"};
  }
}

}  // namespace gw::app
