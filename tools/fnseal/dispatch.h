// Runs one fnseal command line: the table in commands.cc, CLI11 parsing, and errors printed
// once as "fnseal: <message>". Shared by main() and the persistent worker (worker_mode.h).
//
// Every option takes exactly one value per occurrence: a repeatable option is repeated
// (`--key A --key B`), so options and positionals may come in any order, and `--` ends the
// options. Only positionals (`fnseal digest FILE...`) take several values.
#ifndef FNSEAL_TOOLS_FNSEAL_DISPATCH_H_
#define FNSEAL_TOOLS_FNSEAL_DISPATCH_H_

#include <string>
#include <vector>

#include "tools/fnseal/command.h"

namespace fnseal::cli {

// Lists every command on `app` and declares the options of the one named `named` (none if no
// command has that name), returning its subcommand and setting *action; nullptr if none.
CLI::App* DeclareCommands(CLI::App* app, const std::string& named, Action* action);

// Makes every named option of `app` and its subcommands take one value per occurrence (CLI11
// lets a vector option take every following word). Positionals are left as declared.
void OneValuePerOption(CLI::App* app);

// Runs `args` (without the program name, "@file" arguments already expanded) and returns the
// exit code. Prints to stdout and stderr; keeps no state between calls except what the command
// sets (see worker_mode.cc for what a worker resets).
int RunCommandLine(std::vector<std::string> args);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_DISPATCH_H_
