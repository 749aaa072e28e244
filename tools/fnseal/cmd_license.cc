// fnseal license parse|check|explain|models|from-hf: SPDX license expressions, license policies,
// the model-license catalogue and Hugging Face license ids (provenance/licenses,
// docs/licensing.md). `check` and `explain` exit 3 when the policy denies; `from-hf` exits 2 for
// an id it cannot convert. `check --sbom` judges every component of an SBOM, also one signed in
// an attestation file (its signatures checked with --key, else only read); `parse --batch` and
// `check --batch` read one JSON string per line from stdin and write one JSON object per line.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/strings.h"
#include "provenance/licenses/expression.h"
#include "provenance/licenses/huggingface_licenses.h"
#include "provenance/licenses/license_list.h"
#include "provenance/licenses/model_licenses.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/sbom.h"
#include "provenance/sbom/sbom_licenses.h"
#include "provenance/statement/statement.h"
#include "provenance/verification/attestation_verifier.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string expression;
  std::string policy;
  std::string component;
  std::string hf_id;
  std::string license_name;
  std::string license_link;
  std::string sbom;
  std::vector<std::string> keys;  // check --sbom of an attestation: trusted public keys
  bool json = false;
  bool batch = false;
  std::vector<CLI::Option*> expression_options;  // to tell "" from no expression

  bool HasExpression() const {
    for (CLI::Option* option : expression_options) {
      if (option->count() > 0) return true;
    }
    return false;
  }
};

Result<LicenseExpression> Parse(const std::string& text) {
  Result<LicenseExpression> parsed = ParseLicenseExpression(text);
  if (!parsed.ok()) {
    return Status(parsed.status().code(), "invalid license expression: " + parsed.status().message());
  }
  return parsed;
}

Json ParseReport(const std::string& expression, const Result<LicenseExpression>& parsed) {
  Json report = {{"input", expression}, {"valid", parsed.ok()}};
  if (parsed.ok()) {
    report["normalized"] = ToString(*parsed);
    report["tree"] = ToJson(*parsed);
  } else {
    report["error"] = parsed.status().message();
  }
  report["licenseListVersion"] = GetSpdxListInfo().license_list_version;
  return report;
}

// --batch: each stdin line is a JSON string (so an expression may contain any character); each
// output line is `handle`'s compact JSON for it, or {"line", "error"} for a line that is not a
// JSON string. Exits 0 once stdin ends: the verdicts are in the output.
constexpr size_t kMaxBatchLine = 1 << 20;

// Reads the next line of `in` into `line` (without the newline), keeping at most kMaxBatchLine
// bytes: the rest of a longer line is skipped unread into memory and `*too_long` set. False at
// the end of input.
bool ReadBatchLine(std::istream& in, std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    any = true;
    if (c == '\n') return true;
    if (line->size() < kMaxBatchLine) {
      line->push_back(static_cast<char>(c));
    } else {
      *too_long = true;
    }
  }
  return any;
}

Outcome RunBatch(const std::function<Json(const std::string&)>& handle) {
  std::string line;
  bool too_long = false;
  for (size_t number = 1; ReadBatchLine(std::cin, &line, &too_long); ++number) {
    if (too_long) {
      std::fputs((CanonicalJsonDump({{"line", number},
                                     {"error", "batch line is longer than " + std::to_string(kMaxBatchLine) + " bytes"}}) +
                  "\n")
                     .c_str(),
                 stdout);
      continue;
    }
    Result<Json> input = ParseJsonStrict(line, "batch line", JsonLimits{2, kMaxBatchLine});
    Json out;
    if (!input.ok() || !input->is_string()) {
      out = {{"line", number}, {"error", input.ok() ? "batch line is not a JSON string" : input.status().message()}};
    } else {
      out = handle(input->get<std::string>());
    }
    std::fputs((CanonicalJsonDump(out) + "\n").c_str(), stdout);
  }
  std::fflush(stdout);
  return OkStatus();
}

Outcome RunParse(const Options& o) {
  if (o.batch) {
    return RunBatch([](const std::string& expression) { return ParseReport(expression, Parse(expression)); });
  }
  Result<LicenseExpression> parsed = Parse(o.expression);
  if (o.json) std::fputs(PrettyJsonDump(ParseReport(o.expression, parsed)).c_str(), stdout);
  if (!parsed.ok()) return parsed.status();
  if (!o.json) std::printf("%s\n", ToString(*parsed).c_str());
  return OkStatus();
}

