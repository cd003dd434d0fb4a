#include "dicom_text.hpp"

namespace gw::dicom {

std::string trim_dicom(std::string value) {
  const auto is_pad = [](char c) { return c == ' ' || c == '\0'; };
  std::size_t end = value.size();
  while (end > 0 && is_pad(value[end - 1])) --end;
  std::size_t begin = 0;
  while (begin < end && is_pad(value[begin])) ++begin;
  return value.substr(begin, end - begin);
}

}  // namespace gw::dicom
