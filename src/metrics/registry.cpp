#include "gateway/metrics/registry.hpp"

#include <stdexcept>

#include "prometheus_text.hpp"

namespace gw::metrics {

namespace {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

void Registry::describe(std::string_view name, Type type, std::string_view help) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), Family{type, {}, {}}).first;
  if (it->second.type != type) throw std::logic_error("metric redeclared: " + std::string(name));
  it->second.help = help;
}

Registry::Series& Registry::series(std::string_view name, Type type, const Labels& labels,
                                   const std::vector<double>* bounds) {
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{type, {}, {}}).first;
  }
  // One name with two types would render an invalid exposition: a programming error.
  if (family->second.type != type) {
    throw std::logic_error("metric used with two types: " + std::string(name));
  }
  auto [it, inserted] = family->second.series.try_emplace(text::label_set(labels));
  if (inserted) {
    it->second.labels = labels;
    if (type == Type::counter) it->second.counter = std::make_unique<Counter>();
    if (type == Type::gauge) it->second.gauge = std::make_unique<Gauge>();
    if (type == Type::histogram) it->second.histogram = std::make_unique<Histogram>(*bounds);
  }
  return it->second;
}

Counter& Registry::counter(std::string_view name, const Labels& labels) {
  return *series(name, Type::counter, labels, nullptr).counter;
}

Gauge& Registry::gauge(std::string_view name, const Labels& labels) {
  return *series(name, Type::gauge, labels, nullptr).gauge;
}

Histogram& Registry::histogram(std::string_view name, const Labels& labels,
                               const std::vector<double>& bounds) {
  return *series(name, Type::histogram, labels, &bounds).histogram;
}

void Registry::on_collect(std::function<void()> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();  // outside the lock: they set gauges

  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) out += "# HELP " + name + ' ' + text::escape_help(family.help) + '\n';
    out += "# TYPE " + name + ' ' + std::string(type_name(family.type)) + '\n';
    for (const auto& [labels, s] : family.series) {
      if (s.counter) {
        out += name + labels + ' ' + std::to_string(s.counter->value()) + '\n';
      } else if (s.gauge) {
        out += name + labels + ' ' + text::number(s.gauge->value()) + '\n';
      } else if (s.histogram) {
        const Histogram& h = *s.histogram;
        for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
          const std::string le =
              "le=\"" + (i < h.bounds().size() ? text::number(h.bounds()[i]) : "+Inf") + '"';
          out += name + "_bucket" + text::label_set(s.labels, le) + ' ' +
                 std::to_string(h.cumulative(i)) + '\n';
        }
        out += name + "_sum" + labels + ' ' + text::number(h.sum()) + '\n';
        out += name + "_count" + labels + ' ' + std::to_string(h.count()) + '\n';
      }
    }
  }
  return out;
}

Registry& registry() {
  // Never destroyed: worker threads may still count while static destructors run.
  static Registry* instance = new Registry;
  return *instance;
}

}  // namespace gw::metrics
