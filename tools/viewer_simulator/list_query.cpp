#include "list_query.hpp"

#include <openssl/evp.h>

#include <charconv>

#include "gateway/domain/registration_request.hpp"
#include "gateway/domain/severity.hpp"

namespace gw::sim {
namespace {

constexpr std::string_view kStudyCursorTag = "sc1.";
constexpr std::string_view kCustomerCursorTag = "cc1.";

// The last non-empty value of `name`, decoded; nullopt when absent or empty.
std::optional<std::string> param(boost::urls::params_view params, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& p : params) {
    if (p.key == name && p.has_value && !p.value.empty()) found = p.value;
  }
  return found;
}

template <class Int>
std::optional<Int> parse_number(std::string_view text, int base) {
  Int number{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number, base);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return number;
}

Checked<std::size_t> parse_limit(boost::urls::params_view params) {
  const auto text = param(params, "limit");
  if (!text) return std::size_t{20};
  const auto limit = parse_number<std::size_t>(*text, 10);
  if (!limit || *limit < 1 || *limit > 100) {
    return Invalid{"limit must be an integer from 1 to 100"};
  }
  return *limit;
}

// The vendor's cursors are Base64; so are ours, so a client that mangles "+", "/" or "=" in a
// query string fails here as it would against the real API.
std::string base64(std::string_view raw) {
  std::string text(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  text.resize(static_cast<std::size_t>(n));
  return text;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string raw(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  raw.resize(static_cast<std::size_t>(n) - padding);
  return raw;
}

template <class Int>
Checked<std::optional<Int>> parse_cursor(boost::urls::params_view params, std::string_view tag) {
  const auto text = param(params, "cursor");
  if (!text) return std::optional<Int>{};
  const auto decoded = unbase64(*text);
  if (!decoded) return Invalid{"cursor is not valid for this list"};
  std::string_view cursor = *decoded;
  if (!cursor.starts_with(tag)) return Invalid{"cursor is not valid for this list"};
  const auto position = parse_number<Int>(cursor.substr(tag.size()), 16);
  if (!position) return Invalid{"cursor is not valid for this list"};
  return std::optional<Int>{*position};
}

std::string hex(std::uint64_t number) {
  std::string text(16, '\0');
  const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), number, 16);
  text.resize(static_cast<std::size_t>(end - text.data()));
  return text;
}

}  // namespace

Checked<StudyListQuery> parse_study_list_query(boost::urls::params_view params) {
  StudyListQuery query;
  auto limit = parse_limit(params);
  if (!limit) return Invalid{limit.error()};
  query.limit = *limit;
  auto cursor = parse_cursor<std::uint64_t>(params, kStudyCursorTag);
  if (!cursor) return Invalid{cursor.error()};
  query.before = *cursor;

  StudyFilter& f = query.filter;
  f.assigned_to = param(params, "assignedTo");
  if (f.assigned_to && !gw::is_valid_user_id(*f.assigned_to)) {
    return Invalid{"assignedTo must be usr_ followed by 32 hex characters"};
  }
  f.severity = param(params, "severity");
  if (f.severity && !gw::parse_severity(*f.severity)) {
    return Invalid{"severity must be one of normal, high, stat"};
  }
  f.study_viewer_status = param(params, "studyViewerStatus");
  if (f.study_viewer_status && !is_valid_viewer_status(*f.study_viewer_status)) {
    return Invalid{"studyViewerStatus must be incomplete or complete"};
  }
  if (const auto cancelled = param(params, "isCancelled")) {
    if (*cancelled != "true" && *cancelled != "false") {
      return Invalid{"isCancelled must be true or false"};
    }
    f.is_cancelled = *cancelled == "true";
  }
  f.description_contains = param(params, "studyDescription");
  return query;
}

Checked<PageQuery> parse_page_query(boost::urls::params_view params) {
  PageQuery query;
  auto limit = parse_limit(params);
  if (!limit) return Invalid{limit.error()};
  query.limit = *limit;
  auto cursor = parse_cursor<std::size_t>(params, kCustomerCursorTag);
  if (!cursor) return Invalid{cursor.error()};
  query.from = cursor->value_or(0);
  return query;
}

std::string study_cursor(std::uint64_t before) {
  return base64(std::string(kStudyCursorTag) + hex(before));
}

std::string customer_cursor(std::size_t from) {
  return base64(std::string(kCustomerCursorTag) + hex(from));
}

}  // namespace gw::sim
