#include "gateway/viewer/wire_format.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace gw::viewer {
namespace {

namespace json = boost::json;

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are not
// one (overlong forms, surrogates and code points above U+10FFFF count as invalid, as in
// RFC 3629), so that what we keep is strictly valid.
std::size_t valid_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

}  // namespace

bool is_study_id(std::string_view id) noexcept {
  constexpr std::string_view prefix = "stu_";
  if (id.size() != prefix.size() + 32 || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size())) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string to_json(const gw::RegistrationRequest& request) {
  json::object body;
  body["studyInstanceUid"] = request.study_instance_uid;
  body["studyDescription"] = request.study_description;
  body["severity"] = std::string_view(gw::to_string(request.severity));
  if (request.assigned_to) body["assignedTo"] = *request.assigned_to;
  if (request.express_customer_id) body["expressCustomerId"] = *request.express_customer_id;
  if (!request.metadata.empty()) {
    json::object metadata;
    for (const auto& [key, value] : request.metadata) metadata[key] = value;
    body["metadata"] = std::move(metadata);
  }
  return json::serialize(body);
}

std::optional<std::string> parse_created_study(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::value* id = parsed.as_object().if_contains("studyId");
  if (id == nullptr || !id->is_string()) return std::nullopt;
  const std::string_view text = id->get_string();
  if (!is_study_id(text)) return std::nullopt;
  return std::string(text);
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = valid_sequence_length(text, i);
    const std::string_view piece = len ? text.substr(i, len) : replacement;
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += len ? len : 1;
  }
  return out;
}

}  // namespace gw::viewer
