// Files named on the command line as ARCHIVE_PATH=SOURCE, for the commands that pack them
// (pack, and bundle's in-process deployables).
#ifndef FNSEAL_TOOLS_FNSEAL_FILE_INPUTS_H_
#define FNSEAL_TOOLS_FNSEAL_FILE_INPUTS_H_

#include <sys/stat.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "formats/entry/archive_input.h"

namespace fnseal::cli {

// An input read from `source` at `archive_path`; executable when any execute bit is set on the
// source. NotFound / InvalidArgument unless `source` is a regular file.
Result<ArchiveInput> InputFromFile(std::string archive_path, const std::string& source);

// The input for `source`, which the caller stat'ed as `st`, a regular file.
ArchiveInput InputFromRegularFile(std::string archive_path, std::string source, const struct stat& st);

// "" when every spec is ARCHIVE_PATH=SOURCE with both sides non-empty, else the usage error for
// the first that is not (`flag` names the option, e.g. "--file").
std::string MalformedFileSpec(const std::vector<std::string>& specs, const char* flag);

// Every spec (checked by MalformedFileSpec) as an input, appended to `inputs` in order.
Status InputsFromFileSpecs(const std::vector<std::string>& specs, std::vector<ArchiveInput>* inputs);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_FILE_INPUTS_H_
