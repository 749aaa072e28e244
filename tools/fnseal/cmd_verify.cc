// fnseal verify: checks a signed bundle against trusted public keys.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "provenance/verification/bundle_verifier.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;
  std::vector<std::string> keys;
  int threshold = 1;
  bool json = false;
};

Outcome RunVerify(const Options& o) {
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys(o.keys));
  if (o.threshold < 1) return Outcome::Usage("--threshold must be at least 1");
  Result<BundleVerification> result = VerifyBundle(o.bundle, keys, o.threshold);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kNotFound) return result.status();
    if (o.json) {
      std::fputs(PrettyJsonDump({{"bundle", o.bundle}, {"verified", false}, {"error", result.status().message()}})
                     .c_str(),
                 stdout);
    }
    return Outcome::VerificationFailed(result.status().Annotate("verification failed"));
  }
  const BundleVerification& v = *result;
  if (o.json) {
    Json files = Json::array();
    for (const BundleFile& f : v.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
    std::fputs(PrettyJsonDump({{"bundle", o.bundle},
                               {"verified", true},
                               {"function", v.function_name},
                               {"entrypoint", v.entrypoint},
                               {"files", files},
                               {"attestations", v.attestations},
                               {"predicateTypes", v.predicate_types},
                               {"keyIds", v.key_ids}})
                   .c_str(),
               stdout);
    return OkStatus();
  }
  std::printf("verified %s\n", o.bundle.c_str());
  std::printf("  function    %s (entrypoint %s)\n", v.function_name.c_str(), v.entrypoint.c_str());
  std::printf("  files       %zu, each matching its signed sha256\n", v.files.size());
  for (const BundleFile& f : v.files) std::printf("              %s  %s\n", f.sha256.substr(0, 16).c_str(), f.path.c_str());
  std::printf("  signed by   %zu trusted key%s:", v.key_ids.size(), v.key_ids.size() == 1 ? "" : "s");
  for (const std::string& id : v.key_ids) std::printf(" %s", id.substr(0, 16).c_str());
  std::printf("\n");
  return OkStatus();
}

}  // namespace

Action SetupVerify(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Verify a signed bundle: each attestation's DSSE signatures against the trusted keys (the\n"
      "bundle never chooses the key), its statement, and that every file in the bundle is a signed\n"
      "subject with a matching sha256 - no file extra, none missing. Exits 3 when verification fails.");
  app->add_option("bundle", o->bundle, "Bundle to verify (.fnb)")->required();
  app->add_option("--key", o->keys, "Trusted public key, SPKI PEM (repeatable)")->required();
  app->add_option("--threshold", o->threshold, "Distinct trusted keys that must have signed")->capture_default_str();
  app->add_flag("--json", o->json, "Print a JSON report");
  return [o] { return RunVerify(*o); };
}

}  // namespace fnseal::cli
