// fnseal bundle: function artifact + facts -> unsigned bundle with manifest and provenance.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/archive.h"
#include "plugins/targets/target.h"
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
  std::vector<std::string> deployables;  // TARGET=PATH
  int level = 3;
  int threads = 1;
  bool quiet = false;
};

// A deployable made by `fnseal pack --target TARGET`: the target must be registered and the
// file an archive of the kind the target writes (a zip, or a tar of an OCI image layout).
Result<BundleDeployable> ParseDeployable(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError("--deployable '" + spec + "' is not TARGET=PATH");
  }
  BundleDeployable d;
  d.target = spec.substr(0, eq);
  d.source_path = spec.substr(eq + 1);
  const CloudTarget* target = FindCloudTarget(d.target);
  if (target == nullptr) {
    std::string known;
    for (const CloudTarget* t : CloudTargets()) known += (known.empty() ? "" : ", ") + std::string(t->name());
    return InvalidArgumentError("--deployable: no cloud target '" + d.target + "' (known: " + known + ")");
  }
  const size_t slash = d.source_path.rfind('/');
  d.file_name = slash == std::string::npos ? d.source_path : d.source_path.substr(slash + 1);
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(d.source_path).Annotate("--deployable " + d.target));
  const bool zip = target->output_kind() == "zip";
  d.format = zip ? "zip" : "oci-tar";
  if (format != (zip ? ArchiveFormat::kZip : ArchiveFormat::kTar)) {
    return InvalidArgumentError(
        "--deployable " + d.target + ": '" + d.source_path + "' is a " + std::string(ArchiveFormatName(format)) +
        " archive, not " + (zip ? "a zip" : "an OCI image layout tar ('fnseal pack --target oci_image -o X.oci.tar')"));
  }
  // Read it through the strict reader: a bundle never ships what fnseal would refuse to unpack.
  RETURN_IF_ERROR(ForEachArchiveEntry(d.source_path, [](const ArchiveEntry&, const ContentReader&) {
                    return OkStatus();
                  }).Annotate("--deployable " + d.target + " '" + d.source_path + "'"));
  return d;
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
  facts.external_parameters = {{"function", o.name}};
  if (!o.target.empty()) facts.external_parameters["target"] = o.target;
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  for (const std::string& d : o.deployables) {
    Result<BundleDeployable> deployable = ParseDeployable(d);
    if (deployable.status().code() == StatusCode::kInvalidArgument)
      return Outcome::Usage(deployable.status().message());
    RETURN_IF_ERROR(deployable.status());
    spec.deployables.push_back(std::move(*deployable));
  }
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
  app->add_option("--deployable", o->deployables,
                  "TARGET=PATH: a cloud deployable made by 'fnseal pack --target TARGET', shipped at "
                  "deployables/TARGET/<file name> (repeatable)");
  AddProvenanceOptions(app, &o->provenance);
  app->add_option("--level", o->level, "zstd level, 1-19")->capture_default_str();
  app->add_option("--threads", o->threads, "zstd worker threads; the output does not depend on it")
      ->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
