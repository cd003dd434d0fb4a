#pragma once
// Why alert settings could not be applied: start-up and reload errors, returned as values.
#include <system_error>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace gw::alerts {

/// Errors of WebhookNotifier::replace_settings. Registered as a boost::system category.
enum class alerts_errc {
  bad_url = 1,              // a webhook url is not http(s)://host[:port][/path]
  secret_unreadable,        // a secret_file cannot be read or its first line is empty
  ca_file_unreadable,       // a ca_file cannot be read as PEM certificates
  trust_store_unavailable,  // the system trust store could not be loaded
  bad_settings,             // a non-positive timeout or retry delay, or queue_limit 0
};

/// The category of alerts_errc; a function-local static, safe from any thread.
const boost::system::error_category& alerts_category() noexcept;

/// Lets `boost::system::error_code ec = alerts_errc::bad_url;` work.
boost::system::error_code make_error_code(alerts_errc e) noexcept;

}  // namespace gw::alerts

template <>
struct boost::system::is_error_code_enum<gw::alerts::alerts_errc> : std::true_type {};
