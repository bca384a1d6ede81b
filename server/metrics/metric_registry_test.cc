#include "server/metrics/metric_registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/metrics/service_metrics.h"

namespace hedui::server::metrics {
namespace {

using ::testing::HasSubstr;

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
  EXPECT_THAT(text,
              HasSubstr("x_requests_total{method=\"/a.B/C\",code=\"OK\"} 3\n"));
  EXPECT_THAT(
      text,
      HasSubstr("x_requests_total{method=\"/a.B/C\",code=\"INTERNAL\"} 1\n"));
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
  EXPECT_THAT(
      text,
      HasSubstr(
          "x_seconds_bucket{method=\"m\",le=\"0.10000000000000001\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{method=\"m\",le=\"1\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("x_seconds_bucket{method=\"m\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text,
              HasSubstr("x_seconds_sum{method=\"m\"} 3.6499999999999999\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_count{method=\"m\"} 4\n"));
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
  EXPECT_THAT(text, HasSubstr("hedui_grpc_requests_total{method=\"/hedui.v1."
                              "VerificationService/Verify\",code=\"OK\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("code=\"PERMISSION_DENIED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("code=\"OTHER\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hedui_grpc_request_duration_seconds_count{"
                              "method=\"/hedui.v1.VerificationService/"
                              "Verify\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("method=\"/grpc.health.v1.Health/Check\","
                              "code=\"OK\"} 1\n"));
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

}  // namespace
}  // namespace hedui::server::metrics
