#include "tools/fnseal/provenance_options.h"

#include "core/sha256.h"
#include "provenance/source/source_facts.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

// The checkout: a resolved dependency named "source" with its gitCommit (and the remote as
// git+URL@refs/heads/BRANCH when there is one), and the tree state in internalParameters.
Status RecordSource(const ProvenanceOptions& o, ProvenanceFacts* facts) {
  ASSIGN_OR_RETURN(SourceFacts source, ReadSourceFacts(o.source).Annotate("--source"));
  if (source.dirty && o.require_clean_source) {
    return FailedPreconditionError("--require-clean-source: the checkout at '" + source.root + "' has " +
                                   std::to_string(source.dirty_path_count) + " changed path(s), e.g. '" +
                                   source.dirty_paths.front() + "'");
  }
  ResourceDescriptor dependency;
  dependency.name = "source";
  dependency.git_commit = source.commit;
  if (!source.remote_url.empty()) {
    dependency.uri = "git+" + source.remote_url;
    if (!source.branch.empty()) dependency.uri += "@refs/heads/" + source.branch;
  }
  facts->resolved_dependencies.push_back(std::move(dependency));
  Json state = {{"treeState", source.dirty ? "dirty" : "clean"}};
  if (source.dirty) {
    state["dirtyPaths"] = source.dirty_paths;
    state["dirtyPathCount"] = source.dirty_path_count;
  }
  if (!source.tags.empty()) state["tags"] = source.tags;
  facts->internal_parameters["source"] = std::move(state);
  return OkStatus();
}

}  // namespace

void AddProvenanceOptions(CLI::App* app, ProvenanceOptions* options) {
  app->add_option("--builder-id", options->builder_id, "SLSA builder id")->capture_default_str();
  app->add_option("--input", options->inputs, "NAME=PATH: an input to record with its sha256 (repeatable)");
  app->add_option("--source", options->source,
                  "A directory of the git checkout built from: records its commit, remote, branch and "
                  "tree state (clean or dirty, with the paths)");
  app->add_flag("--require-clean-source", options->require_clean_source,
                "Fail when the --source checkout has uncommitted or untracked changes")
      ->needs("--source");
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
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return InvalidArgumentError("--input '" + spec + "' is not NAME=PATH");
    }
    ResourceDescriptor dependency;
    dependency.name = spec.substr(0, eq);
    ASSIGN_OR_RETURN(dependency.sha256, Sha256FileHex(spec.substr(eq + 1)).Annotate("input"));
    facts->resolved_dependencies.push_back(std::move(dependency));
  }
  if (!options.source.empty()) RETURN_IF_ERROR(RecordSource(options, facts));
  return OkStatus();
}

}  // namespace fnseal::cli
