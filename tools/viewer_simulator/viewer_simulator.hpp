#pragma once
// An in-process stand-in for the cloud viewer's REST API (viewer-api.md), served over real
// HTTPS so the gateway's client, its TLS verification and its retry logic are exercised as
// they are in production. The header is plain C++: Beast and OpenSSL stay in the sources.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "study.hpp"

namespace gw::sim {

/// How a simulator listens and behaves. Value type; copied into the simulator at construction.
struct SimulatorOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 0;                          // 0: any free port
  std::string api_key = "sim-key";                 // the expected bearer token
  std::string certificate_file, private_key_file;  // empty: generate a self-signed pair in memory
  // SANs of the generated certificate (DNS names or IP addresses); a test passes e.g.
  // {"wrong.example"} to watch a client refuse a certificate for another host.
  std::vector<std::string> certificate_names = {"localhost", "127.0.0.1", "::1"};
  bool ignore_idempotency = false;  // true: every POST creates a new study, as the real API may
  std::chrono::milliseconds latency{0};  // added before every API answer
  // Optional: one line per API request, e.g. "POST /v1/viewer/studies 201 study=stu_… uid=…".
  // Called on the simulator's I/O thread; never given the API key.
  std::function<void(const std::string&)> log;
};

/// A misbehaviour to inject into API calls (never into /_sim/ control calls), for the next
/// `count` matching requests (-1: until cleared). Faults are tried in the order they were set;
/// the first that matches a request is used for it. Value type.
struct Fault {
  int status = 0;           // answer this status with a JSON error body (0: no status fault)
  std::string retry_after;  // optional Retry-After header value
  std::chrono::milliseconds delay{0};  // hold the answer back; the call itself takes effect at once
  bool drop = false;  // close the connection without answering (nothing is processed)
  bool hang = false;  // read the request, never answer until stop (nothing is processed)
  int count = -1;
  std::string only_path_prefix;  // optional: only requests whose target starts with this
};

/// One API request as it arrived, and the status it was answered with (0: dropped, hung, or
/// not answered yet). Value type.
struct RecordedRequest {
  std::string method, target, idempotency_key;
  bool authorized = false;
  int status = 0;
  std::string body;
};

/// The simulator: owns its listener, its io_context and the thread that runs it.
/// All public methods are thread-safe.
class ViewerSimulator {
 public:
  explicit ViewerSimulator(SimulatorOptions options);
  ~ViewerSimulator();  // stops
  ViewerSimulator(const ViewerSimulator&) = delete;
  ViewerSimulator& operator=(const ViewerSimulator&) = delete;

  /// Binds and starts serving on a thread of its own; throws on bind or certificate failure.
  void start();
  /// Stops accepting and closes every open connection (hung ones too); idempotent.
  void stop();

  /// The bound port (after start()).
  std::uint16_t port() const;
  /// "https://127.0.0.1:PORT/v1", with the listen address as host ("[::1]" for IPv6).
  std::string base_url() const;
  /// The PEM certificate (chain) served: what a client must trust.
  std::string certificate_pem() const;

  /// Every API request received so far, in order of arrival.
  std::vector<RecordedRequest> requests() const;
  /// Studies created since start or the last reset.
  std::size_t studies_created() const;
  /// Forgets every study and recorded request (customers, users, faults and settings stay).
  void reset();
  /// Marks a study cancelled, as a viewer user would; false when the id is unknown.
  bool cancel_study(const std::string& study_id);

  /// Makes a user known (GET /v1/viewer/users/{userId} answers it), or replaces one; kept over
  /// reset(). The configurations' and the reference's example users are known from the start.
  void add_user(User user);
  /// Adds an express customer after the three seeded ones (or replaces one); kept over reset().
  void add_customer(Customer customer);

  /// Adds a fault after those already set.
  void set_fault(Fault fault);
  void clear_faults();
  void set_ignore_idempotency(bool ignore);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::sim
