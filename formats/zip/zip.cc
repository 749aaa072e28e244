#include "formats/zip/zip.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <functional>
#include <set>

#include "formats/entry/archive_path.h"
#include "formats/tar/tar.h"

namespace fnseal {
namespace {

constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kUtf8Flag = 0x0800;
constexpr uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr uint64_t kMax32 = 0xffffffffu;
constexpr uint64_t kMax16 = 0xffffu;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kZip64LocatorSize = 20;
// Files up to this size are compressed once, in memory; larger ones in two streaming passes.
constexpr uint64_t kInMemoryLimit = 16 << 20;

void Put16(std::string* out, uint64_t v) {
  out->push_back(static_cast<char>(v & 0xff));
  out->push_back(static_cast<char>((v >> 8) & 0xff));
}
void Put32(std::string* out, uint64_t v) {
  Put16(out, v & 0xffff);
  Put16(out, (v >> 16) & 0xffff);
}
void Put64(std::string* out, uint64_t v) {
  Put32(out, v & kMax32);
  Put32(out, v >> 32);
}
uint16_t Get16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Get32(const unsigned char* p) { return Get16(p) | (static_cast<uint32_t>(Get16(p + 2)) << 16); }
uint64_t Get64(const unsigned char* p) { return Get32(p) | (static_cast<uint64_t>(Get32(p + 4)) << 32); }

// Raw deflate of a stream of chunks; deterministic for a given zlib, level and input.
class Deflater {
 public:
  explicit Deflater(int level) {
    ok_ = deflateInit2(&z_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&z_);
  }
  bool ok() const { return ok_; }
  // Compresses `in` (finishing the stream if `last`) and appends to `out`.
  Status Feed(std::string_view in, bool last, std::string* out) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    char buffer[1 << 15];
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buffer);
      z_.avail_out = sizeof(buffer);
      int rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return InternalError("zlib deflate failed");
      out->append(buffer, sizeof(buffer) - z_.avail_out);
      if (last ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
    return OkStatus();
  }

 private:
  z_stream z_{};
  bool ok_ = false;
};

struct EntryData {
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  std::string compressed;  // when held in memory
};

// Passes over an input's bytes in chunks: from memory or streamed from its source file.
Status ForEachChunk(const ArchiveInput& input, uint64_t expected_size,
                    const std::function<Status(std::string_view, bool)>& fn) {
  if (input.source_path.empty()) return fn(input.content, true);
  ASSIGN_OR_RETURN(auto source, FileSource::Open(input.source_path));
  std::string buffer(1 << 16, '\0');
  uint64_t total = 0;
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer.data(), buffer.size()));
    total += n;
    if (total > expected_size) break;
    bool last = n == 0;
    RETURN_IF_ERROR(fn(std::string_view(buffer.data(), n), last));
    if (last) break;
  }
  if (total != expected_size) {
    return DataLossError("'" + input.source_path + "' changed size while being archived");
  }
  return OkStatus();
}

// Computes CRC and compressed size; keeps the compressed bytes if `keep`.
Status Compress(const ArchiveInput& input, uint64_t size, bool deflate, int level, bool keep, EntryData* out) {
  uLong crc = crc32(0, nullptr, 0);
  if (!deflate) {
    RETURN_IF_ERROR(ForEachChunk(input, size, [&](std::string_view chunk, bool) {
      crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()));
      if (keep) out->compressed.append(chunk);
      return OkStatus();
    }));
    out->crc = static_cast<uint32_t>(crc);
    out->compressed_size = size;
    return OkStatus();
  }
  Deflater deflater(level);
  if (!deflater.ok()) return InternalError("zlib deflateInit2 failed");
  std::string compressed;
  uint64_t compressed_size = 0;
  RETURN_IF_ERROR(ForEachChunk(input, size, [&](std::string_view chunk, bool last) {
    crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()));
    RETURN_IF_ERROR(deflater.Feed(chunk, last, &compressed));
    compressed_size += compressed.size();
    if (keep) {
      out->compressed.append(compressed);
    }
    compressed.clear();
    return OkStatus();
  }));
  out->crc = static_cast<uint32_t>(crc);
  out->compressed_size = compressed_size;
  return OkStatus();
}

