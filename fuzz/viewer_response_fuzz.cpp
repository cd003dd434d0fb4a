// The Viewer API's answers are untrusted input: the create-study parser and the UTF-8
// truncation used for logging them must take any bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/viewer/wire_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (const auto id = gw::viewer::parse_created_study(body)) {
    if (!gw::viewer::is_study_id(*id)) std::abort();  // only well-formed ids come out
  }
  (void)gw::viewer::truncate_utf8(body, size / 2);
  return 0;
}
