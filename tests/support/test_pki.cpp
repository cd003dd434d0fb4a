#include "test_pki.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace gw::test {
namespace {

void run(const std::string& command, const std::filesystem::path& log) {
  const std::string full = command + " >>'" + log.string() + "' 2>&1";
  if (std::system(full.c_str()) != 0) {
    throw std::runtime_error("openssl failed (see " + log.string() + "): " + command);
  }
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto log = dir / "openssl.log";
  const std::string key = "-newkey rsa:2048 -nodes -days 2";
  TestPki pki;
  pki.ca_certificate = dir / "ca.pem";
  const auto ca_key = dir / "ca.key";
  run("openssl req -x509 " + key + " -keyout " + q(ca_key) + " -out " + q(pki.ca_certificate) +
          " -subj '/CN=Gateway Test CA' -addext basicConstraints=critical,CA:TRUE"
          " -addext keyUsage=critical,keyCertSign,cRLSign",
      log);

  const auto issue = [&](const std::string& name, const std::string& extensions,
                         std::filesystem::path& cert, std::filesystem::path& key_file) {
    cert = dir / (name + ".pem");
    key_file = dir / (name + ".key");
    const auto request = dir / (name + ".csr");
    const auto ext = dir / (name + ".ext");
    std::ofstream(ext) << extensions;
    run("openssl req -new " + key + " -keyout " + q(key_file) + " -out " + q(request) +
            " -subj '/CN=" + name + "'",
        log);
    run("openssl x509 -req -in " + q(request) + " -CA " + q(pki.ca_certificate) + " -CAkey " +
            q(ca_key) + " -CAcreateserial -days 2 -out " + q(cert) + " -extfile " + q(ext),
        log);
  };
  issue("127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        pki.server_certificate, pki.server_key);
  issue("TEST_SCU", "extendedKeyUsage=clientAuth\n", pki.client_certificate, pki.client_key);

  pki.stranger_certificate = dir / "stranger.pem";
  pki.stranger_key = dir / "stranger.key";
  run("openssl req -x509 " + key + " -keyout " + q(pki.stranger_key) + " -out " +
          q(pki.stranger_certificate) + " -subj '/CN=TEST_SCU'",
      log);
  for (const auto& k : {ca_key, pki.server_key, pki.client_key, pki.stranger_key}) {
    std::filesystem::permissions(k, std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_write);
  }
  return pki;
}

}  // namespace gw::test