// Streams the compressed bytes of a large input to `out` (the second pass).
Status WriteCompressed(const ArchiveInput& input, uint64_t size, bool deflate, int level, ByteSink* out) {
  if (!deflate) return ForEachChunk(input, size, [&](std::string_view chunk, bool) { return out->Write(chunk); });
  Deflater deflater(level);
  if (!deflater.ok()) return InternalError("zlib deflateInit2 failed");
  std::string compressed;
  return ForEachChunk(input, size, [&](std::string_view chunk, bool last) {
    RETURN_IF_ERROR(deflater.Feed(chunk, last, &compressed));
    Status s = out->Write(compressed);
    compressed.clear();
    return s;
  });
}

}  // namespace

Status WriteZip(const std::vector<ArchiveInput>& inputs, ByteSink* out, const ZipOptions& options) {
  if (options.deflate && (options.level < 1 || options.level > 9)) {
    return InvalidArgumentError("zip deflate level " + std::to_string(options.level) + " is outside 1..9");
  }
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(inputs));  // validates, sorts, adds directories
  std::string central;
  uint64_t offset = 0;
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const TarEntryInfo& e = plan.entries[i];
    const std::string name = e.is_directory ? e.path + "/" : e.path;
    const bool deflate = options.deflate && !e.is_directory && e.size > 0;
    EntryData data;
    const bool in_memory = e.size <= kInMemoryLimit;
    if (!e.is_directory) {
      RETURN_IF_ERROR(Compress(*plan.inputs[i], e.size, deflate, options.level, in_memory, &data));
    } else {
      data.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
    }
    const bool zip64_sizes = e.size >= kMax32 || data.compressed_size >= kMax32;
    const bool zip64_offset = offset >= kMax32;
    const uint16_t version = (zip64_sizes || zip64_offset) ? 45 : 20;
    const uint16_t method = deflate ? 8 : 0;

    std::string local;
    Put32(&local, kLocalSignature);
    Put16(&local, version);
    Put16(&local, kUtf8Flag);
    Put16(&local, method);
    Put16(&local, 0);  // DOS time 00:00:00
    Put16(&local, kDosDate1980);
    Put32(&local, data.crc);
    Put32(&local, zip64_sizes ? kMax32 : data.compressed_size);
    Put32(&local, zip64_sizes ? kMax32 : e.size);
    Put16(&local, name.size());
    Put16(&local, zip64_sizes ? 20 : 0);
    local += name;
    if (zip64_sizes) {
      Put16(&local, kZip64ExtraId);
      Put16(&local, 16);
      Put64(&local, e.size);
      Put64(&local, data.compressed_size);
    }
    RETURN_IF_ERROR(out->Write(local));
    if (!e.is_directory) {
      if (in_memory) {
        RETURN_IF_ERROR(out->Write(data.compressed));
      } else {
        RETURN_IF_ERROR(WriteCompressed(*plan.inputs[i], e.size, deflate, options.level, out));
      }
    }

    std::string extra;
    if (zip64_sizes || zip64_offset) {
      std::string values;
      if (zip64_sizes) {
        Put64(&values, e.size);
        Put64(&values, data.compressed_size);
      }
      if (zip64_offset) Put64(&values, offset);
      Put16(&extra, kZip64ExtraId);
      Put16(&extra, values.size());
      extra += values;
    }
    const uint32_t unix_mode = e.is_directory ? (S_IFDIR | 0755) : (S_IFREG | (e.executable ? 0755 : 0644));
    Put32(&central, kCentralSignature);
    Put16(&central, (3 << 8) | version);  // made by: Unix
    Put16(&central, version);
    Put16(&central, kUtf8Flag);
    Put16(&central, method);
    Put16(&central, 0);
    Put16(&central, kDosDate1980);
    Put32(&central, data.crc);
    Put32(&central, zip64_sizes ? kMax32 : data.compressed_size);
    Put32(&central, zip64_sizes ? kMax32 : e.size);
    Put16(&central, name.size());
    Put16(&central, extra.size());
    Put16(&central, 0);  // comment
    Put16(&central, 0);  // disk
    Put16(&central, 0);  // internal attributes
    Put32(&central, (static_cast<uint64_t>(unix_mode) << 16) | (e.is_directory ? 0x10 : 0));
    Put32(&central, zip64_offset ? kMax32 : offset);
    central += name;
    central += extra;
    offset += local.size() + data.compressed_size;
  }
  const uint64_t count = plan.entries.size();
  const uint64_t central_offset = offset;
  RETURN_IF_ERROR(out->Write(central));
  std::string end;
  const bool zip64_end = count >= kMax16 || central.size() >= kMax32 || central_offset >= kMax32;
  if (zip64_end) {
    const uint64_t zip64_end_offset = central_offset + central.size();
    Put32(&end, kZip64EndSignature);
    Put64(&end, kZip64EndSize - 12);
    Put16(&end, (3 << 8) | 45);
    Put16(&end, 45);
    Put32(&end, 0);
    Put32(&end, 0);
    Put64(&end, count);
    Put64(&end, count);
    Put64(&end, central.size());
    Put64(&end, central_offset);
    Put32(&end, kZip64LocatorSignature);
    Put32(&end, 0);
    Put64(&end, zip64_end_offset);
    Put32(&end, 1);
  }
  Put32(&end, kEndSignature);
  Put16(&end, 0);
  Put16(&end, 0);
  Put16(&end, zip64_end ? kMax16 : count);
  Put16(&end, zip64_end ? kMax16 : count);
  Put32(&end, zip64_end ? kMax32 : central.size());
  Put32(&end, zip64_end ? kMax32 : central_offset);
  Put16(&end, 0);  // comment length
  return out->Write(end);
}

