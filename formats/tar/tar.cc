#include "formats/tar/tar.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/sha256.h"
#include "formats/entry/archive_path.h"

namespace fnseal {
namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxOctalSize = 077777777777ull;  // 11 octal digits
constexpr size_t kMaxPaxHeaderSize = 64 * 1024;

uint64_t PaddedSize(uint64_t size) { return (size + kBlock - 1) / kBlock * kBlock; }

void PutOctal(char* field, size_t width, uint64_t value) {
  // width-1 digits, zero padded, then NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

// A pax record "<len> <key>=<value>\n" where <len> counts the whole record.
std::string PaxRecord(const std::string& key, const std::string& value) {
  size_t body = 1 + key.size() + 1 + value.size() + 1;  // ' ' key '=' value '\n'
  size_t length = body + 1;
  while (std::to_string(length).size() + body != length) length = std::to_string(length).size() + body;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

std::string HeaderBlock(const std::string& name, char type, uint32_t mode, uint64_t size, int64_t mtime) {
  std::string block(kBlock, '\0');
  char* h = block.data();
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  PutOctal(h + 100, 8, mode);
  PutOctal(h + 108, 8, 0);  // uid
  PutOctal(h + 116, 8, 0);  // gid
  PutOctal(h + 124, 12, size);
  PutOctal(h + 136, 12, static_cast<uint64_t>(mtime));
  h[156] = type;
  std::memcpy(h + 257,
              "ustar\0"
              "00",
              8);
  PutOctal(h + 329, 8, 0);  // devmajor
  PutOctal(h + 337, 8, 0);  // devminor
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
  PutOctal(h + 148, 7, sum);  // six digits, NUL, then the space already there
  h[155] = ' ';
  return block;
}

// The name an entry is stored under: directories end in '/'.
std::string StoredName(const TarEntryInfo& e) { return e.is_directory ? e.path + "/" : e.path; }

// The pax records an entry needs (empty if none): its name past 100 bytes, its size past the
// ustar size field.
std::string PaxRecords(const TarEntryInfo& e, const std::string& name) {
  std::string records;
  if (name.size() > 100) records += PaxRecord("path", name);
  if (e.size > kMaxOctalSize) records += PaxRecord("size", std::to_string(e.size));
  return records;
}

// Header blocks (pax extension if needed, then ustar) for one entry.
std::string EntryHeaders(const TarEntryInfo& e) {
  const std::string name = StoredName(e);
  std::string records = PaxRecords(e, name);
  std::string out;
  if (!records.empty()) {
    std::string base = e.path.substr(e.path.rfind('/') + 1);
    std::string pax_name = ("PaxHeaders/" + base).substr(0, 100);
    out += HeaderBlock(pax_name, 'x', 0644, records.size(), e.mtime);
    records.resize(PaddedSize(records.size()), '\0');
    out += records;
  }
  out += HeaderBlock(name.substr(0, 100), e.is_directory ? '5' : '0', e.mode, e.size > kMaxOctalSize ? 0 : e.size,
                     e.mtime);
  return out;
}

// The size of EntryHeaders(e), without building the 512-byte blocks.
uint64_t EntryHeadersSize(const TarEntryInfo& e) {
  const size_t records = PaxRecords(e, StoredName(e)).size();
  return kBlock + (records == 0 ? 0 : kBlock + PaddedSize(records));
}

}  // namespace

Result<TarPlan> PlanTar(const std::vector<ArchiveInput>& inputs, int64_t mtime) {
  if (mtime < 0 || static_cast<uint64_t>(mtime) > kMaxOctalSize) {
    return InvalidArgumentError("mtime " + std::to_string(mtime) + " is outside the ustar range");
  }
  // The files sorted by path (byte order), then every parent directory once.
  std::vector<const ArchiveInput*> files;
  files.reserve(inputs.size());
  for (const ArchiveInput& input : inputs) {
    RETURN_IF_ERROR(ValidateArchivePath(input.path));
    files.push_back(&input);
  }
  std::sort(files.begin(), files.end(), [](const ArchiveInput* a, const ArchiveInput* b) { return a->path < b->path; });
  std::vector<std::string_view> directories;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i]->path;
    if (i > 0 && files[i - 1]->path == path) return InvalidArgumentError("archive entry '" + path + "' is given twice");
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      directories.push_back(std::string_view(path).substr(0, slash));
    }
  }
  std::sort(directories.begin(), directories.end());
  directories.erase(std::unique(directories.begin(), directories.end()), directories.end());
  for (std::string_view dir : directories) {
    auto it = std::lower_bound(files.begin(), files.end(), dir,
                               [](const ArchiveInput* f, std::string_view d) { return f->path < d; });
    if (it != files.end() && (*it)->path == dir) {
      return InvalidArgumentError("archive entry '" + std::string(dir) + "' is both a file and a directory");
    }
  }
  // Archive order: byte order of the stored names, where directories end in '/'.
  struct Planned {
    std::string name;  // as stored
    TarEntryInfo entry;
    const ArchiveInput* input;  // nullptr for a directory
  };
  std::vector<Planned> planned;
  planned.reserve(directories.size() + files.size());
  for (std::string_view dir : directories) {
    TarEntryInfo e;
    e.path = std::string(dir);
    e.is_directory = true;
    e.executable = true;
    e.mode = 0755;
    e.mtime = mtime;
    planned.push_back({e.path + "/", std::move(e), nullptr});
  }
  for (const ArchiveInput* input : files) {
    TarEntryInfo e;
    e.path = input->path;
    e.executable = input->executable;
    e.mode = input->executable ? 0755 : 0644;
    e.mtime = mtime;
    if (input->source_path.empty()) {
      e.size = input->content.size();
    } else if (input->source_size) {
      e.size = *input->source_size;
    } else {
      struct stat st;
      if (::stat(input->source_path.c_str(), &st) != 0) {
        return ErrnoError("cannot stat", input->source_path, errno);
      }
      if (!S_ISREG(st.st_mode)) {
        return InvalidArgumentError("'" + input->source_path + "' is not a regular file");
      }
      e.size = static_cast<uint64_t>(st.st_size);
    }
    planned.push_back({input->path, std::move(e), input});
  }
  std::sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) { return a.name < b.name; });
  TarPlan plan;
  plan.entries.reserve(planned.size());
  plan.inputs.reserve(planned.size());
  for (Planned& p : planned) {
    plan.archive_size += EntryHeadersSize(p.entry) + PaddedSize(p.entry.size);
    plan.inputs.push_back(p.input);
    plan.entries.push_back(std::move(p.entry));
  }
  plan.archive_size += 2 * kBlock;
  return plan;
}

