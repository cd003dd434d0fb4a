#include "condition.hpp"

#include <algorithm>

#include "text_util.hpp"

namespace gw::routing {
namespace {

// An attribute that is present only with empty values counts as absent: DICOM type 2 elements
// are often sent empty, and a rule about them means "has a real value".
bool present(std::span<const std::string> values) {
  return std::any_of(values.begin(), values.end(), [](const std::string& v) { return !v.empty(); });
}

std::string observed(std::span<const std::string> values) {
  if (!present(values)) return "absent";
  std::string out = "got ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    out += quoted(values[i]);
  }
  return out;
}

}  // namespace

bool Condition::evaluate(const FactsView& facts) const {
  switch (kind) {
    case Kind::all:
      for (const auto& child : children) {
        if (!child.evaluate(facts)) return false;
      }
      return true;
    case Kind::any:
      for (const auto& child : children) {
        if (child.evaluate(facts)) return true;
      }
      return false;
    case Kind::negation:
      return !children.front().evaluate(facts);
    case Kind::exists:
      return present(facts.values(key)) == exists;
    case Kind::test:
      if (test.group() >= 0) {
        if (auto hit = facts.regex_hit(test.group(), test.slot())) return *hit;
      }
      for (const auto& value : facts.values(key)) {
        if (test.matches(value)) return true;  // multi-valued: any value may match
      }
      return false;
  }
  return false;
}

std::optional<std::string> Condition::failure(const FactsView& facts) const {
  if (evaluate(facts)) return std::nullopt;
  switch (kind) {
    case Kind::all: {
      // Children run cheapest first; report the first failing one as written.
      const Condition* first = nullptr;
      for (const auto& child : children) {
        if (!child.evaluate(facts) && (!first || child.order < first->order)) first = &child;
      }
      return first ? first->failure(facts) : std::nullopt;
    }
    case Kind::any: {
      std::string out = "none of: ";
      for (std::size_t i = 0; i < children.size(); ++i) {
        if (i != 0) out += " | ";
        out += children[i].failure(facts).value_or(children[i].text);
      }
      return out;
    }
    case Kind::negation: {
      const Condition& inner = children.front();
      if (inner.kind == Kind::test || inner.kind == Kind::exists) {
        return text + "; " + observed(facts.values(inner.key));
      }
      return text;
    }
    case Kind::exists:
    case Kind::test:
      return text + "; " + observed(facts.values(key));
  }
  return text;
}

}  // namespace gw::routing
