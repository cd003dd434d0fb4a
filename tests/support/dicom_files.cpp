#include "dicom_files.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <stdexcept>

namespace gw::test {

void write_instance(const std::string& path, const InstanceSpec& spec) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, spec.sop_uid.c_str());
  ds->putAndInsertString(DCM_StudyInstanceUID, spec.study_uid.c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, (spec.study_uid + ".1").c_str());
  ds->putAndInsertString(DCM_Modality, spec.modality.c_str());
  ds->putAndInsertString(DCM_StudyDescription, spec.description.c_str());
  ds->putAndInsertString(DCM_PatientName, spec.patient_name.c_str());
  const std::pair<DcmTagKey, const std::string*> optional[] = {
      {DCM_AccessionNumber, &spec.accession_number},
      {DCM_PatientID, &spec.patient_id},
      {DCM_PatientBirthDate, &spec.patient_birth_date},
      {DCM_StudyDate, &spec.study_date}};
  for (const auto& [tag, value] : optional) {
    if (!value->empty()) ds->putAndInsertString(tag, value->c_str());
  }
  ds->putAndInsertUint16(DCM_Rows, 2);
  ds->putAndInsertUint16(DCM_Columns, 2);
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  const Uint16 pixels[4] = {0, 1, 2, 3};
  ds->putAndInsertUint16Array(DCM_PixelData, pixels, 4);
  const OFCondition status = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (status.bad()) throw std::runtime_error("cannot write " + path + ": " + status.text());
}

}  // namespace gw::test
