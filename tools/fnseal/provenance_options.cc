#include "tools/fnseal/provenance_options.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "provenance/source/source_facts.h"
#include "provenance/verification/trust_policy.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

// The checkout: a resolved dependency named "source" with its gitCommit (and the remote as
// git+URL@refs/heads/BRANCH when there is one), and the tree state in internalParameters.
void RecordSource(const SourceFacts& source, ProvenanceFacts* facts) {
  ResourceDescriptor dependency;
  dependency.name = "source";
  dependency.git_commit = source.commit;
  if (!source.remote_url.empty()) {
    dependency.uri = "git+" + source.remote_url;
    if (!source.branch.empty()) dependency.uri += "@refs/heads/" + source.branch;
  }
  facts->resolved_dependencies.push_back(std::move(dependency));
  Json state = {{"treeState", source.dirty ? "dirty" : "clean"}};
  if (source.dirty && source.dirty_path_count > 0) {
    state["dirtyPaths"] = source.dirty_paths;
    state["dirtyPathCount"] = source.dirty_path_count;
  }
  if (!source.tags.empty()) state["tags"] = source.tags;
  facts->internal_parameters["source"] = std::move(state);
}

// The --tool-digests file as path -> sha256: a JSON array of {"path", "sha256"} objects, as
// `fnseal digest --json` writes it. InvalidArgument for anything else.
Result<std::map<std::string, std::string>> ReadToolDigests(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxToolDigestsSize).Annotate("--tool-digests"));
  const std::string what = "--tool-digests '" + path + "'";
  ASSIGN_OR_RETURN(Json list, ParseJsonStrict(text, what));
  if (!list.is_array()) return InvalidArgumentError(what + " is not a JSON array of {path, sha256}");
  if (list.size() > kMaxToolDigests) {
    return InvalidArgumentError(what + " has more than " + std::to_string(kMaxToolDigests) + " entries");
  }
  std::map<std::string, std::string> digests;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& entry = list[i];
    const std::string at = what + " entry " + std::to_string(i);
    if (!entry.is_object() || entry.size() != 2 || !entry.contains("path") || !entry.contains("sha256") ||
        !entry["path"].is_string() || !entry["sha256"].is_string()) {
      return InvalidArgumentError(at + " is not {\"path\": ..., \"sha256\": ...}");
    }
    const std::string& file = entry["path"].get_ref<const std::string&>();
    const std::string& sha256 = entry["sha256"].get_ref<const std::string&>();
    if (file.empty()) return InvalidArgumentError(at + " has an empty path");
    if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgumentError(at + " has a sha256 that is not 64 lowercase hex digits");
    }
    if (!digests.emplace(file, sha256).second) return InvalidArgumentError(at + " names '" + file + "' again");
  }
  return digests;
}

// Whether `a` and `b` name the same file (device and inode).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// NAME=PATH -> a descriptor named NAME with PATH's sha256: from `known` (path -> sha256) when it
// has PATH, else streamed from the file. `flag` names the option.
Result<ResourceDescriptor> HashedDescriptor(std::string_view flag, const std::string& spec,
                                            const std::map<std::string, std::string>& known = {}) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError(std::string(flag) + " '" + spec + "' is not NAME=PATH");
  }
  ResourceDescriptor descriptor;
  descriptor.name = spec.substr(0, eq);
  const std::string path = spec.substr(eq + 1);
  if (auto digest = known.find(path); digest != known.end()) {
    descriptor.sha256 = digest->second;
  } else {
    ASSIGN_OR_RETURN(descriptor.sha256, Sha256FileHex(path).Annotate(std::string(flag).substr(2)));
  }
  return descriptor;
}

