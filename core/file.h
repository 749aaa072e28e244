// Whole-file reads and transactional writes. A file written here is either complete at its
// final path or not there at all: data goes to a temporary file in the same directory, is
// fsynced, and renamed over the destination; any failure removes the temporary file.
// Functions are thread-safe; an AtomicFile object is not.
#ifndef FNSEAL_CORE_FILE_H_
#define FNSEAL_CORE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/io.h"
#include "core/status.h"

namespace fnseal {

// Reads a whole file. ResourceExhausted if it is larger than `max_size` bytes.
Result<std::string> ReadFile(const std::string& path, uint64_t max_size = UINT64_MAX);

// Temporaries. Every temporary file or directory made here is named "<path>.tmp-XXXXXX", next to
// the `path` it is for, and is flock()ed by its writer for as long as it exists. A process killed
// outright (kill -9, power loss) leaves its temporary behind, unlocked; the next writer of the
// same `path` removes it. So a crash never leaves a partial file at `path`, and no temporary
// outlives the next successful write.

// Removes every "<path>.tmp-XXXXXX" file or directory that no live process holds locked. Never
// follows a symbolic link; best effort (what cannot be opened or locked stays).
void RemoveStaleTemporaries(const std::string& path);

// How durable a transactional write is, chosen per call (never process-wide).
struct WriteOptions {
  // Whether the file is fsynced before the rename (and in AtomicFile::Sync), and its directory
  // after it. A caller whose outputs are owned by a build system that records them without fsync
  // (a Bazel action's outputs, which Bazel moves out of the sandbox) may turn it off. Either way
  // an output is complete at its path or absent; without fsync a power loss can also take a
  // committed file with it.
  bool sync = true;
};

// A file being written transactionally. Write() appends; Commit() makes it visible at `path`.
// Destroying an uncommitted AtomicFile removes the temporary file and leaves `path` untouched.
// Create removes stale temporaries of `path` first.
class AtomicFile : public ByteSink {
 public:
  // Creates the temporary file next to `path` with permission bits `mode` (before umask),
  // synced as `options` says.
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path, uint32_t mode = 0644,
                                                    const WriteOptions& options = {});
  ~AtomicFile() override;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Starts the kernel's writeback every few MiB as it goes (sync_file_range), so that Commit's
  // fsync has little left to wait for on a large file (not without WriteOptions::sync).
  Status Write(std::string_view bytes) override;
  // fsyncs (with WriteOptions::sync) what was written so far, so that a later Commit has nothing left to wait for (e.g. to
  // sync a side file while the main output is still being produced). After an error the file is
  // abandoned.
  Status Sync();
  // fsyncs, renames over `path`, fsyncs the directory (the fsyncs with WriteOptions::sync only).
  // After an error the file is abandoned.
  Status Commit();
  // Gives the file exactly `mode` (no umask applied), before Commit makes it visible.
  Status SetMode(uint32_t mode);

 private:
  AtomicFile(int fd, UniqueFd lock, std::string path, std::string temp_path, bool sync);
  void Abandon();

  int fd_;
  UniqueFd lock_;  // flock() on the temporary, held until it is renamed or removed
  std::string path_;
  std::string temp_path_;
  uint64_t written_ = 0;  // bytes written so far
  uint64_t flushed_ = 0;  // bytes whose writeback was started
  bool sync_;             // WriteOptions::sync
  bool committed_ = false;
};

// A directory "<path>.tmp-XXXXXX" next to `path`, for work that becomes `path` (MoveTo) or is
// scratch on the same file system; removed with everything below it when the object goes away
// without MoveTo. CreateNextTo removes stale temporaries of `path` first.
class TemporaryDirectory {
 public:
  static Result<TemporaryDirectory> CreateNextTo(const std::string& path, uint32_t mode = 0700);
  TemporaryDirectory(TemporaryDirectory&& other) noexcept
      : lock_(std::move(other.lock_)), path_(std::exchange(other.path_, std::string())) {}
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory();

  const std::string& path() const { return path_; }
  // Renames the directory to `destination`, which must not exist; it is then no longer removed.
  Status MoveTo(const std::string& destination);

 private:
  TemporaryDirectory(UniqueFd lock, std::string path) : lock_(std::move(lock)), path_(std::move(path)) {}
  UniqueFd lock_;     // flock() on the directory
  std::string path_;  // empty once moved
};

// Writes `data` to `path` transactionally.
Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode = 0644,
                       const WriteOptions& options = {});

// True if `path` exists (any file type; symlinks are not followed).
bool PathExists(const std::string& path);

// Removes `path` and, if it is a directory, everything below it, never following symlinks.
// Best effort: for undoing work in a directory this process created.
void RemoveTree(const std::string& path);

}  // namespace fnseal

#endif  // FNSEAL_CORE_FILE_H_
