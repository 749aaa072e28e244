#include "core/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fnseal {

Status ErrnoError(std::string_view operation, std::string_view path, int error_number) {
  std::string message(operation);
  message += " '";
  message += path;
  message += "': ";
  message += std::strerror(error_number);
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(message));
    case EEXIST:
    case ENOTEMPTY:
      return AlreadyExistsError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

Status ReadExactly(ByteSource* source, void* data, size_t size, std::string_view what) {
  auto* out = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    ASSIGN_OR_RETURN(size_t n, source->Read(out + done, size - done));
    if (n == 0) return DataLossError("unexpected end of " + std::string(what));
    done += n;
  }
  return OkStatus();
}

Result<size_t> StringSource::Read(void* data, size_t size) {
  size_t n = std::min(size, data_.size() - offset_);
  if (n > 0) std::memcpy(data, data_.data() + offset_, n);
  offset_ += n;
  return n;
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  return std::unique_ptr<FileSource>(new FileSource(fd, path));
}

FileSource::~FileSource() { ::close(fd_); }

namespace {

Result<size_t> ReadFd(int fd, void* data, size_t size, std::string_view name) {
  for (;;) {
    ssize_t n = ::read(fd, data, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return ErrnoError("cannot read", name, errno);
  }
}

}  // namespace

Result<size_t> FileSource::Read(void* data, size_t size) { return ReadFd(fd_, data, size, path_); }

Result<size_t> FdSource::Read(void* data, size_t size) { return ReadFd(fd_, data, size, name_); }

Status FdSink::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", name_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

void UniqueFd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

namespace {

class FileRandomAccess : public RandomAccessSource {
 public:
  FileRandomAccess(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileRandomAccess() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  Status ReadAt(uint64_t offset, size_t n, void* data) const override {
    if (offset > size_ || n > size_ - offset) return DataLossError("read past the end of '" + path_ + "'");
    auto* p = static_cast<char*>(data);
    while (n > 0) {
      ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("cannot read", path_, errno);
      }
      if (got == 0) return DataLossError("unexpected end of '" + path_ + "'");
      p += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<size_t>(got);
    }
    return OkStatus();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class StringRandomAccess : public RandomAccessSource {
 public:
  explicit StringRandomAccess(std::string_view data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  Status ReadAt(uint64_t offset, size_t n, void* data) const override {
    if (offset > data_.size() || n > data_.size() - offset) return DataLossError("read past the end of the archive");
    std::memcpy(data, data_.data() + offset, n);
    return OkStatus();
  }

 private:
  std::string_view data_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessSource>> OpenRandomAccessFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError("'" + path + "' is not a regular file");
  }
  return std::unique_ptr<RandomAccessSource>(new FileRandomAccess(fd, static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<RandomAccessSource> RandomAccessString(std::string_view data) {
  return std::make_unique<StringRandomAccess>(data);
}

}  // namespace fnseal