Result<SourceFacts> ReadSource(const ProvenanceOptions& o) {
  if (!o.workspace_status.empty()) {
    ASSIGN_OR_RETURN(std::string text,
                     ReadFile(o.workspace_status, kMaxWorkspaceStatusSize + 1).Annotate("--workspace-status"));
    ASSIGN_OR_RETURN(SourceFacts source,
                     ParseWorkspaceStatus(text).Annotate("--workspace-status " + o.workspace_status));
    if (source.dirty && o.require_clean_source) {
      return FailedPreconditionError("--require-clean-source: the workspace status says the checkout at commit " +
                                     source.commit + " is dirty");
    }
    return source;
  }
  ASSIGN_OR_RETURN(SourceFacts source, ReadSourceFacts(o.source).Annotate("--source"));
  if (source.dirty && o.require_clean_source) {
    return FailedPreconditionError("--require-clean-source: the checkout at '" + source.root + "' has " +
                                   std::to_string(source.dirty_path_count) + " changed path(s), e.g. '" +
                                   source.dirty_paths.front() + "'");
  }
  return source;
}

Result<std::string> Timestamp(const std::string& text, const char* flag) {
  Result<int64_t> parsed = ParseRfc3339Utc(text);
  if (!parsed.ok()) return InvalidArgumentError(std::string(flag) + ": " + parsed.status().message());
  return text;
}

// metadata: startedOn and finishedOn from $SOURCE_DATE_EPOCH or the commit, then the explicit
// values; invocationId as given, else a stamped build's --embed_label.
Status FillMetadata(const ProvenanceOptions& o, const SourceFacts* source, ProvenanceFacts* facts) {
  if (o.times_from_source_date_epoch && o.times_from_commit) {
    return InvalidArgumentError("--times-from-source-date-epoch and --times-from-commit exclude each other");
  }
  if (o.times_from_source_date_epoch) {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    char* end = nullptr;
    const long long seconds = epoch != nullptr ? std::strtoll(epoch, &end, 10) : -1;
    if (epoch == nullptr || *epoch == '\0' || *end != '\0' || seconds < 0) {
      return InvalidArgumentError("--times-from-source-date-epoch needs SOURCE_DATE_EPOCH set to seconds since 1970");
    }
    facts->started_on = facts->finished_on = Rfc3339Utc(seconds);
  }
  if (o.times_from_commit) {
    if (source == nullptr) return InvalidArgumentError("--times-from-commit needs --source or --workspace-status");
    if (source->commit_time <= 0) {
      return FailedPreconditionError(
          "--times-from-commit: the source has no commit time (STABLE_FNSEAL_GIT_COMMIT_TIME)");
    }
    facts->started_on = facts->finished_on = Rfc3339Utc(source->commit_time);
  }
  if (!o.started_on.empty()) {
    ASSIGN_OR_RETURN(facts->started_on, Timestamp(o.started_on, "--started-on"));
  }
  if (!o.finished_on.empty()) {
    ASSIGN_OR_RETURN(facts->finished_on, Timestamp(o.finished_on, "--finished-on"));
  }
  facts->invocation_id = o.invocation_id;
  if (facts->invocation_id.empty() && source != nullptr) facts->invocation_id = source->embed_label;
  return OkStatus();
}

}  // namespace

Result<Json> KeyValueParameters(const std::vector<std::string>& pairs, const char* flag) {
  Json out = Json::object();
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError(std::string(flag) + " '" + pair + "' is not KEY=VALUE");
    }
    const std::string key = pair.substr(0, eq);
    if (out.contains(key)) return InvalidArgumentError(std::string(flag) + " gives '" + key + "' twice");
    out[key] = pair.substr(eq + 1);
  }
  return out;
}

