#pragma once
// The subcommands of `dicom-gateway`, one function each; main.cpp only parses the line.
#include <string>
#include <vector>

namespace gw::app {

int command_run(const std::string& config_path);
/// `check-config [--online]`: with online, also one authenticated read and a check of every
/// express customer id the rules can send.
int command_check_config(const std::string& config_path, bool online);
/// `route`: the simulated association and what to print. Value type.
struct RouteOptions {
  std::vector<std::string> paths;  // DICOM files and folders (walked recursively)
  std::string calling_ae;
  std::string called_ae;           // empty: the configuration's dicom.ae_title
  std::string peer_address;        // empty: none
  std::string against;             // a second configuration: print only differing studies
  bool json = false;
};
int command_route(const std::string& config_path, const RouteOptions& options);
struct StudiesListOptions {
  std::string state;  // empty: every state
  std::string since;  // empty: all time; a date or a duration ago
  bool json = false;
};
int command_studies_list(const std::string& config_path, const StudiesListOptions& options);
int command_studies_show(const std::string& config_path, const std::string& uid);
int command_studies_retry(const std::string& config_path, const std::string& uid, bool all_failed);
int command_studies_resend(const std::string& config_path, const std::string& uid);
int command_studies_forget(const std::string& config_path, const std::string& uid);
struct StudiesVerifyOptions {
  std::string uid;    // one study; empty: every registered study (since `since`)
  std::string since;  // a date or a duration ago; empty: all time
};
/// Fetches registered studies by studyId; reports those the viewer lost or cancelled.
int command_studies_verify(const std::string& config_path, const StudiesVerifyOptions& options);

}  // namespace gw::app
