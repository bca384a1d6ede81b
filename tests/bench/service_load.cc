// Load generator for the verification service over mutual TLS: Verify
// throughput and p50/p99 latency at several concurrencies next to a trivial
// RPC (the standard health check) on the same server in the same run, then
// VerifyBatch of every request on one stream, then the server's peak RSS.
// tests/bench/service_load.py starts the servers and loads the county.
//
//   hedui_service_load --server localhost:PORT --ca CA --cert CRT --key KEY
//       --requests requests.jsonl [--seconds 10] [--pid HEDUID_PID]
//
// Single figures for scripts that alternate servers (service_load.py,
// metrics_cost.py), each printed as one line:
//   --measure verify|health|bare-nowrite --concurrency N
//       MEASURE <kind> <concurrency> <calls/s> <p50 ms> <p99 ms> <errors>
//     (bare-nowrite: Verify with metadata hedui-bench-write: 0, which the
//     bare baseline server answers without its synced write)
//   --verify-only N      VERIFY <N> <calls/s> <p50 ms> <p99 ms> <errors>
//   --probe N            PROBE <calls> <mean reply bytes> <errors>
//     (the first N requests once each, one at a time)
//   --batch-only 1       BATCH <households> <seconds> <households/s> <failed>
//
// Goals (issue 8): Verify >= 60% of the health check's throughput; p99 < 5 ms
// at concurrency 16 and < 1 ms at 1; VerifyBatch >= 2x unary Verify at 16.
// Issue 17's goals (against the bare baseline) are checked by service_load.py.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "hedui/v1/verification_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string server, ca, cert, key, requests;
  double seconds = 10;
  int pid = 0;
  int verify_only = 0;  // > 0: only Verify at this concurrency
  std::string measure;  // verify, health or bare-nowrite: one figure
  int concurrency = 1;  // for --measure
  int probe = 0;        // > 0: reply size of the first N requests
  int batch_only = 0;   // > 0: only the VerifyBatch figure
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Measure {
  double rate = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long errors = 0;
};

// Runs `call(thread, i)` on `concurrency` threads for `seconds` after a
// warm-up; latencies of every call kept for the percentiles.
template <typename Call>
Measure Run(int concurrency, double seconds, Call call) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(concurrency);
  std::vector<long> errors(concurrency, 0);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(concurrency));
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const auto start = Clock::now();
        const bool ok = call(t, i);
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - start)
                .count();
        if (measuring.load(std::memory_order_relaxed)) {
          latencies[t].push_back(ms);
          if (!ok) ++errors[t];
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // warm-up
  measuring = true;
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  Measure m;
  for (int t = 0; t < concurrency; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    m.errors += errors[t];
  }
  if (all.empty()) return m;
  std::sort(all.begin(), all.end());
  m.rate = static_cast<double>(all.size()) / elapsed;
  m.p50_ms = all[all.size() / 2];
  m.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return m;
}

