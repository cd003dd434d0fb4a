#include "value_test.hpp"

#include <re2/re2.h>

#include "text_util.hpp"

namespace gw::routing {
namespace {

// RE2's messages name the construct but not why a Perl user's habit fails; say it.
std::string explain_regex_error(const re2::RE2& re, std::string_view pattern) {
  std::string message = "regex " + quoted(pattern) + " does not compile: " + re.error();
  if (re.error_code() == re2::RE2::ErrorBadEscape) {
    for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
      if (pattern[i] == '\\' && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
        return message + " (RE2 does not support backreferences)";
      }
      if (pattern[i] == '\\') ++i;
    }
  }
  if (re.error_code() == re2::RE2::ErrorBadPerlOp || re.error_code() == re2::RE2::ErrorMissingParen) {
    if (pattern.find("(?=") != std::string_view::npos ||
        pattern.find("(?!") != std::string_view::npos ||
        pattern.find("(?<=") != std::string_view::npos ||
        pattern.find("(?<!") != std::string_view::npos) {
      return message + " (RE2 does not support lookahead or lookbehind)";
    }
  }
  return message;
}

std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, bool ignore_case,
                                              bool dot_nl) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!ignore_case);
  options.set_dot_nl(dot_nl);
  return std::make_shared<const re2::RE2>(pattern, options);
}

}  // namespace

std::string glob_to_regex(std::string_view glob) {
  std::string out = "^(?:";
  for (std::size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*') {
      out += ".*";
    } else if (c == '?') {
      out += '.';
    } else if (c == '[' && glob.find(']', i + 2) != std::string_view::npos) {
      // A class runs to the first ']' after its first character, as in the shell.
      const std::size_t close = glob.find(']', i + 2);
      std::string_view body = glob.substr(i + 1, close - i - 1);
      out += '[';
      if (body.front() == '!' || body.front() == '^') {
        out += '^';
        body.remove_prefix(1);
      }
      for (char b : body) {
        if (b == '\\' || b == '[' || b == ']' || b == '^') out += '\\';
        out += b;
      }
      out += ']';
      i = close;
    } else {
      out += re2::RE2::QuoteMeta(std::string_view(&glob[i], 1));
    }
  }
  out += ")$";
  return out;
}

ValueTest ValueTest::compile(Operator op, const std::vector<std::string>& operands,
                             bool ignore_case, std::string& error, std::size_t& error_operand) {
  ValueTest test;
  test.op_ = op;
  test.ignore_case_ = ignore_case;
  error.clear();
  error_operand = 0;
  switch (op) {
    case Operator::regex:
    case Operator::glob: {
      const std::string pattern = op == Operator::regex ? operands.at(0) : glob_to_regex(operands.at(0));
      test.regex_ = compile_regex(pattern, ignore_case, op == Operator::glob);
      if (!test.regex_->ok()) {
        error = op == Operator::regex ? explain_regex_error(*test.regex_, operands.at(0))
                                      : "glob " + quoted(operands.at(0)) + " does not compile: " +
                                            test.regex_->error();
        test.regex_.reset();
      } else {
        test.set_pattern_ = std::string(op == Operator::glob ? "(?s)" : "") +
                            (ignore_case ? "(?i)" : "") + "(?:" + pattern + ")";
      }
      break;
    }
    case Operator::cidr:
      for (std::size_t i = 0; i < operands.size(); ++i) {
        auto block = CidrBlock::parse(operands[i]);
        if (!block) {
          error = quoted(operands[i]) +
                  " is not an IPv4 or IPv6 network (write it like 10.0.0.0/8 or fd00::/8)";
          error_operand = i;
          break;
        }
        test.networks_.push_back(*block);
      }
      break;
    default:
      for (const auto& operand : operands) {
        test.operands_.push_back(ignore_case ? ascii_lower(operand) : operand);
      }
      break;
  }
  return test;
}

bool ValueTest::matches(std::string_view value) const noexcept {
  switch (op_) {
    case Operator::equals:
    case Operator::in:
      for (const auto& operand : operands_) {
        if (ignore_case_ ? equals_folded(value, operand) : value == operand) return true;
      }
      return false;
    case Operator::prefix:
      return ignore_case_ ? starts_with_folded(value, operands_.front())
                          : value.starts_with(operands_.front());
    case Operator::suffix:
      return ignore_case_ ? ends_with_folded(value, operands_.front())
                          : value.ends_with(operands_.front());
    case Operator::contains:
      return ignore_case_ ? contains_folded(value, operands_.front())
                          : value.find(operands_.front()) != std::string_view::npos;
    case Operator::regex:
    case Operator::glob:
      // No submatches requested, so RE2 answers from its DFA without allocating.
      return regex_ && re2::RE2::PartialMatch(value, *regex_);
    case Operator::cidr:
      for (const auto& network : networks_) {
        if (network.contains(value)) return true;
      }
      return false;
    case Operator::exists:
      return true;
  }
  return false;
}

int ValueTest::cost() const noexcept {
  switch (op_) {
    case Operator::regex:
    case Operator::glob: return 3;
    case Operator::cidr: return 2;
    case Operator::contains: return 1;
    default: return 0;
  }
}

}  // namespace gw::routing
