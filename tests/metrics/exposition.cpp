#include "exposition.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace gw::test {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool matches(const Sample& s, const std::string& name, const std::map<std::string, std::string>& labels) {
  if (s.name != name) return false;
  for (const auto& [k, v] : labels) {
    const auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

// `{a="x",b="y\"z"}` from `text` at `i` (on the '{'); leaves `i` after the '}'.
std::map<std::string, std::string> read_labels(const std::string& line, std::size_t& i) {
  std::map<std::string, std::string> labels;
  ++i;
  while (i < line.size() && line[i] != '}') {
    const auto eq = line.find('=', i);
    if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
      throw std::runtime_error("bad labels: " + line);
    }
    const std::string key = line.substr(i, eq - i);
    std::string value;
    std::size_t j = eq + 2;
    for (; j < line.size() && line[j] != '"'; ++j) {
      if (line[j] == '\\' && j + 1 < line.size()) ++j;
      value += line[j];
    }
    labels[key] = value;
    i = j + 1;
    if (i < line.size() && line[i] == ',') ++i;
  }
  ++i;
  return labels;
}

}  // namespace

double Exposition::value(const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const Sample& s : samples) {
    if (matches(s, name, labels)) return s.value;
  }
  return std::nan("");
}

bool Exposition::has(const std::string& name, const std::map<std::string, std::string>& labels) const {
  return !std::isnan(value(name, labels));
}

std::string Exposition::family_of(const std::string& sample_name) const {
  if (types.count(sample_name)) return sample_name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (!ends_with(sample_name, suffix)) continue;
    const std::string base = sample_name.substr(0, sample_name.size() - std::string(suffix).size());
    const auto it = types.find(base);
    if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
  }
  return {};
}

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      e.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    Sample s;
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) throw std::runtime_error("bad sample: " + line);
    s.name = line.substr(0, i);
    if (line[i] == '{') s.labels = read_labels(line, i);
    s.value = std::stod(line.substr(i));  // stod reads "+Inf", "NaN" and skips the space
    e.samples.push_back(std::move(s));
  }
  return e;
}

std::vector<std::string> convention_problems(const Exposition& e) {
  std::vector<std::string> problems;
  for (const auto& [name, type] : e.types) {
    if (type == "counter" && !ends_with(name, "_total")) problems.push_back("counter without _total: " + name);
    if (type != "counter" && ends_with(name, "_total")) problems.push_back(type + " ending in _total: " + name);
    if (type == "histogram" && !ends_with(name, "_seconds") && !ends_with(name, "_bytes")) {
      problems.push_back("histogram without a unit: " + name);
    }
    if (type == "untyped") problems.push_back("untyped family: " + name);
  }
  for (const Sample& s : e.samples) {
    if (e.family_of(s.name).empty()) problems.push_back("sample of no declared family: " + s.name);
    if (s.value < 0) problems.push_back("negative value: " + s.name + " " + std::to_string(s.value));
  }
  return problems;
}

}  // namespace gw::test
