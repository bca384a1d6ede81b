// The baseline of issue 17 ("How it must perform"): a bare
// hedui.v1.VerificationService/Verify on gRPC's callback API with tcmalloc,
// over the same mutual-TLS certificates as heduid and on a copy of the same
// store. Per call it does what a Verify cannot avoid and nothing else: the
// same household lookup (ReadPersonsWithHouseholds of PersonsToRead), a reply
// of the size Hedui answers, and one synced RocksDB write of the bytes Hedui
// writes per call. No rules, no audit chain, no indexes, no authorization.
//
//   hedui_bare_verify_server --store DIR --listen 127.0.0.1:0 --port-file F
//       --ca CA --cert CRT --key KEY [--reply-bytes 7000]
//       [--write-bytes 7400] [--writers 16]
//
// The write is the naive durable path, deliberately: each call's reply
// (padded to --write-bytes) is one WriteBatch with sync = true, written by one
// of a fixed pool of --writers threads, and the reactor finishes when that
// write returns. The handler never blocks on the disk; no thread is created
// per call. Writers that arrive together still share RocksDB's own write
// group (one WAL write and one fdatasync for the group), as any plain RocksDB
// client gets for free; what the baseline does not have is a writer of its own
// that forms groups while the previous one syncs (the design issue 17 asks
// Hedui for). 16 writers by default: with 4 the durable baseline lost ~20 % at
// concurrency 16 and 64 (fewer writers to join a group), 64 gained nothing
// over 16 (100,000 residents, 2026-12-07). A call whose metadata says
// `hedui-bench-write: 0` skips the write: the same baseline without durability,
// from the same process.
//
// Run on a COPY of heduid's store: this process writes into the reports
// family (keys under "~bare-bench/", which no reader of Hedui's ever parses).
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/server_callback.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/verification_service.grpc.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "server/engine/evaluate.h"
#include "storage/store.h"

namespace {

struct Flags {
  std::string store, listen = "127.0.0.1:0", port_file, ca, cert, key;
  size_t reply_bytes = 7000;
  size_t write_bytes = 7400;
  int writers = 16;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A fixed pool of threads, each making one synced write per job: the plain
// way to keep fdatasync off gRPC's callback threads.
class WriterPool {
 public:
  struct Job {
    std::string key;
    std::string value;
    grpc::ServerUnaryReactor* reactor;
  };

  WriterPool(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, int threads)
      : db_(db), family_(family) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WriterPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void Submit(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    rocksdb::WriteOptions options;
    options.sync = true;
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      rocksdb::WriteBatch batch;
      batch.Put(family_, job.key, job.value);
      const rocksdb::Status s = db_->Write(options, &batch);
      job.reactor->Finish(
          s.ok() ? grpc::Status::OK
                 : grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
    }
  }

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const family_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class BareVerify final
    : public hedui::v1::VerificationService::CallbackService {
 public:
  BareVerify(hedui::storage::Store* store, const Flags& flags,
             WriterPool* writers)
      : store_(store), flags_(flags), writers_(writers) {}

  grpc::ServerUnaryReactor* Verify(
      grpc::CallbackServerContext* context,
      const hedui::v1::VerifyRequest* request,
      hedui::v1::VerifyResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    const std::vector<std::string> persons =
        hedui::engine::PersonsToRead(request->request());
    google::protobuf::Arena arena;
    auto* records =
        google::protobuf::Arena::CreateMessage<hedui::store::v1::RecordSet>(
            &arena);
    if (auto s = store_->ReadPersonsWithHouseholds(persons, records); !s.ok()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "lookup"));
      return reactor;
    }
    // A reply as big as Hedui's: the request echoed as Hedui's report echoes
    // it, an id, and the summary padded to the measured size. Records are
    // read so the lookup cannot be optimised away; their count is kept.
    const uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
    hedui::v1::Report* report = response->mutable_report();
    report->set_report_id(absl::StrCat("bare-", n));
    *report->mutable_request() = request->request();
    report->set_engine_version(absl::StrCat(records->persons_size()));
    const size_t size = response->ByteSizeLong();
    // 4 bytes: the summary's tag and length varint at these sizes.
    if (size + 4 < flags_.reply_bytes) {
      report->set_summary(std::string(flags_.reply_bytes - size - 4, 'x'));
    }
    if (!writers_) {
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    const auto& metadata = context->client_metadata();
    auto skip = metadata.find("hedui-bench-write");
    if (skip != metadata.end() && skip->second == "0") {
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    WriterPool::Job job;
    job.key = absl::StrCat("~bare-bench/", n);
    job.value = response->SerializeAsString();
    // The rest of the bytes Hedui writes per call (audit entry, summaries,
    // indexes), minus the key and RocksDB's record framing (~16 bytes).
    const size_t have = job.key.size() + job.value.size() + 16;
    if (have < flags_.write_bytes) {
      job.value.append(flags_.write_bytes - have, 'a');
    }
    job.reactor = reactor;
    writers_->Submit(std::move(job));
    return reactor;
  }

 private:
  hedui::storage::Store* const store_;
  const Flags flags_;
  WriterPool* const writers_;
  std::atomic<uint64_t> next_{0};
};

std::atomic<bool> g_stop{false};

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--store")
      f.store = v;
    else if (k == "--listen")
      f.listen = v;
    else if (k == "--port-file")
      f.port_file = v;
    else if (k == "--ca")
      f.ca = v;
    else if (k == "--cert")
      f.cert = v;
    else if (k == "--key")
      f.key = v;
    else if (k == "--reply-bytes")
      f.reply_bytes = std::stoul(v);
    else if (k == "--write-bytes")
      f.write_bytes = std::stoul(v);
    else if (k == "--writers")
      f.writers = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (f.store.empty() || f.ca.empty() || f.cert.empty() || f.key.empty()) {
    std::fprintf(stderr,
                 "usage: hedui_bare_verify_server --store DIR --ca CA --cert "
                 "CRT --key KEY [--listen ADDR] [--port-file F] "
                 "[--reply-bytes N] [--write-bytes N] [--writers N]\n");
    return 2;
  }
  hedui::storage::StoreOptions options;
  options.path = f.store;
  auto store = hedui::storage::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open the store: %s\n",
                 std::string(store.status().message()).c_str());
    return 1;
  }
  const auto tables = (*store)->service_tables();
  std::unique_ptr<WriterPool> writers;
  if (f.writers > 0) {
    writers =
        std::make_unique<WriterPool>(tables.db, tables.reports, f.writers);
  }
  BareVerify service(store->get(), f, writers.get());

  grpc::SslServerCredentialsOptions tls(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ReadFile(f.ca);
  tls.pem_key_cert_pairs.push_back({ReadFile(f.key), ReadFile(f.cert)});
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(f.listen, grpc::SslServerCredentials(tls), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "cannot listen on %s\n", f.listen.c_str());
    return 1;
  }
  if (!f.port_file.empty()) {
    const std::string tmp = f.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), f.port_file.c_str());
  }
  std::fprintf(
      stderr, "bare Verify on port %d (reply %zu B, write %zu B, %d writers)\n",
      port, f.reply_bytes, f.write_bytes, f.writers);
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGINT, [](int) { g_stop = true; });
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->Shutdown();
  server->Wait();
  return 0;
}
