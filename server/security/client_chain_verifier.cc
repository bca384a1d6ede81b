#include "server/security/client_chain_verifier.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace hedui::security {
namespace {

// A chain or a CA bundle is a few kilobytes; anything far larger is not one.
constexpr size_t kMaxPemBytes = 1 << 20;

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using Stack = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;
using Store = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
using StoreCtx =
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)>;

void FreeStack(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }

// Every certificate in `pem`, in order.
Stack ReadCertificates(absl::string_view pem) {
  Stack out(sk_X509_new_null(), &FreeStack);
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  while (out != nullptr && bio != nullptr) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    sk_X509_push(out.get(), cert);
  }
  ERR_clear_error();  // the read that ends the loop always "fails"
  return out;
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                      std::string(status.message()));
}

}  // namespace

absl::Status VerifyClientChain(absl::string_view leaf_pem,
                               absl::string_view ca_pem,
                               absl::string_view intermediates_pem) {
  // No certificate: the handshake completes and every call is refused with
  // UNAUTHENTICATED by Authenticate, which says more than a failed handshake.
  if (leaf_pem.empty()) return absl::OkStatus();
  if (leaf_pem.size() > kMaxPemBytes ||
      intermediates_pem.size() > kMaxPemBytes) {
    return absl::UnauthenticatedError("client certificate chain too large");
  }
  Stack chain = ReadCertificates(leaf_pem);
  Stack untrusted = ReadCertificates(intermediates_pem);
  Stack cas = ReadCertificates(ca_pem);
  if (chain == nullptr || cas == nullptr || untrusted == nullptr) {
    return absl::InternalError("out of memory reading certificates");
  }
  if (sk_X509_num(chain.get()) == 0) {
    return absl::UnauthenticatedError("client sent no readable certificate");
  }
  if (sk_X509_num(cas.get()) == 0) {
    return absl::UnauthenticatedError(
        "the server's CA file holds no certificate");
  }
  Store store(X509_STORE_new(), &X509_STORE_free);
  StoreCtx ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
  if (store == nullptr || ctx == nullptr) {
    return absl::InternalError("out of memory verifying a certificate");
  }
  for (int i = 0; i < sk_X509_num(cas.get()); ++i) {
    X509_STORE_add_cert(store.get(), sk_X509_value(cas.get(), i));
  }
  X509* leaf = sk_X509_value(chain.get(), 0);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return absl::InternalError("cannot start verifying a certificate");
  }
  // The leaf's dates are the per-call check's (it names them); every other
  // check OpenSSL makes at a handshake stays, the purpose included.
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate not accepted: ",
                     X509_verify_cert_error_string(error)));
  }
  // Without the time check OpenSSL also let an expired CA or intermediate
  // through: those are checked here, the leaf (index 0) is not.
  STACK_OF(X509)* verified = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 1; i < sk_X509_num(verified); ++i) {
    X509* cert = sk_X509_value(verified, i);
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0 ||
        X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
      return absl::UnauthenticatedError(
          "client certificate issued by a CA certificate that is expired or "
          "not yet valid");
    }
  }
  return absl::OkStatus();
}

absl::Status ClientChainVerifier::CurrentCa(std::string* pem) {
  struct stat st;
  if (stat(ca_file_.c_str(), &st) != 0) {
    absl::MutexLock lock(&mu_);
    // Keep the last good CA while a rotation replaces the file.
    if (ca_mtime_ns_ >= 0) {
      *pem = ca_pem_;
      return absl::OkStatus();
    }
    return absl::UnavailableError("the server cannot read its CA file");
  }
  const int64_t mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
      st.st_mtim.tv_nsec;
  absl::MutexLock lock(&mu_);
  if (mtime_ns != ca_mtime_ns_ || st.st_size != ca_size_) {
    std::ifstream in(ca_file_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad() || text.str().size() > kMaxPemBytes) {
      if (ca_mtime_ns_ < 0) {
        return absl::UnavailableError("the server cannot read its CA file");
      }
    } else {
      ca_pem_ = text.str();
      ca_mtime_ns_ = mtime_ns;
      ca_size_ = st.st_size;
    }
  }
  *pem = ca_pem_;
  return absl::OkStatus();
}

bool ClientChainVerifier::Verify(
    grpc::experimental::TlsCustomVerificationCheckRequest* request,
    std::function<void(grpc::Status)> /*callback*/, grpc::Status* sync_status) {
  std::string ca;
  absl::Status status = CurrentCa(&ca);
  if (status.ok()) {
    // The leaf and what else the peer sent, apart: on the server side the
    // "full chain" need not start with the leaf.
    const grpc::string_ref leaf = request->peer_cert();
    const grpc::string_ref others = request->peer_cert_full_chain();
    status = VerifyClientChain(absl::string_view(leaf.data(), leaf.size()), ca,
                               absl::string_view(others.data(), others.size()));
  }
  if (!status.ok()) {
    // No name: the refused certificate may carry a person's.
    spdlog::warn("TLS handshake refused: {}", std::string(status.message()));
  }
  *sync_status = ToGrpc(status);
  return true;  // done synchronously
}

}  // namespace hedui::security
