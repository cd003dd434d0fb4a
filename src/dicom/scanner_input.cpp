#include "scanner_input.hpp"

#include <string>

namespace gw::dicom::scan_input {

InflateSource::InflateSource(Reader& in, std::uint64_t max_out) : in_(in), max_out_(max_out) {
  ready_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK;
  if (!ready_) error_ = "cannot start inflating the deflated dataset";
}

std::size_t InflateSource::read(std::uint8_t* out, std::size_t n) {
  if (!ready_ || finished_ || !error_.empty() || n == 0) return 0;
  z_.next_out = out;
  z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
  while (z_.avail_out > 0) {
    if (z_.avail_in == 0) {
      const std::size_t got = in_.read_some(input_.data(), input_.size());
      if (got == 0) {
        if (!in_.error().empty()) error_ = in_.error();
        break;  // a truncated stream: the walk reports where it ran out
      }
      z_.next_in = input_.data();
      z_.avail_in = static_cast<uInt>(got);
    }
    const int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      finished_ = true;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error_ = "the deflated dataset is corrupt";
      break;
    }
  }
  const std::size_t produced = static_cast<std::size_t>(z_.next_out - out);
  produced_ += produced;
  if (produced_ > max_out_) {
    error_ = "the deflated dataset inflates beyond " + std::to_string(max_out_) + " bytes";
    return 0;
  }
  return produced;
}

}  // namespace gw::dicom::scan_input
