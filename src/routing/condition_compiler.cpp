#include "condition_compiler.hpp"

#include <algorithm>

#include "text_util.hpp"

namespace gw::routing {
namespace {

constexpr char sep = '\x1f';  // never in a written value, so canonical forms cannot collide

std::string_view operator_name(Operator op) {
  switch (op) {
    case Operator::equals: return "equals";
    case Operator::in: return "in";
    case Operator::regex: return "regex";
    case Operator::glob: return "glob";
    case Operator::prefix: return "prefix";
    case Operator::suffix: return "suffix";
    case Operator::contains: return "contains";
    case Operator::cidr: return "cidr";
    case Operator::exists: return "exists";
  }
  return "?";
}

std::string describe_operands(const ConditionSpec& spec) {
  if (spec.op != Operator::in && spec.op != Operator::cidr && spec.operands.size() == 1) {
    return quoted(spec.operands.front().value);
  }
  std::string out = "[";
  for (std::size_t i = 0; i < spec.operands.size(); ++i) {
    if (i != 0) out += ", ";
    out += quoted(spec.operands[i].value);
  }
  return out + "]";
}

std::string join(const std::vector<Condition>& children, std::string_view between,
                 std::string Condition::*field, bool sorted) {
  std::vector<std::string> parts;
  for (const auto& c : children) parts.push_back(c.*field);
  if (sorted) std::sort(parts.begin(), parts.end());
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out += between;
    out += parts[i];
  }
  return out;
}

Condition compile_test(const ConditionSpec& spec, CompileContext& ctx) {
  Condition c;
  const auto key = ctx.key(spec.key.value, spec.key.pos);
  c.key = key.value_or(0);
  const std::string key_name = key ? ctx.program().keys[*key] : spec.key.value;
  if (spec.op == Operator::exists) {
    c.kind = Condition::Kind::exists;
    c.exists = spec.exists;
    c.text = spec.key.value + (spec.exists ? " exists: true" : " exists: false");
    c.canonical = key_name + sep + "exists" + sep + (spec.exists ? "1" : "0");
    return c;
  }
  c.kind = Condition::Kind::test;
  std::vector<std::string> operands;
  for (const auto& o : spec.operands) operands.push_back(o.value);
  std::string error;
  std::size_t bad = 0;
  c.test = ValueTest::compile(spec.op, operands, spec.ignore_case, error, bad);
  if (!error.empty()) ctx.error(spec.operands.at(bad).pos, error);
  if (!c.test.set_pattern().empty() && key) {
    auto [group, slot] = ctx.regex_slot(*key, c.test.set_pattern());
    c.test.join_group(group, slot);
  }
  c.cost = c.test.cost();
  c.text = spec.key.value + " " + std::string(operator_name(spec.op)) + " " +
           describe_operands(spec) + (spec.ignore_case ? " (ignore_case)" : "");
  if (spec.op == Operator::in || spec.op == Operator::cidr) std::sort(operands.begin(), operands.end());
  // `equals x` and `in [x]` test the same thing.
  const Operator canonical_op = spec.op == Operator::equals ? Operator::in : spec.op;
  c.canonical = key_name + sep + std::string(operator_name(canonical_op)) + sep +
                (spec.ignore_case ? "i" : "c");
  for (auto& o : operands) c.canonical += sep + (spec.ignore_case ? ascii_lower(o) : o);
  return c;
}

}  // namespace

Condition compile_condition(const ConditionSpec& spec, CompileContext& ctx) {
  if (spec.kind == ConditionSpec::Kind::test) return compile_test(spec, ctx);
  // A one-key match map is just its condition; explanations read "not (X)", not "not (all (X))".
  if (spec.kind == ConditionSpec::Kind::all && spec.children.size() == 1) {
    return compile_condition(spec.children.front(), ctx);
  }
  Condition c;
  for (std::size_t i = 0; i < spec.children.size(); ++i) {
    c.children.push_back(compile_condition(spec.children[i], ctx));
    c.children.back().order = i;
  }
  switch (spec.kind) {
    case ConditionSpec::Kind::negation:
      c.kind = Condition::Kind::negation;
      c.text = "not (" + c.children.front().text + ")";
      c.canonical = "not(" + c.children.front().canonical + ")";
      c.cost = c.children.front().cost;
      return c;
    case ConditionSpec::Kind::any:
      c.kind = Condition::Kind::any;
      c.text = "any (" + join(c.children, " | ", &Condition::text, false) + ")";
      c.canonical = "any(" + join(c.children, "\x1e", &Condition::canonical, true) + ")";
      break;
    default:
      c.kind = Condition::Kind::all;
      c.text = "all (" + join(c.children, "; ", &Condition::text, false) + ")";
      c.canonical = "all(" + join(c.children, "\x1e", &Condition::canonical, true) + ")";
      // Evaluation order is free (conditions have no side effects): cheap tests first, so a
      // failing `Modality: CT` spares the regex after it.
      std::stable_sort(c.children.begin(), c.children.end(),
                       [](const Condition& a, const Condition& b) { return a.cost < b.cost; });
      break;
  }
  for (const auto& child : c.children) c.cost += child.cost;
  return c;
}

std::vector<std::string> conjunct_set(const Condition& match) {
  std::vector<std::string> out;
  if (match.kind != Condition::Kind::all) {
    out.push_back(match.canonical);
  } else {
    for (const auto& child : match.children) {
      auto nested = conjunct_set(child);
      out.insert(out.end(), nested.begin(), nested.end());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace gw::routing
