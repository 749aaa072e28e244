// fnseal bundle: function artifact + facts -> unsigned bundle with manifest and provenance.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/sha256.h"
#include "provenance/source/source_facts.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string output;
  std::string name;
  std::string entrypoint = "bootstrap";
  std::string runtime = "provided.al2023";
  std::string artifact;
  std::string target;
  std::string builder_id = "https://fnseal.dev/builders/bazel/v1";
  std::vector<std::string> inputs;  // NAME=PATH
  std::string source;               // a directory in the git checkout, or empty
  bool require_clean_source = false;
  int level = 3;
  int threads = 1;
  bool quiet = false;
};

// The checkout the bundle was built from: a resolved dependency named "source" with its
// gitCommit (and the remote as git+URL@refs/heads/BRANCH when there is one), and the tree
// state in internalParameters, with the dirty paths when there are any.
Status RecordSource(const Options& o, ProvenanceFacts* facts) {
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

// The running fnseal binary, by its sha256: the tool that wrote the provenance is a builder
// dependency like any other.
Result<ResourceDescriptor> SelfDescriptor() {
  ResourceDescriptor self;
  self.name = "fnseal";
  ASSIGN_OR_RETURN(self.sha256, Sha256FileHex("/proc/self/exe").Annotate("cannot hash the fnseal binary"));
  return self;
}

Outcome RunBundle(const Options& o) {
  BundleSpec spec;
  spec.function_name = o.name;
  spec.entrypoint = o.entrypoint;
  spec.runtime = o.runtime;
  spec.artifact_path = o.artifact;
  spec.compression.level = o.level;
  spec.compression.workers = o.threads;
  ProvenanceFacts& facts = spec.provenance;
  facts.builder_id = o.builder_id;
  facts.builder_version = {{"fnseal", kVersion}};
  ASSIGN_OR_RETURN(ResourceDescriptor self, SelfDescriptor());
  facts.builder_dependencies.push_back(std::move(self));
  facts.external_parameters = {{"function", o.name}};
  if (!o.target.empty()) facts.external_parameters["target"] = o.target;
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  for (const std::string& spec_text : o.inputs) {
    size_t eq = spec_text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec_text.size()) {
      return Outcome::Usage("--input '" + spec_text + "' is not NAME=PATH");
    }
    ResourceDescriptor dependency;
    dependency.name = spec_text.substr(0, eq);
    ASSIGN_OR_RETURN(dependency.sha256, Sha256FileHex(spec_text.substr(eq + 1)).Annotate("input"));
    facts.resolved_dependencies.push_back(std::move(dependency));
  }
  if (!o.source.empty()) RETURN_IF_ERROR(RecordSource(o, &facts));
  RETURN_IF_ERROR(BuildBundle(spec, o.output));
  if (!o.quiet) std::printf("built unsigned bundle %s for function %s\n", o.output.c_str(), o.name.c_str());
  return OkStatus();
}

}  // namespace

Action SetupBundle(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Build an unsigned function bundle: a zstd-compressed deterministic tar holding the\n"
      "function artifact, a deploy manifest, and an in-toto Statement v1 with a SLSA\n"
      "Provenance v1 predicate whose subjects are the bundle's files. Sign it with 'fnseal sign'.");
  app->add_option("-o,--output", o->output, "Bundle to write (.fnb)")->required();
  app->add_option("--name", o->name, "Function name ([A-Za-z0-9._-])")->required();
  app->add_option("--artifact", o->artifact, "The function's deterministic tar (from 'fnseal pack')")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--entrypoint", o->entrypoint, "Executable inside the artifact that starts the function")
      ->capture_default_str();
  app->add_option("--runtime", o->runtime, "Runtime the function targets")->capture_default_str();
  app->add_option("--target", o->target, "Build target that produced the bundle (recorded in provenance)");
  app->add_option("--builder-id", o->builder_id, "SLSA builder id")->capture_default_str();
  app->add_option("--input", o->inputs, "NAME=PATH: an input to record with its sha256 (repeatable)");
  app->add_option("--source", o->source,
                  "A directory of the git checkout the function was built from: records its commit, "
                  "remote, branch and tree state (clean or dirty, with the paths)");
  app->add_flag("--require-clean-source", o->require_clean_source,
                "Fail when the --source checkout has uncommitted or untracked changes")
      ->needs("--source");
  app->add_option("--level", o->level, "zstd level, 1-19")->capture_default_str();
  app->add_option("--threads", o->threads, "zstd worker threads; the output does not depend on it")
      ->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
