#include "provenance/licenses/expression.h"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

std::string Normalized(const std::string& text) {
  Result<LicenseExpression> e = ParseLicenseExpression(text);
  EXPECT_THAT(e, IsOk()) << text << ": " << e.status().ToString();
  return e.ok() ? ToString(*e) : "";
}

// The error message of parsing `text`, which must fail with `code`.
std::string Error(const std::string& text, StatusCode code = StatusCode::kInvalidArgument,
                  ExpressionLimits limits = {}) {
  Result<LicenseExpression> e = ParseLicenseExpression(text, limits);
  EXPECT_FALSE(e.ok()) << text << " parsed as " << (e.ok() ? ToString(*e) : "");
  if (e.ok()) return "";
  EXPECT_EQ(e.status().code(), code) << text << ": " << e.status().ToString();
  return e.status().message();
}

TEST(LicenseExpression, ParsesSimpleIdsInCanonicalCase) {
  EXPECT_EQ(Normalized("MIT"), "MIT");
  EXPECT_EQ(Normalized("mit"), "MIT");
  EXPECT_EQ(Normalized("aPaChE-2.0"), "Apache-2.0");
  EXPECT_EQ(Normalized("gpl-2.0-OR-LATER"), "GPL-2.0-or-later");
  Result<LicenseExpression> e = ParseLicenseExpression("  mit\t");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->kind, LicenseExpression::Kind::kLicense);
  EXPECT_EQ(e->license, "MIT");
  EXPECT_EQ(e->column, 3u);
}

TEST(LicenseExpression, WithBindsTighterThanAndWhichBindsTighterThanOr) {
  Result<LicenseExpression> e =
      ParseLicenseExpression("MIT OR Apache-2.0 AND GPL-2.0-only WITH Classpath-exception-2.0 OR ISC");
  ASSERT_THAT(e, IsOk());
  ASSERT_EQ(e->kind, LicenseExpression::Kind::kOr);
  ASSERT_EQ(e->operands.size(), 3u);
  EXPECT_EQ(e->operands[0].license, "MIT");
  const LicenseExpression& conjunction = e->operands[1];
  ASSERT_EQ(conjunction.kind, LicenseExpression::Kind::kAnd);
  ASSERT_EQ(conjunction.operands.size(), 2u);
  EXPECT_EQ(conjunction.operands[1].license, "GPL-2.0-only");
  EXPECT_EQ(conjunction.operands[1].exception, "Classpath-exception-2.0");
  EXPECT_EQ(e->operands[2].license, "ISC");
}

TEST(LicenseExpression, ParenthesesOverridePrecedence) {
  Result<LicenseExpression> e = ParseLicenseExpression("(MIT OR Apache-2.0) AND ISC");
  ASSERT_THAT(e, IsOk());
  ASSERT_EQ(e->kind, LicenseExpression::Kind::kAnd);
  EXPECT_EQ(e->operands[0].kind, LicenseExpression::Kind::kOr);
  EXPECT_EQ(ToString(*e), "(MIT OR Apache-2.0) AND ISC");
}

TEST(LicenseExpression, NormalizationKeepsOnlyNeededParentheses) {
  EXPECT_EQ(Normalized("((MIT))"), "MIT");
  EXPECT_EQ(Normalized("MIT OR (Apache-2.0 AND ISC)"), "MIT OR Apache-2.0 AND ISC");
  EXPECT_EQ(Normalized("(MIT AND (Apache-2.0 AND ISC))"), "MIT AND Apache-2.0 AND ISC");
  EXPECT_EQ(Normalized("(MIT OR ISC) OR (Zlib OR X11)"), "MIT OR ISC OR Zlib OR X11");
  EXPECT_EQ(Normalized("(mit or isc) and (zlib or (x11 and 0bsd))"), "(MIT OR ISC) AND (Zlib OR X11 AND 0BSD)");
  EXPECT_EQ(Normalized("(MIT)AND(ISC)"), "MIT AND ISC");
  EXPECT_EQ(Normalized("  MIT\t\tOR   ISC  "), "MIT OR ISC");
  EXPECT_EQ(Normalized("gpl-2.0+ with classpath-exception-2.0"), "GPL-2.0+ WITH Classpath-exception-2.0");
}

