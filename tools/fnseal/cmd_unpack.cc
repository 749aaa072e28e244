// fnseal unpack: safe extraction of a bundle, tar, tar.zst or zip into a new directory.
#include <cstdio>
#include <memory>
#include <string>

#include "formats/archive/archive.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string archive;
  std::string destination;
  bool quiet = false;
};

Outcome RunUnpack(const Options& o) {
  RETURN_IF_ERROR(ExtractArchive(o.archive, o.destination).Annotate(o.archive));
  if (!o.quiet) std::printf("unpacked %s into %s\n", o.archive.c_str(), o.destination.c_str());
  return OkStatus();
}

}  // namespace

Action SetupUnpack(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Extract an archive into DEST, which must not exist. The archive is read with the strict\n"
      "readers: absolute paths, '..', links, devices, duplicates and corrupt data are refused.\n"
      "Everything is written into a temporary directory next to DEST and moved into place only\n"
      "when the whole archive checked out, so a failure leaves no partial DEST behind.\n"
      "Unpacking checks no signature: run 'fnseal verify' on a bundle first.");
  app->add_option("archive", o->archive, "Bundle (.fnb), tar, tar.zst or zip")->required();
  app->add_option("destination", o->destination, "Directory to create")->required();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunUnpack(*o); };
}

}  // namespace fnseal::cli
