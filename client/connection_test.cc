#include "client/connection.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_admin_service.h"
#include "client/test_files.h"
#include "gmock/gmock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeAdminService;
using ::hedui::cli::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n";

class EnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override { Clear(); }
  void TearDown() override { Clear(); }
  static void Clear() {
    for (const char* name :
         {kServerEnv, kCaEnv, kCertEnv, kKeyEnv, kInsecureEnv}) {
      unsetenv(name);
    }
  }
};

using MakeCredentialsTest = EnvironmentTest;

TEST_F(MakeCredentialsTest, TlsIsTheDefault) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeCredentials(ConnectionOptions());
  ASSERT_FALSE(credentials.ok());
  EXPECT_THAT(std::string(credentials.status().message()),
              StartsWith("--ca is required"));
  EXPECT_THAT(std::string(credentials.status().message()),
              HasSubstr("--insecure"));
}

TEST_F(MakeCredentialsTest, FlagMistakesNameTheFlag) {
  const std::string pem = WriteTempFile("ok.pem", kPem);
  const std::string not_pem = WriteTempFile("bad.pem", "hello");
  struct Case {
    ConnectionOptions options;
    std::string expected;
  };
  auto with = [](std::string ca, std::string cert, std::string key,
                 bool insecure) {
    ConnectionOptions o;
    o.ca_file = std::move(ca);
    o.cert_file = std::move(cert);
    o.key_file = std::move(key);
    o.insecure = insecure;
    return o;
  };
  const std::vector<Case> cases = {
      {with(pem, pem, "", false), "--key is required with --cert"},
      {with(pem, "", pem, false), "--cert is required with --key"},
      {with("", pem, pem, false), "--ca is required"},
      {with(pem + ".missing", pem, pem, false), "--ca: cannot read"},
      {with(pem, not_pem, pem, false), "--cert: \"" + not_pem + "\" is not"},
      {with(pem, pem, pem + ".missing", false), "--key: cannot read"},
      {with(pem, "", "", true), "--insecure cannot be combined"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        MakeCredentials(c.options);
    ASSERT_FALSE(credentials.ok()) << c.expected;
    EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(credentials.status().message()),
                HasSubstr(c.expected));
  }
  EXPECT_TRUE(MakeCredentials(with("", "", "", true)).ok());
  // A certificate that looks like PEM but is not one is caught before
  // connecting too.
  const absl::Status unreadable =
      MakeCredentials(with(pem, pem, pem, false)).status();
  EXPECT_THAT(std::string(unreadable.message()),
              HasSubstr("--cert: \"" + pem +
                        "\" holds no readable "
                        "certificate"));
  // Server-authenticated TLS only: heduid decides whether that is enough.
  EXPECT_TRUE(MakeCredentials(with(pem, "", "", false)).ok());
}

using CliTlsTest = EnvironmentTest;

TEST_F(CliTlsTest, EveryCommandNeedsCaOrInsecure) {
  const std::string household = WriteTempFile("h.json", "{}");
  CliRunner cli;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"departments"},
           {"health"},
           {"audit", "verify"},
           {"audit", "list"},
           {"report", "get", "R000000000001"},
           {"report", "list"},
           {"stats", "--from", "2026-01-01", "--to", "2026-06-30"},
           {"verify", "--batch", WriteTempFile("r.jsonl", "{}\n")}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    EXPECT_EQ(cli.Run(args), kExitUsage);
    EXPECT_THAT(cli.err(), HasSubstr("--ca is required"));
    EXPECT_EQ(cli.out(), "");
  }
}

TEST_F(CliTlsTest, EnvironmentSetsTheTransport) {
  CliRunner cli;
  setenv(kInsecureEnv, "1", 1);
  setenv(kServerEnv, "127.0.0.1:1", 1);
  // Plaintext was accepted: the failure is the connection, not the flags.
  EXPECT_EQ(cli.Run({"health"}), kExitUnavailable);
  setenv(kCaEnv, WriteTempFile("ca.pem", kPem).c_str(), 1);
  EXPECT_EQ(cli.Run({"health"}), kExitUsage);
  EXPECT_THAT(cli.err(), HasSubstr("--insecure cannot be combined"));
  unsetenv(kInsecureEnv);
  setenv(kCertEnv, WriteTempFile("me.pem", kPem).c_str(), 1);
  EXPECT_EQ(cli.Run({"health"}), kExitUsage);
  EXPECT_THAT(cli.err(), HasSubstr("--key is required with --cert"));
}

