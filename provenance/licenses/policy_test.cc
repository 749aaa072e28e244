#include "provenance/licenses/policy.h"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

LicensePolicy Policy(const std::string& json) {
  Result<LicensePolicy> policy = ParseLicensePolicy(json);
  EXPECT_THAT(policy, IsOk());
  return policy.ok() ? std::move(policy).value() : LicensePolicy{};
}

std::string PolicyError(const std::string& json, StatusCode code = StatusCode::kInvalidArgument) {
  Result<LicensePolicy> policy = ParseLicensePolicy(json);
  EXPECT_FALSE(policy.ok()) << json;
  if (policy.ok()) return "";
  EXPECT_EQ(policy.status().code(), code);
  return policy.status().message();
}

LicenseVerdict Check(const LicensePolicy& policy, const std::string& expression, const std::string& component = "") {
  Result<LicenseExpression> e = ParseLicenseExpression(expression);
  EXPECT_THAT(e, IsOk());
  return EvaluateLicense(policy, e.ok() ? *e : LicenseExpression{}, component);
}

bool Allowed(const LicensePolicy& policy, const std::string& expression) { return Check(policy, expression).allowed; }

TEST(LicensePolicy, OrNeedsOneOperandAndNeedsAll) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["MIT", "Apache-2.0"]})");
  EXPECT_TRUE(Allowed(p, "MIT"));
  EXPECT_TRUE(Allowed(p, "MIT OR GPL-3.0-only"));
  EXPECT_TRUE(Allowed(p, "GPL-3.0-only OR MIT"));
  EXPECT_FALSE(Allowed(p, "MIT AND GPL-3.0-only"));
  EXPECT_TRUE(Allowed(p, "MIT AND Apache-2.0"));
  EXPECT_TRUE(Allowed(p, "(MIT OR GPL-3.0-only) AND (ISC OR Apache-2.0)"));
  EXPECT_FALSE(Allowed(p, "(MIT OR GPL-3.0-only) AND (ISC OR Zlib)"));
  EXPECT_FALSE(Allowed(p, "ISC"));
}

TEST(LicensePolicy, ExplanationNamesComponentExpressionAndRule) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["MIT"], "deny": ["GPL-3.0-only"]})");
  LicenseVerdict v = Check(p, "mit and gpl-3.0-only", "libfoo");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.component, "libfoo");
  EXPECT_EQ(v.expression, "MIT AND GPL-3.0-only");
  EXPECT_EQ(v.explanation,
            "component 'libfoo': license 'MIT AND GPL-3.0-only' is denied (GPL-3.0-only: denied by deny[0] "
            "'GPL-3.0-only')");
  EXPECT_EQ(v.root.reason, "denied: AND needs every operand, and GPL-3.0-only is denied");
  ASSERT_EQ(v.root.operands.size(), 2u);
  EXPECT_EQ(v.root.operands[0].reason, "allowed by allow[0] 'MIT'");
  EXPECT_TRUE(v.root.operands[0].allowed);

  v = Check(p, "GPL-3.0-only OR MIT");
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.explanation, "license 'GPL-3.0-only OR MIT' is allowed (MIT: allowed by allow[0] 'MIT')");
  EXPECT_EQ(v.root.reason, "allowed: OR needs one operand, and MIT is allowed");

  v = Check(p, "GPL-3.0-only OR ISC");
  EXPECT_EQ(v.explanation,
            "license 'GPL-3.0-only OR ISC' is denied (GPL-3.0-only: denied by deny[0] 'GPL-3.0-only'; ISC: denied: "
            "no rule allows ISC (category permissive))");
  Json json = ToJson(v);
  EXPECT_EQ(json["allowed"], false);
  EXPECT_EQ(json["decision"]["operator"], "OR");
  EXPECT_EQ(json["decision"]["operands"][1]["reason"], "denied: no rule allows ISC (category permissive)");
}

