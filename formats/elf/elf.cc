#include "formats/elf/elf.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace fnseal {
namespace {

// ELF constants (from the System V gABI and the GNU extensions); <elf.h> is not used so that
// the reader depends on nothing from the host.
constexpr uint8_t kElfClass64 = 2;
constexpr uint8_t kElfData2Lsb = 1;
constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEtDyn = 3;
constexpr uint16_t kEmX86_64 = 62;
constexpr uint16_t kEmAarch64 = 183;
constexpr uint32_t kPtDynamic = 2;
constexpr uint32_t kPtInterp = 3;
constexpr uint32_t kShtStrtab = 3;
constexpr uint32_t kShtDynamic = 6;
constexpr uint32_t kShtNobits = 8;
constexpr uint32_t kShtDynsym = 11;
constexpr uint32_t kShtGnuVerdef = 0x6ffffffd;
constexpr uint32_t kShtGnuVerneed = 0x6ffffffe;
constexpr uint32_t kShtGnuVersym = 0x6fffffff;
constexpr int64_t kDtNull = 0;
constexpr int64_t kDtNeeded = 1;
constexpr int64_t kDtSoname = 14;
constexpr int64_t kDtRpath = 15;
constexpr int64_t kDtRunpath = 29;
constexpr int64_t kDtFlags1 = 0x6ffffffb;
constexpr uint64_t kDf1Pie = 0x08000000;
constexpr uint16_t kVerFlgBase = 1;
constexpr uint16_t kVerFlgWeak = 2;

constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr size_t kShdrSize = 64;
constexpr size_t kDynSize = 16;
constexpr size_t kSymSize = 24;
constexpr size_t kVerRecordSize = 16;  // Elf64_Verneed and Elf64_Vernaux alike
constexpr size_t kVerdefSize = 20;
constexpr size_t kVerdauxSize = 8;
constexpr size_t kMaxInterpreterSize = 4096;

uint16_t Le16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(b[0] | (b[1] << 8));
}
uint32_t Le32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) | (static_cast<uint32_t>(b[2]) << 16) |
         (static_cast<uint32_t>(b[3]) << 24);
}
uint64_t Le64(const char* p) { return Le32(p) | (static_cast<uint64_t>(Le32(p + 4)) << 32); }

