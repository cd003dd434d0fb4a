// Dataset → StudyFacts on the project's fixtures, including text in other character sets.
#include <gtest/gtest.h>

#include "gateway/dicom/study_file_reader.hpp"

namespace {

const std::string kFixtures = GW_FIXTURE_DIR;

gw::StudyFacts read(const std::string& name) {
  std::string error;
  auto facts = gw::dicom::read_study_facts(kFixtures + "/" + name, {"CT01", "AVARA_GW", "10.0.0.5"},
                                           error);
  EXPECT_TRUE(facts) << error;
  return facts.value_or(gw::StudyFacts{});
}

TEST(StudyFactsReader, ReadsKeywordsTagsAndTheAssociation) {
  const auto facts = read("ct_chest_s1_i1.dcm");
  EXPECT_EQ(facts.study_instance_uid, "1.2.826.0.1.3680043.10.543.1");
  EXPECT_EQ(facts.first("StudyDescription"), "CT Chest with contrast");
  EXPECT_EQ(facts.first("00081030"), "CT Chest with contrast");
  EXPECT_EQ(facts.first("StationName"), "CT01");
  EXPECT_EQ(facts.first("calling_ae"), "CT01");
  EXPECT_EQ(facts.first("peer_address"), "10.0.0.5");
  EXPECT_EQ(facts.find("PixelData"), nullptr) << "binary values are not facts";
}

TEST(StudyFactsReader, ConvertsLatin1ToUtf8) {
  const auto facts = read("mr_brain_latin1_i1.dcm");
  EXPECT_EQ(facts.first("StudyDescription"), "IRM c\xC3\xA9r\xC3\xA9" "brale avec gadolinium");
}

TEST(StudyFactsReader, ConvertsIso2022Ir87ThatDcmtksIconvBackendRefuses) {
  const auto facts = read("mr_head_japanese.dcm");
  EXPECT_EQ(facts.first("StudyDescription"), "\xE9\xA0\xAD\xE9\x83\xA8 MRI");  // 頭部 MRI
  EXPECT_EQ(facts.first("PatientName"),
            "Yamada^Tarou=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E");  // 山田^太郎
}

TEST(StudyFactsReader, ANonDicomFileIsAClearError) {
  std::string error;
  EXPECT_FALSE(gw::dicom::read_study_facts(__FILE__, {}, error));
  EXPECT_NE(error.find("not a readable DICOM file"), std::string::npos) << error;
}

TEST(KeywordDictionary, KnowsStandardKeywordsOnly) {
  EXPECT_TRUE(gw::dicom::is_known_keyword("StudyDescription"));
  EXPECT_TRUE(gw::dicom::is_known_keyword("ReferringPhysicianName"));
  EXPECT_FALSE(gw::dicom::is_known_keyword("StudyDescriptoin"));
}

}  // namespace