void AddProvenanceOptions(CLI::App* app, ProvenanceOptions* options) {
  app->add_option("--builder-id", options->builder_id, "SLSA builder id")->capture_default_str();
  app->add_option("--input", options->inputs, "NAME=PATH: an input to record with its sha256 (repeatable)");
  app->add_option("--byproduct", options->byproducts,
                  "NAME=PATH: a byproduct of the build (a log, a generated list) to record in "
                  "runDetails.byproducts with its sha256 (repeatable)");
  app->add_option("--toolchain", options->toolchains,
                  "NAME=PATH: a toolchain the build used (e.g. cc=/usr/bin/gcc), recorded as the resolved "
                  "dependency toolchain:NAME with the sha256 of the executable at PATH (repeatable)");
  app->add_option("--source", options->source,
                  "A directory of the git checkout built from: records its commit, remote, branch and "
                  "tree state (clean or dirty, with the paths)");
  auto* status = app->add_option("--workspace-status", options->workspace_status,
                                 "Bazel's stable-status.txt from a stamped build (tools/workspace_status): "
                                 "records the source from its STABLE_FNSEAL_GIT_* keys instead of --source")
                     ->check(CLI::ExistingFile);
  status->excludes(app->get_option("--source"));
  app->add_option("--invocation-id", options->invocation_id,
                  "metadata.invocationId (e.g. the CI run's URL); default: a stamped build's --embed_label");
  app->add_option("--started-on", options->started_on, "metadata.startedOn, RFC 3339 UTC");
  app->add_option("--finished-on", options->finished_on, "metadata.finishedOn, RFC 3339 UTC");
  app->add_flag("--times-from-source-date-epoch", options->times_from_source_date_epoch,
                "Set startedOn and finishedOn from $SOURCE_DATE_EPOCH (reproducible builds)");
  app->add_flag("--times-from-commit", options->times_from_commit,
                "Set startedOn and finishedOn from the source commit's time (--source or --workspace-status): "
                "reproducible, as SOURCE_DATE_EPOCH is");
  app->add_option("--tool-digests", options->tool_digests,
                  "`fnseal digest --json` output giving the sha256 of this fnseal binary (matched by file) and of "
                  "--toolchain executables (matched by path), so they are not hashed again; the Bazel rules compute "
                  "it once per build");
  app->add_flag("--require-clean-source", options->require_clean_source,
                "Fail when the source checkout (--source or --workspace-status) has uncommitted or untracked "
                "changes");
}

Status FillProvenanceFacts(const ProvenanceOptions& options, ProvenanceFacts* facts) {
  facts->builder_id = options.builder_id;
  facts->builder_version = {{"fnseal", kVersion}};
  std::map<std::string, std::string> known;
  if (!options.tool_digests.empty()) {
    ASSIGN_OR_RETURN(known, ReadToolDigests(options.tool_digests));
  }
  // The running fnseal binary: the tool that wrote the provenance is a builder dependency.
  ResourceDescriptor self;
  self.name = "fnseal";
  for (const auto& [file, sha256] : known) {
    if (SameFile(file, "/proc/self/exe")) self.sha256 = sha256;
  }
  if (self.sha256.empty()) {
    ASSIGN_OR_RETURN(self.sha256, Sha256FileHex("/proc/self/exe").Annotate("cannot hash the fnseal binary"));
  }
  facts->builder_dependencies.push_back(std::move(self));
  for (const std::string& spec : options.inputs) {
    ASSIGN_OR_RETURN(ResourceDescriptor dependency, HashedDescriptor("--input", spec));
    facts->resolved_dependencies.push_back(std::move(dependency));
  }
  for (const std::string& spec : options.toolchains) {
    ASSIGN_OR_RETURN(ResourceDescriptor toolchain, HashedDescriptor("--toolchain", spec, known));
    toolchain.annotations["path"] = spec.substr(spec.find('=') + 1);
    toolchain.name = "toolchain:" + toolchain.name;
    facts->resolved_dependencies.push_back(std::move(toolchain));
  }
  for (const std::string& spec : options.byproducts) {
    ASSIGN_OR_RETURN(ResourceDescriptor byproduct, HashedDescriptor("--byproduct", spec));
    facts->byproducts.push_back(std::move(byproduct));
  }
  if (options.require_clean_source && options.source.empty() && options.workspace_status.empty()) {
    return InvalidArgumentError("--require-clean-source needs --source or --workspace-status");
  }
  if (!options.source.empty() || !options.workspace_status.empty()) {
    ASSIGN_OR_RETURN(SourceFacts source, ReadSource(options));
    RecordSource(source, facts);
    return FillMetadata(options, &source, facts);
  }
  return FillMetadata(options, nullptr, facts);
}

}  // namespace fnseal::cli
