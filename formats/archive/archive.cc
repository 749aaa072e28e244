#include "formats/archive/archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "core/file.h"

namespace fnseal {

std::string_view ArchiveFormatName(ArchiveFormat format) {
  switch (format) {
    case ArchiveFormat::kTar: return "tar";
    case ArchiveFormat::kTarZstd: return "tar.zst";
    case ArchiveFormat::kZip: return "zip";
  }
  return "unknown";
}

Result<ArchiveFormat> DetectArchiveFormat(const std::string& path) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  unsigned char magic[4] = {0};
  size_t have = 0;
  while (have < sizeof(magic)) {
    ASSIGN_OR_RETURN(size_t n, source->Read(magic + have, sizeof(magic) - have));
    if (n == 0) break;
    have += n;
  }
  if (have == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return ArchiveFormat::kTarZstd;
  }
  if (have == 4 && magic[0] == 'P' && magic[1] == 'K' &&
      ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6))) {
    return ArchiveFormat::kZip;
  }
  return ArchiveFormat::kTar;
}

namespace {

// Copies the rest of the current tar entry to `out`.
Status CopyTarEntry(TarReader* reader, ByteSink* out) {
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
    if (n == 0) return OkStatus();
    RETURN_IF_ERROR(out->Write(std::string_view(buffer.data(), n)));
  }
}

Status WalkTar(ByteSource* source, const EntryVisitor& visit, const TarLimits& limits) {
  TarReader reader(source, limits);
  TarEntryInfo info;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&info));
    if (!more) return OkStatus();
    ArchiveEntry entry{info.path, info.is_directory, info.mode, info.size, info.mtime};
    RETURN_IF_ERROR(visit(entry, [&reader](ByteSink* out) { return CopyTarEntry(&reader, out); }));
  }
}

}  // namespace

Status ForEachArchiveEntry(const std::string& path, const EntryVisitor& visit, const ArchiveLimits& limits) {
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(path));
  if (format == ArchiveFormat::kZip) {
    ASSIGN_OR_RETURN(auto file, OpenRandomAccessFile(path));
    ASSIGN_OR_RETURN(auto reader, ZipReader::Open(file.get(), limits.zip));
    const auto& entries = reader->entries();
    for (size_t i = 0; i < entries.size(); ++i) {
      const ZipEntryInfo& z = entries[i];
      ArchiveEntry entry{z.path, z.is_directory, z.mode, z.size, 0};
      ZipReader* r = reader.get();
      RETURN_IF_ERROR(visit(entry, [r, i](ByteSink* out) { return r->Extract(i, out); }));
    }
    return OkStatus();
  }
  ASSIGN_OR_RETURN(auto file, FileSource::Open(path));
  if (format == ArchiveFormat::kTar) return WalkTar(file.get(), visit, limits.tar);
  ZstdReader zstd(file.get(), limits.zstd);
  return WalkTar(&zstd, visit, limits.tar);
}

namespace {

// Writes to a file descriptor it owns.
class OwnedFdSink : public ByteSink {
 public:
  OwnedFdSink(int fd, std::string name) : fd_(fd), sink_(fd, std::move(name)) {}
  ~OwnedFdSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Write(std::string_view bytes) override { return sink_.Write(bytes); }
  Status Close(const std::string& name) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoError("cannot close", name, errno);
    return OkStatus();
  }

 private:
  int fd_;
  FdSink sink_;
};

// Creates directory `relative` (and missing parents) under `root_fd`, never following symlinks.
Status MakeDirectories(int root_fd, const std::string& relative, const std::string& shown_root) {
  size_t start = 0;
  while (start <= relative.size()) {
    size_t slash = relative.find('/', start);
    std::string prefix = relative.substr(0, slash == std::string::npos ? relative.size() : slash);
    if (::mkdirat(root_fd, prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError("cannot create directory", shown_root + "/" + prefix, errno);
    }
    struct stat st;
    if (::fstatat(root_fd, prefix.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      return InvalidArgumentError("'" + prefix + "' is not a directory in the destination");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return OkStatus();
}

Status ExtractInto(const std::string& archive, int root_fd, const std::string& temp, const ArchiveLimits& limits) {
  return ForEachArchiveEntry(
      archive,
      [&](const ArchiveEntry& entry, const ContentReader& content) -> Status {
        if (entry.is_directory) return MakeDirectories(root_fd, entry.path, temp);
        size_t slash = entry.path.rfind('/');
        if (slash != std::string::npos) RETURN_IF_ERROR(MakeDirectories(root_fd, entry.path.substr(0, slash), temp));
        const mode_t mode = (entry.mode & 0111) != 0 ? 0755 : 0644;
        int fd = ::openat(root_fd, entry.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0) return ErrnoError("cannot create", entry.path, errno);
        // The umask may have cleared bits: set the mode the archive asks for.
        if (::fchmod(fd, mode) != 0) {
          int e = errno;
          ::close(fd);
          return ErrnoError("cannot set the mode of", entry.path, e);
        }
        OwnedFdSink sink(fd, entry.path);
        RETURN_IF_ERROR(content(&sink).Annotate(entry.path));
        return sink.Close(entry.path);
      },
      limits);
}

}  // namespace

Status ExtractArchive(const std::string& archive, const std::string& destination, const ArchiveLimits& limits) {
  std::string dest = destination;
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  if (dest.empty()) return InvalidArgumentError("destination is empty");
  RemoveStaleTemporaries(dest);
  if (PathExists(dest)) return AlreadyExistsError("destination '" + dest + "' already exists");
  ASSIGN_OR_RETURN(TemporaryDirectory temp, TemporaryDirectory::CreateNextTo(dest, 0755));
  UniqueFd root_fd(::open(temp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root_fd.get() < 0) return ErrnoError("cannot open", temp.path(), errno);
  RETURN_IF_ERROR(ExtractInto(archive, root_fd.get(), temp.path(), limits));
  root_fd.Reset();
  RETURN_IF_ERROR(temp.MoveTo(dest).Annotate("the extracted tree"));
  return OkStatus();
}

}  // namespace fnseal