// ---------------------------------------------------------------------------------------------
// Reader

struct ZipReader::Rep {
  const RandomAccessSource* source = nullptr;
  std::vector<ZipEntryInfo> entries;
};

ZipReader::ZipReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ZipReader::~ZipReader() = default;
const std::vector<ZipEntryInfo>& ZipReader::entries() const { return rep_->entries; }

namespace {

// Reads the Zip64 extra field of `extra` into the fields that hold 0xffffffff markers.
Status ApplyZip64Extra(std::string_view extra, bool need_size, bool need_compressed, bool need_offset,
                       uint64_t* size, uint64_t* compressed, uint64_t* offset, const std::string& name) {
  bool seen = false;
  while (!extra.empty()) {
    if (extra.size() < 4) return DataLossError("zip entry '" + name + "' has a truncated extra field");
    auto p = reinterpret_cast<const unsigned char*>(extra.data());
    uint16_t id = Get16(p);
    uint16_t length = Get16(p + 2);
    if (extra.size() < 4u + length) return DataLossError("zip entry '" + name + "' has a truncated extra field");
    if (id != kZip64ExtraId) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%04x", id);
      return InvalidArgumentError("zip entry '" + name + "' has an extra field " + hex + " fnseal never writes");
    }
    if (seen) return DataLossError("zip entry '" + name + "' has two Zip64 extra fields");
    seen = true;
    size_t want = (need_size ? 8 : 0) + (need_compressed ? 8 : 0) + (need_offset ? 8 : 0);
    if (length != want) return DataLossError("zip entry '" + name + "' has a Zip64 field of the wrong size");
    const unsigned char* v = p + 4;
    if (need_size) *size = Get64(v), v += 8;
    if (need_compressed) *compressed = Get64(v), v += 8;
    if (need_offset) *offset = Get64(v);
    extra.remove_prefix(4u + length);
  }
  if ((need_size || need_compressed || need_offset) && !seen) {
    return DataLossError("zip entry '" + name + "' lacks the Zip64 field its header calls for");
  }
  return OkStatus();
}

struct EndRecord {
  uint64_t entries = 0;
  uint64_t central_size = 0;
  uint64_t central_offset = 0;
  uint64_t central_end = 0;  // where the central directory must end
};

