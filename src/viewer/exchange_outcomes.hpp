#pragma once
// Turns an ExchangeResult into what each call answers, by the rules of viewer-api.md.
// Pure functions with time passed in. Internal to the viewer adapter.
#include <chrono>

#include "exchange_result.hpp"
#include "gateway/viewer/query_outcomes.hpp"
#include "gateway/viewer/viewer_client.hpp"

namespace gw::viewer::detail {

/// The create outcome: a transport failure is transient; a response goes to classify_response.
CreateOutcome to_create_outcome(const ExchangeResult& result,
                                std::chrono::system_clock::time_point now);

/// The failure a non-2xx response or a transport failure stands for: 401/403 unauthorized;
/// 408, 425, 429, 5xx, odd statuses and transport failures transient; other 4xx permanent.
CallFailure to_call_failure(const ExchangeResult& result,
                            std::chrono::system_clock::time_point now);

/// A failure the gateway diagnosed itself from a 2xx it cannot use (a body it cannot read).
CallFailure unreadable_answer(const ExchangeResult& result, std::string what);

/// GET one study: 2xx with a readable study → found; 404 → not_found; else failed.
GetStudyOutcome to_get_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now);

/// True for 2xx responses (and false for transport failures).
inline bool is_success(const ExchangeResult& result) noexcept {
  return result.has_response() && result.status >= 200 && result.status <= 299;
}

}  // namespace gw::viewer::detail
