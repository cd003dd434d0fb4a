// The metrics registry renders what was counted in the Prometheus text format, one series
// per label set, with HELP and TYPE lines a scraper accepts.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "gateway/metrics/registry.hpp"

namespace gw::metrics {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsRegistry, RendersACounterWithItsHelpAndType) {
  Registry r;
  r.describe("x_events_total", Type::counter, "Events seen.");
  r.counter("x_events_total").inc();
  r.counter("x_events_total").inc(2);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "# HELP x_events_total Events seen.")) << text;
  EXPECT_TRUE(contains(text, "# TYPE x_events_total counter")) << text;
  EXPECT_TRUE(contains(text, "x_events_total 3")) << text;
}

TEST(MetricsRegistry, KeepsOneSeriesPerLabelSetAndEscapesLabelValues) {
  Registry r;
  r.counter("x_rejected_total", {{"reason", "limit"}}).inc();
  r.counter("x_rejected_total", {{"reason", "limit"}}).inc();
  r.counter("x_rejected_total", {{"reason", "say \"no\"\\\n"}}).inc();
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "x_rejected_total{reason=\"limit\"} 2")) << text;
  EXPECT_TRUE(contains(text, "x_rejected_total{reason=\"say \\\"no\\\"\\\\\\n\"} 1")) << text;
}

TEST(MetricsRegistry, RendersHistogramBucketsCumulativelyWithSumAndCount) {
  Registry r;
  auto& h = r.histogram("x_latency_seconds", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE x_latency_seconds histogram")) << text;
  EXPECT_TRUE(contains(text, "x_latency_seconds_bucket{le=\"0.1\"} 1")) << text;
  EXPECT_TRUE(contains(text, "x_latency_seconds_bucket{le=\"1\"} 2")) << text;
  EXPECT_TRUE(contains(text, "x_latency_seconds_bucket{le=\"+Inf\"} 3")) << text;
  EXPECT_TRUE(contains(text, "x_latency_seconds_sum 3.55")) << text;
  EXPECT_TRUE(contains(text, "x_latency_seconds_count 3")) << text;
}

TEST(MetricsRegistry, GaugesSetByACollectorAreFreshAtEachRender) {
  Registry r;
  int scrapes = 0;
  r.on_collect([&] { r.gauge("x_queue_age_seconds").set(++scrapes * 1.5); });
  r.render();
  EXPECT_TRUE(contains(r.render(), "x_queue_age_seconds 3"));
}

TEST(MetricsRegistry, CountsFromManyThreadsWithoutLosingIncrements) {
  Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) r.counter("x_total", {{"k", "v"}}).inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.counter("x_total", {{"k", "v"}}).value(), 80'000u);
}

TEST(MetricsRegistry, ANameUsedWithTwoTypesIsAProgrammingError) {
  Registry r;
  r.counter("x_thing");
  EXPECT_THROW(r.gauge("x_thing"), std::logic_error);
}

}  // namespace
}  // namespace gw::metrics
