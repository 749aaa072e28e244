// fnseal bundle: function artifact + facts -> unsigned bundle with manifest and provenance.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/provenance_options.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string output;
  std::string name;
  std::string entrypoint = "bootstrap";
  std::string runtime = "provided.al2023";
  std::string artifact;
  std::string target;
  ProvenanceOptions provenance;
  int level = 3;
  int threads = 1;
  bool quiet = false;
};

Outcome RunBundle(const Options& o) {
  BundleSpec spec;
  spec.function_name = o.name;
  spec.entrypoint = o.entrypoint;
  spec.runtime = o.runtime;
  spec.artifact_path = o.artifact;
  spec.compression.level = o.level;
  spec.compression.workers = o.threads;
  ProvenanceFacts& facts = spec.provenance;
  facts.external_parameters = {{"function", o.name}};
  if (!o.target.empty()) facts.external_parameters["target"] = o.target;
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  Status filled = FillProvenanceFacts(o.provenance, &facts);
  if (filled.code() == StatusCode::kInvalidArgument) return Outcome::Usage(filled.message());
  RETURN_IF_ERROR(filled);
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
  AddProvenanceOptions(app, &o->provenance);
  app->add_option("--level", o->level, "zstd level, 1-19")->capture_default_str();
  app->add_option("--threads", o->threads, "zstd worker threads; the output does not depend on it")
      ->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