// The System V ELF hash that Vernaux records carry for their name.
uint32_t ElfHash(std::string_view name) {
  uint32_t h = 0;
  for (unsigned char c : name) {
    h = (h << 4) + c;
    uint32_t g = h & 0xf0000000u;
    if (g != 0) h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

struct Section {
  uint32_t type = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t entsize = 0;
};

class Parser {
 public:
  Parser(const RandomAccessSource& source, const ElfLimits& limits, ElfFileKind kind)
      : source_(source), limits_(limits), kind_(kind) {}

  Result<ElfInfo> Parse();

 private:
  // Reads `size` bytes at `offset`, checking both against the file and the table limit.
  Result<std::string> ReadRange(uint64_t offset, uint64_t size, const std::string& what) const;
  Result<std::string> ReadSection(size_t index, const std::string& what) const;
  // The string table a section links to.
  Result<std::string> LinkedStrings(const Section& section, const std::string& what) const;
  Status ParseHeader();
  Status ParseProgramHeaders();
  Status ParseSectionHeaders();
  Status ParseDynamic();
  Status ParseVersionNeeds();
  Status ParseVersionDefinitions();
  Status ParseVersionSymbols();
  // At most one section of `type`: its index, or -1.
  Result<int> FindUnique(uint32_t type, const char* what) const;

  const RandomAccessSource& source_;
  const ElfLimits& limits_;
  const ElfFileKind kind_;
  ElfInfo info_;
  uint64_t file_size_ = 0;
  uint16_t type_ = 0;
  uint64_t phoff_ = 0, shoff_ = 0;
  uint16_t phnum_ = 0, shnum_ = 0;
  bool has_dynamic_segment_ = false;
  bool pie_flag_ = false;
  std::vector<Section> sections_;
  std::map<uint16_t, size_t> by_index_;  // version index -> info_.version_needs position
};

Result<std::string> Parser::ReadRange(uint64_t offset, uint64_t size, const std::string& what) const {
  if (size > limits_.max_section_size) {
    return ResourceExhaustedError(what + " is " + std::to_string(size) + " bytes, over the limit of " +
                                  std::to_string(limits_.max_section_size));
  }
  if (offset > file_size_ || size > file_size_ - offset) {
    return DataLossError(what + " (" + std::to_string(size) + " bytes at offset " + std::to_string(offset) +
                         ") runs past the end of the file (" + std::to_string(file_size_) + " bytes)");
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  if (size > 0) RETURN_IF_ERROR(source_.ReadAt(offset, static_cast<size_t>(size), bytes.data()));
  return bytes;
}

Result<std::string> Parser::ReadSection(size_t index, const std::string& what) const {
  const Section& s = sections_[index];
  if (s.type == kShtNobits) return DataLossError(what + " has no bytes in the file (SHT_NOBITS)");
  return ReadRange(s.offset, s.size, what);
}

Result<std::string> Parser::LinkedStrings(const Section& section, const std::string& what) const {
  if (section.link == 0 || section.link >= sections_.size() || sections_[section.link].type != kShtStrtab) {
    return DataLossError(what + " links to section " + std::to_string(section.link) + ", which is not a string table");
  }
  ASSIGN_OR_RETURN(std::string strings, ReadSection(section.link, what + "'s string table"));
  if (strings.empty() || strings.back() != '\0') {
    return DataLossError(what + "'s string table does not end with a NUL");
  }
  return strings;
}

// The NUL-terminated string at `offset` of `table` (which ends with a NUL).
Result<std::string> StringAt(const std::string& table, uint64_t offset, const std::string& what) {
  if (offset >= table.size()) {
    return DataLossError(what + " name offset " + std::to_string(offset) + " is outside its string table (" +
                         std::to_string(table.size()) + " bytes)");
  }
  return std::string(table.c_str() + offset);
}

Result<int> Parser::FindUnique(uint32_t type, const char* what) const {
  int found = -1;
  for (size_t i = 0; i < sections_.size(); ++i) {
    if (sections_[i].type != type) continue;
    if (found >= 0) return DataLossError(std::string("more than one ") + what + " section");
    found = static_cast<int>(i);
  }
  return found;
}

Status Parser::ParseHeader() {
  file_size_ = source_.size();
  if (file_size_ > limits_.max_file_size) {
    return ResourceExhaustedError("file is " + std::to_string(file_size_) + " bytes, over the limit of " +
                                  std::to_string(limits_.max_file_size));
  }
  char ident[16] = {};
  size_t have = static_cast<size_t>(std::min<uint64_t>(file_size_, sizeof ident));
  RETURN_IF_ERROR(source_.ReadAt(0, have, ident));
  if (have < 4 || std::memcmp(ident,
                              "\x7f"
                              "ELF",
                              4) != 0)
    return InvalidArgumentError("not an ELF file");
  if (have < sizeof ident) return DataLossError("truncated ELF header");
  if (static_cast<uint8_t>(ident[4]) != kElfClass64) {
    return InvalidArgumentError("ELF class " + std::to_string(static_cast<uint8_t>(ident[4])) +
                                " is not supported; only 64-bit executables are");
  }
  if (static_cast<uint8_t>(ident[5]) != kElfData2Lsb) {
    return InvalidArgumentError("ELF data encoding " + std::to_string(static_cast<uint8_t>(ident[5])) +
                                " is not supported; only little-endian executables are");
  }
  if (ident[6] != 1) return DataLossError("ELF identification version " + std::to_string(ident[6]) + " is not 1");
  if (file_size_ < kEhdrSize) return DataLossError("truncated ELF header");
  char h[kEhdrSize];
  RETURN_IF_ERROR(source_.ReadAt(0, kEhdrSize, h));
  type_ = Le16(h + 16);
  uint16_t machine = Le16(h + 18);
  if (Le32(h + 20) != 1) return DataLossError("ELF version is not 1");
  phoff_ = Le64(h + 32);
  shoff_ = Le64(h + 40);
  uint16_t ehsize = Le16(h + 52);
  uint16_t phentsize = Le16(h + 54);
  phnum_ = Le16(h + 56);
  uint16_t shentsize = Le16(h + 58);
  shnum_ = Le16(h + 60);
  if (type_ != kEtExec && type_ != kEtDyn) {
    return InvalidArgumentError("ELF type " + std::to_string(type_) + " is not an executable");
  }
  if (machine == kEmX86_64) {
    info_.machine = "x86_64";
  } else if (machine == kEmAarch64) {
    info_.machine = "aarch64";
  } else {
    return InvalidArgumentError("ELF machine " + std::to_string(machine) + " is not supported (x86_64 or aarch64)");
  }
  info_.position_independent = type_ == kEtDyn;
  if (ehsize != kEhdrSize) return DataLossError("ELF header size " + std::to_string(ehsize) + " is not 64");
  if (phnum_ == 0) return InvalidArgumentError("ELF file has no program headers; it is not an executable");
  if (phnum_ == 0xffff) return InvalidArgumentError("extended program header numbering is not supported");
  if (phentsize != kPhdrSize) return DataLossError("program header size " + std::to_string(phentsize) + " is not 56");
  if (shnum_ == 0 && shoff_ != 0) return InvalidArgumentError("extended section numbering is not supported");
  if (shnum_ != 0 && shentsize != kShdrSize) {
    return DataLossError("section header size " + std::to_string(shentsize) + " is not 64");
  }
  if (phnum_ > limits_.max_program_headers) {
    return ResourceExhaustedError(std::to_string(phnum_) + " program headers, over the limit of " +
                                  std::to_string(limits_.max_program_headers));
  }
  if (shnum_ > limits_.max_sections) {
    return ResourceExhaustedError(std::to_string(shnum_) + " sections, over the limit of " +
                                  std::to_string(limits_.max_sections));
  }
  return OkStatus();
}

Status Parser::ParseProgramHeaders() {
  ASSIGN_OR_RETURN(std::string table, ReadRange(phoff_, uint64_t{phnum_} * kPhdrSize, "program header table"));
  bool seen_interp = false;
  for (size_t i = 0; i < phnum_; ++i) {
    const char* p = table.data() + i * kPhdrSize;
    uint32_t type = Le32(p);
    if (type == kPtDynamic) {
      if (has_dynamic_segment_) return DataLossError("more than one PT_DYNAMIC program header");
      has_dynamic_segment_ = true;
    }
    if (type != kPtInterp) continue;
    if (seen_interp) return DataLossError("more than one PT_INTERP program header");
    seen_interp = true;
    uint64_t offset = Le64(p + 8);
    uint64_t size = Le64(p + 32);  // p_filesz
    if (size < 2 || size > kMaxInterpreterSize) {
      return DataLossError("PT_INTERP size " + std::to_string(size) + " is not between 2 and " +
                           std::to_string(kMaxInterpreterSize));
    }
    ASSIGN_OR_RETURN(std::string path, ReadRange(offset, size, "PT_INTERP"));
    if (path.back() != '\0' || path.find('\0') != path.size() - 1) {
      return DataLossError("PT_INTERP is not one NUL-terminated path");
    }
    path.pop_back();
    info_.interpreter = std::move(path);
  }
  return OkStatus();
}

Status Parser::ParseSectionHeaders() {
  if (shnum_ == 0) {
    if (has_dynamic_segment_ || !info_.interpreter.empty()) {
      return InvalidArgumentError(
          "dynamically linked ELF file has no section headers; its version needs cannot be read");
    }
    return OkStatus();
  }
  ASSIGN_OR_RETURN(std::string table, ReadRange(shoff_, uint64_t{shnum_} * kShdrSize, "section header table"));
  sections_.resize(shnum_);
  for (size_t i = 0; i < shnum_; ++i) {
    const char* p = table.data() + i * kShdrSize;
    Section& s = sections_[i];
    s.type = Le32(p + 4);
    s.offset = Le64(p + 24);
    s.size = Le64(p + 32);
    s.link = Le32(p + 40);
    s.info = Le32(p + 44);
    s.entsize = Le64(p + 56);
    if (i != 0 && s.type != kShtNobits && (s.offset > file_size_ || s.size > file_size_ - s.offset)) {
      return DataLossError("section " + std::to_string(i) + " (" + std::to_string(s.size) + " bytes at offset " +
                           std::to_string(s.offset) + ") runs past the end of the file (" + std::to_string(file_size_) +
                           " bytes)");
    }
  }
  return OkStatus();
}

Status Parser::ParseDynamic() {
  ASSIGN_OR_RETURN(int index, FindUnique(kShtDynamic, "SHT_DYNAMIC"));
  if (index < 0) {
    if (has_dynamic_segment_) return DataLossError("PT_DYNAMIC program header but no .dynamic section");
    return OkStatus();
  }
  const Section& section = sections_[index];
  ASSIGN_OR_RETURN(std::string dynamic, ReadSection(index, ".dynamic"));
  if (dynamic.size() % kDynSize != 0) return DataLossError(".dynamic size is not a multiple of 16");
  ASSIGN_OR_RETURN(std::string strings, LinkedStrings(section, ".dynamic"));
  for (size_t off = 0; off < dynamic.size(); off += kDynSize) {
    int64_t tag = static_cast<int64_t>(Le64(dynamic.data() + off));
    uint64_t value = Le64(dynamic.data() + off + 8);
    if (tag == kDtNull) break;
    if (tag == kDtNeeded) {
      ASSIGN_OR_RETURN(std::string name, StringAt(strings, value, "DT_NEEDED"));
      if (name.empty()) return DataLossError("DT_NEEDED names an empty library");
      info_.needed.push_back(std::move(name));
    } else if (tag == kDtSoname) {
      if (!info_.soname.empty()) return DataLossError("more than one DT_SONAME");
      ASSIGN_OR_RETURN(info_.soname, StringAt(strings, value, "DT_SONAME"));
      if (info_.soname.empty()) return DataLossError("DT_SONAME is empty");
    } else if (tag == kDtRpath || tag == kDtRunpath) {
      const char* what = tag == kDtRpath ? "DT_RPATH" : "DT_RUNPATH";
      std::vector<std::string>& paths = tag == kDtRpath ? info_.rpath : info_.runpath;
      if (!paths.empty()) return DataLossError(std::string("more than one ") + what);
      ASSIGN_OR_RETURN(std::string joined, StringAt(strings, value, what));
      for (size_t start = 0;;) {
        size_t colon = joined.find(':', start);
        paths.push_back(joined.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
    } else if (tag == kDtFlags1) {
      pie_flag_ = (value & kDf1Pie) != 0;
    }
  }
  return OkStatus();
}

Status Parser::ParseVersionNeeds() {
  ASSIGN_OR_RETURN(int index, FindUnique(kShtGnuVerneed, "SHT_GNU_verneed"));
  if (index < 0) return OkStatus();
  const Section& section = sections_[index];
  ASSIGN_OR_RETURN(std::string data, ReadSection(index, ".gnu.version_r"));
  ASSIGN_OR_RETURN(std::string strings, LinkedStrings(section, ".gnu.version_r"));
  // sh_info is the number of Verneed records; each is 16 bytes, so the section bounds it.
  if (uint64_t{section.info} > data.size() / kVerRecordSize) {
    return DataLossError(".gnu.version_r declares " + std::to_string(section.info) + " entries in " +
                         std::to_string(data.size()) + " bytes");
  }
  // Records are 16 bytes and a linker lays them out without overlap; a record that overlaps
  // another (a chain pointing into itself or back at a header) means a crafted file. Checked
  // as each record is found, before its fields are trusted.
  std::set<uint64_t> record_offsets;
  auto claim = [&record_offsets](uint64_t at) -> Status {
    auto next = record_offsets.lower_bound(at);
    bool overlaps = (next != record_offsets.end() && *next - at < kVerRecordSize) ||
                    (next != record_offsets.begin() && at - *std::prev(next) < kVerRecordSize);
    if (overlaps) return DataLossError(".gnu.version_r records overlap at offset " + std::to_string(at));
    record_offsets.insert(at);
    return OkStatus();
  };
  std::map<uint16_t, size_t> by_index;
  uint64_t offset = 0;
  for (uint32_t n = 0; n < section.info; ++n) {
    if (offset > data.size() || data.size() - offset < kVerRecordSize) {
      return DataLossError(".gnu.version_r entry " + std::to_string(n) + " at offset " + std::to_string(offset) +
                           " runs past the section");
    }
    const char* vn = data.data() + offset;
    uint16_t version = Le16(vn);
    uint16_t count = Le16(vn + 2);
    uint32_t file_name = Le32(vn + 4);
    uint32_t aux = Le32(vn + 8);
    uint32_t next = Le32(vn + 12);
    if (version != 1) return DataLossError(".gnu.version_r entry version " + std::to_string(version) + " is not 1");
    if (record_offsets.size() + 1 + count > limits_.max_version_records) {
      return ResourceExhaustedError("more than " + std::to_string(limits_.max_version_records) +
                                    " version need records");
    }
    RETURN_IF_ERROR(claim(offset));
    ASSIGN_OR_RETURN(std::string file, StringAt(strings, file_name, ".gnu.version_r file"));
    uint64_t aux_offset = offset + aux;
    for (uint16_t k = 0; k < count; ++k) {
      if (aux_offset > data.size() || data.size() - aux_offset < kVerRecordSize) {
        return DataLossError(".gnu.version_r version " + std::to_string(k) + " of '" + file + "' at offset " +
                             std::to_string(aux_offset) + " runs past the section");
      }
      const char* vna = data.data() + aux_offset;
      uint32_t hash = Le32(vna);
      uint16_t flags = Le16(vna + 4);
      uint16_t other = Le16(vna + 6);
      uint32_t name_offset = Le32(vna + 8);
      uint32_t aux_next = Le32(vna + 12);
      RETURN_IF_ERROR(claim(aux_offset));
      ASSIGN_OR_RETURN(std::string name, StringAt(strings, name_offset, ".gnu.version_r version"));
      if (ElfHash(name) != hash) return DataLossError("version '" + name + "' of '" + file + "' has a wrong hash");
      if (other < 2 || other > 0x7fff) {
        return DataLossError("version '" + name + "' has index " + std::to_string(other) + ", outside 2..32767");
      }
      if (!by_index.emplace(other, info_.version_needs.size()).second) {
        return DataLossError("version index " + std::to_string(other) + " is used twice");
      }
      ElfVersionNeed need;
      need.file = file;
      need.version = std::move(name);
      need.index = other;
      need.weak = (flags & kVerFlgWeak) != 0;
      info_.version_needs.push_back(std::move(need));
      bool last = k + 1 == count;
      if (last != (aux_next == 0)) {
        return DataLossError("the version list of '" + file + "' does not end after its " + std::to_string(count) +
                             " entries");
      }
      aux_offset += aux_next;
    }
    bool last = n + 1 == section.info;
    if (last != (next == 0)) {
      return DataLossError(".gnu.version_r chain does not end after its " + std::to_string(section.info) + " entries");
    }
    offset += next;
  }
  by_index_ = std::move(by_index);
  return OkStatus();
}

// Verdef records are 20 bytes, each pointing at its Verdaux list (8-byte records, the first
// naming the version). Only the first Verdaux of each is read; chains must move forward, so a
// crafted file cannot make them loop or overlap.
Status Parser::ParseVersionDefinitions() {
  ASSIGN_OR_RETURN(int index, FindUnique(kShtGnuVerdef, "SHT_GNU_verdef"));
  if (index < 0) return OkStatus();
  const Section& section = sections_[index];
  ASSIGN_OR_RETURN(std::string data, ReadSection(index, ".gnu.version_d"));
  ASSIGN_OR_RETURN(std::string strings, LinkedStrings(section, ".gnu.version_d"));
  if (uint64_t{section.info} > data.size() / kVerdefSize) {
    return DataLossError(".gnu.version_d declares " + std::to_string(section.info) + " entries in " +
                         std::to_string(data.size()) + " bytes");
  }
  if (section.info > limits_.max_version_records) {
    return ResourceExhaustedError("more than " + std::to_string(limits_.max_version_records) +
                                  " version definition records");
  }
  std::set<uint16_t> indices;
  uint64_t offset = 0;
  for (uint32_t n = 0; n < section.info; ++n) {
    if (offset > data.size() || data.size() - offset < kVerdefSize) {
      return DataLossError(".gnu.version_d entry " + std::to_string(n) + " at offset " + std::to_string(offset) +
                           " runs past the section");
    }
    const char* vd = data.data() + offset;
    uint16_t version = Le16(vd);
    uint16_t flags = Le16(vd + 2);
    uint16_t ndx = Le16(vd + 4);
    uint16_t count = Le16(vd + 6);
    uint32_t hash = Le32(vd + 8);
    uint32_t aux = Le32(vd + 12);
    uint32_t next = Le32(vd + 16);
    if (version != 1) return DataLossError(".gnu.version_d entry version " + std::to_string(version) + " is not 1");
    if (count == 0) return DataLossError(".gnu.version_d entry " + std::to_string(n) + " has no name");
    if (ndx == 0 || ndx > 0x7fff || !indices.insert(ndx).second) {
      return DataLossError(".gnu.version_d index " + std::to_string(ndx) + " is zero, too large or used twice");
    }
    if (aux < kVerdefSize || aux > data.size() - offset || data.size() - offset - aux < kVerdauxSize) {
      return DataLossError(".gnu.version_d entry " + std::to_string(n) + "'s name at offset +" + std::to_string(aux) +
                           " is inside the entry or past the section");
    }
    ASSIGN_OR_RETURN(std::string name, StringAt(strings, Le32(data.data() + offset + aux), ".gnu.version_d version"));
    if (ElfHash(name) != hash) return DataLossError("version definition '" + name + "' has a wrong hash");
    if ((flags & kVerFlgBase) == 0) info_.version_definitions.push_back(std::move(name));
    bool last = n + 1 == section.info;
    if (last != (next == 0)) {
      return DataLossError(".gnu.version_d chain does not end after its " + std::to_string(section.info) + " entries");
    }
    if (!last && next < kVerdefSize) {
      return DataLossError(".gnu.version_d entry " + std::to_string(n) + " links to an overlapping entry");
    }
    offset += next;
  }
  return OkStatus();
}

Status Parser::ParseVersionSymbols() {
  ASSIGN_OR_RETURN(int index, FindUnique(kShtGnuVersym, "SHT_GNU_versym"));
  if (index < 0) return OkStatus();
  const Section& versym = sections_[index];
  if (versym.link == 0 || versym.link >= sections_.size() || sections_[versym.link].type != kShtDynsym) {
    return DataLossError(".gnu.version links to section " + std::to_string(versym.link) + ", which is not .dynsym");
  }
  const Section& dynsym = sections_[versym.link];
  if (dynsym.entsize != kSymSize || dynsym.size % kSymSize != 0) {
    return DataLossError(".dynsym entry size is not 24 bytes");
  }
  uint64_t count = dynsym.size / kSymSize;
  if (count > limits_.max_symbols) {
    return ResourceExhaustedError(std::to_string(count) + " dynamic symbols, over the limit of " +
                                  std::to_string(limits_.max_symbols));
  }
  if (versym.size != count * 2) {
    return DataLossError(".gnu.version has " + std::to_string(versym.size) + " bytes for " + std::to_string(count) +
                         " dynamic symbols");
  }
  ASSIGN_OR_RETURN(std::string versions, ReadSection(index, ".gnu.version"));
  ASSIGN_OR_RETURN(std::string symbols, ReadSection(versym.link, ".dynsym"));
  ASSIGN_OR_RETURN(std::string strings, LinkedStrings(dynsym, ".dynsym"));
  ASSIGN_OR_RETURN(int verdef, FindUnique(kShtGnuVerdef, "SHT_GNU_verdef"));
  for (uint64_t i = 1; i < count; ++i) {  // symbol 0 is the reserved null symbol
    uint16_t version = Le16(versions.data() + i * 2) & 0x7fff;
    if (version < 2) continue;  // local or global, unversioned
    auto it = by_index_.find(version);
    if (it == by_index_.end()) {
      if (verdef >= 0) continue;  // a version this file defines itself
      return DataLossError("dynamic symbol " + std::to_string(i) + " has version index " + std::to_string(version) +
                           ", which no version need defines");
    }
    ASSIGN_OR_RETURN(std::string name, StringAt(strings, Le32(symbols.data() + i * kSymSize), "dynamic symbol"));
    info_.version_needs[it->second].symbols.push_back(std::move(name));
  }
  return OkStatus();
}

Result<ElfInfo> Parser::Parse() {
  RETURN_IF_ERROR(ParseHeader());
  RETURN_IF_ERROR(ParseProgramHeaders());
  RETURN_IF_ERROR(ParseSectionHeaders());
  RETURN_IF_ERROR(ParseDynamic());
  if (kind_ == ElfFileKind::kSharedObject && type_ != kEtDyn) {
    return InvalidArgumentError("ELF file is an executable (ET_EXEC), not a shared object");
  }
  if (kind_ == ElfFileKind::kExecutable && type_ == kEtDyn && info_.interpreter.empty() && !pie_flag_) {
    return InvalidArgumentError("ELF file is a shared library, not an executable");
  }
  RETURN_IF_ERROR(ParseVersionNeeds());
  RETURN_IF_ERROR(ParseVersionDefinitions());
  RETURN_IF_ERROR(ParseVersionSymbols());
  return std::move(info_);
}

}  // namespace

Result<ElfInfo> ReadElfInfo(const RandomAccessSource& source, const ElfLimits& limits, ElfFileKind kind) {
  return Parser(source, limits, kind).Parse();
}

bool GlibcVersion::operator<(const GlibcVersion& other) const {
  return std::tie(major, minor, patch) < std::tie(other.major, other.minor, other.patch);
}

std::string GlibcVersion::ToString() const {
  std::string s = "GLIBC_" + std::to_string(major) + "." + std::to_string(minor);
  if (patch != 0) s += "." + std::to_string(patch);
  return s;
}

std::optional<GlibcVersion> ParseGlibcVersion(std::string_view name) {
  constexpr std::string_view kPrefix = "GLIBC_";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  uint32_t parts[3] = {0, 0, 0};
  size_t n = 0;
  while (true) {
    size_t digits = 0;
    uint32_t value = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') {
      value = value * 10 + static_cast<uint32_t>(name[digits] - '0');
      if (++digits > 4) return std::nullopt;
    }
    if (digits == 0 || n == 3) return std::nullopt;
    parts[n++] = value;
    name.remove_prefix(digits);
    if (name.empty()) break;
    if (name[0] != '.') return std::nullopt;
    name.remove_prefix(1);
  }
  if (n < 2) return std::nullopt;
  return GlibcVersion{parts[0], parts[1], parts[2]};
}

}  // namespace fnseal
