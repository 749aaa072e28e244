// fnseal digest FILE...: sha256 of each file, streamed, in sha256sum's format (or JSON), to
// stdout or a file.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {

Action SetupDigest(CLI::App* app) {
  struct Options {
    std::vector<std::string> files;
    bool json = false;
    std::string output;
    WriteOptions write;
  };
  auto o = std::make_shared<Options>();
  app->add_option("files", o->files, "Files to hash")->required()->check(CLI::ExistingFile);
  app->add_flag("--json", o->json, "Print a JSON array of {path, sha256}");
  app->add_option("-o,--output", o->output,
                  "Write to this file (atomically: nothing is left on failure) instead of stdout");
  AddNoSyncFlag(app, &o->write);
  return [o]() -> Outcome {
    Json list = Json::array();
    std::string text;
    for (const std::string& file : o->files) {
      Result<std::string> digest = Sha256FileHex(file);
      if (!digest.ok()) return digest.status();
      if (o->json) {
        list.push_back({{"path", file}, {"sha256", *digest}});
      } else {
        text += *digest + "  " + file + "\n";
      }
    }
    if (o->json) text = PrettyJsonDump(list);
    if (!o->output.empty()) return WriteFileAtomic(o->output, text, 0644, o->write);
    std::fputs(text.c_str(), stdout);
    return OkStatus();
  };
}

}  // namespace fnseal::cli
