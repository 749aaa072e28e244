#include "core/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/file.h>
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

constexpr std::string_view kTempInfix = ".tmp-";
constexpr size_t kSuffixLength = 6;

std::string BaseNameOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool IsSuffixChar(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// True for "<base>.tmp-XXXXXX" with six characters from RandomSuffix's alphabet.
bool IsTemporaryOf(std::string_view name, std::string_view base) {
  if (name.size() != base.size() + kTempInfix.size() + kSuffixLength) return false;
  if (name.substr(0, base.size()) != base || name.substr(base.size(), kTempInfix.size()) != kTempInfix) return false;
  for (char c : name.substr(base.size() + kTempInfix.size())) {
    if (!IsSuffixChar(c)) return false;
  }
  return true;
}

// True if `fd` is still what `path` names (the name was not removed or replaced meanwhile).
bool StillNamedBy(int fd, const std::string& path) {
  struct stat by_fd;
  struct stat by_name;
  return ::fstat(fd, &by_fd) == 0 && ::lstat(path.c_str(), &by_name) == 0 && by_fd.st_dev == by_name.st_dev &&
         by_fd.st_ino == by_name.st_ino;
}

// Takes the writer's lock on a temporary it just created at `path`. False (and the caller picks
// another name) when a cleaner got there first: it holds the lock or already removed the name.
bool LockNewTemporary(int fd, const std::string& path) {
  return ::flock(fd, LOCK_EX | LOCK_NB) == 0 && StillNamedBy(fd, path);
}

}  // namespace

void RemoveStaleTemporaries(const std::string& path) {
  const std::string dir = DirectoryOf(path);
  const std::string base = BaseNameOf(path);
  if (base.empty()) return;
  std::vector<std::string> stale;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      if (IsTemporaryOf(e->d_name, base)) stale.push_back(dir + "/" + e->d_name);
    }
    ::closedir(d);
  }
  for (const std::string& temp : stale) {
    // O_NOFOLLOW: a symbolic link with a temporary's name is not ours to follow.
    UniqueFd fd(::open(temp.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) continue;
    // A live writer holds the lock for as long as its temporary exists; a dead one released it.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 || !StillNamedBy(fd.get(), temp)) continue;
    RemoveTree(temp);
  }
}

namespace {
Status TooLarge(const std::string& path, uint64_t max_size) {
  return ResourceExhaustedError("file '" + path + "' is larger than the limit of " + std::to_string(max_size) +
                                " bytes");
}
}  // namespace

Result<std::string> ReadFile(const std::string& path, uint64_t max_size) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  // A regular file over the limit is refused before a byte is read; anything else (a pipe, a
  // file that grows) by the count below.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_size) {
    return TooLarge(path, max_size);
  }
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer, sizeof(buffer)));
    if (n == 0) break;
    if (data.size() + n > max_size) return TooLarge(path, max_size);
    data.append(buffer, n);
  }
  return data;
}

AtomicFile::AtomicFile(int fd, UniqueFd lock, std::string path, std::string temp_path, bool sync)
    : fd_(fd), lock_(std::move(lock)), path_(std::move(path)), temp_path_(std::move(temp_path)), sync_(sync) {}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path, uint32_t mode,
                                                       const WriteOptions& options) {
  if (path.empty() || path.back() == '/') {
    return InvalidArgumentError("output path '" + path + "' names no file");
  }
  // open(2) with O_EXCL applies `mode` through the umask itself. (Reading the umask with
  // umask(0) and restoring it would race with other threads: the umask is process-wide.)
  RemoveStaleTemporaries(path);
  for (int attempt = 0;; ++attempt) {
    if (attempt >= 100) return InternalError("cannot create a temporary file for '" + path + "'");
    std::string temp_path = path + std::string(kTempInfix) + RandomSuffix();
    int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return ErrnoError("cannot create a temporary file for", path, errno);
    }
    // The lock lives on a duplicate, so that Commit can close the data descriptor (and see its
    // error) before the rename without exposing the finished temporary to a cleaner.
    UniqueFd lock(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (lock.get() < 0) {
      int e = errno;
      ::unlink(temp_path.c_str());
      ::close(fd);
      return ErrnoError("cannot lock a temporary file for", path, e);
    }
    if (!LockNewTemporary(fd, temp_path)) {
      ::close(fd);
      continue;
    }
    return std::unique_ptr<AtomicFile>(new AtomicFile(fd, std::move(lock), path, std::move(temp_path), options.sync));
  }
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
  lock_.Reset();
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
  if (written_ - flushed_ >= kWritebackChunk && sync_) {
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
  if (!sync_) return OkStatus();
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
  lock_.Reset();
  committed_ = true;
  if (!sync_) return OkStatus();
  int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: the rename is already visible
    ::close(dir);
  }
  return OkStatus();
}

Result<TemporaryDirectory> TemporaryDirectory::CreateNextTo(const std::string& path, uint32_t mode) {
  if (path.empty() || path.back() == '/') {
    return InvalidArgumentError("output path '" + path + "' names no file");
  }
  RemoveStaleTemporaries(path);
  for (int attempt = 0;; ++attempt) {
    if (attempt >= 100) return InternalError("cannot create a temporary directory next to '" + path + "'");
    std::string temp = path + std::string(kTempInfix) + RandomSuffix();
    if (::mkdir(temp.c_str(), 0700) != 0) {
      if (errno == EEXIST) continue;
      return ErrnoError("cannot create a directory next to", path, errno);
    }
    UniqueFd lock(::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (lock.get() < 0 && errno != ENOENT) {
      int e = errno;
      ::rmdir(temp.c_str());
      return ErrnoError("cannot open", temp, e);
    }
    if (lock.get() < 0 || !LockNewTemporary(lock.get(), temp)) continue;  // a cleaner's now
    if (::fchmod(lock.get(), static_cast<mode_t>(mode)) != 0) {
      int e = errno;
      RemoveTree(temp);
      return ErrnoError("cannot set the mode of", temp, e);
    }
    return TemporaryDirectory(std::move(lock), std::move(temp));
  }
}

TemporaryDirectory::~TemporaryDirectory() {
  if (!path_.empty()) RemoveTree(path_);
}

Status TemporaryDirectory::MoveTo(const std::string& destination) {
  if (path_.empty()) return FailedPreconditionError("temporary directory already moved");
  if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, destination.c_str(), RENAME_NOREPLACE) != 0) {
    return ErrnoError("cannot move a directory to", destination, errno);
  }
  path_.clear();
  lock_.Reset();
  return OkStatus();
}

Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode, const WriteOptions& options) {
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(path, mode, options));
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