Status WriteTar(const TarPlan& plan, ByteSink* out, std::vector<std::string>* sha256s) {
  // With digests wanted, the bytes are read into the pipeline's buffers and hashed on its
  // thread while `out` (typically compressing) takes them here.
  std::optional<Sha256Pipeline> hashing;
  if (sha256s != nullptr) hashing.emplace();
  std::string own_buffer(hashing ? 0 : 256 * 1024, '\0');
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const TarEntryInfo& e = plan.entries[i];
    RETURN_IF_ERROR(out->Write(EntryHeaders(e)));
    if (e.is_directory) continue;
    const ArchiveInput* input = plan.inputs[i];
    if (input->source_path.empty()) {
      if (hashing) hashing->Add(input->content);
      RETURN_IF_ERROR(out->Write(input->content));
    } else {
      ASSIGN_OR_RETURN(auto source, FileSource::Open(input->source_path));
      uint64_t written = 0;
      for (;;) {
        size_t capacity = own_buffer.size();
        char* buffer = hashing ? hashing->Space(&capacity) : own_buffer.data();
        ASSIGN_OR_RETURN(size_t n, source->Read(buffer, capacity));
        if (n == 0) break;
        written += n;
        if (written > e.size) break;
        if (hashing) hashing->Add(n);
        RETURN_IF_ERROR(out->Write(std::string_view(buffer, n)));
      }
      if (written != e.size) {
        return DataLossError("'" + input->source_path + "' changed size while being archived");
      }
    }
    if (hashing) hashing->EndMessage();
    RETURN_IF_ERROR(out->Write(std::string(PaddedSize(e.size) - e.size, '\0')));
  }
  RETURN_IF_ERROR(out->Write(std::string(2 * kBlock, '\0')));
  if (hashing) {
    // One digest per file, in entry order; directories get none.
    std::vector<std::string> digests = hashing->Finish();
    sha256s->assign(plan.entries.size(), std::string());
    size_t next = 0;
    for (size_t i = 0; i < plan.entries.size(); ++i) {
      if (!plan.entries[i].is_directory) (*sha256s)[i] = std::move(digests[next++]);
    }
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Reader

struct TarReader::Rep {
  ByteSource* in;
  TarLimits limits;
  uint64_t entries = 0;
  uint64_t total_size = 0;
  uint64_t remaining = 0;  // content bytes of the current entry not yet read
  uint64_t padding = 0;    // padding after the current entry's content
  bool done = false;
  std::set<std::string> files;
  std::set<std::string> directories;
};

TarReader::TarReader(ByteSource* in, TarLimits limits) : rep_(std::make_unique<Rep>()) {
  rep_->in = in;
  rep_->limits = limits;
}

TarReader::~TarReader() = default;

namespace {

bool IsZeroBlock(const char* block) {
  for (size_t i = 0; i < kBlock; ++i) {
    if (block[i] != 0) return false;
  }
  return true;
}

// Parses a NUL- or space-terminated octal field. Leading spaces are allowed, as other tars
// write them; anything else is DataLoss.
Result<uint64_t> ParseOctal(const char* field, size_t width, const char* what) {
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  uint64_t value = 0;
  size_t digits = 0;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i, ++digits) {
    if (value > (UINT64_MAX >> 3)) return DataLossError(std::string("tar header ") + what + " overflows");
    value = (value << 3) | static_cast<uint64_t>(field[i] - '0');
  }
  for (; i < width; ++i) {
    if (field[i] != '\0' && field[i] != ' ') {
      return DataLossError(std::string("tar header has a malformed ") + what + " field");
    }
  }
  if (digits == 0) return DataLossError(std::string("tar header has an empty ") + what + " field");
  return value;
}

std::string FieldString(const char* field, size_t width) {
  size_t n = 0;
  while (n < width && field[n] != '\0') ++n;
  return std::string(field, n);
}

Status ParsePax(const std::string& data, std::map<std::string, std::string>* out) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t space = data.find(' ', pos);
    if (space == std::string::npos || space == pos || space - pos > 20) {
      return DataLossError("pax header record has no length");
    }
    uint64_t length = 0;
    for (size_t i = pos; i < space; ++i) {
      if (data[i] < '0' || data[i] > '9') return DataLossError("pax header record length is not decimal");
      length = length * 10 + static_cast<uint64_t>(data[i] - '0');
      // Stop before 20 digits can wrap around to a plausible length.
      if (length > data.size()) return DataLossError("pax header record length disagrees with its content");
    }
    if (length > data.size() - pos || length < space - pos + 3) {
      return DataLossError("pax header record length disagrees with its content");
    }
    std::string record = data.substr(space + 1, pos + length - space - 1);
    if (record.back() != '\n') return DataLossError("pax header record does not end in a newline");
    record.pop_back();
    size_t eq = record.find('=');
    if (eq == std::string::npos || eq == 0) return DataLossError("pax header record has no key");
    std::string key = record.substr(0, eq);
    if (key != "path" && key != "size") {
      return InvalidArgumentError("pax header key '" + key.substr(0, 64) + "' is not one fnseal writes");
    }
    if (!out->emplace(key, record.substr(eq + 1)).second) {
      return DataLossError("pax header repeats the key '" + key + "'");
    }
    pos += length;
  }
  return OkStatus();
}

}  // namespace

