// fnseal: hermetic, attested, signed bundles for serverless functions.
// Dispatches to the commands in commands.cc; prints errors once, as "fnseal: <message>".
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tools/fnseal/command.h"

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
  using fnseal::cli::Commands;
  CLI::App app{"fnseal builds hermetic, attested, signed bundles for serverless functions.\n"
               "Run 'fnseal <command> --help' for a command's options.",
               "fnseal"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fnseal::cli::kVersion);
  app.footer(
      "Exit codes: 0 success, 1 failure, 2 usage error, 3 verification failed,\n"
      "4 archives differ (diff).\n"
      "Documentation: docs/cli.md");
  std::vector<std::string> args;
  std::string error;
  if (!ExpandParamFiles(argc, argv, &args, &error)) {
    std::fprintf(stderr, "fnseal: %s\n", error.c_str());
    return fnseal::cli::kExitUsage;
  }
  // Every command is listed, but only the one named declares its options: declaring all of them
  // took a noticeable part of each run's start. The top level takes no option with a value, so
  // the first argument that is not an option names the command.
  const auto first =
      std::find_if(args.begin(), args.end(), [](const std::string& a) { return !a.empty() && a[0] != '-'; });
  const std::string named = first != args.end() ? *first : "";
  CLI::App* chosen = nullptr;
  fnseal::cli::Action action;
  for (const auto& command : Commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    if (named == command.name) {
      chosen = sub;
      action = command.setup(sub);
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? fnseal::cli::kExitOk : fnseal::cli::kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? fnseal::cli::kExitOk : fnseal::cli::kExitUsage;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return fnseal::cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    if (chosen == nullptr && !named.empty()) {
      std::fprintf(stderr, "fnseal: unknown command '%s'\nRun 'fnseal --help' for the commands.\n", named.c_str());
      return fnseal::cli::kExitUsage;
    }
    std::fprintf(stderr, "fnseal: %s\nRun 'fnseal --help' for usage.\n", e.what());
    return fnseal::cli::kExitUsage;
  }
  if (chosen == nullptr || !chosen->parsed()) return fnseal::cli::kExitUsage;  // CLI11 took another command
  fnseal::cli::Outcome outcome = action();
  if (!outcome.status.ok()) std::fprintf(stderr, "fnseal: %s\n", outcome.status.message().c_str());
  return outcome.exit_code;
}
