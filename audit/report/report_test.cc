#include "audit/report/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "audit/db/test_databases.h"
#include "audit/store/test_bundles.h"
#include "core/file.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_support.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// The text of the element carrying data-metric="name".
std::string Metric(const std::string& html, const std::string& name) {
  const std::string marker = "data-metric=\"" + name + "\">";
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "(absent)";
  const size_t start = at + marker.size();
  return html.substr(start, html.find('<', start) - start);
}

size_t Count(const std::string& html, const std::string& needle) {
  size_t n = 0;
  for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportTest, NumbersMatchTheStoreAndNothingIsFetched) {
  const std::string dir = test::FreshTestDir();
  const PrivateKey key = test::TestPrivateKey("ed25519.pem");
  const std::string policy_json = R"({"version": 1, "threshold": 1, "keys": [{"name": "release <prod>", "publicKey": )" +
                                  Json(key.public_key().ToPem()).dump() +
                                  R"(}], "predicateTypes": ["https://slsa.dev/provenance/v1",
                                  "https://cyclonedx.org/bom"], "builders": [{"id": "https://fnseal.dev/builders/bazel/v1"}]})";
  auto policy = ParseIngestPolicy(policy_json);
  ASSERT_THAT(policy, IsOk());
  test::TestBundle a;
  test::TestBundle b;
  b.function = "resize";
  b.model_license = "CC-BY-NC-4.0";
  b.handler_bytes = "#!/bin/sh\necho resize\n";
  const std::string first = test::MakeTestBundle(dir, a, {key});
  const std::string second = test::MakeTestBundle(dir, b, {key});
  const std::string unsigned_bundle = dir + "/resize-1.0.0.unsigned.fnb";
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto store = AuditStore::Open(t.location, {});
    ASSERT_THAT(store, IsOk());
    for (const std::string& path : {first, second, unsigned_bundle}) {
      ASSERT_THAT((*store)->Ingest(path, *policy, 1780000000), IsOk());
    }
    ReportOptions options;
    options.generated_at = 1780000000;
    auto html = RenderAuditReport(store->get(), options);
    ASSERT_THAT(html, IsOk());
    EXPECT_THAT(*html, HasSubstr("Content-Security-Policy\" content=\"default-src 'none'"));
    EXPECT_THAT(*html, Not(HasSubstr("<script")));
    EXPECT_EQ(Metric(*html, "bundles"), "2");
    EXPECT_EQ(Metric(*html, "functions"), "2");
    EXPECT_EQ(Metric(*html, "components"), "12");
    EXPECT_EQ(Metric(*html, "models"), "2");
    EXPECT_EQ(Metric(*html, "keys"), "1");
    EXPECT_EQ(Metric(*html, "refused"), "1");
    EXPECT_EQ(Metric(*html, "category:non-commercial"), "1");
    EXPECT_EQ(Metric(*html, "category:weak-copyleft"), "2");
    // The key's name is shown escaped, never as markup.
    EXPECT_THAT(*html, HasSubstr("release &lt;prod&gt;"));
    EXPECT_THAT(*html, Not(HasSubstr("release <prod>")));
    // The chain of the last bundle ingested: seven steps from source to policy.
    EXPECT_EQ(Count(*html, "data-step="), 7u);
    options.chain_bundle = std::string(64, 'a');
    EXPECT_THAT(RenderAuditReport(store->get(), options), StatusIs(StatusCode::kNotFound, ::testing::_));
  }
}

TEST(ReportTest, AnEmptyStoreSaysSo) {
  for (const auto& t : test::FreshTestDatabases()) {
    auto store = AuditStore::Open(t.location, {});
    ASSERT_THAT(store, IsOk());
    auto html = RenderAuditReport(store->get(), {});
    ASSERT_THAT(html, IsOk());
    EXPECT_EQ(Metric(*html, "bundles"), "0");
    EXPECT_THAT(*html, HasSubstr("holds no bundle yet"));
  }
}

TEST(ReportTest, EscapesMarkup) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace fnseal