TEST(LicensePolicy, CategoriesAndPrecedenceOfRules) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["AGPL-3.0-only"], "deny": ["Zlib"],
      "allowCategories": ["permissive", "weak-copyleft"], "denyCategories": ["strong-copyleft", "unknown"]})");
  EXPECT_EQ(Check(p, "MIT").root.reason, "allowed by allowCategories: MIT is permissive");
  EXPECT_EQ(Check(p, "MPL-2.0").root.reason, "allowed by allowCategories: MPL-2.0 is weak-copyleft");
  // An id rule beats a category rule, both ways.
  EXPECT_EQ(Check(p, "Zlib").root.reason, "denied by deny[0] 'Zlib'");
  EXPECT_EQ(Check(p, "AGPL-3.0-only").root.reason, "allowed by allow[0] 'AGPL-3.0-only'");
  EXPECT_EQ(Check(p, "GPL-3.0-only").root.reason, "denied by denyCategories: GPL-3.0-only is strong-copyleft");
  EXPECT_EQ(Check(p, "Glulxe").root.reason, "denied by denyCategories: Glulxe is unknown");
  EXPECT_EQ(Check(p, "LicenseRef-x").root.reason, "denied by denyCategories: LicenseRef-x is unknown");
  LicensePolicy open = Policy(R"({"version": 1, "allowCategories": ["permissive"]})");
  EXPECT_EQ(Check(open, "Glulxe").root.reason, "denied: no rule allows Glulxe (category unknown)");
}

TEST(LicensePolicy, OrLaterIsARangeOfVersions) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["GPL-3.0-only", "LGPL-2.1-or-later", "Apache-1.1+"]})");
  // An or-later leaf is allowed when a version it offers is.
  EXPECT_EQ(Check(p, "GPL-2.0+").root.reason, "usable as GPL-3.0-only, which is allowed by allow[0] 'GPL-3.0-only'");
  EXPECT_TRUE(Allowed(p, "GPL-2.0-or-later"));
  EXPECT_TRUE(Allowed(p, "GPL-3.0-or-later"));
  EXPECT_TRUE(Allowed(p, "GPL-3.0"));  // deprecated id of GPL-3.0-only
  EXPECT_FALSE(Allowed(p, "GPL-2.0-only"));
  EXPECT_FALSE(Allowed(p, "GPL-2.0"));
  EXPECT_FALSE(Allowed(p, "GPL-1.0-only"));
  // An or-later allow entry allows every version from its own.
  EXPECT_TRUE(Allowed(p, "LGPL-3.0-only"));
  EXPECT_TRUE(Allowed(p, "LGPL-2.1"));
  EXPECT_FALSE(Allowed(p, "LGPL-2.0-only"));
  EXPECT_TRUE(Allowed(p, "LGPL-2.0+"));
  EXPECT_TRUE(Allowed(p, "Apache-2.0"));
  EXPECT_FALSE(Allowed(p, "Apache-1.0"));
  EXPECT_TRUE(Allowed(p, "Apache-1.0+"));
  // Unversioned ids: "+" offers only the id itself.
  EXPECT_FALSE(Allowed(p, "MIT+"));

  LicensePolicy deny = Policy(R"({"version": 1, "allow": ["GPL-2.0-or-later"], "deny": ["GPL-3.0-only"]})");
  EXPECT_EQ(Check(deny, "GPL-2.0+").root.reason,
            "usable as GPL-2.0-only, which is allowed by allow[0] 'GPL-2.0-or-later'");
  // GPL-3.0 is the last version: GPL-3.0-or-later offers only it.
  EXPECT_EQ(Check(deny, "GPL-3.0-or-later").root.reason, "denied by deny[0] 'GPL-3.0-only'");
  EXPECT_EQ(Check(deny, "GPL-1.0+").root.reason,
            "usable as GPL-2.0-only, which is allowed by allow[0] 'GPL-2.0-or-later'");
  LicensePolicy none = Policy(R"({"version": 1, "allow": ["MIT"], "deny": ["GPL-3.0-only"]})");
  EXPECT_EQ(Check(none, "GPL-2.0+").root.reason,
            "denied: none of the versions it offers is allowed (GPL-2.0-only: denied: no rule allows GPL-2.0-only "
            "(category strong-copyleft); GPL-3.0-only: denied by deny[0] 'GPL-3.0-only')");
}

