#include "yaml_mapping_reader.hpp"

#include <algorithm>
#include <charconv>

#include "gateway/config/duration.hpp"

namespace gw::config {

void report(Diagnostics& out, const std::string& file, const YAML::Node& node,
            std::string message) {
  const YAML::Mark mark = node.Mark();
  out.push_back(Diagnostic{file, mark.line + 1, mark.column + 1, std::move(message),
                           Diagnostic::Level::error});
}

YamlMappingReader::YamlMappingReader(const YAML::Node& node, std::string section,
                                     const std::string& file, Diagnostics& out,
                                     std::initializer_list<std::string_view> allowed)
    : node_(node), section_(std::move(section)), file_(file), out_(out) {
  if (!node_.IsDefined() || node_.IsNull()) return;
  if (!node_.IsMap()) {
    report(out_, file_, node_, "'" + section_ + "' must be a mapping");
    return;
  }
  is_map_ = true;
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      report(out_, file_, entry.first, "unknown key '" + key + "' in '" + section_ + "'");
    }
  }
}

bool YamlMappingReader::present(const char* key) const {
  return is_map_ && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node YamlMappingReader::node(const char* key) const {
  return is_map_ ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
}

std::string YamlMappingReader::where(const char* key) const { return section_ + "." + key; }

void YamlMappingReader::read(const char* key, std::string& value) const {
  if (!present(key)) return;
  const YAML::Node n = node_[key];
  if (!n.IsScalar()) {
    report(out_, file_, n, "'" + where(key) + "' must be a string");
    return;
  }
  value = n.Scalar();
}

void YamlMappingReader::read(const char* key, bool& value) const {
  if (!present(key)) return;
  const YAML::Node n = node_[key];
  const std::string text = n.IsScalar() ? n.Scalar() : std::string{};
  if (text == "true") value = true;
  else if (text == "false") value = false;
  else report(out_, file_, n, "'" + where(key) + "' must be true or false");
}

bool YamlMappingReader::read_integer(const char* key, long long& value, long long min,
                                     long long max) const {
  if (!present(key)) return false;
  const YAML::Node n = node_[key];
  const std::string text = n.IsScalar() ? n.Scalar() : std::string{};
  long long parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || parsed < min ||
      parsed > max) {
    report(out_, file_, n,
           "'" + where(key) + "' must be a whole number from " + std::to_string(min) + " to " +
               std::to_string(max));
    return false;
  }
  value = parsed;
  return true;
}

void YamlMappingReader::read(const char* key, std::uint16_t& value, long long min,
                             long long max) const {
  long long v = 0;
  if (read_integer(key, v, min, max)) value = static_cast<std::uint16_t>(v);
}

void YamlMappingReader::read(const char* key, unsigned& value, long long min,
                             long long max) const {
  long long v = 0;
  if (read_integer(key, v, min, max)) value = static_cast<unsigned>(v);
}

void YamlMappingReader::read(const char* key, std::uint64_t& value, long long min,
                             long long max) const {
  long long v = 0;
  if (read_integer(key, v, min, max)) value = static_cast<std::uint64_t>(v);
}

void YamlMappingReader::read_duration(const char* key, std::chrono::milliseconds& value) const {
  if (!present(key)) return;
  const YAML::Node n = node_[key];
  const auto parsed = n.IsScalar() ? parse_duration(n.Scalar()) : std::nullopt;
  if (!parsed) {
    report(out_, file_, n,
           "'" + where(key) + "' must be a duration such as 250ms, 30s, 5m or 1h");
    return;
  }
  value = *parsed;
}

}  // namespace gw::config
