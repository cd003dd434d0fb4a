#pragma once
// Turns an HTTP response into a CreateOutcome by the rules in viewer-api.md's last table.
// Pure functions with time passed in, so tests need neither a server nor a clock.
#include <chrono>
#include <optional>
#include <string_view>

#include "gateway/viewer/viewer_client.hpp"

namespace gw::viewer {

/// The parts of a create response the classification needs. Views only; the caller keeps the
/// response alive for the duration of the call.
struct ResponseSummary {
  int status = 0;
  std::string_view reason;                      // e.g. "Service Unavailable"; may be empty
  std::optional<std::string_view> retry_after;  // the Retry-After field, when present
  std::string_view body;
};

/// 2xx created; 409 already_registered; 408, 425, 429, 5xx transient; 401, 403 unauthorized;
/// other 4xx permanent. Anything else (1xx, 3xx, nonsense) is transient: the gateway does not
/// follow redirects, and an odd answer is more likely a proxy's hiccup than a verdict on the
/// study. Pure; thread-safe.
CreateOutcome::Kind classify_status(int status) noexcept;

/// The delay a Retry-After value asks for, relative to `now`: delta-seconds ("120") or an
/// HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime forms RFC 9110 requires
/// recipients to accept). A date in the past gives zero; very large values saturate at one
/// day rather than overflow. nullopt when the value is neither form. Pure; thread-safe.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// The full outcome of a response: kind, status, study_id (2xx and 409, when the body has a
/// valid one), a short error for anything but a clean create, the body truncated to 4 KiB of
/// valid UTF-8, and retry_after when the header parses. Pure; thread-safe.
CreateOutcome classify_response(const ResponseSummary& response,
                                std::chrono::system_clock::time_point now);

}  // namespace gw::viewer