TEST(LicensePolicy, ExceptionsAreJudgedWithTheirLicense) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["GPL-2.0-only", "Apache-2.0 WITH LLVM-exception"],
      "allowCategories": ["permissive"], "acceptedExceptions": ["Classpath-exception-2.0"]})");
  EXPECT_EQ(Check(p, "GPL-2.0-only WITH Classpath-exception-2.0").root.reason,
            "allowed by allow[0] 'GPL-2.0-only', with Classpath-exception-2.0 in acceptedExceptions");
  EXPECT_EQ(Check(p, "GPL-2.0-only WITH Autoconf-exception-2.0").root.reason,
            "denied: GPL-2.0-only is allowed by allow[0] 'GPL-2.0-only', but Autoconf-exception-2.0 is not in "
            "acceptedExceptions and no allow entry names 'GPL-2.0-only WITH Autoconf-exception-2.0'");
  EXPECT_EQ(Check(p, "Apache-2.0 WITH LLVM-exception").root.reason,
            "allowed by allow[1] 'Apache-2.0 WITH LLVM-exception'");
  EXPECT_TRUE(Allowed(p, "MIT WITH Classpath-exception-2.0"));
  EXPECT_FALSE(Allowed(p, "MIT WITH LLVM-exception"));
  // An exception never makes a license that is not allowed acceptable.
  EXPECT_FALSE(Allowed(p, "GPL-3.0-only WITH Classpath-exception-2.0"));
  // A denied license stays denied with any exception; a denied pair only as that pair.
  LicensePolicy d = Policy(R"({"version": 1, "allowCategories": ["strong-copyleft"], "deny": ["GPL-3.0-only",
      "GPL-2.0-only WITH Classpath-exception-2.0"], "acceptedExceptions": ["Classpath-exception-2.0", "GCC-exception-3.1"]})");
  EXPECT_EQ(Check(d, "GPL-3.0-only WITH GCC-exception-3.1").root.reason, "denied by deny[0] 'GPL-3.0-only'");
  EXPECT_FALSE(Allowed(d, "GPL-2.0-only WITH Classpath-exception-2.0"));
  EXPECT_TRUE(Allowed(d, "GPL-2.0-only WITH GCC-exception-3.1"));
  EXPECT_TRUE(Allowed(d, "GPL-2.0-only"));
}

TEST(LicensePolicy, LicenseRefsAndTheirCategories) {
  LicensePolicy p = Policy(R"({"version": 1, "allow": ["LicenseRef-acme-eula", "DocumentRef-x:LicenseRef-y"],
      "allowCategories": ["permissive"], "denyCategories": ["non-commercial"],
      "categories": {"LicenseRef-llama-3": "non-commercial", "LicenseRef-ok": "permissive", "Glulxe": "permissive"}})");
  EXPECT_TRUE(Allowed(p, "LicenseRef-acme-eula"));
  EXPECT_FALSE(Allowed(p, "LicenseRef-Acme-EULA"));  // LicenseRef ids are case-sensitive
  EXPECT_TRUE(Allowed(p, "DocumentRef-x:LicenseRef-y"));
  EXPECT_FALSE(Allowed(p, "LicenseRef-y"));
  EXPECT_EQ(Check(p, "LicenseRef-llama-3").root.reason,
            "denied by denyCategories: LicenseRef-llama-3 is non-commercial in the policy's categories");
  EXPECT_TRUE(Allowed(p, "LicenseRef-ok"));
  EXPECT_TRUE(Allowed(p, "Glulxe"));
  EXPECT_EQ(CategoryOf(p, *ParseLicenseExpression("LicenseRef-llama-3")), LicenseCategory::kNonCommercial);
  EXPECT_EQ(CategoryOf(p, *ParseLicenseExpression("LicenseRef-other")), LicenseCategory::kUnknown);
  EXPECT_EQ(CategoryOf(p, *ParseLicenseExpression("GPL-2.0+")), LicenseCategory::kStrongCopyleft);
  EXPECT_EQ(CategoryOf(p, *ParseLicenseExpression("NONE")), LicenseCategory::kProprietary);
  EXPECT_EQ(CategoryOf(p, *ParseLicenseExpression("NOASSERTION")), LicenseCategory::kUnknown);
}

