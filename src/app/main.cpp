// dicom-gateway: receives DICOM studies and registers each with the viewer.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"dicom-gateway: receives DICOM studies over C-STORE and registers each once "
               "with the viewer's API"};
  app.require_subcommand(1);
  std::string config_path = "/etc/dicom-gateway/gateway.yaml";

  auto* run = app.add_subcommand("run", "Run the gateway in the foreground (logs to stderr)");
  run->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();

  auto* check = app.add_subcommand("check-config", "Validate a configuration file");
  check->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();

  std::vector<std::string> files;
  std::string calling_ae;
  auto* route = app.add_subcommand(
      "route", "Print the rule each DICOM file matches and the JSON that would be sent");
  route->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();
  route->add_option("--calling-ae", calling_ae, "Calling AE title to assume");
  route->add_option("files", files, "DICOM files")->required()->check(CLI::ExistingFile);

  auto* studies = app.add_subcommand("studies", "List the studies the gateway knows");
  studies->add_option("--config,-c", config_path, "Configuration file")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (*run) return gw::app::command_run(config_path);
  if (*check) return gw::app::command_check_config(config_path);
  if (*route) return gw::app::command_route(config_path, files, calling_ae);
  if (*studies) return gw::app::command_studies(config_path);
  return 2;
}