long PeakRssKb(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--server")
      f.server = v;
    else if (k == "--ca")
      f.ca = v;
    else if (k == "--cert")
      f.cert = v;
    else if (k == "--key")
      f.key = v;
    else if (k == "--requests")
      f.requests = v;
    else if (k == "--seconds")
      f.seconds = std::stod(v);
    else if (k == "--pid")
      f.pid = std::stoi(v);
    else if (k == "--verify-only")
      f.verify_only = std::stoi(v);
    else if (k == "--measure")
      f.measure = v;
    else if (k == "--concurrency")
      f.concurrency = std::stoi(v);
    else if (k == "--probe")
      f.probe = std::stoi(v);
    else if (k == "--batch-only")
      f.batch_only = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ReadFile(f.ca);
  tls.pem_cert_chain = ReadFile(f.cert);
  tls.pem_private_key = ReadFile(f.key);
  // Several connections, as many clients would open: one HTTP/2 connection
  // would serialise everything on one server thread's reads.
  constexpr int kChannels = 8;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("hedui.load.channel",
                c);  // distinct args: distinct connections
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(
        grpc::CreateCustomChannel(f.server, grpc::SslCredentials(tls), args));
  }

  std::vector<hedui::v1::VerifyRequest> requests;
  {
    std::ifstream in(f.requests);
    std::string line;
    while (std::getline(in, line)) {
      hedui::v1::VerifyRequest r;
      if (!google::protobuf::util::JsonStringToMessage(line,
                                                       r.mutable_request())
               .ok()) {
        std::fprintf(stderr, "bad request line\n");
        return 1;
      }
      requests.push_back(std::move(r));
    }
  }
  const bool one_figure = !f.measure.empty() || f.probe > 0 || f.batch_only > 0;
  if (!one_figure) {
    std::printf("%zu requests, %d connections, %.0f s per measurement\n",
                requests.size(), kChannels, f.seconds);
  }

  std::vector<std::unique_ptr<hedui::v1::VerificationService::Stub>> stubs;
  stubs.reserve(channels.size());
  for (const auto& channel : channels) {
    stubs.push_back(hedui::v1::VerificationService::NewStub(channel));
  }
  const bool skip_write = f.measure == "bare-nowrite";
  auto verify = [&](int thread, long i) {
    auto& stub = stubs[static_cast<size_t>(thread) % stubs.size()];
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    if (skip_write) ctx.AddMetadata("hedui-bench-write", "0");
    hedui::v1::VerifyResponse response;
    const auto& request =
        requests[static_cast<size_t>(static_cast<long>(thread) * 7919 + i) %
                 requests.size()];
    return stub->Verify(&ctx, request, &response).ok();
  };
  const grpc::internal::RpcMethod health_method(
      "/grpc.health.v1.Health/Check", grpc::internal::RpcMethod::NORMAL_RPC);
  auto health = [&](int thread, long) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    // The empty HealthCheckRequest: zero bytes, but a buffer all the same.
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;
    return grpc::internal::BlockingUnaryCall(
               channels[static_cast<size_t>(thread) % channels.size()].get(),
               health_method, &ctx, request, &response)
        .ok();
  };

  if (f.verify_only > 0) {
    // One figure for scripts comparing server settings (operations_cost.py).
    const Measure v = Run(f.verify_only, f.seconds, verify);
    std::printf("VERIFY %d %.1f %.3f %.3f %ld\n", f.verify_only, v.rate,
                v.p50_ms, v.p99_ms, v.errors);
    return v.errors == 0 ? 0 : 1;
  }
  if (f.probe > 0) {
    long calls = 0, errors = 0;
    double bytes = 0;
    for (size_t i = 0;
         i < std::min(requests.size(), static_cast<size_t>(f.probe)); ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
      hedui::v1::VerifyResponse response;
      if (stubs[0]->Verify(&ctx, requests[i], &response).ok()) {
        ++calls;
        bytes += static_cast<double>(response.ByteSizeLong());
      } else {
        ++errors;
      }
    }
    std::printf("PROBE %ld %.0f %ld\n", calls,
                calls > 0 ? bytes / static_cast<double>(calls) : 0.0, errors);
    return errors == 0 ? 0 : 1;
  }
  if (!f.measure.empty()) {
    if (f.measure != "verify" && f.measure != "health" &&
        f.measure != "bare-nowrite") {
      std::fprintf(stderr, "unknown --measure %s\n", f.measure.c_str());
      return 2;
    }
    const Measure m = f.measure == "health"
                          ? Run(f.concurrency, f.seconds, health)
                          : Run(f.concurrency, f.seconds, verify);
    std::printf("MEASURE %s %d %.1f %.3f %.3f %ld\n", f.measure.c_str(),
                f.concurrency, m.rate, m.p50_ms, m.p99_ms, m.errors);
    return m.errors == 0 ? 0 : 1;
  }
  double verify_at_16 = 0;
  if (!f.batch_only) {
    for (int concurrency : {1, 16, 64}) {
      const Measure v = Run(concurrency, f.seconds, verify);
      const Measure h = Run(concurrency, f.seconds, health);
      if (concurrency == 16) verify_at_16 = v.rate;
      std::printf("concurrency %d\n", concurrency);
      std::printf(
          "  Verify        %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  errors "
          "%ld\n",
          v.rate, v.p50_ms, v.p99_ms, v.errors);
      std::printf(
          "  health check  %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  errors "
          "%ld\n",
          h.rate, h.p50_ms, h.p99_ms, h.errors);
      std::printf("  ratio %.2f (goal >= 0.60 of the health check): %s\n",
                  v.rate / h.rate, v.rate >= 0.6 * h.rate ? "met" : "MISSED");
      if (concurrency == 1) {
        std::printf("  p99 %.2f ms (goal < 1 ms at 1): %s\n", v.p99_ms,
                    v.p99_ms < 1 ? "met" : "MISSED");
      } else if (concurrency == 16) {
        std::printf("  p99 %.2f ms (goal < 5 ms at 16): %s\n", v.p99_ms,
                    v.p99_ms < 5 ? "met" : "MISSED");
      }
    }
  }

  // Every request on one VerifyBatch stream: a writer thread sends while
  // this one reads.
  grpc::ClientContext ctx;
  const auto start = Clock::now();
  auto stream = stubs[0]->VerifyBatch(&ctx);
  std::thread writer([&] {
    for (const auto& r : requests) {
      if (!stream->Write(r)) break;
    }
    stream->WritesDone();
  });
  hedui::v1::VerifyBatchResult result;
  long results = 0, failed = 0;
  while (stream->Read(&result)) {
    ++results;
    failed += result.code() != 0;
  }
  writer.join();
  const grpc::Status status = stream->Finish();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  const double batch_rate = static_cast<double>(results) / seconds;
  if (f.batch_only) {
    std::printf("BATCH %ld %.3f %.1f %ld\n", results, seconds, batch_rate,
                failed + (status.ok() ? 0 : 1));
    return status.ok() ? 0 : 1;
  }
  std::printf(
      "VerifyBatch  %ld households in %.2f s: %.0f households/s (%ld failed, "
      "%s)\n",
      results, seconds, batch_rate, failed,
      status.ok() ? "OK" : status.error_message().c_str());
  std::printf("  %.2fx unary Verify at concurrency 16 (goal >= 2x): %s\n",
              batch_rate / verify_at_16,
              batch_rate >= 2 * verify_at_16 ? "met" : "MISSED");
  if (f.pid > 0) {
    std::printf("heduid peak RSS %.0f MiB\n",
                static_cast<double>(PeakRssKb(f.pid)) / 1024);
  }
  return 0;
}