TEST(LicensePolicy, ModelLicenseCatalogueClassifiesItsRefs) {
  LicensePolicy p = Policy(R"({"version": 1, "allowCategories": ["permissive", "proprietary"],
      "denyCategories": ["non-commercial"]})");
  EXPECT_EQ(Check(p, "CC-BY-NC-4.0").root.reason, "denied by denyCategories: CC-BY-NC-4.0 is non-commercial");
  EXPECT_EQ(Check(p, "LicenseRef-fnseal-DeepFloyd-IF").root.reason,
            "denied by denyCategories: LicenseRef-fnseal-DeepFloyd-IF is non-commercial in fnseal's model-license "
            "catalogue");
  EXPECT_FALSE(Allowed(p, "LicenseRef-fnseal-StabilityAI-Non-Commercial"));
  EXPECT_FALSE(Allowed(p, "LicenseRef-fnseal-Apple-AMLR"));
  EXPECT_EQ(Check(p, "LicenseRef-fnseal-Llama-3.1").root.reason,
            "allowed by allowCategories: LicenseRef-fnseal-Llama-3.1 is proprietary in fnseal's model-license "
            "catalogue");
  // Only the catalogue's own, exact ids: not other case, not another document's refs.
  EXPECT_EQ(Check(p, "LicenseRef-fnseal-llama-3.1").root.reason,
            "denied: no rule allows LicenseRef-fnseal-llama-3.1 (category unknown)");
  EXPECT_FALSE(Allowed(p, "DocumentRef-d:LicenseRef-fnseal-Llama-3.1"));
  LicenseClassification c = ClassifyLicense(p, *ParseLicenseExpression("LicenseRef-fnseal-Gemma"));
  EXPECT_EQ(c.category, LicenseCategory::kProprietary);
  EXPECT_EQ(c.source, LicenseClassification::Source::kModelCatalogue);
  EXPECT_EQ(ClassifyLicense(p, *ParseLicenseExpression("MIT")).source, LicenseClassification::Source::kBuiltin);
  EXPECT_EQ(ClassifyLicense(p, *ParseLicenseExpression("LicenseRef-x")).source,
            LicenseClassification::Source::kUnclassified);
  EXPECT_EQ(ClassifyLicense(p, *ParseLicenseExpression("NONE")).source, LicenseClassification::Source::kNone);
}

TEST(LicensePolicy, OrWithOneCataloguedRestrictedBranch) {
  LicensePolicy p = Policy(R"({"version": 1, "allowCategories": ["permissive"], "denyCategories": ["proprietary"]})");
  LicenseVerdict v = Check(p, "LicenseRef-fnseal-Llama-3.3 OR Apache-2.0", "weights");
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.explanation,
            "component 'weights': license 'LicenseRef-fnseal-Llama-3.3 OR Apache-2.0' is allowed (Apache-2.0: "
            "allowed by allowCategories: Apache-2.0 is permissive)");
  ASSERT_EQ(v.root.operands.size(), 2u);
  EXPECT_EQ(v.root.operands[0].reason,
            "denied by denyCategories: LicenseRef-fnseal-Llama-3.3 is proprietary in fnseal's model-license catalogue");
  LicenseVerdict both = Check(p, "LicenseRef-fnseal-Llama-3.3 AND Apache-2.0");
  EXPECT_FALSE(both.allowed);
  EXPECT_NE(both.explanation.find("LicenseRef-fnseal-Llama-3.3: denied by denyCategories: LicenseRef-fnseal-Llama-3.3 "
                                  "is proprietary in fnseal's model-license catalogue"),
            std::string::npos)
      << both.explanation;
  LicenseVerdict neither = Check(p, "LicenseRef-fnseal-Gemma OR LicenseRef-fnseal-DeepFloyd-IF");
  EXPECT_FALSE(neither.allowed);
}

