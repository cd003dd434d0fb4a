// The routing section's YAML grammar. Structure (unknown keys, wrong types, operator syntax) is
// checked here; meaning (keywords, regexes, ids, templates, reachability) in src/routing.
#include "gateway/config/routing_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <set>

#include "gateway/routing/rule_compiler.hpp"
#include "gateway/routing/rule_spec.hpp"

namespace gw::config {
namespace {

using routing::ConditionSpec;
using routing::Operator;
using routing::SourcePos;
using routing::Text;

constexpr std::string_view operators_list =
    "equals, in, regex, glob, prefix, suffix, contains, exists, cidr, not, ignore_case";

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

SourcePos pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::optional<Operator> operator_named(std::string_view name) {
  static constexpr std::pair<std::string_view, Operator> table[] = {
      {"equals", Operator::equals}, {"in", Operator::in},         {"regex", Operator::regex},
      {"glob", Operator::glob},     {"prefix", Operator::prefix}, {"suffix", Operator::suffix},
      {"contains", Operator::contains}, {"cidr", Operator::cidr}, {"exists", Operator::exists}};
  for (const auto& [n, op] : table) {
    if (n == name) return op;
  }
  return std::nullopt;
}

/// Walks the routing section once, collecting specs and structural diagnostics.
class RoutingReader {
 public:
  RoutingReader(const RoutingLoadOptions& opts, Diagnostics& out) : opts_(opts), out_(out) {}

  routing::RoutingSpec read(const YAML::Node& root) {
    routing::RoutingSpec spec;
    if (!root.IsDefined() || root.IsNull()) return spec;
    if (!is_map(root, "routing")) return spec;
    check_keys(root, "routing", {"rules", "default", "tables"});
    // Tables first: templates in rules refer to them.
    if (const auto tables = root["tables"]; present(tables)) read_tables(tables, spec);
    if (const auto rules = root["rules"]; present(rules)) {
      if (!rules.IsSequence()) {
        error(rules, "routing.rules must be a list of rules");
      } else {
        for (const auto& rule : rules) spec.rules.push_back(read_rule(rule));
      }
    }
    if (const auto fallback = root["default"]; present(fallback)) spec.fallback = read_default(fallback);
    return spec;
  }

  bool failed() const noexcept { return failed_; }

 private:
  static bool present(const YAML::Node& n) { return n.IsDefined(); }

  void error(const YAML::Node& node, std::string message) { error_at(pos_of(node), std::move(message)); }

  void error_at(SourcePos p, std::string message) {
    failed_ = true;
    out_.push_back({opts_.file, p.line, p.column, std::move(message), Diagnostic::Level::error});
  }

  bool is_map(const YAML::Node& node, std::string_view what) {
    if (node.IsMap()) return true;
    error(node, std::string(what) + " must be a map");
    return false;
  }

  // Unknown and repeated keys; yaml-cpp keeps both copies of a repeated key, which would
  // otherwise make the second one silently ignored.
  void check_keys(const YAML::Node& map, std::string_view where,
                  std::initializer_list<std::string_view> allowed) {
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        error(kv.first, "duplicate key " + quoted(key) + " in " + std::string(where));
        continue;
      }
      if (allowed.size() == 0) continue;
      bool known = false;
      for (auto a : allowed) known = known || a == key;
      if (!known) {
        std::string expected;
        for (auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
        error(kv.first, "unknown key " + quoted(key) + " in " + std::string(where) + " (expected " +
                            expected + ")");
      }
    }
  }

  std::optional<Text> scalar(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) {
      error(node, std::string(what) + " must be a string");
      return std::nullopt;
    }
    return Text{node.Scalar(), pos_of(node)};
  }

