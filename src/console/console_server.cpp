#include "gateway/console/console_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include <stdexcept>

#include "auth/password_hash.hpp"
#include "console_connection.hpp"
#include "gateway/log/log.hpp"

namespace gw::console {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {net::ip::make_address(host), static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

/// Every user's hash, resolved now; the first that cannot be read is the error.
std::vector<UserRecord> load_users(const config::ConsoleSettings& settings, std::string& error) {
  std::vector<UserRecord> users;
  for (const auto& user : settings.users) {
    auto hash = resolve_hash(user);
    if (!hash) {
      error = hash.error().message;
      return {};
    }
    users.push_back({user.name, user.role, std::move(*hash)});
  }
  return users;
}

}  // namespace

struct ConsoleServer::Impl {
  Impl(net::io_context& context, const config::ConsoleSettings& settings, ConsoleServices services)
      : io(context),
        acceptor(context),
        tls(!settings.tls_cert_file.empty()),
        state(std::make_shared<ConsoleState>(std::move(services), tls, settings)) {}

  net::io_context& io;
  tcp::acceptor acceptor;
  bool tls;
  std::optional<net::ssl::context> ssl;
  std::shared_ptr<ConsoleState> state;
  std::vector<std::weak_ptr<ConsoleConnectionBase>> connections;
  std::uint16_t port = 0;
};

ConsoleServer::ConsoleServer(net::io_context& io, const config::ConsoleSettings& settings,
                             ConsoleServices services)
    : impl_(std::make_unique<Impl>(io, settings, std::move(services))) {
  std::string error;
  auto users = load_users(settings, error);
  if (!error.empty()) throw std::runtime_error("console: " + error);
  impl_->state->users.replace(std::move(users));
  if (impl_->tls) {
    impl_->ssl.emplace(net::ssl::context::tls_server);
    impl_->ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                            net::ssl::context::no_tlsv1_1);
    try {
      impl_->ssl->use_certificate_chain_file(settings.tls_cert_file);
      impl_->ssl->use_private_key_file(settings.tls_key_file, net::ssl::context::pem);
    } catch (const std::exception& e) {
      throw std::runtime_error("console.tls: cannot load " + settings.tls_cert_file + " / " +
                               settings.tls_key_file + ": " + e.what());
    }
  }
  const tcp::endpoint endpoint = parse_listen(settings.listen);
  boost::system::error_code ec;
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("console.listen " + settings.listen + ": " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  auto& state = *impl_->state;
  state.started = state.services.clock();
  // Counted from the event stream, so the overview's rates cost no query.
  state.events = std::make_shared<EventStream>(
      io.get_executor(), state.services.events, [&state](const events::GatewayEvent& e) {
        const std::int64_t second = e.at_ms / 1000;
        if (e.kind == events::EventKind::study_arrived) state.instances.add(second);
        if (e.kind == events::EventKind::study_changed && e.to_state == "registered") {
          state.registrations.add(second);
        }
      });
}

ConsoleServer::~ConsoleServer() = default;

void ConsoleServer::start() {
  impl_->state->events->start();
  accept();
}

void ConsoleServer::accept() {
  impl_->acceptor.async_accept(
      impl_->io,  // one io thread: its implicit strand
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !self->impl_->acceptor.is_open()) return;
        if (!ec) {
          boost::system::error_code ignored;
          const auto remote = socket.remote_endpoint(ignored);
          const std::string peer = remote.address().to_string();
          std::erase_if(self->impl_->connections, [](const auto& weak) { return weak.expired(); });
          boost::beast::tcp_stream stream(std::move(socket));
          if (self->impl_->tls) {
            auto connection = std::make_shared<TlsConsoleConnection>(
                boost::beast::ssl_stream<boost::beast::tcp_stream>(std::move(stream), *self->impl_->ssl),
                self->impl_->state, peer);
            self->impl_->connections.push_back(connection);
            connection->start();
          } else {
            auto connection = std::make_shared<PlainConsoleConnection>(std::move(stream), self->impl_->state, peer);
            self->impl_->connections.push_back(connection);
            connection->start();
          }
        }
        self->accept();
      });
}

void ConsoleServer::stop() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->state->events->stop();
  for (auto& weak : impl_->connections) {
    if (auto connection = weak.lock()) connection->close();
  }
  impl_->connections.clear();
}

std::string ConsoleServer::reload(const config::ConsoleSettings& settings) {
  std::string error;
  auto users = load_users(settings, error);
  if (!error.empty()) return error;
  auto& state = *impl_->state;
  state.users.replace(std::move(users));
  state.sessions.retain_users([&state](std::string_view name) { return state.users.find(name).has_value(); });
  state.basic_cache.clear();
  state.events->revalidate();
  return {};
}

std::uint16_t ConsoleServer::port() const { return impl_->port; }

}  // namespace gw::console
