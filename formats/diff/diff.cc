#include "formats/diff/diff.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "formats/archive/archive.h"

namespace fnseal {
namespace {

struct Listed {
  size_t index = 0;
  ArchiveEntry entry;
  std::string sha256;
};

constexpr int kMaxNesting = 4;
constexpr uint64_t kMaxNestedSize = uint64_t{1} << 30;

// Whether an entry's name says it is an archive worth descending into.
bool LooksLikeArchive(const std::string& path) {
  for (const char* suffix : {".tar", ".tar.zst", ".tzst", ".zip", ".fnb"}) {
    if (EndsWith(path, suffix)) return true;
  }
  return false;
}

// Every entry of the archive at `path` by name, with its position and sha256.
Result<std::map<std::string, Listed>> List(const std::string& path) {
  std::map<std::string, Listed> out;
  size_t index = 0;
  RETURN_IF_ERROR(ForEachArchiveEntry(path, [&](const ArchiveEntry& e, const ContentReader& read) -> Status {
    Listed listed;
    listed.index = index++;
    listed.entry = e;
    if (!e.is_directory) {
      HashingSink sink;
      RETURN_IF_ERROR(read(&sink));
      listed.sha256 = sink.FinishHex();
    }
    out.emplace(e.path, std::move(listed));
    return OkStatus();
  }).Annotate(path));
  return out;
}

// Writes entry `name` of `archive` to `out_path`.
Status ExtractEntry(const std::string& archive, const std::string& name, const std::string& out_path) {
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(out_path, 0600));
  bool found = false;
  RETURN_IF_ERROR(ForEachArchiveEntry(archive, [&](const ArchiveEntry& e, const ContentReader& read) -> Status {
    if (e.path != name || e.is_directory) return OkStatus();
    if (e.size > kMaxNestedSize) return ResourceExhaustedError("nested archive '" + name + "' is too large to compare");
    found = true;
    return read(file.get());
  }));
  if (!found) return NotFoundError("'" + name + "' vanished from " + archive);
  return file->Commit();
}

// Appends the differences between the archives `a` and `b` to `out`, their paths after `prefix`
// (the nesting so far); nested archives are extracted under `scratch`.
Status Compare(const std::string& a, const std::string& b, const std::string& prefix, int depth,
               const std::string& scratch, std::vector<ArchiveDifference>* out) {
  ASSIGN_OR_RETURN(auto list_a, List(a));
  ASSIGN_OR_RETURN(auto list_b, List(b));
  ASSIGN_OR_RETURN(ArchiveFormat format_a, DetectArchiveFormat(a));
  ASSIGN_OR_RETURN(ArchiveFormat format_b, DetectArchiveFormat(b));
  const size_t before = out->size();
  if (format_a != format_b) {
    out->push_back({prefix.empty() ? "." : prefix, "format", std::string(ArchiveFormatName(format_a)),
                    std::string(ArchiveFormatName(format_b))});
  }
  std::vector<std::string> common;
  for (const auto& [path, la] : list_a) {
    const std::string shown = prefix + path;
    auto it = list_b.find(path);
    if (it == list_b.end()) {
      out->push_back({shown, "only-in-a", la.entry.is_directory ? "directory" : la.sha256, ""});
      continue;
    }
    const Listed& lb = it->second;
    common.push_back(path);
    if (la.entry.is_directory != lb.entry.is_directory) {
      out->push_back({shown, "type", la.entry.is_directory ? "directory" : "file",
                      lb.entry.is_directory ? "directory" : "file"});
      continue;
    }
    if (la.sha256 != lb.sha256) {
      bool descended = false;
      if (depth < kMaxNesting && LooksLikeArchive(path)) {
        const std::string na = scratch + "/a" + std::to_string(out->size()) + "-" + std::to_string(depth);
        const std::string nb = scratch + "/b" + std::to_string(out->size()) + "-" + std::to_string(depth);
        if (ExtractEntry(a, path, na).ok() && ExtractEntry(b, path, nb).ok()) {
          const size_t inner_before = out->size();
          Status inner = Compare(na, nb, shown + "!/", depth + 1, scratch, out);
          descended = inner.ok() && out->size() > inner_before;
          if (!inner.ok()) out->resize(inner_before);
        }
      }
      if (!descended) {
        out->push_back({shown, "content", la.sha256 + " (" + std::to_string(la.entry.size) + " bytes)",
                        lb.sha256 + " (" + std::to_string(lb.entry.size) + " bytes)"});
      }
    }
    if (la.entry.mode != lb.entry.mode) {
      char ma[8], mb[8];
      std::snprintf(ma, sizeof(ma), "%04o", la.entry.mode);
      std::snprintf(mb, sizeof(mb), "%04o", lb.entry.mode);
      out->push_back({shown, "mode", ma, mb});
    }
    if (la.entry.mtime != lb.entry.mtime) {
      out->push_back({shown, "mtime", std::to_string(la.entry.mtime), std::to_string(lb.entry.mtime)});
    }
  }
  for (const auto& [path, lb] : list_b) {
    if (!list_a.count(path)) out->push_back({prefix + path, "only-in-b", "", lb.entry.is_directory ? "directory" : lb.sha256});
  }
  // Order of the entries both archives hold.
  std::vector<std::string> order_a(common), order_b(common);
  std::sort(order_a.begin(), order_a.end(), [&](const std::string& x, const std::string& y) {
    return list_a.at(x).index < list_a.at(y).index;
  });
  std::sort(order_b.begin(), order_b.end(), [&](const std::string& x, const std::string& y) {
    return list_b.at(x).index < list_b.at(y).index;
  });
  for (size_t i = 0; i < order_a.size(); ++i) {
    if (order_a[i] != order_b[i]) {
      out->push_back({prefix + order_a[i], "order", "position " + std::to_string(list_a.at(order_a[i]).index),
                      "position " + std::to_string(list_b.at(order_a[i]).index)});
      break;
    }
  }
  // Same entries, same metadata, different bytes: headers or compression differ.
  if (out->size() == before) {
    ASSIGN_OR_RETURN(std::string da, Sha256FileHex(a));
    ASSIGN_OR_RETURN(std::string db, Sha256FileHex(b));
    if (da != db) out->push_back({prefix.empty() ? "." : prefix, "encoding", da, db});
  }
  return OkStatus();
}

}  // namespace

