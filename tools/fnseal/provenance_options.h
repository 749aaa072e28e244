// Options shared by the commands that write SLSA provenance (bundle, attest): inputs given as
// NAME=PATH, parameters given as KEY=VALUE, the source checkout, and the fnseal binary as a
// builder dependency.
#ifndef FNSEAL_TOOLS_FNSEAL_PROVENANCE_OPTIONS_H_
#define FNSEAL_TOOLS_FNSEAL_PROVENANCE_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "provenance/statement/statement.h"

namespace fnseal::cli {

struct ProvenanceOptions {
  std::string builder_id = "https://fnseal.dev/builders/bazel/v1";
  std::vector<std::string> inputs;      // NAME=PATH
  std::vector<std::string> byproducts;  // NAME=PATH
  std::vector<std::string> toolchains;  // NAME=PATH of the tool's executable
  std::string source;                   // a directory in the git checkout, or empty
  std::string workspace_status;         // Bazel's stable-status.txt, or empty; excludes `source`
  bool require_clean_source = false;
  // metadata: explicit values win over the times taken from $SOURCE_DATE_EPOCH or the commit.
  std::string invocation_id;  // empty: BUILD_EMBED_LABEL of --workspace-status, if any
  std::string started_on;     // RFC 3339 UTC
  std::string finished_on;
  bool times_from_source_date_epoch = false;
  bool times_from_commit = false;  // the source commit's time (--source or --workspace-status)
  // `fnseal digest --json` output with the digests of the fnseal binary and of --toolchain
  // executables, computed once for many commands (the Bazel rules do); empty: hash them here.
  std::string tool_digests;
};

// The most a --tool-digests file may hold.
inline constexpr size_t kMaxToolDigestsSize = 64 * 1024;
inline constexpr size_t kMaxToolDigests = 64;

// Adds --builder-id, --input, --byproduct, --toolchain, --source, --workspace-status,
// --require-clean-source, --invocation-id, --started-on, --finished-on,
// --times-from-source-date-epoch, --times-from-commit and --tool-digests to `app`.
void AddProvenanceOptions(CLI::App* app, ProvenanceOptions* options);

// Fills the builder id and version, the fnseal binary as a builder dependency, every --input
// and --byproduct with its sha256 (read as a stream), every --toolchain as a resolved dependency
// "toolchain:NAME" with its executable's sha256 and path, the metadata (invocationId, startedOn,
// finishedOn; see docs/build-type.md), and the source checkout from --source or
// --workspace-status (see docs/build-type.md). The fnseal binary's digest comes from the
// --tool-digests entry for the same file (device and inode) when there is one, a toolchain's
// from the entry with its exact path; everything else is hashed. InvalidArgument for an input
// that is not NAME=PATH, a malformed status file or a malformed --tool-digests file; FailedPrecondition for a dirty
// checkout with
// --require-clean-source or a status file without the fnseal keys; NotFound for a missing
// input or checkout.
Status FillProvenanceFacts(const ProvenanceOptions& options, ProvenanceFacts* facts);

// "KEY=VALUE" pairs into a JSON object of strings, for parameters given on the command line.
// InvalidArgument, naming `flag`, for a pair without '=' or a key, or a key given twice.
Result<Json> KeyValueParameters(const std::vector<std::string>& pairs, const char* flag);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_PROVENANCE_OPTIONS_H_
