#include "formats/elf/closure.h"

#include <deque>
#include <set>
#include <utility>

#include "core/io.h"

namespace fnseal {
namespace {

Result<ElfInfo> ReadFile(const std::string& path, const ElfLimits& limits, ElfFileKind kind) {
  ASSIGN_OR_RETURN(auto source, OpenRandomAccessFile(path));
  return ReadElfInfo(*source, limits, kind);
}

std::string Who(const std::string& needed_by) { return needed_by.empty() ? "the executable" : "'" + needed_by + "'"; }

}  // namespace

Result<Closure> ResolveClosure(const std::string& executable, const std::map<std::string, std::string>& candidates,
                               const ClosureLimits& limits) {
  Closure closure;
  Result<ElfInfo> main = ReadFile(executable, limits.elf, ElfFileKind::kExecutable);
  if (!main.ok()) return main.status().Annotate("executable '" + executable + "'");
  closure.executable = std::move(*main);

  struct Pending {
    std::string name;
    uint32_t depth;
    std::string needed_by;
  };
  std::deque<Pending> queue;
  std::set<std::string> seen;
  auto want = [&](const std::string& name, uint32_t depth, const std::string& needed_by) -> Status {
    if (name.find('/') != std::string::npos) {
      return InvalidArgumentError(Who(needed_by) + " needs '" + name +
                                  "' by path; a closure holds libraries found by name only");
    }
    if (seen.insert(name).second) queue.push_back({name, depth, needed_by});
    return OkStatus();
  };
  for (const std::string& name : closure.executable.needed) RETURN_IF_ERROR(want(name, 1, ""));
  if (const std::string& interp = closure.executable.interpreter; !interp.empty()) {
    RETURN_IF_ERROR(want(interp.substr(interp.rfind('/') + 1), 1, ""));
  }

  while (!queue.empty()) {
    Pending next = std::move(queue.front());
    queue.pop_front();
    if (next.depth > limits.max_depth) {
      return ResourceExhaustedError("library '" + next.name + "' is " + std::to_string(next.depth) +
                                    " DT_NEEDED links deep, over the limit of " + std::to_string(limits.max_depth));
    }
    if (closure.libraries.size() == limits.max_libraries) {
      return ResourceExhaustedError("the closure has more than " + std::to_string(limits.max_libraries) +
                                    " libraries");
    }
    auto candidate = candidates.find(next.name);
    if (candidate == candidates.end()) {
      return NotFoundError("'" + next.name + "', needed by " + Who(next.needed_by) + ", is none of the " +
                           std::to_string(candidates.size()) +
                           " libraries the closure is resolved against (the handler's own shared libraries "
                           "and the toolchain's)");
    }
    Result<ElfInfo> info = ReadFile(candidate->second, limits.elf, ElfFileKind::kSharedObject);
    if (!info.ok()) return info.status().Annotate("library '" + next.name + "' (" + candidate->second + ")");
    if (!info->soname.empty() && info->soname != next.name) {
      return InvalidArgumentError("library '" + candidate->second + "' is offered as '" + next.name +
                                  "' but its DT_SONAME is '" + info->soname + "'");
    }
    if (info->machine != closure.executable.machine) {
      return InvalidArgumentError("library '" + next.name + "' is for " + info->machine + ", the executable for " +
                                  closure.executable.machine);
    }
    for (const std::string& name : info->needed) RETURN_IF_ERROR(want(name, next.depth + 1, next.name));
    closure.libraries.push_back({next.name, candidate->second, std::move(*info), next.depth, next.needed_by});
  }
  return closure;
}

}  // namespace fnseal
