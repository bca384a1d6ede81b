#include "server/metrics/metric_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/metrics/service_metrics.h"
#include "server/ops/ops_collectors.h"
#include "storage/backup.h"
#include "storage/testing/service_log_fixture.h"

namespace hedui::server::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of the one sample of `name` (no labels) in `text`; -1 if none.
double SampleOf(const std::string& text, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.size() > name.size() + 1 && line.substr(0, name.size()) == name &&
        line[name.size()] == ' ') {
      double value = 0;
      if (absl::SimpleAtod(line.substr(name.size() + 1), &value)) return value;
    }
  }
  return -1;
}

TEST(MetricRegistryTest, CountersRenderPerLabelSet) {
  Registry registry;
  Family<Counter>& requests =
      registry.AddCounter("x_requests_total", "Requests", {"method", "code"});
  requests.WithLabels({"/a.B/C", "OK"}).Add();
  requests.WithLabels({"/a.B/C", "OK"}).Add(2);
  requests.WithLabels({"/a.B/C", "INTERNAL"}).Add();
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP x_requests_total Requests\n"
                              "# TYPE x_requests_total counter\n"));
  // prometheus-cpp writes labels by name.
  EXPECT_THAT(text,
              HasSubstr("x_requests_total{code=\"OK\",method=\"/a.B/C\"} 3\n"));
  EXPECT_THAT(
      text,
      HasSubstr("x_requests_total{code=\"INTERNAL\",method=\"/a.B/C\"} 1\n"));
  EXPECT_EQ(requests.WithLabels({"/a.B/C", "OK"}).value(), 3u);
}

