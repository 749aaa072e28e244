#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace fnseal {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, uint64_t max_size) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer, sizeof(buffer)));
    if (n == 0) break;
    if (data.size() + n > max_size) {
      return ResourceExhaustedError("file '" + path + "' is larger than the limit of " +
                                    std::to_string(max_size) + " bytes");
    }
    data.append(buffer, n);
  }
  return data;
}

AtomicFile::AtomicFile(int fd, std::string path, std::string temp_path)
    : fd_(fd), path_(std::move(path)), temp_path_(std::move(temp_path)) {}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path, uint32_t mode) {
  if (path.empty() || path.back() == '/') {
    return InvalidArgumentError("output path '" + path + "' names no file");
  }
  std::string temp = path + ".tmp-XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file for", path, errno);
  std::string temp_path(name.data());
  // mkostemp creates 0600; apply the requested mode through the umask as open(2) would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, static_cast<mode_t>(mode) & ~mask) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(temp_path.c_str());
    return ErrnoError("cannot set the mode of", temp_path, e);
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, std::move(temp_path)));
}

AtomicFile::~AtomicFile() {
  if (!committed_) Abandon();
}

void AtomicFile::Abandon() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

Status AtomicFile::Write(std::string_view bytes) {
  if (fd_ < 0) return FailedPreconditionError("write to a closed file '" + path_ + "'");
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoError("cannot write", path_, errno);
      Abandon();
      return s;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return FailedPreconditionError("commit of a closed file '" + path_ + "'");
  if (::fsync(fd_) != 0) {
    Status s = ErrnoError("cannot sync", path_, errno);
    Abandon();
    return s;
  }
  if (::close(fd_) != 0) {
    fd_ = -1;
    Status s = ErrnoError("cannot close", path_, errno);
    Abandon();
    return s;
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    Status s = ErrnoError("cannot rename into", path_, errno);
    Abandon();
    return s;
  }
  temp_path_.clear();
  committed_ = true;
  int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: the rename is already visible
    ::close(dir);
  }
  return OkStatus();
}

Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode) {
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(path, mode));
  RETURN_IF_ERROR(file->Write(data));
  return file->Commit();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace fnseal
