#include "provenance/licenses/license_list.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace fnseal {
namespace {

TEST(SpdxList, FindsLicensesInAnyCase) {
  const SpdxLicense* mit = FindSpdxLicense("mIt");
  ASSERT_NE(mit, nullptr);
  EXPECT_EQ(mit->id, "MIT");
  EXPECT_EQ(mit->name, "MIT License");
  EXPECT_FALSE(mit->deprecated);
  EXPECT_EQ(mit->osi_approved, true);
  const SpdxLicense* gpl = FindSpdxLicense("GPL-2.0");
  ASSERT_NE(gpl, nullptr);
  EXPECT_TRUE(gpl->deprecated);
  EXPECT_EQ(FindSpdxLicense("Apache2"), nullptr);
  EXPECT_EQ(FindSpdxLicense("Classpath-exception-2.0"), nullptr);
  EXPECT_EQ(FindSpdxLicense(""), nullptr);
}

TEST(SpdxList, FindsExceptionsInAnyCase) {
  const SpdxException* e = FindSpdxException("llvm-EXCEPTION");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, "LLVM-exception");
  EXPECT_FALSE(e->deprecated);
  ASSERT_NE(FindSpdxException("Nokia-Qt-exception-1.1"), nullptr);
  EXPECT_TRUE(FindSpdxException("Nokia-Qt-exception-1.1")->deprecated);
  EXPECT_EQ(FindSpdxException("MIT"), nullptr);
}

TEST(SpdxList, RecordsItsSourcesAndSizes) {
  const SpdxListInfo& info = GetSpdxListInfo();
  EXPECT_FALSE(info.license_list_version.empty());
  EXPECT_NE(info.sources.find("spdx-license-ids "), std::string::npos);
  EXPECT_NE(info.sources.find("spdx-exceptions "), std::string::npos);
  EXPECT_NE(info.sources.find("spdx-license-list "), std::string::npos);
  EXPECT_GT(info.licenses, 700u);
  EXPECT_GT(info.exceptions, 60u);
  size_t count = 0;
  std::set<std::string> seen;
  ForEachSpdxLicense([&](const SpdxLicense& license) {
    ++count;
    EXPECT_TRUE(seen.insert(license.id).second) << license.id;
    EXPECT_EQ(FindSpdxLicense(license.id), &license);
  });
  EXPECT_EQ(count, info.licenses);
}

TEST(LicenseCategories, CoverTheCommonLicenses) {
  EXPECT_EQ(BuiltinLicenseCategory("MIT"), LicenseCategory::kPermissive);
  EXPECT_EQ(BuiltinLicenseCategory("Apache-2.0"), LicenseCategory::kPermissive);
  EXPECT_EQ(BuiltinLicenseCategory("MPL-2.0"), LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("LGPL-2.1-only"), LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("GPL-3.0-or-later"), LicenseCategory::kStrongCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("AGPL-3.0-only"), LicenseCategory::kStrongCopyleft);
  EXPECT_EQ(BuiltinLicenseCategory("CC-BY-NC-4.0"), LicenseCategory::kNonCommercial);
  EXPECT_EQ(BuiltinLicenseCategory("BUSL-1.1"), LicenseCategory::kProprietary);
  EXPECT_EQ(BuiltinLicenseCategory("Glulxe"), LicenseCategory::kUnknown);
  EXPECT_EQ(BuiltinLicenseCategory("mit"), LicenseCategory::kUnknown);  // canonical case only
  EXPECT_GT(GetSpdxListInfo().classified, 100u);
}

TEST(LicenseCategories, NamesRoundTrip) {
  for (LicenseCategory c : {LicenseCategory::kPermissive, LicenseCategory::kWeakCopyleft,
                            LicenseCategory::kStrongCopyleft, LicenseCategory::kNonCommercial,
                            LicenseCategory::kProprietary, LicenseCategory::kUnknown}) {
    EXPECT_EQ(ParseLicenseCategory(LicenseCategoryName(c)), c);
  }
  EXPECT_EQ(ParseLicenseCategory("Permissive"), std::nullopt);
  EXPECT_EQ(ParseLicenseCategory("copyleft"), std::nullopt);
}

}  // namespace
}  // namespace fnseal
