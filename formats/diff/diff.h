// Comparison of two archives (bundles, tar, tar.zst, zip) entry by entry: the tool to reach for
// when a build is not reproducible. Reports entries only in one archive, differences in type,
// content, mode and mtime, the first entry out of order, and - when every entry matches -
// differences in the encoding itself (headers, padding, compression). Descends into archives
// nested in archives whose content differs (a bundle's artifact) to name the innermost
// difference, as OUTER!/INNER. Thread-safe; reads both archives as streams.
#ifndef FNSEAL_FORMATS_DIFF_DIFF_H_
#define FNSEAL_FORMATS_DIFF_DIFF_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace fnseal {

struct ArchiveDifference {
  std::string path;  // the entry, OUTER!/INNER inside a nested archive; "." for the whole archive
  // only-in-a, only-in-b, type, content, mode, mtime, order, format, encoding
  std::string kind;
  std::string a;  // what A holds (a digest and size, a mode...); empty when nothing
  std::string b;
};

struct ArchiveComparison {
  std::string a;         // the paths compared
  std::string b;
  std::string a_sha256;  // of the whole files
  std::string b_sha256;
  std::vector<ArchiveDifference> differences;  // empty: the files are identical

  bool identical() const { return differences.empty(); }
};

// Compares the archives at `a` and `b`. Nested archives that differ are extracted into a
// temporary directory made next to `scratch_path` (TemporaryDirectory::CreateNextTo), removed
// before this returns; nesting stops at 4 levels, and a nested archive over 1 GiB is reported
// as a content difference. The reader's error, naming the archive, for a file that is not an
// archive fnseal reads or that it refuses.
Result<ArchiveComparison> CompareArchives(const std::string& a, const std::string& b,
                                          const std::string& scratch_path);

// A short explanation of a difference kind, e.g. "content differs".
std::string_view ExplainDifference(std::string_view kind);

// {"a", "b", "identical", "differences": [{"path", "kind", "a", "b"}...]}.
Json ToJson(const ArchiveComparison& comparison);

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_DIFF_DIFF_H_
