// Byte streams: the small interfaces that archive readers and writers are written against, so
// that the same code streams to files, memory or a hash without holding whole inputs in memory.
// Implementations are not thread-safe.
#ifndef FNSEAL_CORE_IO_H_
#define FNSEAL_CORE_IO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `data`; returns the count, 0 only at end of stream.
  virtual Result<size_t> Read(void* data, size_t size) = 0;
};

// Reads exactly `size` bytes, or DataLoss("unexpected end of <what>") if the stream ends first.
Status ReadExactly(ByteSource* source, void* data, size_t size, std::string_view what);

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

// Random access to bytes: an archive read by its directory, an executable read by its tables.
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `n` bytes at `offset`; DataLoss if they are not all there.
  virtual Status ReadAt(uint64_t offset, size_t n, void* data) const = 0;
};

// Opens a file for random access. NotFound etc. as FileSource::Open.
Result<std::unique_ptr<RandomAccessSource>> OpenRandomAccessFile(const std::string& path);
// Wraps a caller-owned buffer that must outlive the source.
std::unique_ptr<RandomAccessSource> RandomAccessString(std::string_view data);

// Reads from a caller-owned buffer that must outlive the source.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(void* data, size_t size) override;

 private:
  std::string_view data_;
  size_t offset_ = 0;
};

// Appends to a string.
class StringSink : public ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data_.append(bytes);
    return OkStatus();
  }
  const std::string& data() const { return data_; }
  std::string Release() { return std::move(data_); }

 private:
  std::string data_;
};

// Counts the bytes written, passing them on to `next` (or dropping them when it is null).
class CountingSink : public ByteSink {
 public:
  explicit CountingSink(ByteSink* next = nullptr) : next_(next) {}
  Status Write(std::string_view bytes) override {
    count_ += bytes.size();
    return next_ != nullptr ? next_->Write(bytes) : OkStatus();
  }
  uint64_t count() const { return count_; }

 private:
  ByteSink* next_;
  uint64_t count_ = 0;
};

// Reads a file sequentially.
class FileSource : public ByteSource {
 public:
  // NotFound if the file does not exist, PermissionDenied / Internal for other open failures.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;
  Result<size_t> Read(void* data, size_t size) override;

 private:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Reads a file descriptor it does not own (e.g. standard input).
class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Result<size_t> Read(void* data, size_t size) override;

 private:
  int fd_;
  std::string name_;
};

// Writes to a file descriptor it does not own (e.g. standard output).
class FdSink : public ByteSink {
 public:
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Status Write(std::string_view bytes) override;

 private:
  int fd_;
  std::string name_;
};

// Owns a file descriptor: closes it when destroyed or reset. Movable, not copyable.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset(other.fd_);
      other.fd_ = -1;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  // Closes the descriptor held, if any, and holds `fd` instead.
  void Reset(int fd = -1);

 private:
  int fd_;
};

// Status for a failed system call on `path`, from errno: NotFound, PermissionDenied,
// AlreadyExists or Internal, with the system's explanation.
Status ErrnoError(std::string_view operation, std::string_view path, int error_number);

}  // namespace fnseal

#endif  // FNSEAL_CORE_IO_H_
