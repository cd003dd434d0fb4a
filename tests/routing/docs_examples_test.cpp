// Keeps docs/routing.md honest: every ```yaml block loads cleanly and routes the studies its
// "# facts: K=v, K=v -> rule NAME" comment lines describe.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

struct Example {
  int line = 0;  // of the opening fence in the doc
  std::string yaml;
  std::vector<std::string> facts_lines;
};

std::vector<Example> examples_in(const std::string& path) {
  std::ifstream in(path);
  std::vector<Example> out;
  std::string text;
  bool inside = false;
  for (int line = 1; std::getline(in, text); ++line) {
    if (!inside && text == "```yaml") {
      inside = true;
      out.push_back({line, {}, {}});
    } else if (inside && text == "```") {
      inside = false;
    } else if (inside) {
      out.back().yaml += text + "\n";
      if (text.starts_with("# facts:")) out.back().facts_lines.push_back(text.substr(8));
    }
  }
  return out;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// " Modality=CT, StationName=CT01 -> rule ct" → facts and the expected rule name.
std::pair<std::vector<std::pair<std::string, std::string>>, std::string> parse_facts(
    const std::string& line) {
  const auto arrow = line.find("-> rule ");
  EXPECT_NE(arrow, std::string::npos) << line;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::stringstream list(line.substr(0, arrow));
  for (std::string item; std::getline(list, item, ',');) {
    item = trim(item);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    EXPECT_NE(eq, std::string::npos) << item;
    pairs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return {pairs, trim(line.substr(arrow + 8))};
}

TEST(DocsExamples, AreAtLeastTenAndEachStatesTheStudiesItRoutes) {
  const auto examples = examples_in(GW_ROUTING_DOC);
  EXPECT_GE(examples.size(), 10u);
  for (const auto& e : examples) EXPECT_FALSE(e.facts_lines.empty()) << "block at line " << e.line;
}

TEST(DocsExamples, LoadWithoutDiagnosticsAndRouteAsDocumented) {
  for (const auto& e : examples_in(GW_ROUTING_DOC)) {
    SCOPED_TRACE("docs/routing.md block at line " + std::to_string(e.line));
    const auto loaded = testing::load(e.yaml);
    EXPECT_EQ(loaded.diagnostics, std::vector<std::string>{});
    ASSERT_NE(loaded.rules, nullptr);
    for (const auto& line : e.facts_lines) {
      const auto [pairs, expected] = parse_facts(line);
      const auto study = testing::facts(pairs);
      EXPECT_EQ(loaded.rules->route(study).rule_name, expected) << "facts:" << line;
      const auto decision = loaded.rules->route(study);
      EXPECT_FALSE(decision.request.study_description.empty());
      EXPECT_TRUE(decision.warnings.empty()) << decision.warnings.front();
    }
  }
}

}  // namespace
}  // namespace gw::routing
