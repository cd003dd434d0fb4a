#include "gateway/alerts/alerts_errc.hpp"

#include <string>

namespace gw::alerts {
namespace {

class AlertsCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "gw.alerts"; }
  std::string message(int ev) const override {
    switch (static_cast<alerts_errc>(ev)) {
      case alerts_errc::bad_url:
        return "webhook url must be http(s)://host[:port][/path] without user or password";
      case alerts_errc::secret_unreadable:
        return "webhook secret_file cannot be read or its first line is empty";
      case alerts_errc::ca_file_unreadable:
        return "webhook ca_file cannot be read as PEM certificates";
      case alerts_errc::trust_store_unavailable:
        return "the system trust store could not be loaded";
      case alerts_errc::bad_settings:
        return "alert settings are out of range";
    }
    return "unknown alerts error";
  }
};

}  // namespace

const boost::system::error_category& alerts_category() noexcept {
  static const AlertsCategory category;
  return category;
}

boost::system::error_code make_error_code(alerts_errc e) noexcept {
  return {static_cast<int>(e), alerts_category()};
}

}  // namespace gw::alerts