TEST(LicensePolicy, PolicyCategoriesOverrideTheCatalogue) {
  LicensePolicy p = Policy(R"({"version": 1, "allowCategories": ["permissive"], "denyCategories": ["proprietary"],
      "categories": {"LicenseRef-fnseal-Gemma": "permissive", "LicenseRef-fnseal-Apple-ASCL": "proprietary"}})");
  EXPECT_EQ(Check(p, "LicenseRef-fnseal-Gemma").root.reason,
            "allowed by allowCategories: LicenseRef-fnseal-Gemma is permissive in the policy's categories");
  EXPECT_EQ(Check(p, "LicenseRef-fnseal-Apple-ASCL").root.reason,
            "denied by denyCategories: LicenseRef-fnseal-Apple-ASCL is proprietary in the policy's categories");
  LicenseClassification c = ClassifyLicense(p, *ParseLicenseExpression("LicenseRef-fnseal-Gemma"));
  EXPECT_EQ(c.category, LicenseCategory::kPermissive);
  EXPECT_EQ(c.source, LicenseClassification::Source::kPolicy);
  // An allow or deny id still comes before any category.
  LicensePolicy q = Policy(R"({"version": 1, "allow": ["LicenseRef-fnseal-DeepFloyd-IF"],
      "denyCategories": ["non-commercial"]})");
  EXPECT_EQ(Check(q, "LicenseRef-fnseal-DeepFloyd-IF").root.reason,
            "allowed by allow[0] 'LicenseRef-fnseal-DeepFloyd-IF'");
}

TEST(LicensePolicy, NoneAndNoAssertion) {
  LicensePolicy p = Policy(R"({"version": 1, "allowCategories": ["permissive", "unknown"]})");
  EXPECT_EQ(Check(p, "NONE").root.reason, "denied: no rule allows NONE (category proprietary)");
  EXPECT_EQ(Check(p, "NOASSERTION").root.reason, "allowed by allowCategories: NOASSERTION is unknown");
  LicensePolicy q = Policy(R"({"version": 1, "allow": ["NOASSERTION"]})");
  EXPECT_TRUE(Allowed(q, "NOASSERTION"));
  EXPECT_FALSE(Allowed(q, "NONE"));
}

