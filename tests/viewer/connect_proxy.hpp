#pragma once
// A tiny HTTP CONNECT proxy for tests: plain TCP on 127.0.0.1, one thread, forwards bytes both
// ways once a tunnel is open, and records every CONNECT it sees. It never looks inside the
// tunnel, so TLS through it is end to end exactly as through a real proxy.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gw::viewer::testing {

/// What the proxy received: one entry per CONNECT request. Value type.
struct ConnectRecord {
  std::string target;               // request-target, e.g. "localhost:8443"
  std::string proxy_authorization;  // the header's value, or empty
};

/// Owns its io_context and thread; starts listening in the constructor, stops in the
/// destructor. All public methods are thread-safe.
class ConnectProxy {
 public:
  /// `required_authorization`: when non-empty, CONNECTs without exactly this
  /// Proxy-Authorization value are answered 407 and closed.
  explicit ConnectProxy(std::string required_authorization = {});
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT", or with "user:password@" when given.
  std::string url(const std::string& userinfo = {}) const;
  std::vector<ConnectRecord> connects() const;
  /// Tunnels answered 200 so far.
  std::size_t tunnels() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gw::viewer::testing
