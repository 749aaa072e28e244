// fnseal sbom: an SBOM (SPDX 2.3, SPDX 3.0.1 or CycloneDX 1.6) from a components file, as a plain
// document or as the predicate of an in-toto statement about the --subject files.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/sha256.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"
#include "provenance/statement/statement.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string components;
  std::string base_dir = ".";
  std::string format;
  bool statement = false;
  std::vector<std::string> subjects;  // NAME=PATH
  std::string created = kDefaultSbomCreated;
  std::string output;
  bool quiet = false;
  WriteOptions write;  // --no-sync
};

Result<std::vector<Subject>> Subjects(const std::vector<std::string>& specs) {
  std::vector<Subject> subjects;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return InvalidArgumentError("--subject '" + spec + "' is not NAME=PATH");
    }
    Subject subject;
    subject.name = spec.substr(0, eq);
    ASSIGN_OR_RETURN(subject.digest["sha256"], Sha256FileHex(spec.substr(eq + 1)).Annotate("subject"));
    subjects.push_back(std::move(subject));
  }
  return subjects;
}

Outcome RunSbom(const Options& o) {
  Result<SbomFormat> format = ParseSbomFormat(o.format);
  if (!format.ok()) return Outcome::Usage("--format: " + format.status().message());
  if (o.statement && o.subjects.empty()) return Outcome::Usage("--statement needs at least one --subject NAME=PATH");
  if (!o.statement && !o.subjects.empty()) return Outcome::Usage("--subject is only for --statement");
  SbomOptions options;
  options.created = o.created;
  options.license_ref_resolver = ModelLicenseCatalogueRef;
  ASSIGN_OR_RETURN(ComponentSet set, LoadComponentsFile(o.components, o.base_dir));
  std::string bytes;
  if (o.statement) {
    Result<std::vector<Subject>> subjects = Subjects(o.subjects);
    if (!subjects.ok()) {
      if (subjects.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(subjects.status().message());
      return subjects.status();
    }
    Result<SbomStatement> statement = SbomAsStatement(*format, set, *subjects, options);
    if (!statement.ok()) return Outcome::Usage(statement.status().message());
    bytes = std::move(statement->bytes);
  } else {
    Result<std::string> document = WriteSbom(*format, set, options);
    // The set is loaded, so the only input left to refuse is --created.
    if (!document.ok()) return Outcome::Usage("--created: " + document.status().message());
    bytes = std::move(*document);
  }
  RETURN_IF_ERROR(WriteFileAtomic(o.output, bytes + "\n", 0644, o.write));
  if (!o.quiet) {
    std::printf("wrote %s: %s %s of %zu component%s\n", o.output.c_str(), std::string(SbomFormatName(*format)).c_str(),
                o.statement ? "statement" : "document", set.components.size(), set.components.size() == 1 ? "" : "s");
  }
  return OkStatus();
}

}  // namespace

Action SetupSbom(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Write an SBOM of a function from its components file (docs/sbom.md): SPDX 2.3 JSON,\n"
      "SPDX 3.0.1 JSON-LD (AI and Dataset profiles) or CycloneDX 1.6 JSON (ML-BOM). Every file the\n"
      "components file names is read from --base-dir and hashed. The output depends only on its\n"
      "inputs: --created (default 2000-01-01T00:00:00Z) is the only time in it. With --statement,\n"
      "the SBOM is the predicate of an in-toto Statement v1 about the --subject files.");
  app->add_option("--components", o->components, "The components file (JSON)")->required();
  app->add_option("--base-dir", o->base_dir, "Directory the files' paths are relative to (the exec root)")
      ->capture_default_str();
  app->add_option("--format", o->format, "spdx-2.3, spdx-3.0.1 or cyclonedx-1.6")->required();
  app->add_flag("--statement", o->statement, "Write an in-toto Statement v1 with the SBOM as its predicate");
  app->add_option("--subject", o->subjects, "NAME=PATH: a subject of the statement (repeatable)");
  app->add_option("--created", o->created, "Creation time, RFC 3339 UTC")->capture_default_str();
  app->add_option("-o,--output", o->output, "Where to write the SBOM or statement")->required();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  AddNoSyncFlag(app, &o->write);
  return [o]() { return RunSbom(*o); };
}

}  // namespace fnseal::cli
