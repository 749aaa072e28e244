// fnseal sign: signs a bundle's attestations with one or more private keys.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;
  std::string output;
  PrivateKeySources keys;
  bool quiet = false;
};

Outcome RunSign(const Options& o) {
  ASSIGN_OR_RETURN(std::vector<PrivateKey> keys, LoadPrivateKeys(o.keys));
  const std::string output = o.output.empty() ? o.bundle : o.output;
  RETURN_IF_ERROR(SignBundle(o.bundle, keys, output));
  if (!o.quiet) {
    std::printf("signed %s with %zu key%s:", output.c_str(), keys.size(), keys.size() == 1 ? "" : "s");
    for (const PrivateKey& key : keys) std::printf(" %s", key.public_key().key_id().substr(0, 16).c_str());
    std::printf("\n");
  }
  return OkStatus();
}

}  // namespace

Action SetupSign(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Sign every attestation of a bundle: unsigned statements become DSSE envelopes, existing\n"
      "envelopes gain a signature. Keys are PKCS#8 PEM (Ed25519 or ECDSA P-256), possibly\n"
      "encrypted; the passphrase comes from an environment variable or a file, never an argument.");
  app->add_option("bundle", o->bundle, "Bundle to sign (.fnb)")->required()->check(CLI::ExistingFile);
  app->add_option("-o,--output", o->output, "Where to write the signed bundle (default: in place)");
  app->add_option("--key", o->keys.files, "Private key PEM file (repeatable)");
  app->add_option("--key-env", o->keys.env_vars, "Environment variable holding a private key PEM (repeatable)");
  app->add_option("--passphrase-env", o->keys.passphrase_env, "Environment variable holding the key passphrase");
  app->add_option("--passphrase-file", o->keys.passphrase_file, "File holding the key passphrase");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunSign(*o); };
}

}  // namespace fnseal::cli