TEST(MetricRegistryTest, HistogramsAreCumulativeWithSumAndCount) {
  Registry registry;
  Family<Histogram>& latency =
      registry.AddHistogram("x_seconds", "Latency", {"method"}, {0.1, 1});
  Histogram& h = latency.WithLabels({"m"});
  h.Observe(0.05);
  h.Observe(0.1);  // on the bound: counted in it (le is "less or equal")
  h.Observe(0.5);
  h.Observe(3);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{method=\"m\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{method=\"m\",le=\"1\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("x_seconds_bucket{method=\"m\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_sum{method=\"m\"} 3.65\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_count{method=\"m\"} 4\n"));
  EXPECT_EQ(h.CumulativeCounts(), (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_DOUBLE_EQ(h.sum(), 3.65);
}

TEST(MetricRegistryTest, CollectorsRunAtEachRenderAndLabelsAreEscaped) {
  Registry registry;
  int scrapes = 0;
  registry.AddCollector([&](GaugeWriter& out) {
    ++scrapes;
    out.Declare("x_gauge", "A gauge");
    out.Sample("x_gauge", {"name"}, {"a\"b\\c\nd"}, scrapes);
  });
  registry.Render();
  const std::string text = registry.Render();
  EXPECT_EQ(scrapes, 2);
  EXPECT_THAT(text, HasSubstr("# TYPE x_gauge gauge\n"));
  EXPECT_THAT(text, HasSubstr("x_gauge{name=\"a\\\"b\\\\c\\nd\"} 2\n"));
}

TEST(MetricRegistryTest, CallSeriesCountByMethodAndCode) {
  Registry registry;
  ServiceMetrics metrics(registry);
  CallSeriesCache calls(&metrics);
  CallSeries* verify = calls.For("/hedui.v1.VerificationService/Verify");
  EXPECT_EQ(calls.For("/hedui.v1.VerificationService/Verify"), verify);
  verify->Record(0, 0.002);
  verify->Record(0, 0.003);
  verify->Record(7, 0.001);
  verify->Record(42, 0.001);
  calls.For("/grpc.health.v1.Health/Check")->Record(0, 0.0001);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("hedui_grpc_requests_total{code=\"OK\",method=\"/"
                              "hedui.v1.VerificationService/Verify\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("{code=\"PERMISSION_DENIED\",method=\"/hedui.v1."
                              "VerificationService/Verify\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{code=\"OTHER\",method=\"/hedui.v1."
                              "VerificationService/Verify\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hedui_grpc_request_duration_seconds_count{"
                              "method=\"/hedui.v1.VerificationService/"
                              "Verify\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("{code=\"OK\",method=\"/grpc.health.v1.Health/"
                              "Check\"} 1\n"));
}

// Method names are the caller's to choose: ones the server does not serve
// share a series, and a wildcard service cannot add series without end.
TEST(MetricRegistryTest, CallSeriesOfMadeUpMethodsAreBounded) {
  Registry registry;
  ServiceMetrics metrics(registry);
  CallSeriesCache calls(&metrics);
  CallSeries* unknown = calls.For("/hedui.v1.VerificationService/Nope");
  EXPECT_EQ(calls.For(std::string(2000, 'A')), unknown);
  EXPECT_EQ(calls.For("/no.Such/Method"), unknown);
  CallSeries* first = nullptr;
  for (int i = 0; i < 1000; ++i) {
    CallSeries* s =
        calls.For("/grpc.health.v1.Health/Made" + std::to_string(i));
    if (i == 999) first = s;
  }
  EXPECT_EQ(calls.For("/grpc.health.v1.Health/Another"), first);
  EXPECT_LT(registry.Render().size(), 200000u);
}

TEST(MetricRegistryTest, StatusCodesHaveTheirGrpcNames) {
  EXPECT_STREQ(StatusCodeName(0), "OK");
  EXPECT_STREQ(StatusCodeName(8), "RESOURCE_EXHAUSTED");
  EXPECT_STREQ(StatusCodeName(16), "UNAUTHENTICATED");
  EXPECT_STREQ(StatusCodeName(99), "OTHER");
}

// A family declared by a collector but given no sample is left out: a HELP
// and TYPE alone tell a scraper nothing.
TEST(MetricRegistryTest, CollectorFamiliesWithoutSamplesAreLeftOut) {
  Registry registry;
  registry.AddCollector([](GaugeWriter& out) {
    out.Declare("x_empty", "Nothing today");
    out.DeclareCounter("x_things_total", "Things");
    out.Sample("x_things_total", 5);
  });
  const std::string text = registry.Render();
  EXPECT_THAT(text, Not(HasSubstr("x_empty")));
  EXPECT_THAT(text, HasSubstr("# TYPE x_things_total counter\n"
                              "x_things_total 5\n"));
}

TEST(MetricRegistryTest, BuildInfoIsOneWithTheVersions) {
  Registry registry;
  AddBuildInfo(registry);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE hedui_build_info gauge\n"));
  EXPECT_THAT(text, HasSubstr("hedui_build_info{version=\""));
  EXPECT_THAT(text, HasSubstr(",grpc_version=\"1."));
  EXPECT_THAT(text, HasSubstr(",rocksdb_version=\"7."));
  EXPECT_THAT(text, HasSubstr("\"} 1\n"));
}

// The process figures against what the kernel says by other means.
TEST(MetricRegistryTest, ProcessMetricsComeFromProc) {
  Registry registry;
  AddProcessCollector(registry);
  const std::string before = registry.Render();
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes",
        "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
        "process_start_time_seconds"}) {
    EXPECT_GE(SampleOf(before, name), 0) << name << " in\n" << before;
  }
  EXPECT_THAT(before, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  rlimit files{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
  EXPECT_EQ(SampleOf(before, "process_max_fds"),
            static_cast<double>(files.rlim_cur));
  // Three more descriptors open: three more counted.
  std::vector<int> fds;
  for (int i = 0; i < 3; ++i) fds.push_back(open("/dev/null", O_RDONLY));
  const std::string after = registry.Render();
  for (int fd : fds) close(fd);
  EXPECT_EQ(SampleOf(after, "process_open_fds"),
            SampleOf(before, "process_open_fds") + 3);
  // Started before this test, and not before the test binary was built.
  const double start = SampleOf(before, "process_start_time_seconds");
  const double now = absl::ToUnixMicros(absl::Now()) / 1e6;
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);
  // Resident memory: at least the 8 MiB touched here.
  std::vector<char> touched(8 << 20, 1);
  const std::string grown = registry.Render();
  EXPECT_GE(SampleOf(grown, "process_resident_memory_bytes"), 8 << 20);
  EXPECT_GE(SampleOf(grown, "process_virtual_memory_bytes"),
            SampleOf(grown, "process_resident_memory_bytes"));
  EXPECT_EQ(touched[touched.size() / 2], 1);
}

// A plain HTTP GET, as Prometheus scrapes; the whole reply.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
      0) {
    const std::string request = "GET " + path +
                                " HTTP/1.1\r\nHost: localhost\r\n"
                                "Connection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0)
        reply.append(buffer, n);
    }
  }
  close(fd);
  return reply;
}

