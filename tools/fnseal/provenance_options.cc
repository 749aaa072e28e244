#include "tools/fnseal/provenance_options.h"

#include "core/file.h"
#include "core/sha256.h"
#include "provenance/source/source_facts.h"
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

// NAME=PATH -> a descriptor named NAME with PATH's sha256 (streamed). `flag` names the option.
Result<ResourceDescriptor> HashedDescriptor(std::string_view flag, const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError(std::string(flag) + " '" + spec + "' is not NAME=PATH");
  }
  ResourceDescriptor descriptor;
  descriptor.name = spec.substr(0, eq);
  ASSIGN_OR_RETURN(descriptor.sha256, Sha256FileHex(spec.substr(eq + 1)).Annotate(std::string(flag).substr(2)));
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
  app->add_flag("--require-clean-source", options->require_clean_source,
                "Fail when the source checkout (--source or --workspace-status) has uncommitted or untracked "
                "changes");
}

Status FillProvenanceFacts(const ProvenanceOptions& options, ProvenanceFacts* facts) {
  facts->builder_id = options.builder_id;
  facts->builder_version = {{"fnseal", kVersion}};
  // The running fnseal binary: the tool that wrote the provenance is a builder dependency.
  ResourceDescriptor self;
  self.name = "fnseal";
  ASSIGN_OR_RETURN(self.sha256, Sha256FileHex("/proc/self/exe").Annotate("cannot hash the fnseal binary"));
  facts->builder_dependencies.push_back(std::move(self));
  for (const std::string& spec : options.inputs) {
    ASSIGN_OR_RETURN(ResourceDescriptor dependency, HashedDescriptor("--input", spec));
    facts->resolved_dependencies.push_back(std::move(dependency));
  }
  for (const std::string& spec : options.toolchains) {
    ASSIGN_OR_RETURN(ResourceDescriptor toolchain, HashedDescriptor("--toolchain", spec));
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
  }
  return OkStatus();
}

}  // namespace fnseal::cli
