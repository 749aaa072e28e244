// fnseal: hermetic, attested, signed bundles for serverless functions.
// Expands "@file" arguments, then runs the command line (dispatch.h) or, given
// --persistent_worker, serves Bazel's work requests (worker_mode.h).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/strings.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/dispatch.h"
#include "tools/fnseal/worker_mode.h"

namespace {

// Expands "@file" arguments (Bazel param files, one argument per line).
bool ExpandParamFiles(int argc, char** argv, std::vector<std::string>* out, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '@') {
      std::ifstream in(arg.substr(1));
      if (!in) {
        *error = "cannot read the argument file '" + arg.substr(1) + "'";
        return false;
      }
      for (std::string line; std::getline(in, line);) out->push_back(line);
    } else {
      out->push_back(arg);
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Bazel starts a worker as `fnseal [startup arguments] --persistent_worker`.
  const bool worker = argc > 1 && std::string(argv[argc - 1]) == fnseal::cli::kPersistentWorkerFlag;
  std::vector<std::string> args;
  std::string error;
  if (!ExpandParamFiles(worker ? argc - 1 : argc, argv, &args, &error)) {
    std::fprintf(stderr, "fnseal: %s\n", fnseal::EscapeForTerminal(error, /*keep_newlines=*/true).c_str());
    return fnseal::cli::kExitUsage;
  }
  if (worker) return fnseal::cli::RunPersistentWorker(args);
  return fnseal::cli::RunCommandLine(std::move(args));
}
