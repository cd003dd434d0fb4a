#pragma once
// Turns an ExchangeResult into what each call answers, by the rules of viewer-api.md.
// Pure functions with time passed in. Internal to the viewer adapter.
#include <chrono>
#include <string_view>

#include "exchange_result.hpp"
#include "gateway/viewer/query_outcomes.hpp"
#include "gateway/viewer/viewer_client.hpp"

namespace gw::viewer::detail {

/// The create outcome: a transport failure is transient; a response goes to classify_response.
/// maybe_created is set for a transient end that does not prove the request unprocessed.
CreateOutcome to_create_outcome(const ExchangeResult& result,
                                std::chrono::system_clock::time_point now);

/// True when a transient create ending may still have created the study: no answer after the
/// write started, or an answer (500, 502, 504, odd statuses) that does not say "not processed"
/// the way 408, 425, 429 and 503 do.
bool may_have_been_processed(const ExchangeResult& result) noexcept;

/// The failure a non-2xx response or a transport failure stands for: 401/403 unauthorized;
/// 408, 425, 429, 5xx, odd statuses and transport failures transient; other 4xx permanent.
CallFailure to_call_failure(const ExchangeResult& result,
                            std::chrono::system_clock::time_point now);

/// A failure the gateway diagnosed itself from a 2xx it cannot use (a body it cannot read).
CallFailure unreadable_answer(const ExchangeResult& result, std::string what);

/// GET one study: 2xx with a readable study → found; 404 → not_found; else failed.
GetStudyOutcome to_get_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now);

/// GET by-uid: 2xx with a readable study of `study_instance_uid` → found; 404 → not_found;
/// else failed (a 2xx naming another study is permanent).
FindStudyOutcome to_find_outcome(const ExchangeResult& result, std::string_view study_instance_uid,
                                 std::chrono::system_clock::time_point now);

/// GET one user: 2xx with a readable user → found; 404 → not_found; else failed.
GetUserOutcome to_user_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now);

/// True for 2xx responses (and false for transport failures).
inline bool is_success(const ExchangeResult& result) noexcept {
  return result.has_response() && result.status >= 200 && result.status <= 299;
}

}  // namespace gw::viewer::detail
