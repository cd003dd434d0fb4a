// viewer-simulator: the Viewer API simulator as a process, for scripts/run and process-level
// tests. Everything but option parsing and signal handling lives in gw_viewer_simulator.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>

#include "viewer_simulator.hpp"

namespace {

// "50ms", "2s" or a bare number of milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t end = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = text.substr(end);
  if (value < 0) return std::nullopt;
  if (unit.empty() || unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::seconds(value);
  return std::nullopt;
}

// Written beside the target and renamed, so a script polling for the file never reads half.
void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTPS stand-in for the cloud viewer's REST API (see docs viewer-api.md)"};
  gw::sim::SimulatorOptions options;
  std::string api_key_env, cert_out, latency = "0ms";
  app.add_option("--listen", options.listen_address, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "port to listen on (0: any free port)")
      ->capture_default_str();
  app.add_option("--api-key", options.api_key, "the bearer token clients must send");
  app.add_option("--api-key-env", api_key_env,
                 "read the bearer token from this environment variable (wins over --api-key)");
  app.add_option("--cert-out", cert_out, "write the served certificate (PEM) to this file");
  auto* cert = app.add_option("--cert", options.certificate_file, "certificate chain (PEM)")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--key", options.private_key_file, "private key (PEM)")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_flag("--ignore-idempotency", options.ignore_idempotency,
               "every POST creates a new study, whatever its Idempotency-Key");
  app.add_option("--latency", latency, "added before every API answer, e.g. 50ms or 1s")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto parsed_latency = parse_duration(latency);
  if (!parsed_latency) {
    std::cerr << "viewer-simulator: --latency: expected e.g. 50ms or 2s, got '" << latency << "'\n";
    return 2;
  }
  options.latency = *parsed_latency;
  if (!api_key_env.empty()) {
    const char* value = std::getenv(api_key_env.c_str());
    if (value == nullptr || *value == '\0') {
      std::cerr << "viewer-simulator: environment variable " << api_key_env << " is not set\n";
      return 2;
    }
    options.api_key = value;
  }
  // The log callback runs on the I/O thread; a mutex keeps lines whole.
  auto log_mutex = std::make_shared<std::mutex>();
  options.log = [log_mutex](const std::string& line) {
    std::lock_guard lock(*log_mutex);
    std::cerr << line << '\n';
  };

  // Block the signals before the I/O thread exists, so it inherits the mask and only
  // sigwait below ever sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    gw::sim::ViewerSimulator simulator(std::move(options));
    simulator.start();
    if (!cert_out.empty()) write_file_atomically(cert_out, simulator.certificate_pem());
    std::cout << "viewer-simulator listening on " << simulator.base_url() << std::endl;

    int received = 0;
    sigwait(&signals, &received);
    simulator.stop();
  } catch (const std::exception& e) {
    std::cerr << "viewer-simulator: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
