#include "http_credentials.hpp"

#include <algorithm>

#include "base64.hpp"

namespace gw::console {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return lower(x) == lower(y);
  });
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  header = trim(header);
  const std::size_t blank = header.find_first_of(" \t");
  if (blank == std::string_view::npos || !iequals(header.substr(0, blank), "basic")) {
    return std::nullopt;
  }
  auto decoded = base64_decode(trim(header.substr(blank)));
  if (!decoded) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  BasicCredentials credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (has_control_character(credentials.user) || has_control_character(credentials.password)) {
    return std::nullopt;
  }
  return credentials;
}

std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name) {
  if (name.empty()) return std::nullopt;
  while (!cookie_header.empty()) {
    const std::size_t end = cookie_header.find(';');
    const std::string_view pair = trim(cookie_header.substr(0, end));
    cookie_header =
        end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || trim(pair.substr(0, equals)) != name) continue;
    std::string_view value = trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view name, std::string_view token,
                           std::chrono::seconds max_age, bool secure) {
  std::string cookie;
  cookie.append(name).append("=").append(token);
  cookie.append("; Path=/; HttpOnly; SameSite=Strict; Max-Age=");
  cookie.append(std::to_string(std::max<std::chrono::seconds::rep>(max_age.count(), 0)));
  if (secure) cookie.append("; Secure");
  return cookie;
}

std::string expired_cookie(std::string_view name, bool secure) {
  return session_cookie(name, "", std::chrono::seconds{0}, secure);
}

}  // namespace gw::console
