#include "attribute_key.hpp"

#include <cctype>

#include "text_util.hpp"

namespace gw::routing {
namespace {

bool is_hex(char c) noexcept { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string upper_hex(std::string_view digits) {
  std::string out(digits);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_hex(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_hex(c)) return false;
  }
  return true;
}

bool is_identifier(std::string_view s) noexcept {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool is_association_key(std::string_view key) noexcept {
  return key == "calling_ae" || key == "called_ae" || key == "peer_address";
}

std::optional<std::string> normalise_tag(std::string_view written) {
  if (written.size() == 8 && all_hex(written)) return upper_hex(written);
  if (written.size() < 11 || written.front() != '(' || written.back() != ')') return std::nullopt;
  std::string_view inner = written.substr(1, written.size() - 2);
  const auto comma = inner.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view group = inner.substr(0, comma);
  std::string_view element = inner.substr(comma + 1);
  while (!element.empty() && element.front() == ' ') element.remove_prefix(1);
  if (group.size() != 4 || element.size() != 4 || !all_hex(group) || !all_hex(element)) {
    return std::nullopt;
  }
  return upper_hex(group) + upper_hex(element);
}

ResolvedKey resolve_attribute_key(std::string_view written,
                                  const std::function<bool(std::string_view)>& is_known_keyword) {
  if (is_association_key(written)) return {std::string(written), {}};
  if (auto tag = normalise_tag(written)) return {*tag, {}};
  if (is_identifier(written)) {
    if (!is_known_keyword || is_known_keyword(written)) return {std::string(written), {}};
    return {{}, "unknown DICOM keyword " + quoted(written)};
  }
  return {{},
          quoted(written) +
              " is not a DICOM keyword, a tag like \"(0008,1030)\" or \"00081030\", "
              "or calling_ae, called_ae, peer_address"};
}

}  // namespace gw::routing
