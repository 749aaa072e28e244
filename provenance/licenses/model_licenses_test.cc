#include "provenance/licenses/model_licenses.h"

#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "provenance/licenses/expression.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

bool IsIdString(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

TEST(ModelLicenses, CatalogueIdsAreUniqueValidAndNotOnTheSpdxList) {
  const std::vector<ModelLicense>& catalogue = ModelLicenseCatalogue();
  EXPECT_GE(catalogue.size(), 20u);
  std::set<std::string> lower_ids;
  for (const ModelLicense& license : catalogue) {
    SCOPED_TRACE(license.id);
    ASSERT_EQ(license.id.rfind(kModelLicenseRefPrefix, 0), 0u);
    EXPECT_TRUE(IsIdString(license.id.substr(std::string("LicenseRef-").size())));
    Result<LicenseExpression> parsed = ParseLicenseExpression(license.id);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(parsed->kind, LicenseExpression::Kind::kLicenseRef);
    EXPECT_EQ(ToString(*parsed), license.id);
    // Unique even ignoring case, so no two ids differ only in case.
    std::string lower = license.id;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(lower_ids.insert(lower).second) << "duplicate id";
    EXPECT_EQ(FindModelLicense(license.id), &license);
    // The name after the prefix must not be an SPDX id: those licenses take their SPDX id.
    EXPECT_EQ(FindSpdxLicense(license.id.substr(kModelLicenseRefPrefix.size())), nullptr);
    EXPECT_NE(license.category, LicenseCategory::kUnknown) << "a catalogued license must be classified";
    EXPECT_FALSE(license.name.empty());
    EXPECT_GT(license.summary.size(), 60u);
    EXPECT_TRUE(license.url.empty() || license.url.rfind("https://", 0) == 0) << license.url;
  }
}

TEST(ModelLicenses, KnowsTheCommonModelLicenses) {
  const ModelLicense* llama = FindModelLicense("LicenseRef-fnseal-Llama-3.1");
  ASSERT_NE(llama, nullptr);
  EXPECT_EQ(llama->name, "Llama 3.1 Community License Agreement");
  EXPECT_EQ(llama->category, LicenseCategory::kProprietary);
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-Gemma")->category, LicenseCategory::kProprietary);
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-BigScience-OpenRAIL-M")->category, LicenseCategory::kProprietary);
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-DeepFloyd-IF")->category, LicenseCategory::kNonCommercial);
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-StabilityAI-Non-Commercial")->category,
            LicenseCategory::kNonCommercial);
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-Apple-ASCL")->category, LicenseCategory::kPermissive);
}

TEST(ModelLicenses, LookupIsExactAndIgnoresOtherDocuments) {
  EXPECT_EQ(FindModelLicense("LicenseRef-fnseal-llama-3.1"), nullptr);  // LicenseRef- ids are case-sensitive
  EXPECT_EQ(FindModelLicense("DocumentRef-d:LicenseRef-fnseal-Llama-3.1"), nullptr);
  EXPECT_EQ(FindModelLicense("Llama-3.1"), nullptr);
  EXPECT_EQ(FindModelLicense(""), nullptr);
}

TEST(ModelLicenses, DataLicensesOnTheSpdxListAreClassified) {
  EXPECT_EQ(BuiltinLicenseCategory("ODbL-1.0"), LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("CDLA-Sharing-1.0"), LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("ODC-By-1.0"), LicenseCategory::kPermissive);
  EXPECT_EQ(BuiltinLicenseCategory("PDDL-1.0"), LicenseCategory::kPermissive);
  EXPECT_EQ(BuiltinLicenseCategory("CDLA-Permissive-2.0"), LicenseCategory::kPermissive);
  EXPECT_EQ(BuiltinLicenseCategory("OpenMDW-1.0"), LicenseCategory::kPermissive);
}

TEST(ModelLicenses, JsonHasEveryField) {
  Json json = ToJson(*FindModelLicense("LicenseRef-fnseal-Gemma"));
  EXPECT_EQ(json["id"], "LicenseRef-fnseal-Gemma");
  EXPECT_EQ(json["name"], "Gemma Terms of Use");
  EXPECT_EQ(json["url"], "https://ai.google.dev/gemma/terms");
  EXPECT_EQ(json["category"], "proprietary");
  EXPECT_TRUE(json["summary"].is_string());
}

// The table in docs/licensing.md#model-license-catalogue lists exactly the catalogue, in order.
TEST(ModelLicenses, DocumentationTableMatchesTheData) {
  std::ifstream in("docs/licensing.md");
  ASSERT_TRUE(in) << "docs/licensing.md is not in the runfiles";
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string heading = "\n## Model-license catalogue\n";
  size_t start = doc.find(heading);
  ASSERT_NE(start, std::string::npos);
  size_t end = doc.find("\n## ", start + heading.size());
  std::string section = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::vector<std::string> rows;  // "| `id` | name | category |" lines
  size_t pos = 0;
  while ((pos = section.find("\n| `LicenseRef-", pos)) != std::string::npos) {
    size_t eol = section.find('\n', pos + 1);
    rows.push_back(section.substr(pos + 1, eol - pos - 1));
    pos = eol;
  }
  const std::vector<ModelLicense>& catalogue = ModelLicenseCatalogue();
  ASSERT_EQ(rows.size(), catalogue.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const ModelLicense& l = catalogue[i];
    std::string name = l.url.empty() ? l.name : "[" + l.name + "](" + l.url + ")";
    EXPECT_EQ(rows[i], "| `" + l.id + "` | " + name + " | " + std::string(LicenseCategoryName(l.category)) + " |");
  }
}

}  // namespace
}  // namespace fnseal