Result<EndRecord> ReadEnd(const RandomAccessSource& src) {
  const uint64_t size = src.size();
  if (size < kEndSize) return DataLossError("file is too small to be a zip archive");
  unsigned char e[kEndSize];
  RETURN_IF_ERROR(src.ReadAt(size - kEndSize, kEndSize, e));
  if (Get32(e) != kEndSignature) {
    return DataLossError("zip end record is not at the end of the file (trailing data or a comment)");
  }
  if (Get16(e + 4) != 0 || Get16(e + 6) != 0) return InvalidArgumentError("multi-disk zip archives are not accepted");
  if (Get16(e + 20) != 0) return DataLossError("zip end record has a comment");
  EndRecord r;
  uint64_t this_disk = Get16(e + 8);
  r.entries = Get16(e + 10);
  r.central_size = Get32(e + 12);
  r.central_offset = Get32(e + 16);
  r.central_end = size - kEndSize;
  const bool zip64 = r.entries == kMax16 || this_disk == kMax16 || r.central_size == kMax32 ||
                     r.central_offset == kMax32;
  if (zip64) {
    if (size < kEndSize + kZip64LocatorSize + kZip64EndSize) return DataLossError("zip64 end records are missing");
    unsigned char loc[kZip64LocatorSize];
    RETURN_IF_ERROR(src.ReadAt(size - kEndSize - kZip64LocatorSize, kZip64LocatorSize, loc));
    if (Get32(loc) != kZip64LocatorSignature) return DataLossError("zip64 end locator is missing");
    uint64_t end64 = Get64(loc + 8);
    if (Get32(loc + 4) != 0 || Get32(loc + 16) != 1) return InvalidArgumentError("multi-disk zip archives are not accepted");
    if (end64 != size - kEndSize - kZip64LocatorSize - kZip64EndSize) {
      return DataLossError("zip64 end record is not where its locator says");
    }
    unsigned char z[kZip64EndSize];
    RETURN_IF_ERROR(src.ReadAt(end64, kZip64EndSize, z));
    if (Get32(z) != kZip64EndSignature || Get64(z + 4) != kZip64EndSize - 12) {
      return DataLossError("zip64 end record is malformed");
    }
    if (Get32(z + 16) != 0 || Get32(z + 20) != 0) return InvalidArgumentError("multi-disk zip archives are not accepted");
    this_disk = Get64(z + 24);
    r.entries = Get64(z + 32);
    r.central_size = Get64(z + 40);
    r.central_offset = Get64(z + 48);
    r.central_end = end64;
  }
  if (this_disk != r.entries) return DataLossError("zip end record disagrees with itself on the entry count");
  if (r.central_offset > r.central_end || r.central_end - r.central_offset != r.central_size) {
    return DataLossError("zip central directory does not end where the end record begins");
  }
  return r;
}

}  // namespace