Result<ArchiveComparison> CompareArchives(const std::string& a, const std::string& b,
                                          const std::string& scratch_path) {
  ArchiveComparison comparison;
  comparison.a = a;
  comparison.b = b;
  ASSIGN_OR_RETURN(comparison.a_sha256, Sha256FileHex(a));
  ASSIGN_OR_RETURN(comparison.b_sha256, Sha256FileHex(b));
  if (comparison.a_sha256 != comparison.b_sha256) {
    // A comparison killed outright leaves its nested archives to the next one (see file.h).
    ASSIGN_OR_RETURN(TemporaryDirectory scratch, TemporaryDirectory::CreateNextTo(scratch_path));
    RETURN_IF_ERROR(Compare(a, b, "", 0, scratch.path(), &comparison.differences));
  }
  return comparison;
}

std::string_view ExplainDifference(std::string_view kind) {
  if (kind == "only-in-a") return "only in A";
  if (kind == "only-in-b") return "only in B";
  if (kind == "type") return "file in one, directory in the other";
  if (kind == "content") return "content differs";
  if (kind == "mode") return "mode differs";
  if (kind == "mtime") return "mtime differs";
  if (kind == "order") return "entries in a different order, first here";
  if (kind == "format") return "different archive formats";
  return "same entries, different bytes (headers, padding or compression)";
}

Json ToJson(const ArchiveComparison& comparison) {
  Json list = Json::array();
  for (const ArchiveDifference& d : comparison.differences) {
    list.push_back({{"path", d.path}, {"kind", d.kind}, {"a", d.a}, {"b", d.b}});
  }
  return {{"a", comparison.a}, {"b", comparison.b}, {"identical", comparison.identical()}, {"differences", list}};
}

}  // namespace fnseal
