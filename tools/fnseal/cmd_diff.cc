// fnseal diff A B: which entries of two archives differ, and how (formats/diff does the
// comparison; this prints it).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/json.h"
#include "formats/diff/diff.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string a;
  std::string b;
  bool json = false;
};

Outcome RunDiff(const Options& o) {
  // Nested archives are extracted next to $TMPDIR/fnseal-diff.
  const char* tmp = std::getenv("TMPDIR");
  ASSIGN_OR_RETURN(ArchiveComparison comparison,
                   CompareArchives(o.a, o.b, std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/fnseal-diff"));
  const std::vector<ArchiveDifference>& differences = comparison.differences;
  if (o.json) {
    std::fputs(PrettyJsonDump(ToJson(comparison)).c_str(), stdout);
  } else if (differences.empty()) {
    std::printf("identical: %s and %s (sha256 %s)\n", o.a.c_str(), o.b.c_str(), comparison.a_sha256.c_str());
  } else {
    std::printf("%zu difference%s between %s (A) and %s (B):\n", differences.size(),
                differences.size() == 1 ? "" : "s", o.a.c_str(), o.b.c_str());
    for (const ArchiveDifference& d : differences) {
      std::printf("  %-8s %s: %s\n", d.kind.c_str(), d.path.c_str(), std::string(ExplainDifference(d.kind)).c_str());
      if (!d.a.empty()) std::printf("           A: %s\n", d.a.c_str());
      if (!d.b.empty()) std::printf("           B: %s\n", d.b.c_str());
    }
  }
  if (comparison.identical()) return OkStatus();
  Outcome outcome(OkStatus());
  outcome.exit_code = kExitDifferent;
  return outcome;
}

}  // namespace

Action SetupDiff(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Compare two archives (bundles, tar, tar.zst, zip) entry by entry: entries only in one,\n"
      "content, mode, mtime and type differences, order, and — when every entry matches —\n"
      "differences in the encoding itself. Nested archives whose content differs (a bundle's\n"
      "artifact) are compared too, shown as OUTER!/INNER. Exits 0 when the files are identical\n"
      "and 4 when they differ.");
  app->add_option("a", o->a, "First archive")->required()->check(CLI::ExistingFile);
  app->add_option("b", o->b, "Second archive")->required()->check(CLI::ExistingFile);
  app->add_flag("--json", o->json, "Print a JSON report");
  return [o] { return RunDiff(*o); };
}

}  // namespace fnseal::cli
