// `dicom-gateway studies retry | resend | forget`: the operator's ways out, through the
// daemon's StudyDesk, with the same refusals as the console's buttons.
#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "state_database.hpp"
#include "gateway/operations/study_desk.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"
#include "wall_clock.hpp"

namespace gw::app {
namespace {

/// The StudyDesk over the configured registry and spool.
struct OpenDesk {
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<registry::StudyRegistry> registry;
  std::unique_ptr<storage::Spool> spool;
  std::unique_ptr<operations::StudyDesk> desk;
};

std::optional<OpenDesk> open_desk(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return std::nullopt;
  OpenDesk open;
  open.registry = app::open_state(*config);
  open.spool = std::make_unique<storage::Spool>(config->storage.spool_dir);
  open.desk = std::make_unique<operations::StudyDesk>(*open.registry, *open.spool, now_ms);
  open.config = std::move(config);
  return open;
}

/// Prints what an action did, or why it was refused, as an operator reads it. Returns the
/// exit status: 0 done, 1 refused or unknown.
int report_action(OpenDesk& open, std::string_view action, const std::string& uid,
                  const operations::ActionResult& done) {
  if (done) {
    std::cout << done->message << ": " << uid << '\n';
    return exit_ok;
  }
  std::cerr << "studies " << action << ' ' << uid << ": " << done.error().message();
  if (const auto study = open.desk->study(uid)) std::cerr << " (state " << to_string(study->state) << ')';
  std::cerr << '\n';
  return exit_problems;
}

}  // namespace

int command_studies_retry(const std::string& config_path, const std::string& uid, bool all_failed) {
  if (uid.empty() == !all_failed) {
    std::cerr << "studies retry: give a StudyInstanceUID or --all-failed\n";
    return exit_usage;
  }
  auto open = open_desk(config_path);
  if (!open) return exit_problems;
  if (!all_failed) return report_action(*open, "retry", uid, open->desk->retry(uid));
  const int changed = open->desk->retry_all_failed();
  std::cout << changed << " failed stud" << (changed == 1 ? "y" : "ies") << " queued again\n";
  return exit_ok;
}

int command_studies_resend(const std::string& config_path, const std::string& uid) {
  auto open = open_desk(config_path);
  if (!open) return exit_problems;
  return report_action(*open, "resend", uid, open->desk->resend(uid));
}

int command_studies_forget(const std::string& config_path, const std::string& uid) {
  auto open = open_desk(config_path);
  if (!open) return exit_problems;
  return report_action(*open, "forget", uid, open->desk->forget(uid));
}

}  // namespace gw::app
