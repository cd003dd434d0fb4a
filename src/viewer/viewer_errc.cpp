#include "gateway/viewer/viewer_errc.hpp"

#include <string>

namespace gw::viewer {
namespace {

class ViewerCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "gw.viewer"; }
  std::string message(int ev) const override {
    switch (static_cast<viewer_errc>(ev)) {
      case viewer_errc::bad_url:
        return "viewer base_url is not a valid absolute URL";
      case viewer_errc::not_https:
        return "viewer base_url must use https";
      case viewer_errc::ca_file_unreadable:
        return "viewer ca_file cannot be read as PEM certificates";
      case viewer_errc::trust_store_unavailable:
        return "the system trust store could not be loaded";
      case viewer_errc::bad_settings:
        return "viewer client settings are out of range";
      case viewer_errc::bad_proxy:
        return "viewer proxy must be http://[user:password@]host[:port]";
    }
    return "unknown viewer client error";
  }
};

}  // namespace

const boost::system::error_category& viewer_category() noexcept {
  static const ViewerCategory category;
  return category;
}

boost::system::error_code make_error_code(viewer_errc e) noexcept {
  return {static_cast<int>(e), viewer_category()};
}

}  // namespace gw::viewer
