// Asking the person at the terminal for a passphrase. Only the controlling terminal (/dev/tty)
// is used, with echo off, and only when standard input is a terminal: scripts and CI never
// block on a prompt.
#ifndef FNSEAL_TOOLS_FNSEAL_TERMINAL_H_
#define FNSEAL_TOOLS_FNSEAL_TERMINAL_H_

#include <string>

#include "core/status.h"

namespace fnseal::cli {

// True when standard input is a terminal, so a prompt can be answered.
bool CanPrompt();

// Writes `prompt` to the terminal, reads one line with echo off and returns it without the line
// end. FailedPrecondition when there is no terminal; the terminal's settings are restored on
// every path. The caller wipes the result (WipeString) once used.
Result<std::string> PromptPassphrase(const std::string& prompt);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_TERMINAL_H_
