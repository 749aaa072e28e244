// fnseal diff A B: which entries of two archives differ, and how — the tool to reach for when
// a build is not reproducible. Descends into archives nested inside archives (a bundle's
// artifact, say) to name the innermost difference.
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "formats/archive/archive.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string a;
  std::string b;
  bool json = false;
};

struct Listed {
  size_t index = 0;
  ArchiveEntry entry;
  std::string sha256;
};

struct Difference {
  std::string path;
  std::string kind;  // only-in-a, only-in-b, type, content, mode, mtime, order, encoding
  std::string a;
  std::string b;
};

constexpr int kMaxNesting = 4;
constexpr uint64_t kMaxNestedSize = uint64_t{1} << 30;

bool LooksLikeArchive(const std::string& path) {
  for (const char* suffix : {".tar", ".tar.zst", ".tzst", ".zip", ".fnb"}) {
    std::string s(suffix);
    if (path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0) return true;
  }
  return false;
}

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

Status Compare(const std::string& a, const std::string& b, const std::string& prefix, int depth,
               const std::string& scratch, std::vector<Difference>* out) {
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

const char* Explain(const std::string& kind) {
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

Outcome RunDiff(const Options& o) {
  ASSIGN_OR_RETURN(std::string digest_a, Sha256FileHex(o.a));
  ASSIGN_OR_RETURN(std::string digest_b, Sha256FileHex(o.b));
  std::vector<Difference> differences;
  if (digest_a != digest_b) {
    // Nested archives are extracted here; a diff killed outright leaves it to the next diff.
    const char* tmp = std::getenv("TMPDIR");
    ASSIGN_OR_RETURN(TemporaryDirectory scratch,
                     TemporaryDirectory::CreateNextTo(std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/fnseal-diff"));
    RETURN_IF_ERROR(Compare(o.a, o.b, "", 0, scratch.path(), &differences));
  }
  if (o.json) {
    Json list = Json::array();
    for (const Difference& d : differences) list.push_back({{"path", d.path}, {"kind", d.kind}, {"a", d.a}, {"b", d.b}});
    std::fputs(PrettyJsonDump({{"a", o.a}, {"b", o.b}, {"identical", differences.empty()}, {"differences", list}})
                   .c_str(),
               stdout);
  } else if (differences.empty()) {
    std::printf("identical: %s and %s (sha256 %s)\n", o.a.c_str(), o.b.c_str(), digest_a.c_str());
  } else {
    std::printf("%zu difference%s between %s (A) and %s (B):\n", differences.size(),
                differences.size() == 1 ? "" : "s", o.a.c_str(), o.b.c_str());
    for (const Difference& d : differences) {
      std::printf("  %-8s %s: %s\n", d.kind.c_str(), d.path.c_str(), Explain(d.kind));
      if (!d.a.empty()) std::printf("           A: %s\n", d.a.c_str());
      if (!d.b.empty()) std::printf("           B: %s\n", d.b.c_str());
    }
  }
  if (differences.empty()) return OkStatus();
  Outcome outcome(OkStatus());
  outcome.exit_code = kExitDifferent;
  return outcome;
}

}  // namespace

Action SetupDiff(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Compare two archives (bundles, tar, tar.zst, zip) entry by entry: entries only in one,\n"
      "content, mode, mtime and type differences, order, and — when every entry matches —\n"
      "differences in the encoding itself. Nested archives whose content differs (a bundle's\n"
      "artifact) are compared too, shown as OUTER!/INNER. Exits 0 when the files are identical\n"
      "and 4 when they differ.");
  app->add_option("a", o->a, "First archive")->required()->check(CLI::ExistingFile);
  app->add_option("b", o->b, "Second archive")->required()->check(CLI::ExistingFile);
  app->add_flag("--json", o->json, "Print a JSON report");
  return [o] { return RunDiff(*o); };
}

}  // namespace fnseal::cli
