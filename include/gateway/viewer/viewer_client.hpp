#pragma once
// The registration path's view of the Viewer API: one call, one outcome. The dispatcher
// depends on this interface only, so tests can put a fake on the other side.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace gw::viewer {

/// How one create attempt ended, already classified by the rules of viewer-api.md.
struct CreateOutcome {
  enum class Kind {
    created,             // 2xx: study_id holds the receipt
    already_registered,  // 409: the viewer knows this study; study_id if the body had one
    transient,           // network/TLS failure, timeout, 408, 425, 429, 5xx: retry later
    unauthorized,        // 401/403: the key is wrong or revoked; pause all sending
    permanent,           // other 4xx: do not retry until an operator acts
  };
  Kind kind = Kind::transient;
  int http_status = 0;  // 0 when no HTTP response was read
  std::string study_id;  // "stu_…" when known
  std::string error;     // short human-readable reason; never contains the API key
  std::string response_body;  // truncated to 4 KiB
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After, when present
};

/// Sends create requests. Implementations are asynchronous and bound to one executor;
/// call them only from that executor. Each handler runs exactly once, on that executor.
class ViewerClient {
 public:
  using CreateHandler = std::function<void(CreateOutcome)>;
  virtual ~ViewerClient() = default;

  /// Starts `POST {base_url}/viewer/studies` with `json_body` and the `Idempotency-Key`
  /// header. `json_body` is copied; the caller need not keep it alive.
  virtual void create_study(std::string json_body, std::string idempotency_key,
                            CreateHandler handler) = 0;

  /// Cancels everything in flight (handlers then see `transient` with error "shut down")
  /// and closes pooled connections.
  virtual void shutdown() = 0;
};

}  // namespace gw::viewer
