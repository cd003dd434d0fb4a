// The Viewer API's answers are untrusted input: the create-study parser, the readers of one
// study (by studyId and by-uid), one user and a page of a list, and the UTF-8 truncation used
// for logging them must take any bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/viewer/wire_format.hpp"
#include "list_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (const auto id = gw::viewer::parse_created_study(body)) {
    if (!gw::viewer::is_study_id(*id)) std::abort();  // only well-formed ids come out
  }
  namespace detail = gw::viewer::detail;
  if (const auto study = detail::parse_study(body)) {
    if (!gw::viewer::is_study_id(study->study_id)) std::abort();
  }
  (void)detail::parse_user(body);
  if (const auto page = detail::parse_study_page(body)) {
    if (page->has_more && page->cursor.empty()) std::abort();  // a page that cannot continue
  }
  (void)detail::parse_customer_page(body);
  (void)gw::viewer::truncate_utf8(body, size / 2);
  return 0;
}