// Mutual TLS end to end, with certificates made by the openssl tool (the
// test is skipped where it is not installed).
class MutualTlsTest : public EnvironmentTest {
 protected:
  void SetUp() override {
    EnvironmentTest::SetUp();
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "openssl not installed";
    }
    dir_ = absl::StrCat(
        ::testing::TempDir(), "hedui_cli_tls_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    const std::string script = WriteTempFile(
        "make_certs.sh",
        "set -e\n"
        "K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
        "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=hedui-test-ca\n"
        "openssl req -x509 $K -keyout other.key -out other.pem -days 2 "
        "-subj /CN=another-ca\n"
        "for n in server client; do\n"
        "  openssl req $K -keyout $n.key -out $n.csr -subj /CN=$n\n"
        "  echo 'subjectAltName=IP:127.0.0.1,DNS:localhost' > $n.ext\n"
        "  openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -out $n.pem -days 2 -extfile $n.ext\n"
        "done\n"
        // Expired: `openssl x509 -req` takes no start date, `openssl ca`
        // does.
        "mkdir db && touch db/index.txt && echo 01 > db/serial\n"
        "printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=db/index.txt\\n"
        "new_certs_dir=db\\nserial=db/serial\\ndefault_md=sha256\\n"
        "policy=p\\n[p]\\ncommonName=supplied\\n' > ca.cnf\n"
        "openssl req $K -keyout old.key -out old.csr -subj /CN=old-client\n"
        "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key "
        "-startdate 20200101000000Z -enddate 20210102000000Z -in old.csr "
        "-out old.pem\n");
    ASSERT_EQ(std::system(absl::StrCat("rm -rf ", dir_, " && mkdir -p ", dir_,
                                       " && cd ", dir_, " && sh ", script,
                                       " >/dev/null 2>&1")
                              .c_str()),
              0);

    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = Read("ca.pem");
    ssl.pem_key_cert_pairs.push_back({Read("server.key"), Read("server.pem")});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl),
                             &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(5));
    }
    EnvironmentTest::TearDown();
  }

  std::string Path(const std::string& name) const {
    return absl::StrCat(dir_, "/", name);
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name));
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

  std::string dir_;
  FakeAdminService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(MutualTlsTest, ClientCertificateIsPresented) {
  CliRunner cli;
  EXPECT_EQ(
      cli.Run({"--server", address_, "--ca", Path("ca.pem"), "--cert",
               Path("client.pem"), "--key", Path("client.key"), "departments"}),
      kExitOk)
      << cli.err();
  EXPECT_EQ(service_.list_calls(), 1);

  // The same through the environment.
  setenv(kCaEnv, Path("ca.pem").c_str(), 1);
  setenv(kCertEnv, Path("client.pem").c_str(), 1);
  setenv(kKeyEnv, Path("client.key").c_str(), 1);
  EXPECT_EQ(cli.Run({"--server", address_, "departments"}), kExitOk)
      << cli.err();
  EXPECT_EQ(service_.list_calls(), 2);
}

TEST_F(MutualTlsTest, WrongTransportOrCaFails) {
  CliRunner cli;
  EXPECT_EQ(cli.Run({"--server", address_, "--insecure", "departments"}),
            kExitUnavailable);
  // A server certificate the CA did not sign is not trusted.
  EXPECT_EQ(
      cli.Run({"--server", address_, "--ca", Path("other.pem"), "--cert",
               Path("client.pem"), "--key", Path("client.key"), "departments"}),
      kExitUnavailable);
  // No client certificate: this server requires one.
  EXPECT_EQ(
      cli.Run({"--server", address_, "--ca", Path("ca.pem"), "departments"}),
      kExitUnavailable);
  EXPECT_EQ(service_.list_calls(), 0);
}

// Said before connecting, naming the file and the date (issue 18): the
// server is never called.
TEST_F(MutualTlsTest, OwnCertificateProblemsAreSaidBeforeConnecting) {
  CliRunner cli;
  EXPECT_EQ(cli.Run({"--server", address_, "--ca", Path("ca.pem"), "--cert",
                     Path("old.pem"), "--key", Path("old.key"), "departments"}),
            kExitUsage);
  EXPECT_THAT(cli.err(),
              HasSubstr("your certificate \"old-client\" (" + Path("old.pem") +
                        ") expired on 2021-01-02 00:00 UTC"));
  EXPECT_EQ(
      cli.Run({"--server", address_, "--ca", Path("ca.pem"), "--cert",
               Path("client.pem"), "--key", Path("server.key"), "departments"}),
      kExitUsage);
  EXPECT_THAT(cli.err(), HasSubstr("--key: \"" + Path("server.key") +
                                   "\" is not the key of your certificate "
                                   "\"client\""));
  EXPECT_EQ(service_.list_calls(), 0);
}

}  // namespace
}  // namespace hedui::cli
