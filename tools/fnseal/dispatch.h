// Runs one fnseal command line: the table in commands.cc, CLI11 parsing, and errors printed
// once as "fnseal: <message>". Shared by main() and the persistent worker (worker_mode.h).
#ifndef FNSEAL_TOOLS_FNSEAL_DISPATCH_H_
#define FNSEAL_TOOLS_FNSEAL_DISPATCH_H_

#include <string>
#include <vector>

namespace fnseal::cli {

// Runs `args` (without the program name, "@file" arguments already expanded) and returns the
// exit code. Prints to stdout and stderr; keeps no state between calls except what the command
// sets (see worker_mode.cc for what a worker resets).
int RunCommandLine(std::vector<std::string> args);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_DISPATCH_H_
