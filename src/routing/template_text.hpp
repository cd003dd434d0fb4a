#pragma once
// Text with placeholders: "{{Modality}} from {{StationName|unknown}}",
// "{{table:stations[StationName]|cus_...}}". Parsed and resolved at load; expanded per study.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts_view.hpp"

namespace gw::routing {

/// A lookup table from `routing.tables`. Heterogeneous lookup keeps expansion allocation-light.
struct LookupTable {
  std::string name;
  std::map<std::string, std::string, std::less<>> entries;
};

/// The characters an attribute placeholder is assumed to expand to when bounding metadata
/// lengths at load: the LO value representation's limit (docs/routing.md). Longer values are
/// truncated when routing.
inline constexpr std::size_t assumed_attribute_length = 64;

/// A parsed template. Value type; immutable once resolved, `expand` is const and thread-safe.
class TemplateText {
 public:
  struct Part {
    enum class Kind { literal, attribute, table };
    Kind kind = Kind::literal;
    std::string text;                    // literal: the text; otherwise the key as written
    std::string table;                   // table: its name as written
    std::optional<std::string> fallback;  // the `|default`
    std::size_t key = 0;                 // resolved: interned key index
    std::size_t table_index = 0;         // resolved: index into the rule set's tables
  };

  /// Splits `text` into parts; on a syntax error returns nullopt and sets `error`.
  static std::optional<TemplateText> parse(std::string_view text, std::string& error);

  std::vector<Part>& parts() noexcept { return parts_; }
  const std::vector<Part>& parts() const noexcept { return parts_; }
  bool is_literal() const noexcept;
  /// True when every part may expand to "" (no literal text, no non-empty default).
  bool can_be_empty() const noexcept;
  /// An upper bound of the expansion's length in characters, given the tables.
  std::size_t max_length(const std::vector<LookupTable>& tables) const;

  /// Multi-valued attributes expand to their values joined by '\' as DICOM writes them; an
  /// absent or empty value, or a key missing from a table, gives the default (or "").
  std::string expand(const FactsView& facts, const std::vector<LookupTable>& tables) const;

 private:
  std::vector<Part> parts_;
};

}  // namespace gw::routing
