#include "provenance/licenses/huggingface_licenses.h"

#include <set>
#include <vector>
#include <string>

#include <gtest/gtest.h>

#include "provenance/licenses/expression.h"
#include "provenance/licenses/model_licenses.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

HfLicenseMapping Map(const std::string& id, const std::string& name = "", const std::string& link = "") {
  Result<HfLicenseMapping> m = MapHuggingFaceLicense(id, name, link);
  EXPECT_THAT(m, IsOk()) << id << ": " << m.status().ToString();
  return m.ok() ? *m : HfLicenseMapping{};
}

std::string MapError(const std::string& id, const std::string& name = "") {
  Result<HfLicenseMapping> m = MapHuggingFaceLicense(id, name, "");
  EXPECT_FALSE(m.ok()) << id;
  if (m.ok()) return "";
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  return m.status().message();
}

void CollectRefs(const LicenseExpression& e, std::vector<std::string>* refs) {
  if (e.kind == LicenseExpression::Kind::kLicenseRef) refs->push_back(e.license);
  for (const LicenseExpression& operand : e.operands) CollectRefs(operand, refs);
}

TEST(HuggingFaceLicenses, EveryTargetParsesAndNamesACataloguedRef) {
  const auto& table = HuggingFaceLicenseTable();
  EXPECT_GE(table.size(), 70u);
  std::set<std::string> catalogued_and_used;
  for (const auto& [id, expression] : table) {
    SCOPED_TRACE(id);
    for (char c : id) EXPECT_FALSE(c >= 'A' && c <= 'Z') << "hub ids are lower case";
    Result<LicenseExpression> parsed = ParseLicenseExpression(expression);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(ToString(*parsed), expression) << "targets are written normalized";
    EXPECT_FALSE(parsed->deprecated) << "targets use current SPDX ids";
    std::vector<std::string> refs;
    CollectRefs(*parsed, &refs);
    for (const std::string& ref : refs) {
      EXPECT_NE(FindModelLicense(ref), nullptr) << ref << " is not in the model-license catalogue";
      catalogued_and_used.insert(ref);
    }
    EXPECT_EQ(Map(id).expression, expression);
  }
  for (const std::string& family : HuggingFaceLicenseFamilies()) {
    EXPECT_NE(MapError(family).find("not one license"), std::string::npos) << family;
  }
  EXPECT_FALSE(HuggingFaceLicenseFamilies().empty());
}

TEST(HuggingFaceLicenses, MapsSpdxCatalogueAndNoAssertion) {
  HfLicenseMapping apache = Map("apache-2.0");
  EXPECT_EQ(apache.expression, "Apache-2.0");
  EXPECT_EQ(apache.source, HfLicenseSource::kSpdx);
  EXPECT_EQ(Map("odbl").expression, "ODbL-1.0");
  EXPECT_EQ(Map("gpl-3.0").expression, "GPL-3.0-only");
  EXPECT_EQ(Map("lgpl-lr").expression, "LGPLLR");
  HfLicenseMapping llama = Map("Llama3.1");  // any case
  EXPECT_EQ(llama.hf_id, "llama3.1");
  EXPECT_EQ(llama.expression, "LicenseRef-fnseal-Llama-3.1");
  EXPECT_EQ(llama.source, HfLicenseSource::kCatalogue);
  EXPECT_EQ(Map("openrail++").expression, "LicenseRef-fnseal-CreativeML-OpenRAILpp-M");
  EXPECT_EQ(Map("gemma").expression, "LicenseRef-fnseal-Gemma");
  HfLicenseMapping unknown = Map("unknown");
  EXPECT_EQ(unknown.expression, "NOASSERTION");
  EXPECT_EQ(unknown.source, HfLicenseSource::kNoAssertion);
  // license_name and license_link belong to "other" only.
  HfLicenseMapping mit = Map("mit", "ignored", "https://example.com");
  EXPECT_EQ(mit.expression, "MIT");
  EXPECT_TRUE(mit.license_link.empty());
  EXPECT_TRUE(mit.license_name.empty());
}

TEST(HuggingFaceLicenses, OtherBecomesALicenseRefFromTheName) {
  HfLicenseMapping m = Map("other", "coqui-public-model-license", "https://coqui.ai/cpml");
  EXPECT_EQ(m.expression, "LicenseRef-coqui-public-model-license");
  EXPECT_EQ(m.source, HfLicenseSource::kOther);
  EXPECT_EQ(m.license_name, "coqui-public-model-license");
  EXPECT_EQ(m.license_link, "https://coqui.ai/cpml");
  EXPECT_EQ(Map("OTHER", "  Acme Model License v2.1 (2024)  ").expression, "LicenseRef-Acme-Model-License-v2.1-2024");
  EXPECT_EQ(Map("other", "tongyi_qianwen").expression, "LicenseRef-tongyi-qianwen");
  EXPECT_EQ(Map("other", "a--b__c").expression, "LicenseRef-a-b-c");
  EXPECT_EQ(Map("other", "Ünïcode name").expression, "LicenseRef-n-code-name");
  Json json = ToJson(m);
  EXPECT_EQ(json["huggingface"], "other");
  EXPECT_EQ(json["expression"], "LicenseRef-coqui-public-model-license");
  EXPECT_EQ(json["source"], "other");
  EXPECT_EQ(json["licenseLink"], "https://coqui.ai/cpml");
  // Every result is a valid expression.
  for (const std::string& name : std::vector<std::string>{"x", "a b", "1.0", "--x--", std::string(500, 'n') + "!"}) {
    HfLicenseMapping other = Map("other", name);
    Result<LicenseExpression> parsed = ParseLicenseExpression(other.expression);
    ASSERT_THAT(parsed, IsOk()) << other.expression;
    EXPECT_LE(other.expression.size(), std::string("LicenseRef-").size() + 120);
  }
}

TEST(HuggingFaceLicenses, RejectsUnknownIdsFamiliesAndNamelessOther) {
  EXPECT_EQ(MapError("apache2"),
            "unknown hugging face license id 'apache2' (not on the Hub's license list; for a license that is not, "
            "the card says 'other' with license_name and license_link)");
  EXPECT_NE(MapError("").find("unknown hugging face license id ''"), std::string::npos);
  EXPECT_NE(MapError("Apache-2.0 OR MIT").find("'Apache-2.0 OR MIT'"), std::string::npos);
  EXPECT_NE(MapError("bad\nid").find("'bad\\x0aid'"), std::string::npos);
  EXPECT_EQ(MapError("gpl"),
            "hugging face license 'gpl' names the GNU General Public Licenses, not one license: declare the exact "
            "license as an SPDX expression");
  EXPECT_NE(MapError("other").find("needs the card's license_name"), std::string::npos);
  EXPECT_NE(MapError("other", "!!! ---").find("has no letter, digit or '.'"), std::string::npos);
}

}  // namespace
}  // namespace fnseal
