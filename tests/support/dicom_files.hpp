#pragma once
// Small DICOM files made in the test, for runs that need more studies than the fixtures.
#include <string>

namespace gw::test {

struct InstanceSpec {
  std::string study_uid;
  std::string sop_uid;
  std::string modality = "CT";
  std::string description = "Generated study";
  std::string patient_name = "Test^Patient";
  // Written only when set.
  std::string accession_number{};
  std::string patient_id{};
  std::string patient_birth_date{};
  std::string study_date{};
};

/// Writes a CT Image Storage instance (explicit little endian, 2x2 pixels) to `path`.
/// Throws std::runtime_error when it cannot be written.
void write_instance(const std::string& path, const InstanceSpec& spec);

}  // namespace gw::test
