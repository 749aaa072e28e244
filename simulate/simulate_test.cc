#include "simulate/simulate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace fnseal::simulate {
namespace {

using ::testing::HasSubstr;

SimulationReport SampleReport() {
  SimulationReport report;
  report.bundle = "hello.fnb";
  report.function = "hello";
  DeployableReport lambda;
  lambda.target = "aws_lambda";
  lambda.path = "deployables/aws_lambda/hello.zip";
  lambda.ok = true;
  lambda.status = 200;
  lambda.body = "{\"message\":\"hi\"}";
  lambda.cold_starts = {{4.0, 6.0}, {2.0, 3.0}};
  lambda.warm_ms = {0.5, 0.25};
  lambda.ready = Summarize({4.0, 2.0});
  lambda.first_answer = Summarize({6.0, 3.0});
  lambda.warm = Summarize(lambda.warm_ms);
  DeployableReport oci;
  oci.target = "oci_image";
  oci.path = "deployables/oci_image/hello.oci.tar";
  oci.phase = "init";
  oci.error = "the container stopped";
  report.deployables = {lambda, oci};
  return report;
}

TEST(SimulationReport, IsOkOnlyWhenEveryDeployableAnswered) {
  SimulationReport report = SampleReport();
  EXPECT_FALSE(report.ok());
  report.deployables.pop_back();
  EXPECT_TRUE(report.ok());
}

TEST(ToJson, HasTheDocumentedShape) {
  Json json = ToJson(SampleReport());
  EXPECT_EQ(json["bundle"], "hello.fnb");
  EXPECT_EQ(json["function"], "hello");
  EXPECT_EQ(json["ok"], false);
  ASSERT_EQ(json["deployables"].size(), 2u);
  const Json& lambda = json["deployables"][0];
  EXPECT_EQ(lambda["target"], "aws_lambda");
  EXPECT_EQ(lambda["ok"], true);
  EXPECT_EQ(lambda["status"], 200);
  EXPECT_EQ(lambda["body"], "{\"message\":\"hi\"}");
  EXPECT_EQ(lambda["coldStarts"][0]["readyMs"], 4.0);
  EXPECT_EQ(lambda["coldStarts"][0]["firstAnswerMs"], 6.0);
  EXPECT_EQ(lambda["warmMs"].size(), 2u);
  EXPECT_EQ(lambda["readyMs"]["count"], 2);
  EXPECT_EQ(lambda["readyMs"]["p50"], 2.0);
  EXPECT_EQ(lambda["readyMs"]["p99"], 4.0);
  EXPECT_EQ(lambda["firstAnswerMs"]["p95"], 6.0);
  EXPECT_EQ(lambda["warmLatencyMs"]["p50"], 0.25);
  EXPECT_FALSE(lambda.contains("phase"));
  const Json& oci = json["deployables"][1];
  EXPECT_EQ(oci["ok"], false);
  EXPECT_EQ(oci["phase"], "init");
  EXPECT_EQ(oci["error"], "the container stopped");
  EXPECT_EQ(oci["readyMs"]["count"], 0);
}

TEST(FormatTable, ShowsARowPerDeployableAndEachFailure) {
  std::string table = FormatTable(SampleReport());
  EXPECT_THAT(table, HasSubstr("simulated hello.fnb (function hello)"));
  EXPECT_THAT(table, HasSubstr("aws_lambda"));
  EXPECT_THAT(table, HasSubstr("2.0 / 4.0 / 4.0"));
  EXPECT_THAT(table, HasSubstr("ok, HTTP 200"));
  EXPECT_THAT(table, HasSubstr("FAILED (init)"));
  EXPECT_THAT(table, HasSubstr("oci_image did not start or answer (phase init): the container stopped"));
}

TEST(Simulate, RefusesBadOptionsBeforeReadingTheBundle) {
  SimulateOptions options;
  options.targets = {"gcp_functions"};
  Result<SimulationReport> report = Simulate("missing.fnb", options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("unknown target 'gcp_functions'"));
  options.targets = {};
  options.cold_starts = 0;
  report = Simulate("missing.fnb", options);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("cold starts must be at least 1"));
}

TEST(Simulate, NamesAMissingBundle) {
  Result<SimulationReport> report = Simulate("no-such-bundle.fnb", SimulateOptions());
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("no-such-bundle.fnb"));
}

}  // namespace
}  // namespace fnseal::simulate
