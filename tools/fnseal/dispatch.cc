#include "tools/fnseal/dispatch.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "core/strings.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

// CLI11's help, without the "..." it prints after a repeatable option: an occurrence takes one
// value (OneValuePerOption); the option's description says it is repeatable.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* option) const override {
    std::string text = CLI::Formatter::make_option_opts(option);
    const size_t dots = text.find(" ...");
    if (!option->get_positional() && dots != std::string::npos) text.erase(dots, 4);
    return text;
  }
};

}  // namespace

CLI::App* DeclareCommands(CLI::App* app, const std::string& named, Action* action) {
  // Every command is listed, but only the one named declares its options: declaring all of them
  // took a noticeable part of each run's start.
  app->formatter(std::make_shared<HelpFormatter>());  // subcommands inherit it
  CLI::App* chosen = nullptr;
  for (const auto& command : Commands()) {
    CLI::App* sub = app->add_subcommand(command.name, command.summary);
    if (named == command.name) {
      chosen = sub;
      *action = command.setup(sub);
      OneValuePerOption(sub);
    }
  }
  return chosen;
}

void OneValuePerOption(CLI::App* app) {
  for (CLI::Option* option : app->get_options()) {
    if (!option->get_positional()) option->allow_extra_args(false);
  }
  for (CLI::App* sub : app->get_subcommands({})) OneValuePerOption(sub);
}

int RunCommandLine(std::vector<std::string> args) {
  CLI::App app{
      "fnseal builds hermetic, attested, signed bundles for serverless functions.\n"
      "Run 'fnseal <command> --help' for a command's options.",
      "fnseal"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);
  app.footer(
      "Exit codes: 0 success, 1 failure, 2 usage error, 3 verification failed,\n"
      "4 archives differ (diff).\n"
      "Documentation: docs/cli.md");
  // The top level takes no option with a value, so the first argument that is not an option
  // names the command.
  const auto first =
      std::find_if(args.begin(), args.end(), [](const std::string& a) { return !a.empty() && a[0] != '-'; });
  const std::string named = first != args.end() ? *first : "";
  Action action;
  CLI::App* chosen = DeclareCommands(&app, named, &action);
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (chosen == nullptr && !named.empty()) {
      std::fprintf(stderr, "fnseal: unknown command %s\nRun 'fnseal --help' for the commands.\n", Quote(named).c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "fnseal: %s\nRun 'fnseal --help' for usage.\n", EscapeForTerminal(e.what(), true).c_str());
    return kExitUsage;
  }
  if (chosen == nullptr || !chosen->parsed()) return kExitUsage;  // CLI11 took another command
  Outcome outcome = action();
  // Messages may carry text from untrusted inputs: no control sequence reaches the terminal.
  if (!outcome.status.ok()) {
    std::fprintf(stderr, "fnseal: %s\n", EscapeForTerminal(outcome.status.message(), /*keep_newlines=*/true).c_str());
  }
  return outcome.exit_code;
}

}  // namespace fnseal::cli
