// fnseal digest FILE...: sha256 of each file, streamed, in sha256sum's format (or JSON).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/sha256.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {

Action SetupDigest(CLI::App* app) {
  struct Options {
    std::vector<std::string> files;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  app->add_option("files", o->files, "Files to hash")->required()->check(CLI::ExistingFile);
  app->add_flag("--json", o->json, "Print a JSON array of {path, sha256}");
  return [o]() -> Outcome {
    Json out = Json::array();
    for (const std::string& file : o->files) {
      Result<std::string> digest = Sha256FileHex(file);
      if (!digest.ok()) return digest.status();
      if (o->json) {
        out.push_back({{"path", file}, {"sha256", *digest}});
      } else {
        std::printf("%s  %s\n", digest->c_str(), file.c_str());
      }
    }
    if (o->json) std::fputs(PrettyJsonDump(out).c_str(), stdout);
    return OkStatus();
  };
}

}  // namespace fnseal::cli