Result<std::unique_ptr<ZipReader>> ZipReader::Open(const RandomAccessSource* source, ZipLimits limits) {
  ASSIGN_OR_RETURN(EndRecord end, ReadEnd(*source));
  if (end.entries > limits.max_entries) {
    return ResourceExhaustedError("zip archive has " + std::to_string(end.entries) + " entries, more than the limit of " +
                                  std::to_string(limits.max_entries));
  }
  if (end.central_size > (uint64_t{64} << 20)) {
    return ResourceExhaustedError("zip central directory is larger than 64 MiB");
  }
  std::string central(static_cast<size_t>(end.central_size), '\0');
  RETURN_IF_ERROR(source->ReadAt(end.central_offset, central.size(), central.data()));
  auto rep = std::make_unique<Rep>();
  rep->source = source;
  std::set<std::string> files;
  std::set<std::string> directories;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [local header, end of data) per entry
  uint64_t total = 0;
  size_t pos = 0;
  for (uint64_t i = 0; i < end.entries; ++i) {
    if (central.size() - pos < kCentralHeaderSize) return DataLossError("zip central directory is truncated");
    auto c = reinterpret_cast<const unsigned char*>(central.data() + pos);
    if (Get32(c) != kCentralSignature) return DataLossError("zip central directory entry has a bad signature");
    const uint16_t made_by = Get16(c + 4);
    const uint16_t flags = Get16(c + 8);
    const uint16_t method = Get16(c + 10);
    ZipEntryInfo entry;
    entry.crc32 = Get32(c + 16);
    entry.compressed_size = Get32(c + 20);
    entry.size = Get32(c + 24);
    const uint16_t name_length = Get16(c + 28);
    const uint16_t extra_length = Get16(c + 30);
    const uint16_t comment_length = Get16(c + 32);
    const uint32_t external = Get32(c + 38);
    uint64_t local_offset = Get32(c + 42);
    if (central.size() - pos < kCentralHeaderSize + name_length + extra_length + comment_length) {
      return DataLossError("zip central directory is truncated");
    }
    std::string name = central.substr(pos + kCentralHeaderSize, name_length);
    std::string_view extra(central.data() + pos + kCentralHeaderSize + name_length, extra_length);
    pos += kCentralHeaderSize + name_length + extra_length + comment_length;
    if (name.find('\0') != std::string::npos) return DataLossError("zip entry name contains NUL");
    if (comment_length != 0) return InvalidArgumentError("zip entry '" + name + "' has a comment");
    if (flags & 0x0001) return InvalidArgumentError("zip entry '" + name + "' is encrypted");
    if (flags & 0x0008) return InvalidArgumentError("zip entry '" + name + "' uses a data descriptor");
    if (flags & ~(kUtf8Flag | 0x0006)) return InvalidArgumentError("zip entry '" + name + "' has unsupported flags");
    if (method != 0 && method != 8) {
      return InvalidArgumentError("zip entry '" + name + "' uses compression method " + std::to_string(method));
    }
    RETURN_IF_ERROR(ApplyZip64Extra(extra, entry.size == kMax32, entry.compressed_size == kMax32,
                                    local_offset == kMax32, &entry.size, &entry.compressed_size, &local_offset, name));
    entry.deflated = method == 8;
    entry.is_directory = !name.empty() && name.back() == '/';
    const bool unix_attributes = (made_by >> 8) == 3;
    const uint32_t unix_mode = external >> 16;
    if (unix_attributes && unix_mode != 0) {
      const uint32_t type = unix_mode & S_IFMT;
      if (type == S_IFLNK) return InvalidArgumentError("archive entry '" + name + "' is a symbolic link");
      if (type != S_IFREG && type != S_IFDIR && type != 0) {
        return InvalidArgumentError("archive entry '" + name + "' is not a regular file or directory");
      }
      if ((type == S_IFDIR) != entry.is_directory) {
        return InvalidArgumentError("archive entry '" + name + "' has a type that disagrees with its name");
      }
      if (unix_mode & 07000) return InvalidArgumentError("archive entry '" + name + "' has setuid, setgid or sticky bits");
      entry.mode = unix_mode & 0777;
    } else {
      entry.mode = entry.is_directory ? 0755 : 0644;
    }
    entry.executable = entry.is_directory || (entry.mode & 0111) != 0;
    RETURN_IF_ERROR(ValidateArchivePath(name, /*allow_trailing_slash=*/entry.is_directory));
    if (entry.is_directory) {
      name.pop_back();
      if (entry.size != 0 || entry.compressed_size != 0) {
        return DataLossError("directory entry '" + name + "' has content");
      }
    }
    if (files.count(name) || directories.count(name)) {
      return InvalidArgumentError("archive entry '" + name + "' appears twice");
    }
    for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      if (files.count(name.substr(0, slash))) {
        return InvalidArgumentError("archive entry '" + name + "' is inside the file '" + name.substr(0, slash) + "'");
      }
    }
    if (!entry.is_directory) {
      const std::string prefix = name + "/";
      auto it = directories.lower_bound(prefix);
      auto file_it = files.lower_bound(prefix);
      if ((it != directories.end() && it->compare(0, prefix.size(), prefix) == 0) ||
          (file_it != files.end() && file_it->compare(0, prefix.size(), prefix) == 0)) {
        return InvalidArgumentError("archive entry '" + name + "' is both a file and a directory");
      }
    }
    if (entry.size > limits.max_entry_size) {
      return ResourceExhaustedError("archive entry '" + name + "' is larger than the limit of " +
                                    std::to_string(limits.max_entry_size) + " bytes");
    }
    total += entry.size;
    if (total > limits.max_total_size) {
      return ResourceExhaustedError("zip archive content exceeds the limit of " +
                                    std::to_string(limits.max_total_size) + " bytes");
    }
    if (entry.size / std::max<uint64_t>(entry.compressed_size, 1) > limits.max_ratio) {
      return ResourceExhaustedError("archive entry '" + name + "' expands more than " +
                                    std::to_string(limits.max_ratio) + " times");
    }
    if (!entry.deflated && entry.size != entry.compressed_size) {
      return DataLossError("stored zip entry '" + name + "' has different sizes");
    }
    // The local header must agree with the central directory.
    unsigned char l[kLocalHeaderSize];
    if (local_offset > end.central_offset) return DataLossError("zip entry '" + name + "' starts past its data region");
    RETURN_IF_ERROR(source->ReadAt(local_offset, kLocalHeaderSize, l));
    if (Get32(l) != kLocalSignature) return DataLossError("zip entry '" + name + "' has no local header");
    const uint16_t local_name_length = Get16(l + 26);
    const uint16_t local_extra_length = Get16(l + 28);
    std::string local_rest(local_name_length + local_extra_length, '\0');
    RETURN_IF_ERROR(source->ReadAt(local_offset + kLocalHeaderSize, local_rest.size(), local_rest.data()));
    uint64_t local_size = Get32(l + 22);
    uint64_t local_compressed = Get32(l + 18);
    uint64_t unused_offset = 0;
    const std::string full_name = entry.is_directory ? name + "/" : name;
    if (local_rest.compare(0, local_name_length, full_name) != 0 || local_name_length != full_name.size()) {
      return DataLossError("zip entry '" + name + "': local and central headers disagree on the name");
    }
    RETURN_IF_ERROR(ApplyZip64Extra(std::string_view(local_rest).substr(local_name_length),
                                    local_size == kMax32, local_compressed == kMax32, false, &local_size,
                                    &local_compressed, &unused_offset, name));
    if (Get16(l + 6) != flags || Get16(l + 8) != method || Get32(l + 14) != entry.crc32 ||
        local_size != entry.size || local_compressed != entry.compressed_size) {
      return DataLossError("zip entry '" + name + "': local and central headers disagree");
    }
    entry.data_offset = local_offset + kLocalHeaderSize + local_rest.size();
    spans.emplace_back(local_offset, entry.data_offset + entry.compressed_size);
    entry.path = name;
    (entry.is_directory ? directories : files).insert(name);
    rep->entries.push_back(std::move(entry));
  }
  if (pos != central.size()) return DataLossError("zip central directory has trailing bytes");
  // Entries must tile [0, central_offset) exactly: no gaps, no overlaps, no hidden data.
  std::sort(spans.begin(), spans.end());
  uint64_t cursor = 0;
  for (const auto& [start, stop] : spans) {
    if (start != cursor) return DataLossError(start < cursor ? "zip entries overlap" : "zip archive has data between entries");
    cursor = stop;
  }
  if (cursor != end.central_offset) return DataLossError("zip archive has data before its central directory");
  return std::unique_ptr<ZipReader>(new ZipReader(std::move(rep)));
}

