// The fnseal CLI's command interface. Each command lives in its own cmd_<name>.cc and is
// listed once in the table in commands.cc; main.cc parses arguments and prints errors.
#ifndef FNSEAL_TOOLS_FNSEAL_COMMAND_H_
#define FNSEAL_TOOLS_FNSEAL_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/status.h"
#include "plugins/clouds/target.h"

namespace fnseal::cli {

// Exit codes, documented in docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitVerificationFailed = 3;
inline constexpr int kExitDifferent = 4;  // fnseal diff: the archives differ

// What a command returns: a Status and the exit code it maps to.
struct Outcome {
  Outcome(Status s) : status(std::move(s)), exit_code(status.ok() ? kExitOk : kExitFailure) {}  // NOLINT
  static Outcome VerificationFailed(Status s) {
    Outcome o(std::move(s));
    o.exit_code = kExitVerificationFailed;
    return o;
  }
  static Outcome Usage(std::string message) {
    Outcome o(InvalidArgumentError(std::move(message)));
    o.exit_code = kExitUsage;
    return o;
  }
  Status status;
  int exit_code;
};

using Action = std::function<Outcome()>;

struct Command {
  const char* name;
  const char* summary;
  // Declares the command's options on `app` and returns what runs once they are parsed.
  Action (*setup)(CLI::App* app);
};

// All commands, in the order `fnseal --help` lists them.
const std::vector<Command>& Commands();

// Adds --no-sync, which turns off `write->sync` for this command's outputs: they are still
// written by rename, complete or not at all, but not fsynced. For the commands Bazel's rules
// run, whose outputs Bazel owns. `write` must outlive `app`'s parsing.
void AddNoSyncFlag(CLI::App* app, WriteOptions* write);

// A target's limits as JSON, 0 ("no limit") as null; shared by `targets` and `pack --target`.
Json TargetLimitsJson(const TargetLimits& limits);

// fnseal's version string.
inline constexpr char kVersion[] = "0.1.0";

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_COMMAND_H_