Result<bool> TarReader::Next(TarEntryInfo* entry) {
  Rep& r = *rep_;
  if (r.done) return false;
  // Skip the rest of the current entry.
  char block[kBlock];
  while (r.remaining > 0) {
    char buffer[1 << 14];
    ASSIGN_OR_RETURN(size_t n, Read(buffer, sizeof(buffer)));
    if (n == 0) break;
  }
  if (r.padding > 0) {
    RETURN_IF_ERROR(ReadExactly(r.in, block, r.padding, "tar archive"));
    r.padding = 0;
  }
  std::map<std::string, std::string> pax;
  for (;;) {
    RETURN_IF_ERROR(ReadExactly(r.in, block, kBlock, "tar archive"));
    if (IsZeroBlock(block)) {
      if (!pax.empty()) return DataLossError("pax header is not followed by an entry");
      RETURN_IF_ERROR(ReadExactly(r.in, block, kBlock, "tar archive"));
      if (!IsZeroBlock(block)) return DataLossError("tar end-of-archive marker is incomplete");
      // Only zero padding may follow (other tars pad to their record size).
      for (;;) {
        char tail[1 << 12];
        ASSIGN_OR_RETURN(size_t n, r.in->Read(tail, sizeof(tail)));
        if (n == 0) break;
        for (size_t i = 0; i < n; ++i) {
          if (tail[i] != 0) return DataLossError("tar archive has trailing data after its end");
        }
      }
      r.done = true;
      return false;
    }
    ASSIGN_OR_RETURN(uint64_t checksum, ParseOctal(block + 148, 8, "checksum"));
    uint64_t sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
    }
    if (sum != checksum) return DataLossError("tar header checksum mismatch");
    if (std::memcmp(block + 257,
                    "ustar\0"
                    "00",
                    8) != 0) {
      return DataLossError("tar header is not ustar");
    }
    char type = block[156];
    ASSIGN_OR_RETURN(uint64_t size, ParseOctal(block + 124, 12, "size"));
    if (type == 'x') {
      if (!pax.empty()) return DataLossError("two pax headers in a row");
      if (size == 0 || size > kMaxPaxHeaderSize) {
        return ResourceExhaustedError("pax header size " + std::to_string(size) + " is out of range");
      }
      std::string data(PaddedSize(size), '\0');
      RETURN_IF_ERROR(ReadExactly(r.in, data.data(), data.size(), "tar archive"));
      data.resize(size);
      RETURN_IF_ERROR(ParsePax(data, &pax));
      continue;
    }
    if (++r.entries > r.limits.max_entries) {
      return ResourceExhaustedError("tar archive has more than " + std::to_string(r.limits.max_entries) + " entries");
    }
    std::string name = FieldString(block, 100);
    std::string prefix = FieldString(block + 345, 155);
    if (!prefix.empty()) name = prefix + "/" + name;
    if (auto it = pax.find("path"); it != pax.end()) name = it->second;
    if (auto it = pax.find("size"); it != pax.end()) {
      const std::string& s = it->second;
      if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
        return DataLossError("pax size '" + s.substr(0, 32) + "' is not a decimal number");
      }
      size = std::stoull(s);
    }
    if (name.find('\0') != std::string::npos) return DataLossError("tar entry name contains NUL");
    bool is_directory = false;
    switch (type) {
      case '0':
      case '\0':
        break;
      case '5':
        is_directory = true;
        break;
      case '1':
        return InvalidArgumentError("archive entry '" + name + "' is a hard link");
      case '2':
        return InvalidArgumentError("archive entry '" + name + "' is a symbolic link");
      case '3':
      case '4':
        return InvalidArgumentError("archive entry '" + name + "' is a device");
      case '6':
        return InvalidArgumentError("archive entry '" + name + "' is a named pipe");
      default:
        return InvalidArgumentError("archive entry '" + name + "' has unsupported type '" + std::string(1, type) + "'");
    }
    RETURN_IF_ERROR(ValidateArchivePath(name, /*allow_trailing_slash=*/is_directory));
    if (is_directory) {
      if (name.back() == '/') name.pop_back();
      if (size != 0) return DataLossError("directory entry '" + name + "' has a non-zero size");
    } else if (name.back() == '/') {
      return InvalidArgumentError("archive entry '" + name + "' is a file whose name ends in '/'");
    }
    if (r.files.count(name) || r.directories.count(name)) {
      return InvalidArgumentError("archive entry '" + name + "' appears twice");
    }
    if (!is_directory) {
      // An earlier entry inside `name` made it a directory (sets sort "name/..." together).
      const std::string inside = name + "/";
      for (const std::set<std::string>* seen : {&r.files, &r.directories}) {
        auto it = seen->lower_bound(inside);
        if (it != seen->end() && it->compare(0, inside.size(), inside) == 0) {
          return InvalidArgumentError("archive entry '" + name + "' is both a file and a directory");
        }
      }
    }
    for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      if (r.files.count(name.substr(0, slash))) {
        return InvalidArgumentError("archive entry '" + name + "' is inside the file '" + name.substr(0, slash) + "'");
      }
    }
    if (size > r.limits.max_entry_size) {
      return ResourceExhaustedError("archive entry '" + name + "' is larger than the limit of " +
                                    std::to_string(r.limits.max_entry_size) + " bytes");
    }
    r.total_size += size;
    if (r.total_size > r.limits.max_total_size) {
      return ResourceExhaustedError("tar archive content exceeds the limit of " +
                                    std::to_string(r.limits.max_total_size) + " bytes");
    }
    ASSIGN_OR_RETURN(uint64_t mode, ParseOctal(block + 100, 8, "mode"));
    if ((mode & 07000) != 0) {
      return InvalidArgumentError("archive entry '" + name + "' has setuid, setgid or sticky bits");
    }
    ASSIGN_OR_RETURN(uint64_t mtime, ParseOctal(block + 136, 12, "mtime"));
    (is_directory ? r.directories : r.files).insert(name);
    entry->path = name;
    entry->is_directory = is_directory;
    entry->mode = static_cast<uint32_t>(mode & 07777);
    entry->executable = is_directory || (mode & 0111) != 0;
    entry->size = size;
    entry->mtime = static_cast<int64_t>(mtime);
    r.remaining = size;
    r.padding = PaddedSize(size) - size;
    return true;
  }
}

Result<size_t> TarReader::Read(void* data, size_t size) {
  Rep& r = *rep_;
  size_t want = static_cast<size_t>(std::min<uint64_t>(size, r.remaining));
  if (want == 0) return size_t{0};
  ASSIGN_OR_RETURN(size_t n, r.in->Read(data, want));
  if (n == 0) return DataLossError("unexpected end of tar archive inside an entry");
  r.remaining -= n;
  return n;
}

Result<std::string> TarReader::ReadAll(uint64_t max_size) {
  if (rep_->remaining > max_size) {
    return ResourceExhaustedError("archive entry is larger than the limit of " + std::to_string(max_size) + " bytes");
  }
  std::string out(static_cast<size_t>(rep_->remaining), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ASSIGN_OR_RETURN(size_t n, Read(out.data() + done, out.size() - done));
    done += n;
  }
  return out;
}

}  // namespace fnseal
