#include "alerts_yaml.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "yaml_mapping_reader.hpp"

namespace gw::config {
namespace {

// The alarms the gateway raises (events/gateway_event.hpp); a webhook may subscribe to these.
constexpr std::array<std::string_view, 4> known_alarms{"study_failed", "auth_paused",
                                                       "breaker_open", "spool_nearly_full"};

/// Why `url` cannot be a webhook, or "" when it can.
std::string url_problem(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "is not an absolute URL (" + parsed.error().message() + ")";
  const boost::urls::url_view u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http && u.scheme_id() != boost::urls::scheme::https)
    return "must start with http:// or https://";
  // Credentials in a URL end up in logs and process listings; HMAC (secret_file) is the way
  // to authenticate the gateway to a receiver.
  if (u.has_userinfo()) return "must not carry a user or password (use secret_file to sign)";
  if (!u.has_authority() || u.encoded_host().empty()) return "needs a host";
  if (u.has_port() && (u.port().empty() || u.port_number() == 0))
    return "has an invalid port";
  return {};
}

std::vector<std::string> read_alarms(const YAML::Node& list, const std::string& file,
                                     Diagnostics& out) {
  std::vector<std::string> alarms;
  if (!list.IsSequence()) {
    report(out, file, list,
           "'alerts.webhooks[].alarms' must be a list of alarm names (omit it for all four)");
    return alarms;
  }
  if (list.size() == 0) {
    report(out, file, list,
           "'alerts.webhooks[].alarms' is empty: omit it to receive all four alarms");
  }
  for (const YAML::Node& item : list) {
    const std::string name = item.IsScalar() ? item.Scalar() : std::string{};
    if (std::find(known_alarms.begin(), known_alarms.end(), name) == known_alarms.end()) {
      report(out, file, item,
             "unknown alarm '" + name +
                 "' in 'alerts.webhooks[].alarms' (known: study_failed, auth_paused, "
                 "breaker_open, spool_nearly_full)");
      continue;
    }
    if (std::find(alarms.begin(), alarms.end(), name) != alarms.end()) {
      report(out, file, item, "alarm '" + name + "' is listed twice");
      continue;
    }
    alarms.push_back(name);
  }
  return alarms;
}

WebhookTarget read_webhook(const YAML::Node& item, const std::string& file, Diagnostics& out) {
  YamlMappingReader entry(item, "alerts.webhooks[]", file, out,
                          {"url", "alarms", "secret_file", "ca_file"});
  WebhookTarget target;
  entry.read("url", target.url);
  const YAML::Node where = entry.present("url") ? entry.node("url") : item;
  if (target.url.empty()) {
    report(out, file, where, "'alerts.webhooks[].url' is required");
  } else if (const std::string problem = url_problem(target.url); !problem.empty()) {
    // The URL itself is not repeated: its path may be the receiver's secret token.
    report(out, file, where, "'alerts.webhooks[].url' " + problem);
  }
  if (entry.present("alarms")) target.alarms = read_alarms(entry.node("alarms"), file, out);
  entry.read("secret_file", target.secret_file);
  entry.read("ca_file", target.ca_file);
  if (!target.ca_file.empty() && target.url.rfind("https://", 0) != 0) {
    report(out, file, entry.node("ca_file"),
           "'alerts.webhooks[].ca_file' only applies to an https:// url");
  }
  return target;
}

}  // namespace

AlertSettings read_alerts(const YAML::Node& node, const std::string& file, Diagnostics& out) {
  YamlMappingReader r(node, "alerts", file, out,
                      {"webhooks", "timeout", "retry_initial", "retry_max", "give_up_after",
                       "queue_limit"});
  AlertSettings alerts;
  r.read_duration("timeout", alerts.timeout);
  r.read_duration("retry_initial", alerts.retry_initial);
  r.read_duration("retry_max", alerts.retry_max);
  r.read_duration("give_up_after", alerts.give_up_after);
  std::uint64_t queue_limit = alerts.queue_limit;
  r.read("queue_limit", queue_limit, 1, 1'000'000);
  alerts.queue_limit = static_cast<std::size_t>(queue_limit);

  if (alerts.timeout <= Duration::zero()) {
    report(out, file, r.node("timeout"), "'alerts.timeout' must be longer than 0");
  }
  if (alerts.retry_initial <= Duration::zero()) {
    report(out, file, r.node("retry_initial"), "'alerts.retry_initial' must be longer than 0");
  }
  if (alerts.retry_max < alerts.retry_initial) {
    report(out, file, r.present("retry_max") ? r.node("retry_max") : r.node("retry_initial"),
           "'alerts.retry_max' must be at least 'alerts.retry_initial'");
  }
  if (r.present("webhooks")) {
    const YAML::Node list = r.node("webhooks");
    if (!list.IsSequence()) {
      report(out, file, list, "'alerts.webhooks' must be a list of {url, alarms, secret_file}");
    } else {
      for (const YAML::Node& item : list) {
        WebhookTarget target = read_webhook(item, file, out);
        const bool twice =
            !target.url.empty() &&
            std::any_of(alerts.webhooks.begin(), alerts.webhooks.end(),
                        [&](const WebhookTarget& t) { return t.url == target.url; });
        if (twice) report(out, file, item, "the same webhook url is listed twice");
        alerts.webhooks.push_back(std::move(target));
      }
    }
  }
  return alerts;
}

}  // namespace gw::config