TEST(LicenseExpression, NormalizedTextParsesToTheSameTree) {
  for (const char* text : {"(MIT OR ISC) AND (Zlib OR X11 AND 0BSD)", "a OR b", "MIT AND (ISC OR (Zlib AND X11))",
                           "LicenseRef-a WITH AdditionRef-b OR DocumentRef-x:LicenseRef-y AND GPL-3.0+"}) {
    Result<LicenseExpression> first = ParseLicenseExpression(text);
    if (!first.ok()) continue;  // "a OR b": unknown ids, checked elsewhere
    Result<LicenseExpression> second = ParseLicenseExpression(ToString(*first));
    ASSERT_THAT(second, IsOk()) << ToString(*first);
    EXPECT_EQ(ToJson(*first), ToJson(*second)) << text;
  }
}

TEST(LicenseExpression, OperatorsAreAllUpperOrAllLowerCase) {
  EXPECT_EQ(Normalized("MIT and ISC or Zlib"), "MIT AND ISC OR Zlib");
  EXPECT_EQ(Normalized("GPL-2.0-only with Classpath-exception-2.0"), "GPL-2.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(Error("MIT And ISC"), "column 5: operator 'And' must be all upper or all lower case");
  EXPECT_EQ(Error("MIT oR ISC"), "column 5: operator 'oR' must be all upper or all lower case");
  EXPECT_EQ(Error("GPL-2.0-only With Classpath-exception-2.0"),
            "column 14: operator 'With' must be all upper or all lower case");
}

TEST(LicenseExpression, PlusAndOrLater) {
  Result<LicenseExpression> e = ParseLicenseExpression("GPL-2.0+");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->license, "GPL-2.0");
  EXPECT_TRUE(e->or_later);
  EXPECT_TRUE(e->deprecated);
  EXPECT_EQ(Normalized("MIT+"), "MIT+");
  EXPECT_EQ(Error("GPL-2.0 +"), "column 9: no whitespace is allowed before '+'");
  EXPECT_EQ(Error("MIT+AND ISC"), "column 5: expected whitespace after '+'");
  EXPECT_EQ(Error("MIT++"), "column 5: '+' must directly follow a license id");
  EXPECT_EQ(Error("+MIT"), "column 1: '+' must directly follow a license id");
  EXPECT_EQ(Error("(MIT)+"), "column 6: '+' must directly follow a license id");
  EXPECT_EQ(Error("LicenseRef-x+"), "column 13: '+' is valid only after an SPDX license id, not after a LicenseRef");
}

TEST(LicenseExpression, References) {
  Result<LicenseExpression> e = ParseLicenseExpression("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->kind, LicenseExpression::Kind::kLicenseRef);
  EXPECT_EQ(e->license, "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
  e = ParseLicenseExpression("LicenseRef-Acme.EULA WITH DocumentRef-d:AdditionRef-x");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->exception, "DocumentRef-d:AdditionRef-x");
  EXPECT_TRUE(e->addition_ref);
  EXPECT_EQ(Error("licenseref-foo"),
            "column 1: unknown license id 'licenseref-foo' (the prefixes 'LicenseRef-', 'DocumentRef-' and "
            "'AdditionRef-' are case-sensitive)");
  EXPECT_EQ(Error("LicenseRef-"), "column 1: 'LicenseRef-' is not a valid '[DocumentRef-...:]LicenseRef-...' reference");
  EXPECT_EQ(Error("DocumentRef-:LicenseRef-x"),
            "column 1: 'DocumentRef-:LicenseRef-x' is not a valid '[DocumentRef-...:]LicenseRef-...' reference");
  EXPECT_EQ(Error("DocumentRef-a:LicenseRef-b:c"),
            "column 1: 'DocumentRef-a:LicenseRef-b:c' is not a valid '[DocumentRef-...:]LicenseRef-...' reference");
  EXPECT_EQ(Error("MIT:x"), "column 1: 'MIT:x' is not a valid '[DocumentRef-...:]LicenseRef-...' reference");
  EXPECT_EQ(Error("AdditionRef-x"), "column 1: 'AdditionRef-x' is an addition, valid only after WITH");
  EXPECT_EQ(Error("MIT WITH AdditionRef-"),
            "column 10: 'AdditionRef-' is not a valid 'DocumentRef-...:AdditionRef-...' reference");
  EXPECT_EQ(Error("MIT WITH additionref-x"),
            "column 10: unknown exception id 'additionref-x' (the prefix 'AdditionRef-' is case-sensitive)");
  EXPECT_EQ(Error("LicenseRef-a_b"), "column 13: unexpected character '_'");
}

TEST(LicenseExpression, ExceptionsOnlyAfterWith) {
  EXPECT_EQ(Error("Classpath-exception-2.0"),
            "column 1: 'Classpath-exception-2.0' is a license exception, valid only after WITH");
  EXPECT_EQ(Error("MIT WITH MIT"), "column 10: 'MIT' is a license, not an exception");
  EXPECT_EQ(Error("MIT WITH LicenseRef-x"), "column 10: 'LicenseRef-x' is a license, not an exception");
  EXPECT_EQ(Error("MIT WITH Foo-exception"), "column 10: unknown exception id 'Foo-exception'");
  EXPECT_EQ(Error("MIT WITH"), "column 9: expected an exception id after 'WITH'");
  EXPECT_EQ(Error("MIT WITH (Classpath-exception-2.0)"), "column 10: expected an exception id after 'WITH', found '('");
  EXPECT_EQ(Error("MIT WITH AND"), "column 10: expected an exception id after 'WITH', found the operator 'AND'");
  EXPECT_EQ(Error("(MIT OR ISC) WITH Classpath-exception-2.0"),
            "column 14: WITH must follow a single license, not a parenthesized expression");
  EXPECT_EQ(Error("(MIT) WITH Classpath-exception-2.0"),
            "column 7: WITH must follow a single license, not a parenthesized expression");
  EXPECT_EQ(Error("MIT WITH Classpath-exception-2.0 WITH LLVM-exception"),
            "column 34: a license takes at most one WITH exception");
  Result<LicenseExpression> e = ParseLicenseExpression("GPL-2.0-only WITH nokia-qt-exception-1.1");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->exception, "Nokia-Qt-exception-1.1");
  EXPECT_TRUE(e->exception_deprecated);
}

