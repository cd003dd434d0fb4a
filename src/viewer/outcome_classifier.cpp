#include "gateway/viewer/outcome_classifier.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "gateway/viewer/wire_format.hpp"
#include "http_date.hpp"

namespace gw::viewer {
namespace {

using Kind = CreateOutcome::Kind;
using std::chrono::milliseconds;

// Beyond this a server is not asking for back-off but for an operator; saturating keeps the
// arithmetic safe and the dispatcher's own cap decides what it really waits.
constexpr std::chrono::seconds max_retry_after{24 * 60 * 60};

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string status_text(const ResponseSummary& r) {
  std::string text = "HTTP " + std::to_string(r.status);
  if (!r.reason.empty()) text += " " + truncate_utf8(r.reason, 100);
  return text;
}

}  // namespace

CreateOutcome::Kind classify_status(int status) noexcept {
  if (status >= 200 && status <= 299) return Kind::created;
  switch (status) {
    case 409:
      return Kind::already_registered;
    case 401:
    case 403:
      return Kind::unauthorized;
    case 408:
    case 425:
    case 429:
      return Kind::transient;
    default:
      break;
  }
  if (status >= 400 && status <= 499) return Kind::permanent;
  return Kind::transient;  // 5xx, and anything the table does not name
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (all_digits(value)) {
    // More than ten digits is more than 300 years: saturate without parsing.
    if (value.size() > 10) return milliseconds(max_retry_after);
    long long seconds = 0;
    std::from_chars(value.data(), value.data() + value.size(), seconds);
    return milliseconds(std::min(std::chrono::seconds(seconds), max_retry_after));
  }
  const auto when = detail::parse_http_date(value);
  if (!when) return std::nullopt;
  const auto delta = std::chrono::duration_cast<milliseconds>(*when - now);
  if (delta <= milliseconds::zero()) return milliseconds::zero();
  return std::min(delta, milliseconds(max_retry_after));
}

CreateOutcome classify_response(const ResponseSummary& response,
                                std::chrono::system_clock::time_point now) {
  CreateOutcome outcome;
  outcome.kind = classify_status(response.status);
  outcome.http_status = response.status;
  outcome.response_body = truncate_utf8(response.body);
  if (response.retry_after) outcome.retry_after = parse_retry_after(*response.retry_after, now);

  switch (outcome.kind) {
    case Kind::created:
      if (auto id = parse_created_study(response.body)) {
        outcome.study_id = std::move(*id);
      } else {
        // Still created: a retry would register the study twice. The caller sees the gap.
        outcome.error = status_text(response) + ": created, but the response has no valid studyId";
      }
      break;
    case Kind::already_registered:
      if (auto id = parse_created_study(response.body)) outcome.study_id = std::move(*id);
      outcome.error = status_text(response) + ": the viewer already has this study";
      break;
    case Kind::unauthorized:
      outcome.error = status_text(response) + ": the API key was refused";
      break;
    case Kind::transient:
    case Kind::permanent:
      outcome.error = status_text(response);
      break;
  }
  return outcome;
}

}  // namespace gw::viewer
