// Mutual TLS end to end: certificates from deploy/dev-ca.sh, a real gRPC
// server with MakeServerCredentials on 127.0.0.1, real TLS clients.
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "hedui/v1/admin.grpc.pb.h"
#include "server/security/authenticate.h"
#include "server/security/authorize.h"
#include "server/security/callers_file.h"
#include "server/security/client_chain_verifier.h"
#include "server/security/tls_credentials.h"

namespace hedui::security {
namespace {

using ::testing::HasSubstr;

constexpr char kListDepartments[] = "/hedui.v1.AdminService/ListDepartments";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

// Answers ListDepartments with who the caller is (trailer "hedui-caller"),
// then with the method table's verdict.
class WhoAmIService final : public hedui::v1::AdminService::Service {
 public:
  explicit WhoAmIService(const Authenticator* authenticator)
      : authenticator_(authenticator) {}

  grpc::Status ListDepartments(grpc::ServerContext* context,
                               const hedui::v1::ListDepartmentsRequest*,
                               hedui::v1::ListDepartmentsResponse*) override {
    absl::StatusOr<Caller> caller = authenticator_->Authenticate(*context);
    if (!caller.ok()) return ToGrpc(caller.status());
    context->AddTrailingMetadata("hedui-caller", caller->identity);
    return ToGrpc(AuthorizeMethod(*caller, kListDepartments));
  }

 private:
  const Authenticator* authenticator_;
};

struct Answer {
  grpc::Status status;
  std::string caller;  // the "hedui-caller" trailer, if any
};

class TlsAuthenticateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/hedui_tls_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = new std::string(pattern);
    const std::string script =
        std::string(HEDUI_SOURCE_DIR) + "/deploy/dev-ca.sh";
    // "stranger": signed by the CA, not in the callers file. "other": a
    // second, unrelated CA with its own dibao-system.
    ASSERT_EQ(
        std::system(
            ("bash " + script + " " + *dir_ + " stranger >/dev/null").c_str()),
        0);
    ASSERT_EQ(
        std::system(
            ("bash " + script + " " + *dir_ + "/other >/dev/null").c_str()),
        0);
    // staff-1 again, issued by the same CA with validity periods in the past
    // and in the future ("dated/expired", "dated/early").
    ASSERT_EQ(
        std::system(("bash -c '" + DatedCertificatesScript() + "'").c_str()),
        0);
  }

  // `openssl x509 -req` has no start date, so `openssl ca` signs with one.
  static std::string DatedCertificatesScript() {
    const std::string d = *dir_ + "/dated";
    return "set -e; mkdir -p " + d + "; cd " + d +
           "; touch index.txt; echo 01 > serial;"
           " printf \"[ca]\\ndefault_ca=c\\n[c]\\ndatabase=index.txt\\n"
           "new_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\n"
           "policy=p\\nunique_subject=no\\n[p]\\ncommonName=supplied\\n"
           "organizationName=optional\\n[x]\\nextendedKeyUsage=clientAuth\\n\" "
           "> ca.cnf;"
           " for w in expired:20200101000000Z:20210101000000Z "
           "early:20990101000000Z:21000101000000Z; do"
           " n=${w%%:*}; r=${w#*:}; s=${r%%:*}; e=${r#*:};"
           " openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
           " -out $n.key 2>/dev/null;"
           " openssl req -new -key $n.key -subj /CN=staff-1 -out $n.csr;"
           " openssl ca -batch -config ca.cnf -extensions x -cert ../ca.crt"
           " -keyfile ../ca.key -startdate $s -enddate $e -in $n.csr"
           " -out $n.crt >/dev/null 2>&1; done";
  }

  static void TearDownTestSuite() {
    std::system(("rm -rf " + *dir_).c_str());
    delete dir_;
  }

  void SetUp() override {
    auto registry = LoadCallersFile(Path("callers.textproto"));
    ASSERT_TRUE(registry.ok()) << registry.status();
    authenticator_ = Authenticator::ForCallers(*registry);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  static std::string Path(const std::string& name) {
    return *dir_ + "/" + name;
  }

  static TlsFiles Files() {
    return TlsFiles{Path("ca.crt"), Path("server.crt"), Path("server.key")};
  }

  void StartServer(std::shared_ptr<grpc::ServerCredentials> credentials) {
    service_ = std::make_unique<WhoAmIService>(authenticator_.get());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }

  void StartTlsServer() {
    auto credentials = MakeServerCredentials(Files());
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    StartServer(*credentials);
  }

  // A TLS client trusting the development CA, presenting `client`'s
  // certificate ("" for none; "other/x" for one from the other CA).
  Answer Call(const std::string& client) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadAll(Path("ca.crt"));
    if (!client.empty()) {
      ssl.pem_cert_chain = ReadAll(Path(client + ".crt"));
      ssl.pem_private_key = ReadAll(Path(client + ".key"));
    }
    return CallWith(grpc::SslCredentials(ssl));
  }

