#pragma once
// Reads one YAML mapping against the keys it may hold, so that unknown keys and wrong
// types become located diagnostics instead of silent defaults.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "gateway/domain/diagnostic.hpp"

namespace gw::config {

/// Appends a diagnostic located at `node`'s mark (1-based line and column).
void report(Diagnostics& out, const std::string& file, const YAML::Node& node,
            std::string message);

/// One mapping section. Used on the loading thread only; borrows `out`.
class YamlMappingReader {
 public:
  /// Reports a non-mapping node, and every key not in `allowed`, as an error.
  YamlMappingReader(const YAML::Node& node, std::string section, const std::string& file,
                    Diagnostics& out, std::initializer_list<std::string_view> allowed);

  bool present(const char* key) const;
  YAML::Node node(const char* key) const;

  void read(const char* key, std::string& value) const;
  void read(const char* key, bool& value) const;
  void read(const char* key, std::uint16_t& value, long long min, long long max) const;
  void read(const char* key, unsigned& value, long long min, long long max) const;
  void read(const char* key, std::uint64_t& value, long long min, long long max) const;
  void read_duration(const char* key, std::chrono::milliseconds& value) const;
  /// One of `choices`, each named as its to_string() spells it, so that an enum is parsed
  /// once, here; any other name is reported with `message` (which lists the allowed names)
  /// and leaves `value` unchanged.
  template <typename E>
  void read_choice(const char* key, std::initializer_list<E> choices, E& value,
                   std::string_view message) const {
    std::string name;
    if (!present(key) || !node_[key].IsScalar()) return read(key, name);  // reports a non-string
    name = node_[key].Scalar();
    for (const E choice : choices) {
      if (to_string(choice) == name) {
        value = choice;
        return;
      }
    }
    report(out_, file_, node_[key], std::string(message));
  }

 private:
  bool read_integer(const char* key, long long& value, long long min, long long max) const;
  std::string where(const char* key) const;

  YAML::Node node_;
  std::string section_;
  const std::string& file_;
  Diagnostics& out_;
  bool is_map_ = false;
};

}  // namespace gw::config
