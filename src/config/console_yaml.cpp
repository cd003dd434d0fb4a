#include "console_yaml.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>

#include "yaml_mapping_reader.hpp"

namespace gw::config {
namespace {

/// The host part of "ip:port" / "[v6]:port", or nullopt when `listen` is not that shape.
std::optional<boost::asio::ip::address> listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size() ||
      listen.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return address;
}

ConsoleUser read_user(const YAML::Node& item, const std::string& file, Diagnostics& out) {
  YamlMappingReader entry(item, "console.users[]", file, out,
                          {"name", "role", "password_hash", "password_hash_file",
                           "password_hash_credential"});
  ConsoleUser user;
  entry.read("name", user.name);
  if (user.name.empty() || user.name.size() > 64 ||
      user.name.find_first_of(": \t\r\n") != std::string::npos) {
    report(out, file, entry.present("name") ? entry.node("name") : item,
           "'console.users[].name' must be 1 to 64 characters without ':' or spaces");
  }
  std::string role = "viewer";
  entry.read("role", role);
  if (role == "operator") {
    user.role = ConsoleRole::operator_;
  } else if (role != "viewer") {
    report(out, file, entry.node("role"), "'console.users[].role' must be viewer or operator");
  }
  entry.read("password_hash", user.password_hash);
  entry.read("password_hash_file", user.password_hash_file);
  entry.read("password_hash_credential", user.password_hash_credential);
  const int sources = !user.password_hash.empty() + !user.password_hash_file.empty() +
                      !user.password_hash_credential.empty();
  if (sources != 1) {
    report(out, file, item,
           "console user '" + user.name +
               "' needs exactly one of password_hash, password_hash_file or "
               "password_hash_credential (a crypt(3) hash, e.g. from `mkpasswd -m yescrypt`)");
  } else if (!user.password_hash.empty() && user.password_hash.front() != '$') {
    report(out, file, entry.node("password_hash"),
           "console user '" + user.name +
               "': password_hash must be a crypt(3) hash such as $y$… (from `mkpasswd`), "
               "never the password itself");
  }
  return user;
}

}  // namespace

ConsoleSettings read_console(const YAML::Node& node, const std::string& file, Diagnostics& out) {
  YamlMappingReader r(node, "console", file, out,
                      {"listen", "tls", "users", "session_idle", "session_max"});
  ConsoleSettings console;
  r.read("listen", console.listen);
  const auto address = listen_address(console.listen);
  if (!address) {
    report(out, file, r.present("listen") ? r.node("listen") : node,
           "'console.listen' must be ip:port (e.g. 127.0.0.1:8080)");
  }
  if (r.present("tls")) {
    YamlMappingReader tls(r.node("tls"), "console.tls", file, out, {"cert_file", "key_file"});
    tls.read("cert_file", console.tls_cert_file);
    tls.read("key_file", console.tls_key_file);
    if (console.tls_cert_file.empty() != console.tls_key_file.empty()) {
      report(out, file, r.node("tls"), "'console.tls' needs both cert_file and key_file");
    }
  }
  // Passwords and session cookies cross the network in clear without TLS: only the machine
  // itself may be spoken to that way.
  if (address && !address->is_loopback() && console.tls_cert_file.empty()) {
    report(out, file, r.present("listen") ? r.node("listen") : node,
           "'console.listen' is " + console.listen +
               ", not a loopback address: it needs console.tls (cert_file, key_file), or "
               "listen on 127.0.0.1 behind a TLS proxy");
  }
  r.read_duration("session_idle", console.session_idle);
  r.read_duration("session_max", console.session_max);
  if (r.present("users")) {
    const YAML::Node list = r.node("users");
    if (!list.IsSequence()) {
      report(out, file, list, "'console.users' must be a list of {name, role, password_hash}");
    } else {
      for (const YAML::Node& item : list) {
        ConsoleUser user = read_user(item, file, out);
        const bool twice = std::any_of(console.users.begin(), console.users.end(),
                                       [&](const ConsoleUser& u) { return u.name == user.name; });
        if (twice) report(out, file, item, "console user '" + user.name + "' is listed twice");
        console.users.push_back(std::move(user));
      }
    }
  }
  if (console.users.empty()) {
    report(out, file, node, "'console.users' must name at least one user: nothing is served without login");
  }
  return console;
}

}  // namespace gw::config
