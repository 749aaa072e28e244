// The one table of cloud targets. A new target is one new file defining its accessor, one line
// here, and one entry in BUILD.bazel's srcs (docs/targets.md).
#include <string_view>
#include <vector>

#include "plugins/clouds/target.h"

namespace fnseal {

// Defined in <name>.cc, one per target.
const CloudTarget& AwsLambdaTarget();
const CloudTarget& AzureFunctionsTarget();
const CloudTarget& OciImageTarget();

const std::vector<const CloudTarget*>& CloudTargets() {
  static const std::vector<const CloudTarget*> kTargets = {
      &AwsLambdaTarget(),
      &AzureFunctionsTarget(),
      &OciImageTarget(),
  };
  return kTargets;
}

const CloudTarget* FindCloudTarget(std::string_view name) {
  for (const CloudTarget* target : CloudTargets()) {
    if (target->name() == name) return target;
  }
  return nullptr;
}

std::string CloudTargetNames() {
  std::string names;
  for (const CloudTarget* t : CloudTargets()) names += (names.empty() ? "" : ", ") + std::string(t->name());
  return names;
}

}  // namespace fnseal
