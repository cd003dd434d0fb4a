#include "connect_proxy.hpp"

#include <array>
#include <cctype>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace gw::viewer::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

std::string header_value(const std::string& head, const std::string& name) {
  // Case-insensitive search for "\r\nName:" in the request head.
  std::string lower_head = head, lower_name = "\r\n" + name + ":";
  for (auto* s : {&lower_head, &lower_name}) {
    for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto at = lower_head.find(lower_name);
  if (at == std::string::npos) return {};
  auto start = at + lower_name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

struct ConnectProxy::Impl : std::enable_shared_from_this<ConnectProxy::Impl> {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::string required_authorization;
  mutable std::mutex mutex;
  std::vector<ConnectRecord> records;
  std::size_t tunnels = 0;
  std::thread thread;

  // One client connection: the CONNECT head, then two one-way pumps.
  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& p, tcp::socket s) : proxy(p), client(std::move(s)), upstream(p.io), resolver(p.io) {}
    Impl& proxy;
    tcp::socket client, upstream;
    tcp::resolver resolver;
    asio::streambuf head;
    std::string reply;

    void start() {
      asio::async_read_until(client, head, "\r\n\r\n",
                             [self = shared_from_this()](error_code ec, std::size_t n) {
                               if (!ec) self->on_head(n);
                             });
    }

    void on_head(std::size_t n) {
      std::string text(asio::buffers_begin(head.data()), asio::buffers_begin(head.data()) + n);
      head.consume(n);
      const auto line_end = text.find("\r\n");
      const std::string line = text.substr(0, line_end);
      const auto sp1 = line.find(' '), sp2 = line.rfind(' ');
      if (line.rfind("CONNECT ", 0) != 0 || sp1 == sp2) return refuse("405 Method Not Allowed");
      ConnectRecord record{line.substr(sp1 + 1, sp2 - sp1 - 1),
                           header_value(text, "Proxy-Authorization")};
      {
        std::lock_guard lock(proxy.mutex);
        proxy.records.push_back(record);
      }
      if (!proxy.required_authorization.empty() &&
          record.proxy_authorization != proxy.required_authorization) {
        return refuse("407 Proxy Authentication Required");
      }
      std::string host = record.target.substr(0, record.target.rfind(':'));
      const std::string port = record.target.substr(record.target.rfind(':') + 1);
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      resolver.async_resolve(host, port, [self = shared_from_this()](
                                             error_code ec, tcp::resolver::results_type r) {
        if (ec) return self->refuse("502 Bad Gateway");
        asio::async_connect(self->upstream, r, [self](error_code ec2, const tcp::endpoint&) {
          if (ec2) return self->refuse("502 Bad Gateway");
          self->established();
        });
      });
    }

    void refuse(const std::string& status) {
      reply = "HTTP/1.1 " + status + "\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n" +
              "Connection: close\r\n\r\n";
      asio::async_write(client, asio::buffer(reply),
                        [self = shared_from_this()](error_code, std::size_t) {
                          error_code ignored;
                          self->client.close(ignored);
                        });
    }

    void established() {
      {
        std::lock_guard lock(proxy.mutex);
        ++proxy.tunnels;
      }
      reply = "HTTP/1.1 200 Connection established\r\n\r\n";
      asio::async_write(client, asio::buffer(reply),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          if (ec) return self->close();
                          // Bytes read past the head belong to the tunnel.
                          auto leftover = std::make_shared<std::string>(
                              asio::buffers_begin(self->head.data()),
                              asio::buffers_end(self->head.data()));
                          asio::async_write(self->upstream, asio::buffer(*leftover),
                                            [self, leftover](error_code ec2, std::size_t) {
                                              if (ec2) return self->close();
                                              pump(self, self->client, self->upstream);
                                              pump(self, self->upstream, self->client);
                                            });
                        });
    }

    static void pump(std::shared_ptr<Session> self, tcp::socket& from, tcp::socket& to) {
      auto buffer = std::make_shared<std::array<char, 16384>>();
      from.async_read_some(asio::buffer(*buffer), [self, &from, &to, buffer](error_code ec,
                                                                              std::size_t n) {
        if (ec) return self->close();
        asio::async_write(to, asio::buffer(*buffer, n),
                          [self, &from, &to, buffer](error_code ec2, std::size_t) {
                            if (ec2) return self->close();
                            pump(self, from, to);
                          });
      });
    }

    void close() {
      error_code ignored;
      client.close(ignored);
      upstream.close(ignored);
    }
  };

  void accept() {
    acceptor.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(*self, std::move(socket))->start();
      self->accept();
    });
  }
};

ConnectProxy::ConnectProxy(std::string required_authorization)
    : impl_(std::make_shared<Impl>()) {
  impl_->required_authorization = std::move(required_authorization);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

ConnectProxy::~ConnectProxy() {
  impl_->io.stop();
  impl_->thread.join();
  // Handlers still queued hold the Impl; dropping them breaks the cycle.
  impl_->acceptor.close();
  impl_->io.restart();
  impl_->io.poll();
}

std::uint16_t ConnectProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string ConnectProxy::url(const std::string& userinfo) const {
  return "http://" + (userinfo.empty() ? "" : userinfo + "@") + "127.0.0.1:" +
         std::to_string(port());
}

std::vector<ConnectRecord> ConnectProxy::connects() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->records;
}

std::size_t ConnectProxy::tunnels() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tunnels;
}

}  // namespace gw::viewer::testing
