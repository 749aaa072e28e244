#include "tools/fnseal/file_inputs.h"

#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "core/io.h"

namespace fnseal::cli {

Result<ArchiveInput> InputFromFile(std::string archive_path, const std::string& source) {
  struct stat st;
  if (::stat(source.c_str(), &st) != 0) return ErrnoError("cannot stat", source, errno);
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError("'" + source + "' is not a regular file");
  return InputFromRegularFile(std::move(archive_path), source, st);
}

ArchiveInput InputFromRegularFile(std::string archive_path, std::string source, const struct stat& st) {
  ArchiveInput input;
  input.path = std::move(archive_path);
  input.source_path = std::move(source);
  input.executable = (st.st_mode & 0111) != 0;
  input.source_size = static_cast<uint64_t>(st.st_size);
  return input;
}

std::string MalformedFileSpec(const std::vector<std::string>& specs, const char* flag) {
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return std::string(flag) + " '" + spec + "' is not ARCHIVE_PATH=SOURCE";
    }
  }
  return "";
}

Status InputsFromFileSpecs(const std::vector<std::string>& specs, std::vector<ArchiveInput>* inputs) {
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    ASSIGN_OR_RETURN(ArchiveInput input, InputFromFile(spec.substr(0, eq), spec.substr(eq + 1)));
    inputs->push_back(std::move(input));
  }
  return OkStatus();
}

}  // namespace fnseal::cli