TEST(LicenseExpression, NoneAndNoAssertionOnlyAsWholeExpressions) {
  EXPECT_EQ(ParseLicenseExpression("NONE")->kind, LicenseExpression::Kind::kNone);
  EXPECT_EQ(ParseLicenseExpression(" NOASSERTION ")->kind, LicenseExpression::Kind::kNoAssertion);
  EXPECT_EQ(Error("MIT AND NONE"), "column 9: NONE is valid only as the whole expression");
  EXPECT_EQ(Error("(NOASSERTION)"), "column 2: NOASSERTION is valid only as the whole expression");
  EXPECT_EQ(Error("NONE WITH Classpath-exception-2.0"), "column 1: NONE is valid only as the whole expression");
  EXPECT_EQ(Error("none"), "column 1: unknown license id 'none' (use LicenseRef-... for licenses not on the SPDX list)");
}

TEST(LicenseExpression, EveryErrorNamesItsColumn) {
  EXPECT_EQ(Error(""), "column 1: empty expression");
  EXPECT_EQ(Error("   "), "column 1: empty expression");
  EXPECT_EQ(Error("MIT AND"), "column 8: expected a license id after 'AND'");
  EXPECT_EQ(Error("MIT AND Apache-2.0 OR"), "column 22: expected a license id after 'OR'");
  EXPECT_EQ(Error("AND MIT"), "column 1: expected a license id, found the operator 'AND'");
  EXPECT_EQ(Error("MIT OR OR ISC"), "column 8: expected a license id after 'OR', found the operator 'OR'");
  EXPECT_EQ(Error("()"), "column 2: expected a license id after '(', found ')'");
  EXPECT_EQ(Error("(MIT"), "column 5: expected ')' to close the '(' at column 1");
  EXPECT_EQ(Error("MIT)"), "column 4: unmatched ')'");
  EXPECT_EQ(Error("(MIT))"), "column 6: unmatched ')'");
  EXPECT_EQ(Error("MIT (ISC)"), "column 5: expected AND or OR before '('");
  EXPECT_EQ(Error("MIT ISC"), "column 5: expected an operator (AND, OR, WITH) or ')' after 'MIT', found 'ISC'");
  EXPECT_EQ(Error("(MIT ISC)"), "column 6: expected an operator (AND, OR, WITH) or ')' after 'MIT', found 'ISC'");
  EXPECT_EQ(Error("MIT ANDISC"), "column 5: expected an operator (AND, OR, WITH) or ')' after 'MIT', found 'ANDISC'");
  EXPECT_EQ(Error("MIT AND Foo"),
            "column 9: unknown license id 'Foo' (use LicenseRef-... for licenses not on the SPDX list)");
  EXPECT_EQ(Error("MIT, ISC"), "column 4: unexpected character ','");
  EXPECT_EQ(Error("MIT\nOR ISC"), "column 4: unexpected byte 0x0a (only ASCII, spaces and tabs are valid)");
  EXPECT_EQ(Error(std::string("MIT\0", 4)), "column 4: unexpected byte 0x00 (only ASCII, spaces and tabs are valid)");
  EXPECT_EQ(Error("MIT OR Ma\xc3\xaft"), "column 10: unexpected byte 0xc3 (only ASCII, spaces and tabs are valid)");
}