TEST(LicensePolicy, ParseErrorsNameTheField) {
  EXPECT_EQ(PolicyError(R"([])"), "license policy must be a JSON object, not array");
  EXPECT_EQ(PolicyError(R"({"allow": ["MIT"]})"), "license policy field 'version': is required");
  EXPECT_EQ(PolicyError(R"({"version": 2, "allow": ["MIT"]})"), "license policy field 'version': must be 1, not '2'");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "alow": []})"), "license policy: unknown field 'alow'");
  EXPECT_EQ(PolicyError(R"({"version": 1})"), "license policy allows nothing: give 'allow' or 'allowCategories'");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": "MIT"})"), "license policy field 'allow': must be an array, not string");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT", 3]})"),
            "license policy field 'allow[1]': must be a string, not number");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT", ""]})"), "license policy field 'allow[1]': must not be empty");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT OR ISC"]})"),
            "license policy field 'allow[0]': 'MIT OR ISC' must be a single license (optionally WITH an exception), "
            "not an OR expression");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["Foo"]})"),
            "license policy field 'allow[0]': 'Foo': column 1: unknown license id 'Foo' (use LicenseRef-... for "
            "licenses not on the SPDX list)");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT", "Apache2.0"]})"),
            "license policy field 'allow[1]': 'Apache2.0': column 1: unknown license id 'Apache2.0'; did you mean "
            "Apache-2.0?");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "deny": ["LicenseRef-fnseal-Llama3.1"]})"),
            "license policy field 'deny[0]': unknown license id 'LicenseRef-fnseal-Llama3.1'; did you mean "
            "LicenseRef-fnseal-Llama-3.1?");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["LicenseRef-fnseal-llama-3.1"]})"),
            "license policy field 'allow[0]': unknown license id 'LicenseRef-fnseal-llama-3.1'; did you mean "
            "LicenseRef-fnseal-Llama-3.1?");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT", "mit"]})"),
            "license policy field 'allow[1]': 'MIT' is already allow[0]");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "deny": ["ISC", "mit"]})"),
            "license policy field 'deny[1]': 'MIT' is also allowed by allow[0]");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allowCategories": ["permisive"]})"),
            "license policy field 'allowCategories[0]': unknown category 'permisive' (permissive, weak-copyleft, "
            "strong-copyleft, non-commercial, proprietary, unknown)");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allowCategories": ["permissive", "permissive"]})"),
            "license policy field 'allowCategories[1]': category 'permissive' is listed twice");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allowCategories": ["permissive"], "denyCategories": ["permissive"]})"),
            "license policy field 'denyCategories[0]': 'permissive' is also in allowCategories");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "acceptedExceptions": ["MIT"]})"),
            "license policy field 'acceptedExceptions[0]': 'MIT' is not an SPDX exception id or AdditionRef-");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "acceptedExceptions": ["LLVM-exception OR MIT"]})"),
            "license policy field 'acceptedExceptions[0]': 'LLVM-exception OR MIT' is not an SPDX exception id or "
            "AdditionRef-");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "acceptedExceptions": ["llvm-exception", "LLVM-exception"]})"),
            "license policy field 'acceptedExceptions[1]': 'LLVM-exception' is listed twice");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "categories": []})"),
            "license policy field 'categories': must be an object, not array");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "categories": {"GPL-2.0+": "permissive"}})"),
            "license policy field 'categories.GPL-2.0+': must name one license id or LicenseRef- (no '+', no WITH)");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "categories": {"LicenseRef-x": "free"}})"),
            "license policy field 'categories.LicenseRef-x': unknown category 'free'");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "categories": {"mit": "unknown", "MIT": "unknown"}})"),
            "license policy field 'categories.mit': 'MIT' is classified twice");
  EXPECT_EQ(PolicyError(R"({"version": 1, "allow": ["MIT"], "allow": ["ISC"]})"),
            "license policy has the key 'allow' twice");
  EXPECT_EQ(PolicyError(std::string(R"({"version": 1, "allow": [)") + std::string(20, '['), StatusCode::kResourceExhausted),
            "license policy nests deeper than the limit of 8");
}

TEST(LicensePolicy, AcceptsAFullPolicy) {
  LicensePolicy p = Policy(R"({"$schema": "https://fnseal.dev/schemas/license-policy-1.json", "version": 1,
      "allow": ["MIT", "GPL-2.0-or-later WITH Classpath-exception-2.0", "LicenseRef-acme"], "deny": ["AGPL-3.0-only"],
      "allowCategories": ["permissive"], "denyCategories": ["non-commercial", "proprietary"],
      "acceptedExceptions": ["llvm-exception", "AdditionRef-acme-grant"], "categories": {"LicenseRef-acme": "proprietary"}})");
  ASSERT_EQ(p.allow.size(), 3u);
  EXPECT_EQ(p.allow[1].field, "allow[1]");
  EXPECT_EQ(ToString(p.allow[1].license), "GPL-2.0-or-later WITH Classpath-exception-2.0");
  EXPECT_EQ(p.accepted_exceptions, (std::vector<std::string>{"LLVM-exception", "AdditionRef-acme-grant"}));
  EXPECT_TRUE(Allowed(p, "LicenseRef-acme"));  // an id rule beats the category rule
  EXPECT_TRUE(Allowed(p, "Apache-2.0 WITH AdditionRef-acme-grant"));
}

std::string ReadHostile(const std::string& name) {
  std::ifstream in("testdata/hostile/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(HostileLicensePolicies, AreRejected) {
  std::string duplicate = ReadHostile("license-policy-duplicate-key.json");
  ASSERT_FALSE(duplicate.empty());
  EXPECT_EQ(PolicyError(duplicate), "license policy has the key 'allow' twice");
  std::string compound = ReadHostile("license-policy-compound-rule.json");
  ASSERT_FALSE(compound.empty());
  EXPECT_EQ(PolicyError(compound),
            "license policy field 'allow[0]': 'MIT OR AGPL-3.0-only' must be a single license (optionally WITH an "
            "exception), not an OR expression");
}

}  // namespace
}  // namespace fnseal