void PrintDecision(const LicenseDecision& d, int depth) {
  std::printf("%*s%s %s: %s\n", depth * 2, "", d.allowed ? "ALLOW" : "DENY ", d.expression.c_str(),
              d.reason.c_str());
  for (const LicenseDecision& operand : d.operands) PrintDecision(operand, depth + 1);
}

// Whether --sbom names a signed attestation file (as `fnseal sign` tells them, or a Sigstore
// bundle from `fnseal export`) rather than an SBOM document or an unsigned statement.
bool IsAttestationFile(const std::string& path) {
  return EndsWith(path, ".dsse.json") || EndsWith(path, ".intoto.jsonl") || EndsWith(path, ".sigstore.json");
}

bool IsSbomPredicateType(const std::string& type) {
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    if (type == SbomPredicateType(format)) return true;
  }
  return false;
}

// The SBOM statement of the attestation file at o.sbom (within AttestationLimits, as `verify`
// reads it): with --key, the payload whose signature verified (PermissionDenied otherwise);
// without, the payload as written. The file must hold exactly one SBOM statement.
Result<SbomLicenses> ReadSignedSbom(const Options& o) {
  ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(o.sbom));
  std::vector<std::string> payloads;
  if (!o.keys.empty()) {
    ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys(o.keys));
    ASSIGN_OR_RETURN(Verification verified, VerifyAttestations(file, keys, 1, {}).Annotate(o.sbom));
    for (VerifiedStatement& statement : verified.statements) payloads.push_back(std::move(statement.payload));
  } else {
    for (size_t i = 0; i < file.envelopes.size(); ++i) {
      if (file.envelopes[i].payload_type != kInTotoPayloadType) {
        return InvalidArgumentError(o.sbom + ": envelope #" + std::to_string(i + 1) + " has payload type " +
                                    Quote(file.envelopes[i].payload_type) + ", not " + kInTotoPayloadType);
      }
      payloads.push_back(std::move(file.envelopes[i].payload));
    }
  }
  std::vector<size_t> sboms;
  std::string types;
  for (size_t i = 0; i < payloads.size(); ++i) {
    ASSIGN_OR_RETURN(Statement statement,
                     ParseStatement(payloads[i]).Annotate(o.sbom + ": envelope #" + std::to_string(i + 1)));
    if (IsSbomPredicateType(statement.predicate_type)) sboms.push_back(i);
    types += (types.empty() ? "" : ", ") + Quote(statement.predicate_type);
  }
  if (sboms.size() != 1) {
    return InvalidArgumentError(o.sbom + " holds " + std::to_string(sboms.size()) +
                                " SBOM statements, not one (predicate types: " + types + ")");
  }
  return ParseSbomLicenses(payloads[sboms[0]])
      .Annotate(o.sbom + ": envelope #" + std::to_string(sboms[0] + 1));
}

// check --sbom: one line per component, or {allowed, format, inToto, signature, components:
// [verdict + source]}. `signature` is "none" (an unsigned document), "not checked" or "verified".
Outcome RunCheckSbom(const Options& o, const LicensePolicy& policy) {
  const bool signed_sbom = IsAttestationFile(o.sbom);
  if (!o.keys.empty() && !signed_sbom) {
    return Outcome::Usage("--key is for an SBOM in a signed attestation file (.dsse.json, .intoto.jsonl)");
  }
  Result<SbomLicenses> read = signed_sbom ? ReadSignedSbom(o) : LoadSbomLicensesFile(o.sbom);
  if (read.status().code() == StatusCode::kPermissionDenied) {
    return Outcome::VerificationFailed(read.status().Annotate("signature check failed"));
  }
  if (!read.ok()) return read.status();
  const SbomLicenses& sbom = *read;
  const std::string signature = !signed_sbom ? "none" : o.keys.empty() ? "not checked" : "verified";
  size_t denied = 0;
  Json components = Json::array();
  for (const SbomLicense& c : sbom.components) {
    LicenseVerdict verdict = EvaluateLicense(policy, c.license, c.component);
    if (!verdict.allowed) ++denied;
    if (o.json) {
      Json entry = ToJson(verdict);
      entry["source"] = c.source;
      if (!c.note.empty()) entry["note"] = c.note;
      components.push_back(std::move(entry));
    } else {
      std::printf("%s %s (from %s%s%s)\n", verdict.allowed ? "ALLOW" : "DENY ", verdict.explanation.c_str(),
                  c.source.c_str(), c.note.empty() ? "" : ": ", c.note.c_str());
    }
  }
  if (!o.json && signed_sbom) {
    std::printf("signature %s%s\n", signature.c_str(),
                o.keys.empty() ? " (give --key to judge only an SBOM that a trusted key signed)" : "");
  }
  if (o.json) {
    Json report = {{"allowed", denied == 0}, {"format", sbom.format}, {"inToto", sbom.in_toto}, {"signature", signature}};
    report["components"] = std::move(components);
    std::fputs(PrettyJsonDump(report).c_str(), stdout);
  }
  std::fflush(stdout);
  if (denied > 0) {
    return Outcome::VerificationFailed(PermissionDeniedError(std::to_string(denied) + " of " +
                                                             std::to_string(sbom.components.size()) +
                                                             " components of " + o.sbom + " are denied by the policy"));
  }
  return OkStatus();
}

