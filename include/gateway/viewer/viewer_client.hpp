#pragma once
// The gateway's view of the Viewer API: one call, one outcome. The dispatcher and the command
// line depend on this interface only, so tests can put a fake on the other side.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/system/error_code.hpp>

#include "gateway/viewer/query_outcomes.hpp"

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
  std::string error;  // short human-readable reason; never the API key, never the response body
  std::string response_body;  // truncated to 4 KiB
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After, when present
  // The request may have reached the viewer and no answer says it was not processed (timeout
  // or reset after the request started to be written, a cancel by shutdown after that, or a
  // 500/502/504 answer): the study may exist. The dispatcher looks it up by UID before sending again.
  bool maybe_created = false;
};

/// Talks to the Viewer API. Implementations are asynchronous and bound to one executor;
/// call them only from that executor. Each handler runs exactly once, on that executor.
class ViewerClient {
 public:
  using CreateHandler = std::function<void(CreateOutcome)>;
  using GetHandler = std::function<void(GetStudyOutcome)>;
  using FindHandler = std::function<void(FindStudyOutcome)>;
  using UserHandler = std::function<void(GetUserOutcome)>;
  using CustomersHandler = std::function<void(ListCustomersOutcome)>;
  virtual ~ViewerClient() = default;

  /// Starts `POST {base_url}/viewer/studies` with `json_body` and the `Idempotency-Key`
  /// header. `json_body` is copied; the caller need not keep it alive.
  virtual void create_study(std::string json_body, std::string idempotency_key,
                            CreateHandler handler) = 0;

  /// Starts `GET {base_url}/viewer/studies/{study_id}`: found (with isCancelled), not_found
  /// on 404, or a failure.
  virtual void get_study(std::string study_id, GetHandler handler) = 0;

  /// Starts `GET {base_url}/viewer/studies/by-uid/{study_instance_uid}`: found (200, the study),
  /// not_found (404), or failed (failure says why; a 2xx that cannot be read is permanent).
  virtual void find_study(std::string study_instance_uid, FindHandler handler) = 0;

  /// Starts `GET {base_url}/viewer/users/{user_id}`: found (200, the user), not_found (404),
  /// or failed (failure says why; a 2xx that cannot be read is permanent).
  virtual void get_user(std::string user_id, UserHandler handler) = 0;

  /// Reads every page of `GET {base_url}/express`; also proves the key works (401: unauthorized).
  virtual void list_customers(CustomersHandler handler) = 0;

  /// Replaces the API key for requests started from now on (e.g. after SIGHUP). Refuses an
  /// empty key or one with control characters (viewer_errc::bad_settings) and keeps the old
  /// one; the error never contains the key. Callable from any thread.
  virtual boost::system::error_code set_api_key(std::string api_key) = 0;

  /// Cancels everything in flight (handlers then see `transient` with error "shut down")
  /// and closes pooled connections.
  virtual void shutdown() = 0;

  /// Calls `then` on the caller's executor once every request started before this call has
  /// been handed to a connection (written, where one was idle). Lets a caller run blocking
  /// work, such as a commit, behind its requests instead of ahead of them.
  virtual void after_started(std::function<void()> then) = 0;
};

}  // namespace gw::viewer
