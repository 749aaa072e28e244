// fnseal export: writes a signed attestation - from a bundle or an envelope file - in another
// ecosystem's format. Today one: a Sigstore bundle v0.3 that Sigstore verifiers accept with the
// signer's public key.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/sigstore_bundle.h"
#include "provenance/verification/attestation_verifier.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;
  std::string output;
  std::string key;
  std::string attestation = "provenance";
  int envelope = 0;  // 1-based, in an envelope file; 0: the only one
  bool sigstore = false;
  bool quiet = false;
};

// The named attestation of a signed bundle.
Result<DsseEnvelope> BundleEnvelope(const Options& o) {
  ASSIGN_OR_RETURN(BundleContents contents, ReadBundle(o.bundle, /*keep_contents=*/false).Annotate(o.bundle));
  const std::string path = std::string(kBundleAttestationsDir) + o.attestation + kSignedEnvelopeSuffix;
  auto found = contents.attestations.find(path);
  if (found == contents.attestations.end()) {
    const bool unsigned_only =
        contents.attestations.count(std::string(kBundleAttestationsDir) + o.attestation + kUnsignedStatementSuffix);
    return NotFoundError(o.bundle + ": no signed attestation '" + path + "'" +
                         (unsigned_only ? " (the bundle is not signed; run 'fnseal sign' first)" : ""));
  }
  return ParseDsseEnvelope(found->second).Annotate(o.bundle + ": " + path);
}

// The envelope of a DSSE envelope file, or the --envelope'th line of a JSON Lines file.
Result<DsseEnvelope> FileEnvelope(const Options& o) {
  ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(o.bundle));
  const size_t count = file.envelopes.size();
  if (o.envelope == 0 && count > 1) {
    return InvalidArgumentError(o.bundle + " holds " + std::to_string(count) + " envelopes; choose one with --envelope N");
  }
  const size_t index = o.envelope == 0 ? 0 : static_cast<size_t>(o.envelope - 1);
  if (index >= count) {
    return InvalidArgumentError(o.bundle + " holds " + std::to_string(count) + " envelope" + (count == 1 ? "" : "s") +
                                ", not " + std::to_string(o.envelope));
  }
  return std::move(file.envelopes[index]);
}


Outcome RunExport(const Options& o) {
  if (!o.sigstore) return Outcome::Usage("choose an export format: --sigstore");
  if (o.attestation.empty() || o.attestation.find('/') != std::string::npos) {
    return Outcome::Usage("--attestation takes a name such as 'provenance', not a path");
  }
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys({o.key}));
  ASSIGN_OR_RETURN(bool is_bundle, LooksLikeBundle(o.bundle));
  ASSIGN_OR_RETURN(DsseEnvelope envelope, is_bundle ? BundleEnvelope(o) : FileEnvelope(o));
  ASSIGN_OR_RETURN(std::string json, ExportSigstoreBundle(envelope, keys.front()).Annotate(o.bundle));
  RETURN_IF_ERROR(WriteFileAtomic(o.output, json + "\n"));
  if (!o.quiet) {
    std::printf("wrote %s: Sigstore bundle v0.3 of %s, signature by key %s (hint %s)\n", o.output.c_str(),
                o.bundle.c_str(), keys.front().key_id().substr(0, 16).c_str(), keys.front().sigstore_hint().c_str());
  }
  return OkStatus();
}

}  // namespace

Action SetupExport(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Export a signed attestation - of a bundle, or from a DSSE envelope or .intoto.jsonl file - as a\n"
      "Sigstore bundle v0.3 (--sigstore): the DSSE envelope with the one signature made by --key,\n"
      "the key named only by its hint and no transparency log\n"
      "entries. Verify it with the public key and log/timestamp thresholds of 0, e.g. @sigstore/verify.\n"
      "The signature is found by checking it against the key; the output is written atomically.");
  app->add_option("input", o->bundle, "Signed bundle (.fnb) or envelope file")->required();
  app->add_flag("--sigstore", o->sigstore, "Write a Sigstore bundle v0.3 (JSON)");
  app->add_option("--key", o->key, "Public key (SPKI PEM) whose signature to export")->required();
  app->add_option("-o,--output", o->output, "Where to write the export")->required();
  app->add_option("--attestation", o->attestation, "Which attestation of a bundle, by name")->capture_default_str();
  app->add_option("--envelope", o->envelope, "Which envelope of a JSON Lines file (1-based)")
      ->check(CLI::PositiveNumber);
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunExport(*o); };
}

}  // namespace fnseal::cli
