// Cloud targets: plugins that turn one function (a handler executable plus files) into the
// deployable a cloud takes — an AWS Lambda zip, an Azure Functions custom-handler zip, or an OCI
// image layout. Each target is one .cc file implementing CloudTarget, listed once in the
// table in registry.cc; see docs/targets.md for each target's layout rules, limits and checks,
// and for how to add one.
//
// Targets are stateless singletons: every method is const and thread-safe. Deployables are
// deterministic: their bytes depend only on the spec's names, the files' contents and their
// executable bits — not on input order, mtimes, owners or the umask.
#ifndef FNSEAL_PLUGINS_CLOUDS_TARGET_H_
#define FNSEAL_PLUGINS_CLOUDS_TARGET_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "formats/tar/tar.h"

namespace fnseal {

// What to deploy. Paths inside the deployable are checked with ValidateArchivePath.
struct DeployableSpec {
  // Function names. aws_lambda takes exactly one; azure_functions one or more (one
  // function.json each, all served by the same handler).
  std::vector<std::string> functions;
  std::string handler;              // the handler executable on disk
  std::string handler_name;         // its path in the deployable; empty: the target's default
  std::vector<ArchiveInput> files;  // more files, placed as given (0755 if executable, else 0644)
  std::optional<uint32_t> memory_mb;
  std::optional<uint32_t> timeout_seconds;
  // Target-specific settings (e.g. azure_functions' "auth_level"); unknown keys are refused.
  std::map<std::string, std::string> options;
  // The source checkout the function was built from, as the provenance records it (a stamped
  // build): the repository URL (may be empty) and the commit; empty when not known. Targets
  // that label their output with it (oci_image) let the options "source"/"revision" override it.
  std::string source_url;
  std::string source_revision;
  // Whether Write fsyncs what it writes (core/file.h); the bytes are the same either way.
  WriteOptions write;
};

// A target's published limits. A zero maximum means "no limit" for sizes and "the target takes
// no such setting" for memory and timeout.
struct TargetLimits {
  uint64_t max_archive_size = 0;  // bytes of the written deployable (zipped)
  uint64_t max_content_size = 0;  // sum of the files' sizes before compression
  uint32_t min_memory_mb = 0;
  uint32_t max_memory_mb = 0;
  uint32_t max_timeout_seconds = 0;
};

// What Write produced.
struct WrittenDeployable {
  uint64_t archive_size = 0;
  uint64_t content_size = 0;
  std::vector<TarEntryInfo> entries;  // sorted, directories included; mode 0755 or 0644
  // Facts the checks found, for reports: e.g. {"machine": "x86_64", "max_glibc": "GLIBC_2.34"}.
  std::map<std::string, std::string> facts;
};

class CloudTarget {
 public:
  virtual ~CloudTarget() = default;

  virtual std::string_view name() const = 0;     // "aws_lambda"
  virtual std::string_view summary() const = 0;  // one line for listings
  // "zip", or "oci-layout": a directory, or a tar of it when the output path ends in ".tar".
  virtual std::string_view output_kind() const = 0;
  virtual TargetLimits limits() const = 0;

  // Checks `spec` against the target's rules: names, settings against limits(), options, and
  // the handler itself. InvalidArgument says what to change; NotFound for a missing handler.
  // Adds what it learned to `facts` when that is not null.
  virtual Status Check(const DeployableSpec& spec, std::map<std::string, std::string>* facts) const = 0;

  // The files of the deployable, generated ones (host.json...) included with their content.
  // Does not check the handler; call Check first.
  virtual Result<std::vector<ArchiveInput>> Layout(const DeployableSpec& spec) const = 0;

  // Checks, lays out and writes the deployable to `output_path` atomically. Refuses it with
  // ResourceExhausted, naming the limit and the actual size, when it exceeds `limits` (normally
  // limits(); tests pass small ones); nothing is left at `output_path` then.
  virtual Result<WrittenDeployable> Write(const DeployableSpec& spec, const TargetLimits& limits,
                                          const std::string& output_path) const = 0;
};

// Every registered target, in the order listings show them.
const std::vector<const CloudTarget*>& CloudTargets();

// The target called `name`, or nullptr.
const CloudTarget* FindCloudTarget(std::string_view name);

// The registered targets' names in listing order, joined by ", ", for error messages.
std::string CloudTargetNames();

// For zip targets' Write: plans `layout`, refuses it above limits.max_content_size, writes a
// deterministic zip (formats/zip/zip.h) to `output_path` atomically and refuses it above
// limits.max_archive_size, synced as `write` says. `target` names the target in messages.
Result<WrittenDeployable> WriteZipDeployable(const std::vector<ArchiveInput>& layout, const TargetLimits& limits,
                                             std::string_view target, const std::string& output_path,
                                             const WriteOptions& write = {});

// A zip target's whole Write: target.Check (its facts go into the result), target.Layout, then
// WriteZipDeployable under target.name(), synced as spec.write says.
Result<WrittenDeployable> CheckAndWriteZip(const CloudTarget& target, const DeployableSpec& spec,
                                           const TargetLimits& limits, const std::string& output_path);

// What a cloud's base provides to the handler at run time, beyond what the deployable ships.
struct HandlerBase {
  std::string target;       // "aws_lambda", for messages
  std::string description;  // "Lambda's provided.al2023 runtime"
  // Sonames of the shared libraries it provides ("libc.so.6"); empty: none at all (an image
  // from scratch), so only a statically linked handler runs.
  std::vector<std::string> libraries;
  std::string max_glibc;  // the newest GLIBC_ version its libc provides, "GLIBC_2.34"
};

// The target option naming the handler's shared-library closure: a closure file (JSON, see
// docs/targets.md) as serverless_function(linkage = "closure") resolves it in a Bazel action.
inline constexpr char kClosureOption[] = "closure";

// For targets' Layout: the files a deployable ships of the closure that spec.options["closure"]
// names (none without that option): every library `base` does not provide, at
// "<directory of handler_path>/lib/<name>" (the handler's DT_RPATH names $ORIGIN/lib) — and
// the loader, when `base` has no libraries at all, at the path the handler's PT_INTERP names.
// InvalidArgument for a malformed closure file, NotFound for a missing one.
Result<std::vector<ArchiveInput>> ClosureLayout(const DeployableSpec& spec, const std::string& handler_path,
                                                const HandlerBase& base);

// For targets' Check: reads the handler's ELF facts and refuses, with InvalidArgument naming
// every missing library or symbol version and the fix, a handler that needs more than `base`
// provides plus what `shipped` (ClosureLayout's files) brings: a shared library (DT_NEEDED)
// that neither has, a version that a shipped library does not define, a GLIBC_ version newer
// than the base's glibc, an interpreter that is neither the base's nor shipped, or shipped
// libraries the handler does not search for. Every shipped library is checked the same way
// as the handler. A statically linked handler needs nothing. Adds "machine", "linking" and, for
// a dynamic handler, "needed", "max_glibc" and "shipped" (the closure files) to `facts`.
Status CheckHandlerLinkage(const std::string& handler, const HandlerBase& base,
                           std::map<std::string, std::string>* facts,
                           const std::vector<ArchiveInput>& shipped = {});

// For targets' Check: NotFound / InvalidArgument unless `path` is a regular file.
Status CheckRegularFile(const std::string& path, std::string_view what);

}  // namespace fnseal

#endif  // FNSEAL_PLUGINS_CLOUDS_TARGET_H_