Status ZipReader::Extract(size_t index, ByteSink* out) const {
  if (index >= rep_->entries.size()) return InvalidArgumentError("zip entry index out of range");
  const ZipEntryInfo& e = rep_->entries[index];
  if (e.is_directory) return OkStatus();
  std::string in(1 << 16, '\0');
  std::string buffer(1 << 16, '\0');
  uLong crc = crc32(0, nullptr, 0);
  uint64_t produced = 0;
  uint64_t offset = e.data_offset;
  uint64_t remaining = e.compressed_size;
  if (!e.deflated) {
    while (remaining > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, in.size()));
      RETURN_IF_ERROR(rep_->source->ReadAt(offset, n, in.data()));
      crc = crc32(crc, reinterpret_cast<const Bytef*>(in.data()), static_cast<uInt>(n));
      RETURN_IF_ERROR(out->Write(std::string_view(in.data(), n)));
      offset += n;
      remaining -= n;
      produced += n;
    }
  } else {
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return InternalError("zlib inflateInit2 failed");
    struct Ender {
      z_stream* z;
      ~Ender() { inflateEnd(z); }
    } ender{&z};
    bool done = false;
    while (!done) {
      if (z.avail_in == 0) {
        if (remaining == 0) return DataLossError("zip entry '" + e.path + "' is truncated");
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, in.size()));
        RETURN_IF_ERROR(rep_->source->ReadAt(offset, n, in.data()));
        offset += n;
        remaining -= n;
        z.next_in = reinterpret_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(n);
      }
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      int rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        return DataLossError("zip entry '" + e.path + "' has corrupt deflate data");
      }
      size_t n = buffer.size() - z.avail_out;
      produced += n;
      if (produced > e.size) return DataLossError("zip entry '" + e.path + "' holds more than its declared size");
      crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(n));
      RETURN_IF_ERROR(out->Write(std::string_view(buffer.data(), n)));
      if (rc == Z_STREAM_END) done = true;
    }
    if (z.avail_in != 0 || remaining != 0) {
      return DataLossError("zip entry '" + e.path + "' has data after its deflate stream");
    }
  }
  if (produced != e.size) return DataLossError("zip entry '" + e.path + "' is shorter than its declared size");
  if (static_cast<uint32_t>(crc) != e.crc32) return DataLossError("zip entry '" + e.path + "' fails its CRC check");
  return OkStatus();
}

}  // namespace fnseal
