#include "gateway/routing/rule_compiler.hpp"

#include <algorithm>
#include <map>

#include "compile_context.hpp"
#include "condition_compiler.hpp"
#include "reachability.hpp"
#include "text_util.hpp"
#include "viewer_limits.hpp"

namespace gw::routing {
namespace {

using IdCheck = bool (*)(std::string_view) noexcept;

struct IdField {
  const char* field;
  IdCheck valid;
  const char* format;
};

constexpr IdField user_id{"assigned_to", &is_valid_user_id, "a user id (usr_ followed by 32 hex digits)"};
constexpr IdField customer_id{"express_customer_id", &is_valid_customer_id,
                              "a customer id (cus_ followed by 32 hex digits)"};

void compile_tables(const std::vector<TableSpec>& specs, CompileContext& ctx) {
  auto& tables = ctx.program().tables;
  for (const auto& spec : specs) {
    const bool duplicate = std::any_of(tables.begin(), tables.end(),
                                       [&](const LookupTable& t) { return t.name == spec.name.value; });
    if (duplicate) {
      ctx.error(spec.name.pos, "duplicate table " + quoted(spec.name.value));
      continue;
    }
    LookupTable table{spec.name.value, {}};
    for (const auto& [key, value] : spec.entries) table.entries.insert_or_assign(key.value, value.value);
    tables.push_back(std::move(table));
  }
}

// A literal id is checked now; an id that is exactly one table lookup is checked against every
// value the table can give. Other templates are checked when routing (assignment.cpp).
std::optional<TemplateText> compile_id(const std::optional<Text>& text, const IdField& id,
                                       const std::vector<TableSpec>& table_specs,
                                       CompileContext& ctx) {
  if (!text) return std::nullopt;
  auto tmpl = ctx.template_text(*text, id.field);
  if (!tmpl) return std::nullopt;
  if (tmpl->is_literal()) {
    if (!id.valid(text->value)) {
      ctx.error(text->pos, std::string(id.field) + " " + quoted(text->value) + " is not " + id.format);
    }
    return tmpl;
  }
  const auto& parts = tmpl->parts();
  if (parts.size() != 1 || parts.front().kind != TemplateText::Part::Kind::table) return tmpl;
  const auto& part = parts.front();
  if (part.fallback && !part.fallback->empty() && !id.valid(*part.fallback)) {
    ctx.error(text->pos, std::string(id.field) + " default " + quoted(*part.fallback) + " is not " +
                             id.format);
  }
  for (const auto& spec : table_specs) {
    if (spec.name.value != part.table) continue;
    for (const auto& [key, value] : spec.entries) {
      if (!id.valid(value.value)) {
        ctx.error(value.pos, "table " + quoted(spec.name.value) + " maps " + quoted(key.value) +
                                 " to " + quoted(value.value) + ", which is not " + id.format +
                                 " (used by " + id.field + " at line " +
                                 std::to_string(text->pos.line) + ")");
      }
    }
    break;
  }
  return tmpl;
}

void compile_metadata(const AssignSpec& spec, Assignment& out, CompileContext& ctx) {
  if (spec.metadata.size() > max_metadata_pairs) {
    ctx.error(spec.metadata_pos, "metadata has " + std::to_string(spec.metadata.size()) +
                                     " pairs; the viewer accepts at most " +
                                     std::to_string(max_metadata_pairs));
  }
  for (const auto& [key, value] : spec.metadata) {
    const auto key_chars = utf8_length(key.value);
    if (key_chars == 0 || key_chars > max_metadata_key_chars) {
      ctx.error(key.pos, "metadata key has " + std::to_string(key_chars) +
                             " characters; the viewer accepts 1 to " +
                             std::to_string(max_metadata_key_chars));
    }
    auto tmpl = ctx.template_text(value, "metadata " + quoted(key.value));
    if (!tmpl) continue;
    const auto bound = tmpl->max_length(ctx.program().tables);
    if (bound > max_metadata_value_chars) {
      ctx.error(value.pos,
                "metadata value for " + quoted(key.value) +
                    (tmpl->is_literal() ? " has " : " can expand to ") + std::to_string(bound) +
                    " characters; the viewer accepts at most " +
                    std::to_string(max_metadata_value_chars) +
                    (tmpl->is_literal() ? "" : " (an attribute placeholder counts as " +
                                                   std::to_string(assumed_attribute_length) + ")"));
    }
    out.metadata.emplace_back(key.value, std::move(*tmpl));
  }
}

Assignment compile_assign(const AssignSpec& spec, const std::vector<TableSpec>& tables,
                          CompileContext& ctx) {
  Assignment out;
  if (spec.severity) {
    if (auto s = parse_severity(spec.severity->value)) {
      out.severity = *s;
    } else {
      ctx.error(spec.severity->pos,
                "severity " + quoted(spec.severity->value) + " must be normal, high or stat");
    }
  }
  out.assigned_to = compile_id(spec.assigned_to, user_id, tables, ctx);
  out.express_customer_id = compile_id(spec.express_customer_id, customer_id, tables, ctx);
  if (spec.study_description) {
    out.study_description = ctx.template_text(*spec.study_description, "study_description");
    if (out.study_description && out.study_description->can_be_empty()) {
      ctx.error(spec.study_description->pos,
                "study_description " + quoted(spec.study_description->value) +
                    " can expand to an empty description: add literal text or a default, "
                    "like {{StudyDescription|DICOM study}}");
    }
  }
  compile_metadata(spec, out, ctx);
  return out;
}

std::string rule_label(const RuleSpec& rule, std::size_t index) {
  return rule.name ? quoted(rule.name->value) : "#" + std::to_string(index + 1);
}

}  // namespace

std::shared_ptr<const RuleSet> compile_rules(const RoutingSpec& spec, const CompileOptions& opts,
                                             Diagnostics& out) {
  auto program = std::make_unique<detail::Program>();
  program->default_description =
      opts.default_description.empty() ? std::string("DICOM study") : opts.default_description;
  CompileContext ctx(opts, out, *program);
  ctx.intern("StudyDescription");  // the fallback description reads it
  compile_tables(spec.tables, ctx);

  std::map<std::string, int, std::less<>> first_line_of;
  std::vector<const RuleSpec*> reachable_specs;
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const RuleSpec& r = spec.rules[i];
    CompiledRule rule;
    rule.line = r.pos.line;
    if (!r.name || r.name->value.empty()) {
      ctx.error(r.pos, "rule " + rule_label(r, i) + " has no name");
    } else {
      rule.name = r.name->value;
      if (rule.name == "default") {
        ctx.error(r.name->pos, "rule name \"default\" is reserved for routing.default");
      } else if (auto [it, fresh] = first_line_of.try_emplace(rule.name, r.name->pos.line); !fresh) {
        ctx.error(r.name->pos, "duplicate rule name " + quoted(rule.name) + " (first at line " +
                                   std::to_string(it->second) + ")");
      }
    }
    if (!r.match) {
      ctx.error(r.pos, "rule " + rule_label(r, i) +
                           " has no match (write match: {} to match every study)");
    } else {
      rule.match = compile_condition(*r.match, ctx);
    }
    if (!r.assign && !r.action) {
      ctx.error(r.pos, "rule " + rule_label(r, i) + " has neither assign nor action");
    }
    if (r.assign) rule.assign = compile_assign(*r.assign, spec.tables, ctx);
    rule.action = r.action.value_or(RoutingDecision::Action::register_study);
    program->rules.push_back(std::move(rule));
  }

  program->fallback.name = "default";
  if (spec.fallback) {
    program->fallback.line = spec.fallback->pos.line;
    program->fallback.assign = compile_assign(spec.fallback->assign, spec.tables, ctx);
    program->fallback.action = spec.fallback->action;
  }

  warn_unreachable(spec.rules, program->rules, ctx);
  for (auto& group : program->regex_groups) group.compile();
  if (ctx.failed()) return nullptr;
  program->hits = std::make_unique<std::atomic<std::uint64_t>[]>(program->rules.size() + 1);
  return std::make_shared<const RuleSet>(std::move(program));
}

}  // namespace gw::routing
