// fnseal export: writes a signed bundle's attestation in another ecosystem's format. Today one:
// a Sigstore bundle v0.3 that Sigstore verifiers accept with the signer's public key.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/sigstore_bundle.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;
  std::string output;
  std::string key;
  std::string attestation = "provenance";
  bool sigstore = false;
  bool quiet = false;
};

Outcome RunExport(const Options& o) {
  if (!o.sigstore) return Outcome::Usage("choose an export format: --sigstore");
  if (o.attestation.empty() || o.attestation.find('/') != std::string::npos) {
    return Outcome::Usage("--attestation takes a name such as 'provenance', not a path");
  }
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys({o.key}));
  ASSIGN_OR_RETURN(BundleContents contents, ReadBundle(o.bundle, /*keep_contents=*/false).Annotate(o.bundle));
  const std::string path = std::string(kBundleAttestationsDir) + o.attestation + kSignedEnvelopeSuffix;
  auto found = contents.attestations.find(path);
  if (found == contents.attestations.end()) {
    const bool unsigned_only =
        contents.attestations.count(std::string(kBundleAttestationsDir) + o.attestation + kUnsignedStatementSuffix);
    return NotFoundError(o.bundle + ": no signed attestation '" + path + "'" +
                         (unsigned_only ? " (the bundle is not signed; run 'fnseal sign' first)" : ""));
  }
  ASSIGN_OR_RETURN(DsseEnvelope envelope, ParseDsseEnvelope(found->second).Annotate(o.bundle + ": " + path));
  ASSIGN_OR_RETURN(std::string json, ExportSigstoreBundle(envelope, keys.front()).Annotate(o.bundle + ": " + path));
  RETURN_IF_ERROR(WriteFileAtomic(o.output, json + "\n"));
  if (!o.quiet) {
    std::printf("wrote %s: Sigstore bundle v0.3 of %s, signature by key %s (hint %s)\n", o.output.c_str(), path.c_str(),
                keys.front().key_id().substr(0, 16).c_str(), keys.front().sigstore_hint().c_str());
  }
  return OkStatus();
}

}  // namespace

Action SetupExport(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Export a signed bundle's attestation as a Sigstore bundle v0.3 (--sigstore): the DSSE envelope\n"
      "with the one signature made by --key, the key named only by its hint and no transparency log\n"
      "entries. Verify it with the public key and log/timestamp thresholds of 0, e.g. @sigstore/verify.\n"
      "The signature is found by checking it against the key; the output is written atomically.");
  app->add_option("bundle", o->bundle, "Signed bundle (.fnb)")->required();
  app->add_flag("--sigstore", o->sigstore, "Write a Sigstore bundle v0.3 (JSON)");
  app->add_option("--key", o->key, "Public key (SPKI PEM) whose signature to export")->required();
  app->add_option("-o,--output", o->output, "Where to write the export")->required();
  app->add_option("--attestation", o->attestation, "Which attestation, by name")->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunExport(*o); };
}

}  // namespace fnseal::cli
