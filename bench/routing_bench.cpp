// How long one study takes to route through 200 regex rules (target: under 20 µs).
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>

#include "gateway/config/routing_yaml.hpp"
#include "gateway/routing/rule_set.hpp"

namespace {

// Every rule's cheap condition holds and its regex fails, so all 200 regexes run before the
// last rule matches: the worst case a study can meet.
std::shared_ptr<const gw::routing::RuleSet> two_hundred_rules() {
  std::string yaml = "routing:\n  tables:\n    sites: { CT01: North }\n  rules:\n";
  for (int i = 0; i < 199; ++i) {
    const std::string n = std::to_string(i);
    yaml += "    - name: rule-" + n + "\n      match:\n        Modality: [CT, MR]\n" +
            "        StudyDescription: { regex: \"(?i)protocol-" + n + "\\\\b.*(chest|abdomen)\" }\n" +
            "      assign: { severity: high, metadata: { rule: \"" + n + "\" } }\n";
  }
  yaml +=
      "    - name: last\n      match:\n        calling_ae: CT01\n"
      "        StudyDescription: { regex: \"(?i)head\" }\n"
      "      assign:\n        metadata: { site: \"{{table:sites[StationName]|?}}\", "
      "what: \"{{Modality}} from {{StationName|unknown}}\" }\n";
  gw::config::RoutingLoadOptions opts;
  gw::Diagnostics out;
  auto rules = gw::config::load_routing(YAML::Load(yaml)["routing"], opts, out);
  if (!rules || rules->size() != 200) throw std::runtime_error("bench rules did not load");
  return rules;
}

gw::StudyFacts study() {
  gw::StudyFacts f;
  f.study_instance_uid = "1.2.840.113619.2.55.3.604688119.868.1234567890.123";
  f.set("Modality", {"CT"});
  f.set("StudyDescription", {"CT HEAD WITHOUT CONTRAST protocol-7"});
  f.set("StationName", {"CT01"});
  f.set("calling_ae", {"CT01"});
  f.set("PatientName", {"DOE^JANE"});
  f.set("InstitutionName", {"City Medical Center"});
  f.set("AccessionNumber", {"A123456"});
  for (int i = 0; i < 40; ++i) f.set("0009" + std::to_string(1000 + i), {"private"});
  return f;
}

void BM_RouteThroughTwoHundredRegexRules(benchmark::State& state) {
  const auto rules = two_hundred_rules();
  const auto facts = study();
  if (rules->route(facts).rule_name != "last") throw std::runtime_error("wrong rule matched");
  for (auto _ : state) benchmark::DoNotOptimize(rules->route(facts));
}
BENCHMARK(BM_RouteThroughTwoHundredRegexRules)->Unit(benchmark::kMicrosecond);

void BM_ExplainTwoHundredRegexRules(benchmark::State& state) {
  const auto rules = two_hundred_rules();
  const auto facts = study();
  for (auto _ : state) benchmark::DoNotOptimize(rules->explain(facts));
}
BENCHMARK(BM_ExplainTwoHundredRegexRules)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