// `check` prints the verdict; `explain` also prints the reasoning for every node.
Outcome RunCheck(const Options& o, bool explain) {
  const int inputs = o.HasExpression() + !o.sbom.empty() + o.batch;
  if (inputs != 1) return Outcome::Usage("give exactly one of an expression, --sbom FILE or --batch");
  ASSIGN_OR_RETURN(LicensePolicy policy, LoadLicensePolicyFile(o.policy));
  if (!o.sbom.empty()) return RunCheckSbom(o, policy);
  if (o.batch) {
    return RunBatch([&](const std::string& text) {
      Result<LicenseExpression> expression = Parse(text);
      if (!expression.ok()) return Json{{"input", text}, {"error", expression.status().message()}};
      Json out = ToJson(EvaluateLicense(policy, *expression, o.component));
      out["input"] = text;
      return out;
    });
  }
  ASSIGN_OR_RETURN(LicenseExpression expression, Parse(o.expression));
  LicenseVerdict verdict = EvaluateLicense(policy, expression, o.component);
  if (o.json) {
    std::fputs(PrettyJsonDump(ToJson(verdict)).c_str(), stdout);
  } else if (explain) {
    PrintDecision(verdict.root, 0);
    std::fflush(stdout);
  }
  if (!verdict.allowed) return Outcome::VerificationFailed(PermissionDeniedError(verdict.explanation));
  if (!o.json) std::printf("%s\n", verdict.explanation.c_str());
  return OkStatus();
}

Outcome RunModels(const Options& o) {
  const std::vector<ModelLicense>& catalogue = ModelLicenseCatalogue();
  if (o.json) {
    Json licenses = Json::array();
    for (const ModelLicense& license : catalogue) licenses.push_back(ToJson(license));
    std::fputs(PrettyJsonDump(Json{{"licenses", std::move(licenses)}}).c_str(), stdout);
    return OkStatus();
  }
  size_t width = 0;
  for (const ModelLicense& license : catalogue) width = std::max(width, license.id.size());
  for (const ModelLicense& license : catalogue) {
    std::printf("%-*s  %-14s  %s%s%s\n", static_cast<int>(width), license.id.c_str(),
                std::string(LicenseCategoryName(license.category)).c_str(), license.name.c_str(),
                license.url.empty() ? "" : "  ", license.url.c_str());
  }
  return OkStatus();
}

// An id that cannot be converted is a usage error (exit 2): the caller gave the wrong input.
Outcome RunFromHf(const Options& o) {
  Result<HfLicenseMapping> mapping = MapHuggingFaceLicense(o.hf_id, o.license_name, o.license_link);
  if (!mapping.ok()) return Outcome::Usage(mapping.status().message());
  if (o.json) {
    std::fputs(PrettyJsonDump(ToJson(*mapping)).c_str(), stdout);
  } else {
    std::printf("%s\n", mapping->expression.c_str());
  }
  return OkStatus();
}

