#include "template_text.hpp"

#include <algorithm>

#include "text_util.hpp"

namespace gw::routing {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Key", "Key|default", "table:name[Key]", "table:name[Key]|default".
bool parse_placeholder(std::string_view body, TemplateText::Part& part, std::string& error) {
  const auto bar = body.find('|');
  if (bar != std::string_view::npos) part.fallback = std::string(body.substr(bar + 1));
  std::string_view ref = trim(body.substr(0, bar));
  if (ref.starts_with("table:")) {
    ref.remove_prefix(6);
    const auto open = ref.find('[');
    if (open == std::string_view::npos || ref.back() != ']' || open == 0) {
      error = "placeholder {{" + std::string(body) + "}} must read {{table:NAME[Key]}}";
      return false;
    }
    part.kind = TemplateText::Part::Kind::table;
    part.table = std::string(trim(ref.substr(0, open)));
    part.text = std::string(trim(ref.substr(open + 1, ref.size() - open - 2)));
  } else {
    part.kind = TemplateText::Part::Kind::attribute;
    part.text = std::string(ref);
  }
  if (part.text.empty()) {
    error = "placeholder {{" + std::string(body) + "}} names no attribute";
    return false;
  }
  return true;
}

}  // namespace

std::optional<TemplateText> TemplateText::parse(std::string_view text, std::string& error) {
  TemplateText out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find("{{", at);
    if (open != at) {
      const auto end = open == std::string_view::npos ? text.size() : open;
      out.parts_.push_back({Part::Kind::literal, std::string(text.substr(at, end - at)), {}, {}});
      at = end;
      continue;
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      error = "template " + quoted(text) + " has \"{{\" without a closing \"}}\"";
      return std::nullopt;
    }
    Part part;
    if (!parse_placeholder(text.substr(open + 2, close - open - 2), part, error)) return std::nullopt;
    out.parts_.push_back(std::move(part));
    at = close + 2;
  }
  return out;
}

bool TemplateText::is_literal() const noexcept {
  return std::all_of(parts_.begin(), parts_.end(),
                     [](const Part& p) { return p.kind == Part::Kind::literal; });
}

bool TemplateText::can_be_empty() const noexcept {
  return std::all_of(parts_.begin(), parts_.end(), [](const Part& p) {
    return p.kind == Part::Kind::literal ? p.text.empty() : p.fallback.value_or("").empty();
  });
}

std::size_t TemplateText::max_length(const std::vector<LookupTable>& tables) const {
  std::size_t total = 0;
  for (const auto& p : parts_) {
    const std::size_t fallback = utf8_length(p.fallback.value_or(""));
    switch (p.kind) {
      case Part::Kind::literal: total += utf8_length(p.text); break;
      case Part::Kind::attribute: total += std::max(assumed_attribute_length, fallback); break;
      case Part::Kind::table: {
        std::size_t longest = fallback;
        for (const auto& [k, v] : tables.at(p.table_index).entries) {
          longest = std::max(longest, utf8_length(v));
        }
        total += longest;
        break;
      }
    }
  }
  return total;
}

std::string TemplateText::expand(const FactsView& facts,
                                 const std::vector<LookupTable>& tables) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.kind == Part::Kind::literal) {
      out += p.text;
      continue;
    }
    const auto values = facts.values(p.key);
    const std::size_t before = out.size();
    if (p.kind == Part::Kind::attribute) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) out += '\\';
        out += values[i];
      }
      if (out.size() == before + (values.empty() ? 0 : values.size() - 1)) out.resize(before);
    } else {
      const auto& entries = tables[p.table_index].entries;
      // A multi-valued key uses its first value the table knows.
      for (const auto& value : values) {
        if (auto it = entries.find(value); it != entries.end()) {
          out += it->second;
          break;
        }
      }
    }
    if (out.size() == before && p.fallback) out += *p.fallback;
  }
  return out;
}

}  // namespace gw::routing
