// dicom-gateway: receives DICOM studies and registers each with the viewer.
#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>

#include "commands.hpp"
#include "exit_status.hpp"
#include "gateway/build_info.hpp"

namespace {

/// Every command's --help ends with the exit status table: the same for all of them.
void add_footer(CLI::App& app) {
  app.footer(std::string(gw::app::kExitStatusHelp));
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) add_footer(*sub);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gw::app;
  CLI::App app{"dicom-gateway: receives DICOM studies over C-STORE and registers each once "
               "with the viewer's API"};
  app.set_version_flag("--version", std::string(gw::build_info::description()),
                       "Print the version and the commit it was built from, then exit");
  app.require_subcommand(1);
  std::string config_path = "/etc/dicom-gateway/gateway.yaml";

  auto* run = app.add_subcommand("run", "Run the gateway in the foreground (logs to stderr)");
  run->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();

  CheckConfigOptions check_options;
  auto* check = app.add_subcommand("check-config", "Validate a configuration file");
  check->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();
  check->add_flag("--online", check_options.online,
                  "Also prove the API key works and every customer id the rules send exists and "
                  "is active (reads the viewer API)");
  check->add_flag("--json", check_options.json, "One JSON object instead of text");

  RouteOptions route_options;
  auto* route = app.add_subcommand(
      "route", "Print, per study, the rule that matches, why each earlier rule did not, and the "
               "JSON that would be sent (nothing is sent)");
  route->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();
  route->add_option("--calling-ae", route_options.calling_ae, "Calling AE title to assume");
  route->add_option("--called-ae", route_options.called_ae,
                    "Called AE title to assume (default: dicom.ae_title)");
  route->add_option("--peer-address", route_options.peer_address, "Sender's IP address to assume");
  route->add_option("--against", route_options.against,
                    "Another configuration: print only the studies it decides differently");
  route->add_flag("--json", route_options.json, "One JSON array instead of text");
  route->add_option("paths", route_options.paths, "DICOM files, or folders (walked recursively)")
      ->required();

  auto* studies = app.add_subcommand(
      "studies", "What the gateway knows about each study, and the operator's actions");
  studies->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();
  StudiesListOptions list_options;
  auto* list = studies->add_subcommand(
      "list", "One tab-separated line per study: UID, state, attempts, studyId, last error "
              "(the default)");
  for (auto* cmd : {studies, list}) {
    cmd->add_option("--state", list_options.state, "receiving, pending, in_flight, registered, failed, ignored");
    cmd->add_option("--since", list_options.since, "a date (2026-11-01) or a duration ago (24h)");
    cmd->add_flag("--json", list_options.json, "One JSON array instead of TSV");
  }
  StudiesShowOptions show_options;
  auto* show = studies->add_subcommand("show", "One study with its history of attempts");
  show->add_option("uid", show_options.uid, "StudyInstanceUID")->required();
  show->add_flag("--json", show_options.json, "One JSON object instead of text");
  bool rule_hits_json = false;
  auto* rule_hits = studies->add_subcommand(
      "rule-hits", "Studies routed by each rule since the counters started (rule, count)");
  rule_hits->add_flag("--json", rule_hits_json, "One JSON object instead of TSV");
  std::string uid;
  bool all_failed = false;
  auto* retry = studies->add_subcommand("retry", "Queue failed studies again (same registration)");
  retry->add_option("uid", uid, "StudyInstanceUID");
  retry->add_flag("--all-failed", all_failed, "Every failed study");
  auto* resend = studies->add_subcommand(
      "resend", "Register a study again as a new registration (new idempotency key)");
  resend->add_option("uid", uid, "StudyInstanceUID")->required();
  auto* forget = studies->add_subcommand(
      "forget", "Forget a study, so that its next instance registers it again");
  forget->add_option("uid", uid, "StudyInstanceUID")->required();
  StudiesVerifyOptions verify_options;
  auto* verify = studies->add_subcommand(
      "verify", "Ask the viewer for registered studies; report those it lost or cancelled");
  verify->add_option("uid", verify_options.uid, "StudyInstanceUID (default: every registered study)");
  verify->add_option("--since", verify_options.since, "a date (2026-11-01) or a duration ago (24h)");
  verify->add_flag("--json", verify_options.json, "One JSON object instead of TSV");
  for (auto* cmd : {list, show, rule_hits, retry, resend, forget, verify}) {
    cmd->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();
  }
  add_footer(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version come here too, with status 0; every real parse error (CLI11 has
    // its own codes, 105, 106, 109…) is a usage error.
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  // The border: the registry throws when the state database is busy, locked or unreadable.
  try {
    if (*run) return command_run(config_path);
    if (*check) return command_check_config(config_path, check_options);
    if (*route) return command_route(config_path, route_options);
    if (*show) return command_studies_show(config_path, show_options);
    if (*rule_hits) return command_studies_rule_hits(config_path, rule_hits_json);
    if (*retry) return command_studies_retry(config_path, uid, all_failed);
    if (*resend) return command_studies_resend(config_path, uid);
    if (*forget) return command_studies_forget(config_path, uid);
    if (*verify) return command_studies_verify(config_path, verify_options);
    if (*studies) return command_studies_list(config_path, list_options);
  } catch (const std::exception& e) {
    std::cerr << "dicom-gateway: could not check: " << e.what() << '\n';
    return exit_cannot_check;
  }
  return exit_usage;
}
