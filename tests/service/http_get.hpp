#pragma once
// A plain HTTP/1.1 GET over loopback for scraping the metrics endpoint in tests.
#include <cstdint>
#include <string>

namespace gw::test {

struct HttpAnswer {
  int status = 0;  // 0 when no answer came
  std::string body;
};

/// One request on a new connection to 127.0.0.1:`port` (Connection: close), 5 s deadline.
HttpAnswer http_get(std::uint16_t port, const std::string& target);

}  // namespace gw::test