  Answer CallWith(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments args;
    // Each call gets its own connection, so that one client's handshake
    // (certificate or none) is never reused for another's.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port_), credentials, args);
    auto stub = hedui::v1::AdminService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    hedui::v1::ListDepartmentsResponse response;
    Answer answer;
    answer.status = stub->ListDepartments(
        &context, hedui::v1::ListDepartmentsRequest(), &response);
    const auto& trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find("hedui-caller"); it != trailers.end()) {
      answer.caller.assign(it->second.data(), it->second.size());
    }
    return answer;
  }

  static std::string* dir_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<WhoAmIService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

std::string* TlsAuthenticateTest::dir_ = nullptr;

TEST_F(TlsAuthenticateTest, ProgramSystemCertificateIsItsIdentity) {
  StartTlsServer();
  const Answer answer = Call("dibao-system");
  EXPECT_EQ(answer.caller, "dibao-system");
  // Authenticated, but a program system may not list departments.
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(answer.status.error_message(),
              HasSubstr("\"dibao-system\" (PROGRAM_SYSTEM) may not call "
                        "/hedui.v1.AdminService/ListDepartments"));
}

TEST_F(TlsAuthenticateTest, StaffAndAdminAreAllowed) {
  StartTlsServer();
  for (const char* client : {"staff-1", "admin-1"}) {
    const Answer answer = Call(client);
    EXPECT_TRUE(answer.status.ok())
        << client << ": " << answer.status.error_message();
    EXPECT_EQ(answer.caller, client);
  }
}

TEST_F(TlsAuthenticateTest, NoClientCertificateIsUnauthenticated) {
  StartTlsServer();
  const Answer answer = Call("");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << answer.status.error_message();
  EXPECT_EQ(answer.status.error_message(), "a client certificate is required");
  EXPECT_EQ(answer.caller, "");
}

TEST_F(TlsAuthenticateTest, CertificateFromAnotherCaFailsTheHandshake) {
  StartTlsServer();
  const Answer answer = Call("other/dibao-system");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << answer.status.error_message();
  EXPECT_EQ(answer.caller, "");
}

// The handshake leaves the validity period to the per-call check, which
// names it (issue 18): the caller learns why, and the refusal is audited.
TEST_F(TlsAuthenticateTest, ExpiredCertificateIsRefusedPerCallNamingTheDate) {
  StartTlsServer();
  const Answer answer = Call("dated/expired");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << answer.status.error_message();
  EXPECT_EQ(answer.status.error_message(),
            "client certificate \"staff-1\" expired on 2021-01-01");
  EXPECT_EQ(answer.caller, "");
}

TEST_F(TlsAuthenticateTest, NotYetValidCertificateIsRefusedPerCall) {
  StartTlsServer();
  const Answer answer = Call("dated/early");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << answer.status.error_message();
  EXPECT_EQ(answer.status.error_message(),
            "client certificate \"staff-1\" is not valid until 2099-01-01 "
            "00:00:00 UTC");
}

