#include "core/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
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

// Six random characters from [0-9A-Za-z], as mkstemp uses.
std::string RandomSuffix() {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  unsigned char bytes[6] = {};
  if (::getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    // Not expected on Linux >= 3.17; O_EXCL still keeps a guessable name safe.
    static std::atomic<uint64_t> counter{0};
    uint64_t v = counter.fetch_add(1) ^ (static_cast<uint64_t>(::getpid()) << 20);
    for (unsigned char& b : bytes) {
      b = static_cast<unsigned char>(v);
      v >>= 8;
    }
  }
  std::string suffix;
  for (unsigned char b : bytes) suffix.push_back(kChars[b % 62]);
  return suffix;
}

std::atomic<bool> sync_writes{true};

}  // namespace

void SetSyncWrites(bool sync) { sync_writes.store(sync, std::memory_order_relaxed); }

Result<std::string> ReadFile(const std::string& path, uint64_t max_size) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer, sizeof(buffer)));
    if (n == 0) break;
    if (data.size() + n > max_size) {
      return ResourceExhaustedError("file '" + path + "' is larger than the limit of " + std::to_string(max_size) +
                                    " bytes");
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
  // open(2) with O_EXCL applies `mode` through the umask itself. (Reading the umask with
  // umask(0) and restoring it would race with other threads: the umask is process-wide.)
  std::string temp_path;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temp_path = path + ".tmp-" + RandomSuffix();
    fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
      return ErrnoError("cannot create a temporary file for", path, errno);
    }
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, std::move(temp_path)));
}

Status AtomicFile::SetMode(uint32_t mode) {
  if (::fchmod(fd_, static_cast<mode_t>(mode)) != 0) return ErrnoError("cannot set the mode of", temp_path_, errno);
  return OkStatus();
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

namespace {
constexpr uint64_t kWritebackChunk = 4 << 20;
}  // namespace

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
    written_ += static_cast<uint64_t>(n);
  }
  if (written_ - flushed_ >= kWritebackChunk && sync_writes.load(std::memory_order_relaxed)) {
    // Asynchronous: only starts writing the new pages out. Advisory, so a failure is ignored;
    // Commit's fsync still decides.
    ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(written_ - flushed_),
                      SYNC_FILE_RANGE_WRITE);
    flushed_ = written_;
  }
  return OkStatus();
}

Status AtomicFile::Sync() {
  if (fd_ < 0) return FailedPreconditionError("sync of a closed file '" + path_ + "'");
  if (!sync_writes.load(std::memory_order_relaxed)) return OkStatus();
  if (::fsync(fd_) != 0) {
    Status s = ErrnoError("cannot sync", path_, errno);
    Abandon();
    return s;
  }
  return OkStatus();
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return FailedPreconditionError("commit of a closed file '" + path_ + "'");
  RETURN_IF_ERROR(Sync());
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
  if (!sync_writes.load(std::memory_order_relaxed)) return OkStatus();
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

void RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    ::unlink(path.c_str());
    return;
  }
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (struct dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
  }
  for (const std::string& name : names) RemoveTree(path + "/" + name);
  ::rmdir(path.c_str());
}

}  // namespace fnseal