void AddPolicyOptions(CLI::App* app, Options* o, bool check) {
  o->expression_options.push_back(app->add_option("expression", o->expression, "SPDX license expression (quote it)"));
  if (check) {
    app->add_option("--sbom", o->sbom,
                    "Judge every component of this SBOM instead of an expression: a components file, SPDX 2.3 "
                    "or CycloneDX JSON, an in-toto statement of one, or a signed attestation of one (.dsse.json, "
                    ".intoto.jsonl, .sigstore.json; its signature is not checked without --key)");
    app->add_option("--key", o->keys,
                    "--sbom of an attestation: judge it only if this trusted public key (SPKI PEM) signed it "
                    "(repeatable; any one suffices)");
    app->add_flag("--batch", o->batch,
                  "Read one JSON string (an expression) per stdin line, write one verdict per line as JSON");
  }
  app->add_option("--policy", o->policy, "License policy JSON file (docs/licensing.md)")->required();
  app->add_option("--component", o->component, "Name of the component the license belongs to, for the report");
  app->add_flag("--json", o->json, "Print the verdict and the per-node reasoning as JSON");
}

}  // namespace

Action SetupLicense(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->require_subcommand(1);
  app->footer("SPDX license expressions and license policies; see docs/licensing.md.");

  CLI::App* parse = app->add_subcommand("parse", "Check an SPDX license expression and print it normalized");
  parse->footer(
      "Prints the expression with canonical-case ids, upper-case operators and minimal parentheses,\n"
      "or with --json its tree. Exits 1 with the column of the error if it is not valid.");
  o->expression_options.push_back(parse->add_option("expression", o->expression, "SPDX license expression (quote it)"));
  parse->add_flag("--batch", o->batch,
                  "Read one JSON string (an expression) per stdin line, write one --json result per line");
  parse->add_flag("--json", o->json, "Print {input, valid, normalized, tree} or {input, valid, error} as JSON");

  CLI::App* check = app->add_subcommand("check", "Check a license expression against a license policy");
  check->footer(
      "Exits 0 if the policy allows the expression, 3 if it denies it (the message says which rule).\n"
      "With --sbom FILE, prints one line per component and exits 3 if the policy denies any of them.\n"
      "A signed SBOM (a bundle's attestations/*.dsse.json) is read without checking its signature:\n"
      "the verdict is about what the file says. With --key, only an SBOM a trusted key signed is\n"
      "judged (exit 3 otherwise); to trust a whole bundle, run 'fnseal verify' with a trust policy.\n"
      "With --batch, reads JSON strings from stdin and writes one compact verdict per line; exits 0.");
  AddPolicyOptions(check, o.get(), /*check=*/true);

  CLI::App* explain = app->add_subcommand("explain", "Show a license policy's reasoning for every part of an expression");
  explain->footer("Prints one line per node of the expression: ALLOW or DENY and the rule that decided.\n"
                  "Exits 0 if the policy allows the expression, 3 if it denies it.");
  AddPolicyOptions(explain, o.get(), /*check=*/false);

  CLI::App* models = app->add_subcommand("models", "List fnseal's catalogue of model licenses not on the SPDX list");
  models->footer(
      "Prints one line per license: its LicenseRef-fnseal- id, category, name and address, or with --json\n"
      "also a summary of its use restrictions (docs/licensing.md#model-license-catalogue).");
  models->add_flag("--json", o->json, "Print {licenses: [{id, name, url, category, summary}]} as JSON");

  CLI::App* from_hf = app->add_subcommand("from-hf", "Convert a Hugging Face card's license id to an SPDX expression");
  from_hf->footer(
      "Prints the SPDX expression for the card's `license:` id (e.g. llama3.1, apache-2.0). For `other`,\n"
      "give the card's license_name (it becomes LicenseRef-<name>) and license_link. Exits 2 for an id\n"
      "that is not on the Hub's list, a family id such as gpl, or `other` without a name.");
  from_hf->add_option("id", o->hf_id, "The card's license id")->required();
  from_hf->add_option("--license-name", o->license_name, "The card's license_name (for license: other)");
  from_hf->add_option("--license-link", o->license_link, "The card's license_link (for license: other)");
  from_hf->add_flag("--json", o->json, "Print {huggingface, expression, source, [licenseName], [licenseLink]} as JSON");

  return [o, parse, check, models, from_hf]() -> Outcome {
    if (parse->parsed()) {
      if (o->batch == o->HasExpression()) return Outcome::Usage("give exactly one of an expression or --batch");
      return RunParse(*o);
    }
    if (models->parsed()) return RunModels(*o);
    if (from_hf->parsed()) return RunFromHf(*o);
    return RunCheck(*o, /*explain=*/!check->parsed());
  };
}

}  // namespace fnseal::cli
