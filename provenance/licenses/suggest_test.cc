#include "provenance/licenses/suggest.h"

#include <string>

#include <gtest/gtest.h>

#include "provenance/licenses/expression.h"

namespace fnseal {
namespace {

TEST(SuggestLicenseId, IgnoresCaseAndPunctuation) {
  EXPECT_EQ(SuggestLicenseId("Apache2.0"), "Apache-2.0");
  EXPECT_EQ(SuggestLicenseId("apache_2.0"), "Apache-2.0");
  EXPECT_EQ(SuggestLicenseId("BSD3-Clause"), "BSD-3-Clause");
  EXPECT_EQ(SuggestLicenseId("GPL-3.0-or-Later"), "GPL-3.0-or-later");
}

TEST(SuggestLicenseId, FindsSmallEditsAndSwaps) {
  EXPECT_EQ(SuggestLicenseId("MTI"), "MIT");
  EXPECT_EQ(SuggestLicenseId("Apache-2.1"), "Apache-2.0");
  EXPECT_EQ(SuggestLicenseId("LGPL-2.1-or-latr"), "LGPL-2.1-or-later");
  EXPECT_EQ(SuggestExceptionId("Foo-exception"), "");  // two edits from fmt-exception: too far
}

TEST(SuggestLicenseId, PrefersCurrentIdsOverDeprecatedOnes) {
  // "GPL-2.0-only" and the deprecated "GPL-2.0+" are both one edit from "GPL-2.0-onl".
  EXPECT_EQ(SuggestLicenseId("GPL-2.0-onl"), "GPL-2.0-only");
}

TEST(SuggestLicenseId, KnowsTheModelLicenseCatalogue) {
  EXPECT_EQ(SuggestLicenseId("LicenseRef-fnseal-Llama3.1"), "LicenseRef-fnseal-Llama-3.1");
  EXPECT_EQ(SuggestLicenseId("Llama-3.1"), "LicenseRef-fnseal-Llama-3.1");
  EXPECT_EQ(SuggestLicenseId("LicenseRef-fnseal-llama-3.1"), "LicenseRef-fnseal-Llama-3.1");
}

TEST(SuggestLicenseId, OffersNothingForIdsFarFromAnyKnownOne) {
  EXPECT_EQ(SuggestLicenseId("Foo"), "");
  EXPECT_EQ(SuggestLicenseId("LicenseRef-acme-eula"), "");
  EXPECT_EQ(SuggestLicenseId(""), "");
  EXPECT_EQ(SuggestLicenseId(std::string(101, 'a')), "");
  EXPECT_EQ(SuggestLicenseId(std::string(5000, 'M')), "");
}

TEST(CatalogueSpellingOf, OnlyCaseAndPunctuationMakeAMisspelling) {
  EXPECT_EQ(CatalogueSpellingOf("LicenseRef-fnseal-Llama3.1"), "LicenseRef-fnseal-Llama-3.1");
  EXPECT_EQ(CatalogueSpellingOf("LicenseRef-fnseal-GEMMA"), "LicenseRef-fnseal-Gemma");
  EXPECT_EQ(CatalogueSpellingOf("LicenseRef-fnseal-Gemma"), "");          // catalogued
  EXPECT_EQ(CatalogueSpellingOf("LicenseRef-fnseal-OpenRAIL-M"), "");     // another license
  EXPECT_EQ(CatalogueSpellingOf("LicenseRef-fnseal-sst2-terms"), "");
}

TEST(SuggestExceptionId, FindsTheClosestException) {
  EXPECT_EQ(SuggestExceptionId("LLVM-exeption"), "LLVM-exception");
  EXPECT_EQ(SuggestExceptionId("classpath-exception2.0"), "Classpath-exception-2.0");
  EXPECT_EQ(SuggestExceptionId("Foo-bar"), "");
}

TEST(LicenseExpressionErrors, SuggestTheIntendedIdInsteadOfLicenseRef) {
  Result<LicenseExpression> typo = ParseLicenseExpression("MIT OR Apache2.0");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(), "column 8: unknown license id 'Apache2.0'; did you mean Apache-2.0?");
  Result<LicenseExpression> exception = ParseLicenseExpression("Apache-2.0 WITH LLVM-exeption");
  ASSERT_FALSE(exception.ok());
  EXPECT_EQ(exception.status().message(), "column 17: unknown exception id 'LLVM-exeption'; did you mean LLVM-exception?");
}

}  // namespace
}  // namespace fnseal
