#include "viewer_simulator.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "self_signed_certificate.hpp"
#include "simulator_listener.hpp"
#include "simulator_state.hpp"

namespace gw::sim {

namespace net = boost::asio;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("viewer simulator: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CertificatePair load_or_make_certificate(const SimulatorOptions& options) {
  if (options.certificate_file.empty() != options.private_key_file.empty()) {
    throw std::invalid_argument("viewer simulator: give both a certificate and a key, or neither");
  }
  if (options.certificate_file.empty()) {
    return make_self_signed_certificate(options.certificate_names);
  }
  return {read_file(options.certificate_file), read_file(options.private_key_file)};
}

std::unique_ptr<net::ssl::context> make_ssl_context(const CertificatePair& pair) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2 is the floor the gateway's own client enforces; serving less would hide a bug.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    throw std::runtime_error("viewer simulator: cannot require TLS 1.2");
  }
  context->use_certificate_chain(net::buffer(pair.certificate_pem));
  context->use_private_key(net::buffer(pair.private_key_pem), net::ssl::context::pem);
  return context;
}

net::ip::tcp::endpoint resolve(net::io_context& io_context, const SimulatorOptions& options) {
  net::ip::tcp::resolver resolver(io_context);
  const auto results = resolver.resolve(options.listen_address, std::to_string(options.port),
                                        net::ip::tcp::resolver::passive);
  return results.begin()->endpoint();  // resolve() throws rather than return nothing
}

}  // namespace

struct ViewerSimulator::Impl {
  explicit Impl(SimulatorOptions o)
      : options(std::move(o)),
        state(std::make_shared<SimulatorState>(options.api_key, options.latency, options.log)) {
    state->store.set_ignore_idempotency(options.ignore_idempotency);
  }

  const SimulatorOptions options;
  const std::shared_ptr<SimulatorState> state;

  // Guards start/stop and the certificate; the members below change only under it.
  mutable std::mutex mutex;
  std::optional<CertificatePair> certificate;
  // Declared before io_context: sessions die with the io_context, the TLS context after them.
  std::unique_ptr<net::ssl::context> ssl_context;
  std::unique_ptr<net::io_context> io_context;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
};

ViewerSimulator::ViewerSimulator(SimulatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ViewerSimulator::~ViewerSimulator() { stop(); }

void ViewerSimulator::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->io_context) throw std::logic_error("viewer simulator: already started");
  // One pair for the simulator's life, so a restarted simulator is still trusted by its clients.
  if (!impl_->certificate) impl_->certificate = load_or_make_certificate(impl_->options);
  auto ssl_context = make_ssl_context(*impl_->certificate);
  auto io_context = std::make_unique<net::io_context>(1);
  auto listener = std::make_shared<SimulatorListener>(
      *io_context, *ssl_context, resolve(*io_context, impl_->options), impl_->state);
  listener->run();  // the pending accept now owns the listener

  impl_->port = listener->port();
  impl_->ssl_context = std::move(ssl_context);
  impl_->io_context = std::move(io_context);
  impl_->thread = std::thread([io = impl_->io_context.get()] {
    // Catch at the thread's border: a throwing handler must not take the test process down.
    for (;;) {
      try {
        io->run();
        return;
      } catch (const std::exception& e) {
        std::cerr << "viewer-simulator: handler failed: " << e.what() << '\n';
      }
    }
  });
}

void ViewerSimulator::stop() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->io_context) return;
  // Stop the loop, then destroy it: that destroys every pending handler, hence the listener
  // and every session (hung ones included), closing their sockets. Then the TLS context.
  impl_->io_context->stop();
  impl_->thread.join();
  impl_->io_context.reset();
  impl_->ssl_context.reset();
}

std::uint16_t ViewerSimulator::port() const { return impl_->port; }

std::string ViewerSimulator::base_url() const {
  const std::string& host = impl_->options.listen_address;
  const bool ipv6 = host.find(':') != std::string::npos;
  return "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port()) + "/v1";
}

std::string ViewerSimulator::certificate_pem() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->certificate ? impl_->certificate->certificate_pem : std::string();
}

std::vector<RecordedRequest> ViewerSimulator::requests() const {
  return impl_->state->requests.snapshot();
}

std::size_t ViewerSimulator::studies_created() const {
  return impl_->state->store.studies_created();
}

void ViewerSimulator::reset() {
  impl_->state->store.reset();
  impl_->state->requests.clear();
}

bool ViewerSimulator::cancel_study(const std::string& study_id) {
  return impl_->state->store.cancel(study_id);
}

void ViewerSimulator::add_user(User user) { impl_->state->users.add(std::move(user)); }

void ViewerSimulator::add_customer(Customer customer) {
  impl_->state->store.add_customer(std::move(customer));
}

void ViewerSimulator::set_fault(Fault fault) { impl_->state->faults.add(std::move(fault)); }

void ViewerSimulator::clear_faults() { impl_->state->faults.clear(); }

void ViewerSimulator::set_ignore_idempotency(bool ignore) {
  impl_->state->store.set_ignore_idempotency(ignore);
}

}  // namespace gw::sim
