// fnseal sign: signs a bundle's attestations, adds signatures to DSSE envelopes, or signs any
// file through an in-toto statement that names its sha256.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "provenance/signing/dsse.h"
#include "provenance/statement/statement.h"
#include "provenance/verification/attestation_verifier.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string input;
  std::string output;
  std::string as = "auto";
  PrivateKeySources keys;
  bool quiet = false;
};

// What `input` is when --as is auto: a bundle (LooksLikeBundle), envelopes by their extension,
// anything else a file to sign.
Result<std::string> Classify(const std::string& input) {
  ASSIGN_OR_RETURN(bool bundle, LooksLikeBundle(input));
  if (bundle) return std::string("bundle");
  if (EndsWith(input, ".intoto.jsonl") || EndsWith(input, ".dsse.json")) return std::string("envelope");
  return std::string("file");
}

Status SignEnvelopes(const std::string& input, const std::vector<PrivateKey>& keys, const std::string& output,
                     size_t* count) {
  ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(input));
  if (file.format == AttestationFormat::kSigstoreBundle) {
    return InvalidArgumentError("'" + input +
                                "' is a Sigstore bundle, which holds exactly one signature; sign the DSSE envelope "
                                "and export it again");
  }
  std::string bytes;
  for (size_t i = 0; i < file.envelopes.size(); ++i) {
    for (const PrivateKey& key : keys) {
      RETURN_IF_ERROR(AddDsseSignature(&file.envelopes[i], key).Annotate("envelope #" + std::to_string(i + 1)));
    }
    bytes += SerializeDsseEnvelope(file.envelopes[i]) + "\n";
  }
  *count = file.envelopes.size();
  return WriteFileAtomic(output, bytes);
}

// A statement naming the file by its base name and sha256, signed by every key, as JSON Lines.
Status SignFile(const std::string& input, const std::vector<PrivateKey>& keys, const std::string& output) {
  if (PathExists(output)) {
    return AlreadyExistsError("'" + output + "' already exists; to add a signature to it, run: fnseal sign " + output);
  }
  ASSIGN_OR_RETURN(std::string sha256, Sha256FileHex(input));
  const size_t slash = input.rfind('/');
  Statement statement;
  statement.subjects.push_back({slash == std::string::npos ? input : input.substr(slash + 1), {{"sha256", sha256}}});
  statement.predicate_type = kSignedFilePredicateType;
  DsseEnvelope envelope{kInTotoPayloadType, SerializeStatement(statement), {}};
  for (const PrivateKey& key : keys) RETURN_IF_ERROR(AddDsseSignature(&envelope, key));
  return WriteFileAtomic(output, SerializeDsseEnvelope(envelope) + "\n");
}

Outcome RunSign(const Options& o) {
  std::string as = o.as;
  if (as == "auto") {
    ASSIGN_OR_RETURN(as, Classify(o.input));
  }
  ASSIGN_OR_RETURN(std::vector<PrivateKey> keys, LoadPrivateKeys(o.keys));
  std::string output = o.output;
  std::string what;
  if (as == "bundle") {
    if (output.empty()) output = o.input;
    RETURN_IF_ERROR(SignBundle(o.input, keys, output));
    what = "the attestations of bundle";
  } else if (as == "envelope") {
    if (output.empty()) output = o.input;
    size_t count = 0;
    RETURN_IF_ERROR(SignEnvelopes(o.input, keys, output, &count));
    what = std::to_string(count) + (count == 1 ? " envelope in" : " envelopes in");
  } else {
    if (output.empty()) output = o.input + ".intoto.jsonl";
    RETURN_IF_ERROR(SignFile(o.input, keys, output));
    what = "a statement over '" + o.input + "' in";
  }
  if (!o.quiet) {
    std::printf("signed %s %s with %zu key%s:", what.c_str(), output.c_str(), keys.size(), keys.size() == 1 ? "" : "s");
    for (const PrivateKey& key : keys) std::printf(" %s", key.public_key().key_id().substr(0, 16).c_str());
    std::printf("\n");
  }
  return OkStatus();
}

}  // namespace

Action SetupSign(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Sign with one or more private keys (PKCS#8 PEM, Ed25519 or ECDSA P-256, possibly encrypted):\n"
      "  a bundle (.fnb)         every attestation: statements become DSSE envelopes, envelopes gain\n"
      "                          a signature; written in place unless -o is given;\n"
      "  envelopes               a DSSE envelope (.dsse.json) or JSON Lines of them (.intoto.jsonl):\n"
      "                          each gains a signature, in place unless -o is given;\n"
      "  any other file          an in-toto statement naming the file's sha256 (predicate type\n"
      "                          https://fnseal.dev/attestations/signed-file/v1) is signed and written\n"
      "                          to FILE.intoto.jsonl; verify with: fnseal verify FILE.intoto.jsonl\n"
      "                          --artifact FILE. The file is read as a stream, never held in memory.\n"
      "--as overrides what the input is taken for. The passphrase of an encrypted key comes from an\n"
      "environment variable, a file, or the terminal (not echoed), never an argument.");
  app->add_option("input", o->input, "Bundle, envelope file, or any file to sign")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("-o,--output", o->output, "Where to write the result (see above for the default)");
  app->add_option("--as", o->as, "What the input is")
      ->check(CLI::IsMember({"auto", "bundle", "envelope", "file"}))
      ->capture_default_str();
  app->add_option("--key", o->keys.files, "Private key PEM file (repeatable)");
  app->add_option("--key-env", o->keys.env_vars, "Environment variable holding a private key PEM (repeatable)");
  app->add_option("--passphrase-env", o->keys.passphrase_env, "Environment variable holding the key passphrase");
  app->add_option("--passphrase-file", o->keys.passphrase_file, "File holding the key passphrase");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunSign(*o); };
}

}  // namespace fnseal::cli
