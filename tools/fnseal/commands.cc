#include "tools/fnseal/command.h"

#include "core/file.h"

namespace fnseal::cli {

Action SetupVersion(CLI::App* app);
Action SetupDigest(CLI::App* app);
Action SetupPack(CLI::App* app);
Action SetupBundle(CLI::App* app);
Action SetupSign(CLI::App* app);
Action SetupVerify(CLI::App* app);
Action SetupInspect(CLI::App* app);
Action SetupKeygen(CLI::App* app);
Action SetupExport(CLI::App* app);
Action SetupUnpack(CLI::App* app);
Action SetupDiff(CLI::App* app);
Action SetupSourceStatus(CLI::App* app);
Action SetupAttest(CLI::App* app);
Action SetupTargets(CLI::App* app);
Action SetupLicense(CLI::App* app);
Action SetupSbom(CLI::App* app);
Action SetupSimulate(CLI::App* app);
Action SetupAudit(CLI::App* app);

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"pack", "Pack files into a deterministic tar, tar.zst or zip archive, or a cloud deployable", SetupPack},
      {"targets", "List the cloud targets 'pack --target' knows, with their limits", SetupTargets},
      {"bundle", "Build an unsigned function bundle (.fnb) from a function artifact", SetupBundle},
      {"attest", "Write SLSA provenance for any build's outputs, unsigned or signed", SetupAttest},
      {"sign", "Sign a bundle, envelope file or any file (DSSE, Ed25519 or ECDSA P-256)", SetupSign},
      {"verify", "Verify a bundle or attestation file against trusted keys or a trust policy", SetupVerify},
      {"keygen", "Make a signing key pair (Ed25519 or ECDSA P-256), encrypted at rest", SetupKeygen},
      {"export", "Export a signed attestation as a Sigstore bundle v0.3", SetupExport},
      {"simulate", "Start each deployable of a bundle as its cloud would, locally; measure cold starts", SetupSimulate},
      {"audit", "Ingest verified bundles into an evidence store and answer audit questions across them",
       SetupAudit},
      {"inspect", "List the entries of a bundle or archive, with modes, sizes and digests", SetupInspect},
      {"unpack", "Extract a bundle or archive safely into a new directory", SetupUnpack},
      {"diff", "Show which entries of two archives differ, and how", SetupDiff},
      {"source-status", "Show the git source facts of the checkout (commit, dirty paths, remote)", SetupSourceStatus},
      {"license", "SPDX license expressions and policies, model licenses, Hugging Face license ids", SetupLicense},
      {"sbom", "Write an SBOM (SPDX 2.3, SPDX 3.0.1, CycloneDX 1.6) from a components file", SetupSbom},
      {"digest", "Print the sha256 of files (sha256sum format)", SetupDigest},
      {"version", "Print fnseal's version", SetupVersion},
  };
  return kCommands;
}

void AddNoSyncFlag(CLI::App* app, WriteOptions* write) {
  app->add_flag_callback(
      "--no-sync", [write] { write->sync = false; },
      "Do not fsync the outputs (still written whole, by rename): for build systems that own their "
      "outputs' durability, as Bazel does, which fsyncs none");
}

}  // namespace fnseal::cli