  std::optional<bool> boolean(const YAML::Node& node, std::string_view what) {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      return node.Scalar() == "true";
    }
    error(node, std::string(what) + " must be true or false");
    return std::nullopt;
  }

  void read_tables(const YAML::Node& tables, routing::RoutingSpec& spec) {
    if (!is_map(tables, "routing.tables")) return;
    check_keys(tables, "routing.tables", {});
    for (const auto& kv : tables) {
      routing::TableSpec table{{kv.first.Scalar(), pos_of(kv.first)}, {}};
      const std::string where = "table " + quoted(table.name.value);
      if (!is_map(kv.second, where)) continue;
      check_keys(kv.second, where, {});
      for (const auto& entry : kv.second) {
        auto value = scalar(entry.second, where + " value for " + quoted(entry.first.Scalar()));
        if (value) table.entries.emplace_back(Text{entry.first.Scalar(), pos_of(entry.first)}, *value);
      }
      spec.tables.push_back(std::move(table));
    }
  }

  routing::RuleSpec read_rule(const YAML::Node& node) {
    routing::RuleSpec rule;
    rule.pos = pos_of(node);
    if (!is_map(node, "a rule")) return rule;
    check_keys(node, "a rule", {"name", "match", "assign", "action"});
    if (const auto n = node["name"]; present(n)) rule.name = scalar(n, "name");
    if (const auto m = node["match"]; present(m)) {
      if (m.IsMap()) {
        rule.match = read_match_map(m);
      } else {
        error(m, "match must be a map (write match: {} to match every study)");
      }
    }
    if (const auto a = node["assign"]; present(a)) rule.assign = read_assign(a);
    if (const auto a = node["action"]; present(a)) {
      // A misspelt action is reported once, not again as "neither assign nor action".
      rule.action = read_action(a).value_or(routing::RoutingDecision::Action::register_study);
    }
    return rule;
  }

  routing::DefaultSpec read_default(const YAML::Node& node) {
    routing::DefaultSpec spec;
    spec.pos = pos_of(node);
    if (!is_map(node, "routing.default")) return spec;
    check_keys(node, "routing.default", {"assign", "action"});
    if (const auto a = node["assign"]; present(a)) {
      if (auto assign = read_assign(a)) spec.assign = std::move(*assign);
    }
    if (const auto a = node["action"]; present(a)) {
      spec.action = read_action(a).value_or(routing::RoutingDecision::Action::register_study);
    }
    return spec;
  }

  std::optional<routing::RoutingDecision::Action> read_action(const YAML::Node& node) {
    if (node.IsScalar() && node.Scalar() == "register") {
      return routing::RoutingDecision::Action::register_study;
    }
    if (node.IsScalar() && node.Scalar() == "ignore") return routing::RoutingDecision::Action::ignore;
    error(node, "action must be register or ignore");
    return std::nullopt;
  }

  std::optional<routing::AssignSpec> read_assign(const YAML::Node& node) {
    if (!is_map(node, "assign")) return std::nullopt;
    check_keys(node, "assign",
               {"assigned_to", "express_customer_id", "severity", "metadata", "study_description"});
    routing::AssignSpec spec;
    auto field = [&](const char* key, std::optional<Text>& into) {
      if (const auto n = node[key]; present(n)) into = scalar(n, key);
    };
    field("assigned_to", spec.assigned_to);
    field("express_customer_id", spec.express_customer_id);
    field("severity", spec.severity);
    field("study_description", spec.study_description);
    if (const auto m = node["metadata"]; present(m) && is_map(m, "metadata")) {
      spec.metadata_pos = pos_of(m);
      check_keys(m, "metadata", {});
      for (const auto& kv : m) {
        auto value = scalar(kv.second, "metadata value for " + quoted(kv.first.Scalar()));
        if (value) spec.metadata.emplace_back(Text{kv.first.Scalar(), pos_of(kv.first)}, *value);
      }
    }
    return spec;
  }

  // A match map: attribute keys (all must hold) plus any / all / not combinators.
  ConditionSpec read_match_map(const YAML::Node& node) {
    ConditionSpec all;
    all.kind = ConditionSpec::Kind::all;
    all.pos = pos_of(node);
    check_keys(node, "match", {});
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (key == "any" || key == "all") {
        all.children.push_back(read_combination(kv.first, kv.second, key == "any"));
      } else if (key == "not") {
        ConditionSpec negation;
        negation.kind = ConditionSpec::Kind::negation;
        negation.pos = pos_of(kv.first);
        if (!is_map(kv.second, "not")) continue;
        negation.children.push_back(read_match_map(kv.second));
        all.children.push_back(std::move(negation));
      } else {
        all.children.push_back(read_key_condition({key, pos_of(kv.first)}, kv.second, false));
      }
    }
    return all;
  }

  ConditionSpec read_combination(const YAML::Node& key, const YAML::Node& list, bool any) {
    ConditionSpec spec;
    spec.kind = any ? ConditionSpec::Kind::any : ConditionSpec::Kind::all;
    spec.pos = pos_of(key);
    const std::string name = any ? "any" : "all";
    if (!list.IsSequence() || list.size() == 0) {
      error(list, name + " must be a non-empty list of match maps");
      return spec;
    }
    for (const auto& item : list) {
      if (is_map(item, "each entry of " + name)) spec.children.push_back(read_match_map(item));
    }
    return spec;
  }

  // The value of an attribute key: scalar (equals), list (in) or an operator map.
  ConditionSpec read_key_condition(const Text& key, const YAML::Node& value, bool ignore_case) {
    ConditionSpec spec;
    spec.kind = ConditionSpec::Kind::test;
    spec.key = key;
    spec.pos = pos_of(value);
    spec.ignore_case = ignore_case;
    if (value.IsScalar()) {
      spec.op = Operator::equals;
      spec.operands.push_back({value.Scalar(), pos_of(value)});
    } else if (value.IsSequence()) {
      spec.op = Operator::in;
      if (!read_operand_list(value, key.value + " list", spec)) return stand_in(key);
    } else if (value.IsMap()) {
      return read_operator_map(key, value, ignore_case);
    } else {
      // A null value's mark points at the next token; the key is where the mistake is.
      error_at(key.pos, "condition on " + key.value +
                       " has no value (write exists: false to require an absent attribute)");
      return stand_in(key);
    }
    return spec;
  }

  bool read_operand_list(const YAML::Node& list, const std::string& what, ConditionSpec& spec) {
    if (list.size() == 0) {
      error(list, what + " must not be empty");
      return false;
    }
    bool ok = true;
    for (const auto& item : list) {
      auto text = scalar(item, "each entry of " + what);
      ok = ok && text.has_value();
      if (text) spec.operands.push_back(*text);
    }
    return ok;
  }

  ConditionSpec read_operator_map(const Text& key, const YAML::Node& map, bool ignore_case) {
    const std::string where = "the condition on " + key.value;
    check_keys(map, where, {});
    if (const auto ic = map["ignore_case"]; present(ic)) {
      ignore_case = boolean(ic, "ignore_case").value_or(ignore_case);
    }
    std::vector<std::pair<YAML::Node, YAML::Node>> ops;
    for (const auto& kv : map) {
      const std::string name = kv.first.Scalar();
      if (name == "ignore_case") continue;
      if (name != "not" && !operator_named(name)) {
        error(kv.first, "unknown operator " + quoted(name) + " for " + key.value + " (expected " +
                            std::string(operators_list) + ")");
        return stand_in(key);
      }
      ops.emplace_back(kv.first, kv.second);
    }
    if (ops.size() != 1) {
      error(map, ops.empty() ? where + " has no operator (expected " + std::string(operators_list) + ")"
                             : where + " has " + std::to_string(ops.size()) +
                                   " operators; write one per map and combine them with all:");
      return stand_in(key);
    }
    const auto& [op_key, operand] = ops.front();
    const std::string name = op_key.Scalar();
    if (name == "not") {
      ConditionSpec negation;
      negation.kind = ConditionSpec::Kind::negation;
      negation.pos = pos_of(op_key);
      negation.children.push_back(read_key_condition(key, operand, ignore_case));
      return negation;
    }
    ConditionSpec spec;
    spec.kind = ConditionSpec::Kind::test;
    spec.key = key;
    spec.pos = pos_of(op_key);
    spec.op = *operator_named(name);
    spec.ignore_case = ignore_case;
    switch (spec.op) {
      case Operator::exists:
        if (auto b = boolean(operand, "exists")) {
          spec.exists = *b;
        } else {
          return stand_in(key);
        }
        break;
      case Operator::in:
        if (!operand.IsSequence()) {
          error(operand, "in must be a list");
          return stand_in(key);
        }
        if (!read_operand_list(operand, "in", spec)) return stand_in(key);
        break;
      case Operator::cidr:
        if (operand.IsSequence()) {
          if (!read_operand_list(operand, "cidr", spec)) return stand_in(key);
          break;
        }
        [[fallthrough]];
      default:
        if (auto text = scalar(operand, name)) {
          spec.operands.push_back(*text);
        } else {
          return stand_in(key);
        }
    }
    return spec;
  }

  // Replaces a condition that could not be read, so the rule keeps a non-empty match and the
  // key is still checked; the load fails anyway.
  static ConditionSpec stand_in(const Text& key) {
    ConditionSpec spec;
    spec.kind = ConditionSpec::Kind::test;
    spec.key = key;
    spec.op = Operator::exists;
    return spec;
  }

  const RoutingLoadOptions& opts_;
  Diagnostics& out_;
  bool failed_ = false;
};

}  // namespace

std::shared_ptr<const routing::RuleSet> load_routing(const YAML::Node& node,
                                                     const RoutingLoadOptions& opts,
                                                     Diagnostics& out) {
  RoutingReader reader(opts, out);
  const routing::RoutingSpec spec = reader.read(node);
  routing::CompileOptions compile_opts{opts.file, opts.default_description, opts.is_known_keyword};
  auto rules = routing::compile_rules(spec, compile_opts, out);
  return reader.failed() ? nullptr : rules;
}

}  // namespace gw::config
