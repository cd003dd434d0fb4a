#include "compile_context.hpp"

#include "attribute_key.hpp"
#include "text_util.hpp"

namespace gw::routing {

CompileContext::CompileContext(const CompileOptions& opts, Diagnostics& out,
                               detail::Program& program)
    : opts_(opts), out_(out), program_(program) {}

void CompileContext::error(SourcePos pos, std::string message) {
  failed_ = true;
  out_.push_back({opts_.file, pos.line, pos.column, std::move(message), Diagnostic::Level::error});
}

void CompileContext::warning(SourcePos pos, std::string message) {
  out_.push_back({opts_.file, pos.line, pos.column, std::move(message), Diagnostic::Level::warning});
}

std::size_t CompileContext::intern(const std::string& key) {
  auto [it, inserted] = key_index_.try_emplace(key, program_.keys.size());
  if (inserted) program_.keys.push_back(key);
  return it->second;
}

std::pair<int, int> CompileContext::regex_slot(std::size_t key, const std::string& pattern) {
  auto& groups = program_.regex_groups;
  std::size_t g = 0;
  while (g < groups.size() && groups[g].key() != key) ++g;
  if (g == groups.size()) groups.emplace_back(key);
  const int slot = groups[g].add(pattern);
  return slot < 0 ? std::pair{-1, -1} : std::pair{static_cast<int>(g), slot};
}

std::optional<std::size_t> CompileContext::key(std::string_view written, SourcePos pos,
                                               std::string_view context) {
  auto resolved = resolve_attribute_key(written, opts_.is_known_keyword);
  if (!resolved.error.empty()) {
    error(pos, std::string(context) + resolved.error);
    return std::nullopt;
  }
  return intern(resolved.key);
}

std::optional<TemplateText> CompileContext::template_text(const Text& text,
                                                          std::string_view field) {
  std::string problem;
  auto parsed = TemplateText::parse(text.value, problem);
  if (!parsed) {
    error(text.pos, std::string(field) + ": " + problem);
    return std::nullopt;
  }
  bool ok = true;
  const std::string context = std::string(field) + " template: ";
  for (auto& part : parsed->parts()) {
    if (part.kind == TemplateText::Part::Kind::literal) continue;
    auto index = key(part.text, text.pos, context);
    if (!index) {
      ok = false;
      continue;
    }
    part.key = *index;
    if (part.kind == TemplateText::Part::Kind::table) {
      const auto& tables = program_.tables;
      std::size_t t = 0;
      while (t < tables.size() && tables[t].name != part.table) ++t;
      if (t == tables.size()) {
        error(text.pos, context + "unknown table " + quoted(part.table));
        ok = false;
      }
      part.table_index = t;
    }
  }
  if (!ok) return std::nullopt;
  return parsed;
}

}  // namespace gw::routing
