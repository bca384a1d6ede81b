// Revocation lists and certificate dates, with real files from
// deploy/dev-ca.sh and deploy/dev-revoke.sh (openssl), not hand-made bytes.
#include "server/security/revocation_list.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/security/certificate_expiry.h"

namespace hedui::security {
namespace {

class RevocationListTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/hedui-crl-test");
    other_ = new std::string(*dir_ + "-other-ca");
    const std::string deploy = std::string(HEDUI_SOURCE_DIR) + "/deploy/";
    ASSERT_EQ(
        std::system(("rm -rf " + *dir_ + " " + *other_ + " && " + deploy +
                     "dev-ca.sh " + *dir_ + " >/dev/null && " + deploy +
                     "dev-ca.sh " + *other_ + " >/dev/null && " + deploy +
                     "dev-revoke.sh " + *dir_ + " staff-1 >/dev/null && " +
                     deploy + "dev-revoke.sh " + *other_ + " >/dev/null")
                        .c_str()),
        0);
  }
  static void TearDownTestSuite() {
    std::system(("rm -rf " + *dir_ + " " + *other_).c_str());
    delete dir_;
    delete other_;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::string* dir_;
  static std::string* other_;
};
std::string* RevocationListTest::dir_ = nullptr;
std::string* RevocationListTest::other_ = nullptr;

TEST_F(RevocationListTest, ListsTheRevokedSerialsOnly) {
  auto list = RevocationList::Load(*dir_ + "/clients.crl", *dir_ + "/ca.crt");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)->size(), 1u);
  auto revoked = ParsePeerCertificate(Read(*dir_ + "/staff-1.crt"));
  auto kept = ParsePeerCertificate(Read(*dir_ + "/admin-1.crt"));
  ASSERT_TRUE(revoked.ok() && kept.ok());
  EXPECT_TRUE((*list)->IsRevoked(revoked->serial_hex));
  EXPECT_FALSE((*list)->IsRevoked(kept->serial_hex));
  EXPECT_GT((*list)->next_update(), absl::Now());
}

TEST_F(RevocationListTest, AListSignedByAnotherCaIsRefused) {
  auto list = RevocationList::Load(*other_ + "/clients.crl", *dir_ + "/ca.crt");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("not signed by the CA of --tls-ca"),
            std::string::npos)
      << list.status();
}

TEST_F(RevocationListTest, AFileThatIsNoListIsRefusedNamingTheSetting) {
  auto list = RevocationList::Load(*dir_ + "/ca.crt", *dir_ + "/ca.crt");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("--crl"), std::string::npos);
  EXPECT_FALSE(
      RevocationList::Load(*dir_ + "/missing.crl", *dir_ + "/ca.crt").ok());
}

TEST_F(RevocationListTest, CertificateDatesAreRead) {
  // dev-ca.sh issues leaves for 825 days.
  auto not_after = CertificateNotAfter(*dir_ + "/server.crt");
  ASSERT_TRUE(not_after.ok()) << not_after.status();
  const absl::Duration left = *not_after - absl::Now();
  EXPECT_GT(left, absl::Hours(24 * 824));
  EXPECT_LT(left, absl::Hours(24 * 826));
  const auto expiries = CheckCertificateExpiry(
      {{"server", *dir_ + "/server.crt"}, {"ca", *dir_ + "/nope.crt"}}, 900,
      absl::Now());
  ASSERT_EQ(expiries.size(), 2u);
  EXPECT_TRUE(expiries[0].expiring_soon) << "825 days is within 900";
  EXPECT_FALSE(expiries[1].not_after.ok());
  EXPECT_FALSE(CheckCertificateExpiry({{"server", *dir_ + "/server.crt"}}, 30,
                                      absl::Now())[0]
                   .expiring_soon);
}

}  // namespace
}  // namespace hedui::security