TEST(VerifyClientChainTest, NoCertificatePassesAndGarbageDoesNot) {
  // No certificate passes the handshake (refused per call instead);
  // anything unreadable does not.
  EXPECT_TRUE(VerifyClientChain("", "irrelevant").ok());
  EXPECT_EQ(VerifyClientChain("not a certificate", "neither").code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TlsAuthenticateTest, ChainCheckRefusesAnotherCaAndAcceptsExpiredLeaf) {
  const std::string ca = ReadAll(Path("ca.crt"));
  EXPECT_TRUE(VerifyClientChain(ReadAll(Path("staff-1.crt")), ca).ok());
  EXPECT_TRUE(VerifyClientChain(ReadAll(Path("dated/expired.crt")), ca).ok());
  const absl::Status other =
      VerifyClientChain(ReadAll(Path("other/dibao-system.crt")), ca);
  EXPECT_EQ(other.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(other.message()),
              HasSubstr("unable to get local issuer certificate"));
  // The server certificate is for serverAuth only: not a client's.
  const absl::Status server =
      VerifyClientChain(ReadAll(Path("server.crt")), ca);
  EXPECT_EQ(server.code(), absl::StatusCode::kUnauthenticated)
      << server.message();
}

TEST_F(TlsAuthenticateTest, UnknownIdentityIsPermissionDenied) {
  StartTlsServer();
  const Answer answer = Call("stranger");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(answer.status.error_message(),
            "client certificate \"stranger\" is not in the server's callers "
            "file");
}

TEST_F(TlsAuthenticateTest, ReloadedCallersTakeEffect) {
  StartTlsServer();
  auto reloaded = LoadCallersText(
      R"(callers { identity: "stranger" role: STAFF region_codes: "320581" })",
      "reloaded");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  ASSERT_TRUE(authenticator_->ReplaceRegistry(*reloaded).ok());
  EXPECT_TRUE(Call("stranger").status.ok());
  EXPECT_EQ(Call("staff-1").status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TlsAuthenticateTest, SubjectAltNameMatchesWhenTheCommonNameDoesNot) {
  // CN "san-client" is not in the callers file; its DNS SAN "staff-1" is.
  const std::string d = *dir_;
  ASSERT_EQ(
      std::system(
          ("set -e; cd " + d +
           "; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
           "-out san.key 2>/dev/null"
           "; openssl req -new -key san.key -subj /CN=san-client -out san.csr"
           "; printf 'extendedKeyUsage=clientAuth\\nsubjectAltName=DNS:staff-1"
           "\\n' > san.ext"
           "; openssl x509 -req -in san.csr -CA ca.crt -CAkey ca.key "
           "-set_serial 7 -days 2 -extfile san.ext -out san.crt 2>/dev/null")
              .c_str()),
      0);
  StartTlsServer();
  const Answer answer = Call("san");
  EXPECT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.caller, "staff-1");
}

TEST_F(TlsAuthenticateTest, RotatedCertificatesAreUsedWithoutRestart) {
  // A live directory the server watches, and a whole new CA to rotate to.
  const std::string live = Path("live");
  const std::string script =
      std::string(HEDUI_SOURCE_DIR) + "/deploy/dev-ca.sh";
  ASSERT_EQ(
      std::system(("mkdir -p " + live + " && cp " + Path("ca.crt") + " " +
                   Path("server.crt") + " " + Path("server.key") + " " + live +
                   " && bash " + script + " " + Path("rotated") + " >/dev/null")
                      .c_str()),
      0);
  TlsOptions options;
  options.refresh_interval = absl::Seconds(1);
  auto credentials = MakeServerCredentials(
      TlsFiles{live + "/ca.crt", live + "/server.crt", live + "/server.key"},
      options);
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  StartServer(*credentials);
  ASSERT_TRUE(Call("staff-1").status.ok());

  // Each file replaced by a rename, as README-certificates.md says.
  for (const char* name : {"server.key", "server.crt", "ca.crt"}) {
    ASSERT_EQ(std::system(("cp " + Path("rotated/") + name + " " + live +
                           "/next && mv " + live + "/next " + live + "/" + name)
                              .c_str()),
              0);
  }
  // The new server certificate is signed by the new CA: a client trusting
  // only that CA and presenting a certificate from it gets through once the
  // server has re-read its files.
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadAll(Path("rotated/ca.crt"));
  ssl.pem_cert_chain = ReadAll(Path("rotated/staff-1.crt"));
  ssl.pem_private_key = ReadAll(Path("rotated/staff-1.key"));
  Answer answer;
  for (int attempt = 0; attempt < 50; ++attempt) {
    answer = CallWith(grpc::SslCredentials(ssl));
    if (answer.status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.caller, "staff-1");
  // And a certificate of the old CA no longer is.
  EXPECT_EQ(Call("staff-1").status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsAuthenticateTest, PlaintextIsUnauthenticatedUnlessInsecureMode) {
  StartServer(grpc::InsecureServerCredentials());
  const Answer refused = CallWith(grpc::InsecureChannelCredentials());
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  server_->Shutdown();
  server_.reset();
  authenticator_ = Authenticator::ForInsecureDevelopment();
  EXPECT_FALSE(authenticator_->ReplaceRegistry(nullptr).ok());
  StartServer(grpc::InsecureServerCredentials());
  const Answer admitted = CallWith(grpc::InsecureChannelCredentials());
  EXPECT_TRUE(admitted.status.ok()) << admitted.status.error_message();
  EXPECT_EQ(admitted.caller, "insecure-development");
}

TEST_F(TlsAuthenticateTest, MissingFileIsNamed) {
  TlsFiles files = Files();
  files.server_key = Path("no-such.key");
  auto credentials = MakeServerCredentials(files);
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("cannot open server key file " + Path("no-such.key")));

  files = Files();
  files.ca_cert = "";
  EXPECT_THAT(MakeServerCredentials(files).status().message(),
              HasSubstr("no CA certificate file given"));
}

TEST_F(TlsAuthenticateTest, WrongContentIsNamed) {
  TlsFiles files = Files();
  files.ca_cert = Path("callers.textproto");
  auto not_pem = MakeServerCredentials(files);
  EXPECT_EQ(not_pem.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_pem.status().message(),
              HasSubstr("CA certificate file " + Path("callers.textproto") +
                        ": no PEM certificate"));

  files = Files();
  files.server_key = Path("staff-1.key");
  auto mismatch = MakeServerCredentials(files);
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      mismatch.status().message(),
      HasSubstr("server key file " + Path("staff-1.key") +
                " is not the key of the certificate in " + Path("server.crt")));

  files = Files();
  files.server_key = Path("server.crt");
  EXPECT_THAT(MakeServerCredentials(files).status().message(),
              HasSubstr("no unencrypted PEM private key"));
}

TEST_F(TlsAuthenticateTest, DevCaKeysArePrivate) {
  for (const char* key : {"ca.key", "server.key", "dibao-system.key"}) {
    struct stat st;
    ASSERT_EQ(stat(Path(key).c_str(), &st), 0) << key;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << key;
  }
}

}  // namespace
}  // namespace hedui::security