TEST(LicenseExpression, QuotesOfUntrustedInputAreClipped) {
  std::string message = Error("MIT AND " + std::string(1000, 'x'));
  EXPECT_LT(message.size(), 250u);  // quoted untrusted text is clipped at 120 bytes
  EXPECT_NE(message.find("'xxxx"), std::string::npos);
  EXPECT_NE(message.find("...'"), std::string::npos);
}

TEST(LicenseExpression, LimitsAreEnforced) {
  ExpressionLimits limits;
  limits.max_length = 20;
  EXPECT_EQ(Error("MIT OR Apache-2.0 OR ISC", StatusCode::kResourceExhausted, limits),
            "license expression is 24 bytes, more than the limit of 20");
  limits = {};
  limits.max_depth = 2;
  EXPECT_THAT(ParseLicenseExpression("((MIT))", limits), IsOk());
  EXPECT_EQ(Error("(((MIT)))", StatusCode::kResourceExhausted, limits), "column 3: parentheses nest deeper than 2");
  limits = {};
  limits.max_terms = 3;
  EXPECT_THAT(ParseLicenseExpression("MIT AND ISC AND Zlib", limits), IsOk());
  EXPECT_EQ(Error("MIT AND ISC AND Zlib AND X11", StatusCode::kResourceExhausted, limits),
            "column 26: more than 3 licenses in one expression");
  // The defaults: 32 levels of parentheses are fine, 33 are not.
  EXPECT_THAT(ParseLicenseExpression(std::string(32, '(') + "MIT" + std::string(32, ')')), IsOk());
  EXPECT_EQ(Error(std::string(33, '(') + "MIT" + std::string(33, ')'), StatusCode::kResourceExhausted),
            "column 33: parentheses nest deeper than 32");
  EXPECT_EQ(Error(std::string(100000, '('), StatusCode::kResourceExhausted),
            "license expression is 100000 bytes, more than the limit of 8192");
}

TEST(LicenseExpression, JsonTree) {
  Result<LicenseExpression> e =
      ParseLicenseExpression("GPL-2.0+ WITH Classpath-exception-2.0 OR (LicenseRef-a AND MIT WITH AdditionRef-b)");
  ASSERT_THAT(e, IsOk());
  Json want = Json::parse(R"({"type": "or", "operands": [
      {"type": "license", "license": "GPL-2.0", "plus": true, "deprecated": true,
       "exception": "Classpath-exception-2.0", "exceptionType": "exception"},
      {"type": "and", "operands": [
        {"type": "licenseRef", "license": "LicenseRef-a"},
        {"type": "license", "license": "MIT", "exception": "AdditionRef-b", "exceptionType": "additionRef"}]}]})");
  EXPECT_EQ(ToJson(*e), want);
  EXPECT_EQ(ToJson(*ParseLicenseExpression("NOASSERTION")), Json::parse(R"({"type": "noassertion"})"));
}

std::string ReadHostile(const std::string& name) {
  std::ifstream in("testdata/hostile/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(HostileLicenseExpressions, AreRejectedAtTheirLimits) {
  std::string deep = ReadHostile("license-deep-nesting.spdx");
  ASSERT_EQ(deep.size(), 8003u);
  EXPECT_EQ(Error(deep, StatusCode::kResourceExhausted), "column 33: parentheses nest deeper than 32");
  std::string long_text = ReadHostile("license-too-long.spdx");
  ASSERT_FALSE(long_text.empty());
  EXPECT_EQ(Error(long_text, StatusCode::kResourceExhausted),
            "license expression is 8403 bytes, more than the limit of 8192");
  std::string many = ReadHostile("license-too-many-terms.spdx");
  ASSERT_FALSE(many.empty());
  EXPECT_EQ(Error(many, StatusCode::kResourceExhausted), "column 4097: more than 512 licenses in one expression");
  std::string nul = ReadHostile("license-nul-byte.spdx");
  ASSERT_EQ(nul.size(), 18u);
  EXPECT_EQ(Error(nul), "column 4: unexpected byte 0x00 (only ASCII, spaces and tabs are valid)");
}

}  // namespace
}  // namespace fnseal
