#pragma once
// The real gateway with its console on a free loopback port, for the console's API tests:
// users with crypt(3) hashes made in the test, test studies carrying patient data that must
// never come back, and requests as a script (HTTP Basic) or the page (cookie and CSRF token)
// makes them.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "console_client.hpp"
#include "gateway_harness.hpp"

namespace gw::test {

/// A console user of the test configuration. Value type.
struct ConsoleUser {
  std::string name, role, password;
};

inline const ConsoleUser kAdmin{"admin", "operator", "operator-password-1"};
inline const ConsoleUser kNurse{"nurse", "viewer", "viewer-password-1"};
// Only the login-throttle test uses it: its failures must not slow anyone else down.
inline const ConsoleUser kRobot{"robot", "operator", "robot-password-1"};

// What the test studies carry about the patient: none of it may leave the gateway.
inline const std::string kPatientName = "Secretperson^Wilhelmina";
inline const std::string kPatientId = "PID-SECRET-4711";
inline const std::string kPatientBirthDate = "19470203";

/// One test study of one CT instance. Value type.
struct TestStudy {
  std::string study_uid;
  std::string description = "Chest CT";
  std::string accession_number;
  std::string modality = "CT";
  std::string patient_name = kPatientName;
};

/// Writes `study` as a DICOM Part 10 file at `path` (PatientID and PatientBirthDate too).
void write_study(const std::string& path, const TestStudy& study);

/// A crypt(3) SHA-512 hash of `password`, made by libcrypt here.
std::string crypt_hash(const std::string& password);

/// The `console:` section: `listen`, optional TLS files, and `users` with fresh hashes.
std::string console_yaml(const std::string& listen, const std::vector<ConsoleUser>& users,
                         const std::string& tls_cert = {}, const std::string& tls_key = {});

/// A logged-in page: the session cookie and the CSRF token the login gave. Value type.
struct PageSession {
  std::string cookie;  // "gw_session=…", as a browser sends it back
  std::string csrf;
  std::string set_cookie;  // the Set-Cookie header of the login answer
};

/// The harness (simulator, folder, gateway) with a console. One per fixture or test; used by
/// one test thread.
class ConsoleGateway {
 public:
  explicit ConsoleGateway(std::vector<ConsoleUser> users = {kAdmin, kNurse, kRobot});

  /// Starts the gateway with the console on 127.0.0.1:0 (TLS when `tls_cert` is given) and
  /// `extra_yaml` after it; fails the test when no console port is logged.
  void start(const std::string& extra_yaml = {}, const std::string& tls_cert = {},
             const std::string& tls_key = {}, const std::optional<std::filesystem::path>& tls_ca = {});

  GatewayHarness& harness() { return harness_; }
  std::uint16_t port() const { return endpoint_.port; }
  /// The endpoint, from `source_address` when given (a loopback address of its own).
  ConsoleEndpoint endpoint(const std::string& source_address = {}) const;

  /// A request with no credentials. Every answer is checked for patient data.
  ConsoleReply call(http::verb method, const std::string& target, const std::string& body = {},
                    std::map<std::string, std::string> headers = {}, const std::string& source = {});
  /// A request as a script: HTTP Basic as `user`.
  ConsoleReply as(const ConsoleUser& user, http::verb method, const std::string& target,
                  const std::string& body = {}, std::map<std::string, std::string> headers = {});
  /// A request as the page: the session cookie, and its CSRF token when `with_csrf`.
  ConsoleReply as(const PageSession& session, http::verb method, const std::string& target,
                  bool with_csrf = true, const std::string& body = {},
                  std::map<std::string, std::string> headers = {});
  /// POST /api/v1/session; fails the test unless it answers 200 with a cookie.
  PageSession login(const ConsoleUser& user);

  /// Sends `studies` (one file each) on one association from `calling_ae`; fails the test
  /// unless every C-STORE succeeds.
  void send(const std::vector<TestStudy>& studies, const std::string& calling_ae = "TEST_SCU");
  /// Polls GET /api/v1/studies/{uid} (as admin) until `done` holds for its JSON, or `timeout`.
  bool wait_for_study(const std::string& uid, const std::function<bool(const boost::json::object&)>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// The study's state as the API shows it ("" when it answers no study).
  std::string state_of(const std::string& uid);

 private:
  GatewayHarness harness_;
  std::vector<ConsoleUser> users_;
  ConsoleEndpoint endpoint_;
  int files_ = 0;
};

/// A string member of a JSON object ("" when absent or not a string).
std::string str(const boost::json::object& object, std::string_view key);

}  // namespace gw::test
