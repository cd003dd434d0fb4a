#pragma once
// The routing rules as written, before compilation: plain values with source positions, so the
// YAML bridge (src/config/routing_yaml.cpp) stays the only code that knows YAML.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/routing/routing_decision.hpp"

namespace gw::routing {

/// Where something was written in the configuration file (1-based; 0 when unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

/// A scalar as written, with its position.
struct Text {
  std::string value;
  SourcePos pos;
};

/// The operators a condition may apply to an attribute's values.
enum class Operator { equals, in, regex, glob, prefix, suffix, contains, cidr, exists };

/// One node of a `match`: a combination (all / any / negation) or a test of one attribute.
struct ConditionSpec {
  enum class Kind { all, any, negation, test };
  Kind kind = Kind::all;
  SourcePos pos;
  std::vector<ConditionSpec> children;  // all, any: the parts; negation: exactly one

  // Kind::test only.
  Text key;                    // as written: a keyword, "(0008,1030)", "00081030", calling_ae, ...
  Operator op = Operator::equals;
  std::vector<Text> operands;  // equals, regex, glob, prefix, suffix, contains: one; in, cidr: any
  bool exists = true;          // Operator::exists: whether the attribute must be present
  bool ignore_case = false;
};

/// An `assign:` block. Every field may be absent.
struct AssignSpec {
  std::optional<Text> assigned_to;          // literal or template
  std::optional<Text> express_customer_id;  // literal or template
  std::optional<Text> severity;             // normal, high or stat
  std::optional<Text> study_description;    // template
  std::vector<std::pair<Text, Text>> metadata;  // literal key, template value; in file order
  SourcePos metadata_pos;
};

/// One entry of `routing.rules`.
struct RuleSpec {
  SourcePos pos;
  std::optional<Text> name;
  std::optional<ConditionSpec> match;  // nullopt: no `match:` written (an error)
  std::optional<AssignSpec> assign;
  std::optional<RoutingDecision::Action> action;
};

/// `routing.default`: what happens when no rule matches.
struct DefaultSpec {
  SourcePos pos;
  AssignSpec assign;
  RoutingDecision::Action action = RoutingDecision::Action::register_study;
};

/// One entry of `routing.tables`: a map from string to string used by templates.
struct TableSpec {
  Text name;
  std::vector<std::pair<Text, Text>> entries;
};

/// The whole `routing:` section as written.
struct RoutingSpec {
  std::vector<RuleSpec> rules;
  std::optional<DefaultSpec> fallback;
  std::vector<TableSpec> tables;
};

}  // namespace gw::routing
