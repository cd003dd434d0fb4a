// dicom.tls in the configuration file: what an administrator sees for each mistake.
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/config/config_loader.hpp"
#include "temp_dir.hpp"

namespace gw::test {
namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

class DicomTlsConfig : public testing::Test {
 protected:
  DicomTlsConfig() {
    for (const char* name : {"gw.pem", "gw.key", "ca.pem"}) std::ofstream(dir_ / name) << "PEM\n";
    std::filesystem::permissions(dir_ / "gw.key", std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write);
  }

  /// `dicom.tls` with the three files present, plus `more` (lines indented four spaces).
  config::LoadResult load(const std::string& more, const std::string& dicom_more = "") {
    const std::string yaml = "dicom:\n" + dicom_more + "  tls:\n    enabled: true\n" +
                             "    certificate: " + (dir_ / "gw.pem").string() + "\n" +
                             "    private_key: " + (dir_ / "gw.key").string() + "\n" +
                             "    ca_file: " + (dir_ / "ca.pem").string() + "\n" + more + kRouting;
    return config::load_config_text(yaml, "t.yaml", {});
  }

  static std::string messages(const config::LoadResult& r) {
    std::string all;
    for (const auto& d : r.diagnostics) all += d.message + "\n";
    return all;
  }

  TempDir dir_;
};

TEST_F(DicomTlsConfig, IsOffByDefaultAndReadsEveryKey) {
  const auto off = config::load_config_text(kRouting, "t.yaml", {});
  ASSERT_TRUE(off.config);
  EXPECT_FALSE(off.config->dicom.tls.enabled);
  EXPECT_EQ(off.config->dicom.tls.port, 2762);
  EXPECT_TRUE(off.config->dicom.tls.require_client_certificate);

  const auto on = load("    port: 2763\n    require_client_certificate: false\n    min_version: \"1.3\"\n");
  ASSERT_TRUE(on.config) << messages(on);
  const auto& tls = on.config->dicom.tls;
  EXPECT_TRUE(tls.enabled);
  EXPECT_EQ(tls.port, 2763);
  EXPECT_FALSE(tls.require_client_certificate);
  EXPECT_EQ(tls.min_version, gw::dicom::TlsVersion::v1_3);
  EXPECT_EQ(tls.certificate, (dir_ / "gw.pem").string());
}

TEST_F(DicomTlsConfig, AMissingFileIsNamed) {
  std::filesystem::remove(dir_ / "ca.pem");
  const auto r = load("");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("'dicom.tls.ca_file': no such file: " + (dir_ / "ca.pem").string()),
            std::string::npos)
      << messages(r);
}

TEST_F(DicomTlsConfig, RequiredClientCertificatesNeedACaFile) {
  const auto r = config::load_config_text(
      "dicom:\n  tls: { enabled: true, certificate: " + (dir_ / "gw.pem").string() +
          ", private_key: " + (dir_ / "gw.key").string() + " }\n" + kRouting,
      "t.yaml", {});
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("'dicom.tls.ca_file' is required"), std::string::npos) << messages(r);
}

TEST_F(DicomTlsConfig, RefusesAVersionBelowTls12) {
  const auto r = load("    min_version: \"1.1\"\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("must be 1.2 or 1.3"), std::string::npos) << messages(r);
}

TEST_F(DicomTlsConfig, RefusesAPrivateKeyEveryUserCanRead) {
  std::filesystem::permissions(dir_ / "gw.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  const auto r = load("");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("readable by every user"), std::string::npos) << messages(r);
}

TEST_F(DicomTlsConfig, RefusesThePlainPortForTls) {
  const auto r = load("    port: 11112\n", "  port: 11112\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("must differ from 'dicom.port'"), std::string::npos) << messages(r);
}

}  // namespace
}  // namespace gw::test
