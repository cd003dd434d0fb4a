#pragma once
// The subcommands of `dicom-gateway`, one function each; main.cpp only parses the line.
// Each returns an ExitStatus (exit_status.hpp). The registry throws when the state database
// is busy, locked or unreadable: main() catches that at the border and exits 3.
#include <string>
#include <vector>

namespace gw::app {

/// 0 after a clean stop; 1 when it refuses to start for a problem found (configuration, the
/// state in use by another gateway, a port or file it cannot use); 3 when the state database
/// exists but cannot be opened or read (busy, locked, unreadable).
int command_run(const std::string& config_path);
struct CheckConfigOptions {
  bool online = false;  // also one authenticated read and a check of every id the rules send
  bool json = false;
};
/// 0 valid; 1 errors in the file or problems found online; 3 the viewer could not be asked.
int command_check_config(const std::string& config_path, const CheckConfigOptions& options);
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
struct StudiesShowOptions {
  std::string uid;
  bool json = false;
};
int command_studies_show(const std::string& config_path, const StudiesShowOptions& options);
/// Studies routed by each rule since the counters started (moved out of `studies list`, whose
/// stdout is plain TSV).
int command_studies_rule_hits(const std::string& config_path, bool json);
int command_studies_retry(const std::string& config_path, const std::string& uid, bool all_failed);
int command_studies_resend(const std::string& config_path, const std::string& uid);
int command_studies_forget(const std::string& config_path, const std::string& uid);
struct StudiesVerifyOptions {
  std::string uid;    // one study; empty: every registered study (since `since`)
  std::string since;  // a date or a duration ago; empty: all time
  bool json = false;
};
/// Fetches registered studies by studyId: 1 when the viewer lost or cancelled one, 3 when it
/// cannot be asked (network, timeout, 5xx).
int command_studies_verify(const std::string& config_path, const StudiesVerifyOptions& options);

}  // namespace gw::app
