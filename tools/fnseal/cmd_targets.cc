// fnseal targets: the registered cloud targets (plugins/clouds) with their limits.
#include <cstdio>
#include <memory>
#include <string>

#include "core/json.h"
#include "plugins/clouds/target.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

// "52428800 bytes zipped, 262144000 bytes unzipped, memory 128-10240 MB, timeout 1-900 s".
std::string DescribeLimits(const TargetLimits& l) {
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (l.max_archive_size != 0) add(std::to_string(l.max_archive_size) + " bytes zipped");
  if (l.max_content_size != 0) add(std::to_string(l.max_content_size) + " bytes unzipped");
  if (l.max_memory_mb != 0)
    add("memory " + std::to_string(l.min_memory_mb) + "-" + std::to_string(l.max_memory_mb) + " MB");
  if (l.max_timeout_seconds != 0) add("timeout 1-" + std::to_string(l.max_timeout_seconds) + " s");
  return text.empty() ? "none" : text;
}

}  // namespace

Json TargetLimitsJson(const TargetLimits& l) {
  auto or_null = [](uint64_t v) { return v == 0 ? Json(nullptr) : Json(v); };
  return {{"max_archive_size", or_null(l.max_archive_size)},
          {"max_content_size", or_null(l.max_content_size)},
          {"min_memory_mb", or_null(l.max_memory_mb == 0 ? 0 : l.min_memory_mb)},
          {"max_memory_mb", or_null(l.max_memory_mb)},
          {"max_timeout_seconds", or_null(l.max_timeout_seconds)}};
}

Action SetupTargets(CLI::App* app) {
  auto json = std::make_shared<bool>(false);
  app->footer("Use a target with 'fnseal pack --target NAME'. See docs/targets.md.");
  app->add_flag("--json", *json, "Print a JSON array of {name, output, summary, limits} (null: no limit)");
  return [json]() -> Outcome {
    Json out = Json::array();
    for (const CloudTarget* target : CloudTargets()) {
      if (*json) {
        out.push_back({{"name", target->name()},
                       {"output", target->output_kind()},
                       {"summary", target->summary()},
                       {"limits", TargetLimitsJson(target->limits())}});
      } else {
        std::printf("%-16s %-10s %s\n%-27s limits: %s\n", std::string(target->name()).c_str(),
                    std::string(target->output_kind()).c_str(), std::string(target->summary()).c_str(), "",
                    DescribeLimits(target->limits()).c_str());
      }
    }
    if (*json) std::fputs(PrettyJsonDump(out).c_str(), stdout);
    return OkStatus();
  };
}

}  // namespace fnseal::cli
