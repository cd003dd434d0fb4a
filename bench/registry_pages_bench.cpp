// The console's study list on a registry of 100,000 studies: how long one page takes
// (docs/console.md, "Fast on 100,000 studies"). Run: build/bench/registry_pages_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "gateway/registry/study_registry.hpp"

namespace {

using gw::registry::StudyQuery;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;

constexpr int kStudies = 100'000;

/// 100,000 studies in a file under /tmp, made once per run: one instance each, a tenth of
/// them failed, descriptions and callers varied.
StudyRegistry& registry() {
  static std::unique_ptr<StudyRegistry> shared = [] {
    const auto dir = std::filesystem::temp_directory_path() / ("gw-pages-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto r = StudyRegistry::open((dir / "state.db").string());
    r->batch([&] {
      for (int i = 0; i < kStudies; ++i) {
        const std::string uid = "1.2.826.0.1.3680043.10.999." + std::to_string(i);
        gw::registry::NewStudy study{StudyState::pending, "default", "{}", "{}"};
        study.description = (i % 3 ? "CT CHEST " : "MR BRAIN ") + std::to_string(i);
        study.accession_number = "ACC" + std::to_string(i);
        gw::registry::ArrivalDetails details;
        details.calling_ae = i % 7 ? "CT01" : "MR02";
        r->record_instance({uid, uid + ".1", 1000, 1'700'000'000'000 + i}, &study, details);
        if (i % 10 == 0) {  // claimed, then refused for good
          r->mark_in_flight({uid}, 1'700'000'000'000 + i);
          r->apply(uid, {gw::domain::EventKind::failed_permanent}, {}, 1'700'000'000'000 + i);
        }
      }
    });
    return r;
  }();
  return *shared;
}

void run(benchmark::State& state, const StudyQuery& query) {
  auto& r = registry();
  std::size_t rows = 0;
  for (auto _ : state) {
    auto page = r.page(query);
    rows = page.studies.size();
    benchmark::DoNotOptimize(page);
  }
  state.counters["rows"] = static_cast<double>(rows);
}

void NewestPage(benchmark::State& state) { run(state, StudyQuery{}); }
void FailedPage(benchmark::State& state) {
  StudyQuery q;
  q.state = StudyState::failed;
  run(state, q);
}
void DeepPageByCursor(benchmark::State& state) {
  StudyQuery q;
  q.after = std::pair{1'700'000'000'000 + 5'000, std::string("1.2.826.0.1.3680043.10.999.5000")};
  run(state, q);
}
void SearchHitsEarly(benchmark::State& state) {
  StudyQuery q;
  q.text = "chest";
  run(state, q);
}
void SearchMatchesNothing(benchmark::State& state) {  // the worst case: every row is read
  StudyQuery q;
  q.text = "no-such-text";
  run(state, q);
}
void CallerFilter(benchmark::State& state) {
  StudyQuery q;
  q.calling_ae = "MR02";
  run(state, q);
}

}  // namespace

BENCHMARK(NewestPage)->Unit(benchmark::kMillisecond);
BENCHMARK(FailedPage)->Unit(benchmark::kMillisecond);
BENCHMARK(DeepPageByCursor)->Unit(benchmark::kMillisecond);
BENCHMARK(SearchHitsEarly)->Unit(benchmark::kMillisecond);
BENCHMARK(SearchMatchesNothing)->Unit(benchmark::kMillisecond);
BENCHMARK(CallerFilter)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