// The exposer serves the registry on the port it was given (0: any), a
// host name resolved as the configuration has always allowed.
TEST(MetricsEndpointTest, ServesTheRegistryOnAHostName) {
  Registry registry;
  registry.AddCounter("x_calls_total", "Calls", {"code"})
      .WithLabels({"OK"})
      .Add(7);
  auto endpoint = MetricsEndpoint::Start("localhost:0", &registry);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);
  const std::string reply = HttpGet((*endpoint)->port(), "/metrics");
  EXPECT_THAT(reply, HasSubstr("200 OK"));
  EXPECT_THAT(reply, HasSubstr("Content-Type: text/plain"));
  EXPECT_THAT(reply, HasSubstr("\r\n\r\n# HELP "));
  EXPECT_THAT(reply, HasSubstr("\nx_calls_total{code=\"OK\"} 7\n"));
  EXPECT_THAT(HttpGet((*endpoint)->port(), "/other"), Not(HasSubstr("200 OK")));

  EXPECT_FALSE(
      MetricsEndpoint::Start("no-such-host.invalid:0", &registry).ok());
  EXPECT_FALSE(MetricsEndpoint::Start("127.0.0.1:99999", &registry).ok());
  // The port taken: refused, not thrown.
  const std::string taken = "127.0.0.1:" + std::to_string((*endpoint)->port());
  EXPECT_FALSE(MetricsEndpoint::Start(taken, &registry).ok());
}

class BackupMetricTest : public storage::testing::ServiceLogFixture {};

TEST_F(BackupMetricTest, NewestIntactBackupTime) {
  ASSERT_TRUE(Open().ok());
  const std::string backup_dir = (dir_ / "backups").string();
  Registry registry;
  AddBackupCollector(registry, store_.get(), backup_dir);
  const std::string name = "hedui_backup_last_success_timestamp_seconds";
  EXPECT_EQ(SampleOf(registry.Render(), name), 0) << "no backup yet";

  storage::BackupManager backups(store_->service_tables(), backup_dir);
  Append(3);
  const auto first = backups.Create("admin-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(SampleOf(registry.Render(), name),
            static_cast<double>(first->metadata.created_unix_seconds));
  // A second backup a second later is seen at the next scrape.
  absl::SleepFor(absl::Milliseconds(1100));
  Append(2);
  const auto second = backups.Create("admin-1");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_GT(second->metadata.created_unix_seconds,
            first->metadata.created_unix_seconds);
  EXPECT_EQ(SampleOf(registry.Render(), name),
            static_cast<double>(second->metadata.created_unix_seconds));
  // Pruned down to the first: its time again.
  const auto pruned = backups.Prune(1);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(SampleOf(registry.Render(), name),
            static_cast<double>(second->metadata.created_unix_seconds))
      << "prune keeps the newest";
}

}  // namespace
}  // namespace hedui::server::metrics
