#pragma once
// A small blocking HTTP client for the console tests, plain or TLS (verifying the test CA and
// the host name 127.0.0.1), every step under a deadline so a hung console fails the test
// instead of hanging the suite. One connection per request: what a script with curl does.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace gw::test {

namespace http = boost::beast::http;

/// One answer, or the error that kept it from coming. Value type.
struct ConsoleReply {
  boost::system::error_code error;  // connect, handshake, write or read failed
  http::response<http::string_body> response;

  int status() const { return static_cast<int>(response.result_int()); }
  std::string header(std::string_view name) const { return std::string(response[name]); }
  const std::string& body() const { return response.body(); }
  /// The body as JSON; null (and a test failure) when it is not JSON.
  boost::json::value json() const;
  /// `error.code` of an error answer; empty when the body has none.
  std::string error_code() const;
};

/// Where the console is and how to reach it. Value type.
struct ConsoleEndpoint {
  std::uint16_t port = 0;
  std::optional<std::filesystem::path> tls_ca;  // set: TLS, trusting only this CA
  std::string source_address;  // e.g. "127.0.0.7": the console counts failed logins per address
};

/// The Authorization header value of HTTP Basic for `user`:`password`.
std::string basic_auth(const std::string& user, const std::string& password);

/// Sends one request (Host, Content-Length set here) on a new connection; 10 s deadline per
/// step. `headers` are added as given (Authorization, Cookie, X-CSRF-Token, Content-Type…).
ConsoleReply console_request(const ConsoleEndpoint& endpoint, http::verb method,
                             const std::string& target, const std::string& body = {},
                             const std::map<std::string, std::string>& headers = {});

/// GET /api/v1/events held open: reads what the server streams, each read under a deadline.
/// Plain HTTP only. Owned by one test thread.
class EventStreamReader {
 public:
  EventStreamReader(const ConsoleEndpoint& endpoint, const std::map<std::string, std::string>& headers);
  ~EventStreamReader();
  EventStreamReader(const EventStreamReader&) = delete;
  EventStreamReader& operator=(const EventStreamReader&) = delete;

  /// The status line and headers, and the opening comment: once this returns true the
  /// server has subscribed the stream. False when none came within `timeout`.
  bool open(std::chrono::milliseconds timeout);
  /// Reads until everything received so far contains `needle` or `timeout` passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  /// Everything received so far (headers included).
  const std::string& received() const { return received_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string received_;
};

}  // namespace gw::test
