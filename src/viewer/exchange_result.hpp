#pragma once
// What one HTTP exchange on a pooled connection produced, before any call-specific reading.
// Internal to the viewer adapter; no Beast here, so the walkers and their tests need none.
#include <functional>
#include <optional>
#include <string>

namespace gw::viewer::detail {

/// A response as read, or the transport failure that prevented one. Value type.
struct ExchangeResult {
  std::string transport_error;  // non-empty: no response (connect, proxy, TLS, write, read…)
  int status = 0;
  std::string reason;
  std::optional<std::string> retry_after;
  std::string body;
  bool reused_connection = false;  // sent on a kept-alive connection
  // The request started to be written: without a response it may still have reached the API
  // and been processed. False when it failed before (resolve, connect, proxy, TLS, queue).
  bool write_started = false;

  bool has_response() const noexcept { return transport_error.empty(); }
  static ExchangeResult failure(std::string error) {
    ExchangeResult result;
    result.transport_error = std::move(error);
    return result;
  }
};

/// Receives an exchange's result exactly once, on the client's strand.
using ExchangeDone = std::function<void(ExchangeResult)>;

/// Starts `GET target` on the client's pool and calls `done` on its strand. Callable from the
/// strand; answers "shut down" (transport error) once the client is shut down or gone.
using FetchFunction = std::function<void(std::string target, ExchangeDone done)>;

}  // namespace gw::viewer::detail
