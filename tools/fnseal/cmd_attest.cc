// fnseal attest: SLSA provenance for any build, from a description of its outputs (subjects),
// inputs, parameters and source checkout, as an in-toto statement in a DSSE envelope: unsigned
// for `fnseal sign` to sign later, or signed at once with --key.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "provenance/signing/dsse.h"
#include "provenance/statement/statement.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"
#include "tools/fnseal/provenance_options.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string output;
  std::vector<std::string> subjects;  // PATH or NAME=PATH
  std::string build_type = kAttestedBuildType;
  std::vector<std::string> external;  // KEY=VALUE
  std::vector<std::string> internal;  // KEY=VALUE
  ProvenanceOptions provenance;
  PrivateKeySources keys;
  bool quiet = false;
  WriteOptions write;  // --no-sync
};

Status Describe(const Options& o, Statement* statement) {
  if (o.subjects.empty()) return InvalidArgumentError("give at least one --subject: the build's outputs");
  for (const std::string& spec : o.subjects) {
    const size_t eq = spec.find('=');
    Subject subject;
    std::string path = spec;
    if (eq != std::string::npos) {
      if (eq == 0 || eq + 1 == spec.size()) return InvalidArgumentError("--subject '" + spec + "' is not [NAME=]PATH");
      subject.name = spec.substr(0, eq);
      path = spec.substr(eq + 1);
    } else {
      const size_t slash = spec.rfind('/');
      subject.name = slash == std::string::npos ? spec : spec.substr(slash + 1);
    }
    ASSIGN_OR_RETURN(std::string sha256, Sha256FileHex(path).Annotate("subject"));
    subject.digest["sha256"] = sha256;
    statement->subjects.push_back(std::move(subject));
  }
  ProvenanceFacts facts;
  facts.build_type = o.build_type;
  ASSIGN_OR_RETURN(facts.external_parameters, KeyValueParameters(o.external, "--external"));
  ASSIGN_OR_RETURN(facts.internal_parameters, KeyValueParameters(o.internal, "--internal"));
  RETURN_IF_ERROR(FillProvenanceFacts(o.provenance, &facts));
  statement->predicate_type = kSlsaProvenanceV1;
  statement->predicate = BuildSlsaProvenance(facts);
  return OkStatus();
}

Outcome RunAttest(const Options& o) {
  Statement statement;
  Status described = Describe(o, &statement);
  if (described.code() == StatusCode::kInvalidArgument) return Outcome::Usage(described.message());
  RETURN_IF_ERROR(described);
  std::vector<PrivateKey> keys;
  if (!o.keys.files.empty() || !o.keys.env_vars.empty()) {
    ASSIGN_OR_RETURN(keys, LoadPrivateKeys(o.keys));
  }
  DsseEnvelope envelope{kInTotoPayloadType, SerializeStatement(statement), {}};
  for (const PrivateKey& key : keys) RETURN_IF_ERROR(AddDsseSignature(&envelope, key));
  RETURN_IF_ERROR(WriteFileAtomic(o.output, SerializeDsseEnvelope(envelope) + "\n", 0644, o.write));
  if (!o.quiet) {
    std::printf("wrote %s: SLSA provenance for %zu subject%s, %s\n", o.output.c_str(), statement.subjects.size(),
                statement.subjects.size() == 1 ? "" : "s",
                keys.empty() ? "unsigned (sign it with 'fnseal sign')"
                             : ("signed with " + std::to_string(keys.size()) + " key(s)").c_str());
  }
  return OkStatus();
}

}  // namespace

Action SetupAttest(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Write SLSA Provenance v1 for a build: an in-toto Statement v1 whose subjects are the\n"
      "--subject files (named by base name or NAME=PATH, with their sha256), with the build type,\n"
      "parameters, every --input with its sha256, the --source checkout (commit, remote, tree\n"
      "state) and the fnseal binary as a builder dependency. Timestamps are left out unless asked\n"
      "for, so the same build gives the same bytes. Written as one DSSE envelope line\n"
      "(.intoto.jsonl): unsigned, for 'fnseal sign OUT' to sign, or signed with --key. See\n"
      "docs/build-type.md.");
  app->add_option("-o,--output", o->output, "Where to write the envelope (.intoto.jsonl)")->required();
  app->add_option("--subject", o->subjects, "[NAME=]PATH: an output of the build (repeatable)");
  app->add_option("--build-type", o->build_type, "SLSA buildType URI")->capture_default_str();
  app->add_option("--external", o->external, "KEY=VALUE: an externalParameters entry (repeatable)");
  app->add_option("--internal", o->internal, "KEY=VALUE: an internalParameters entry (repeatable)");
  AddProvenanceOptions(app, &o->provenance);
  app->add_option("--key", o->keys.files, "Sign with this private key PEM file (repeatable)");
  app->add_option("--key-env", o->keys.env_vars, "Sign with the private key PEM in this variable (repeatable)");
  app->add_option("--passphrase-env", o->keys.passphrase_env, "Environment variable holding the key passphrase");
  app->add_option("--passphrase-file", o->keys.passphrase_file, "File holding the key passphrase");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  AddNoSyncFlag(app, &o->write);
  return [o] { return RunAttest(*o); };
}

}  // namespace fnseal::cli
