// fnseal version: prints the version, as text or JSON.
#include <cstdio>
#include <memory>

#include "core/json.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {

Action SetupVersion(CLI::App* app) {
  auto json = std::make_shared<bool>(false);
  app->add_flag("--json", *json, "Print {\"version\": ...} instead of text");
  return [json]() -> Outcome {
    if (*json) {
      std::fputs(PrettyJsonDump({{"name", "fnseal"}, {"version", kVersion}}).c_str(), stdout);
    } else {
      std::printf("fnseal %s\n", kVersion);
    }
    return OkStatus();
  };
}

}  // namespace fnseal::cli
