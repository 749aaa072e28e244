// How ingest (and the migrations that rewrite stored facts) write rows. Components are stored
// once per distinct content (component_facts, with their licenses, files and lineage, found by
// ComponentDigest) and referenced by every bundle that ships them (bundle_components); only
// what differs between bundles - each component's ref, whether it is the root, its dependency
// path and the depends-on edges - is written per bundle.
#ifndef FNSEAL_AUDIT_STORE_WRITES_H_
#define FNSEAL_AUDIT_STORE_WRITES_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/db/database.h"
#include "audit/store/facts.h"
#include "core/status.h"

namespace fnseal {

// The power-of-two chunk sizes (each at most `most`, a power of two) that `count` items are
// processed in, largest first: statements over lists of values come in few distinct shapes, so
// that the backend prepares few of them.
std::vector<size_t> PowerOfTwoChunks(size_t count, size_t most);

// NULL for "", the text otherwise.
SqlValue TextOrNull(const std::string& s);

// Inserts `rows` into `table` (both named by fnseal, never by input) with few statements, each
// of a power-of-two number of rows, so that a table needs few prepared statements.
// `ignore_conflicts` adds ON CONFLICT DO NOTHING.
Status InsertRows(Database* db, const std::string& table, const std::vector<std::string>& columns,
                  std::vector<std::vector<SqlValue>> rows, bool ignore_conflicts);

// The sha256 (hex) of what a component is, independent of the bundle it is in: kind, name,
// version, license, purl, url, supplier, license leaves, files and lineage (trained-on and
// derived-from edges), each length-prefixed and in a fixed order. Not the ref, the root flag,
// the path or the depends-on edges: those belong to the bundle.
std::string ComponentDigest(const ComponentFact& component);

// The ids of components a writer has seen, so that the next bundles that ship them need no query.
// Components are never deleted, so a committed id stays valid; ids seen inside the open
// transaction are `pending` until it commits (Commit) and forgotten if it rolls back (Abort).
struct ComponentIds {
  std::unordered_map<std::string, int64_t> committed, pending;
  const int64_t* Find(const std::string& digest) const;
  // After the transaction ended: its ids kept when it committed, forgotten otherwise.
  void End(bool committed_ok);
};

// Calls `query(list, values)` for `values` a chunk at a time (power-of-two sizes, at most 256),
// with the chunk's placeholder list ("$k, $k+1, ...", numbered from `first`) and its values.
template <typename F>
Status ForEachChunk(const std::vector<SqlValue>& values, size_t first, F&& query) {
  size_t begin = 0;
  for (size_t n : PowerOfTwoChunks(values.size(), 256)) {
    std::string list;
    for (size_t i = 0; i < n; ++i) list += (i ? ", $" : "$") + std::to_string(first + i);
    RETURN_IF_ERROR(query(list, std::vector<SqlValue>(values.begin() + begin, values.begin() + begin + n)));
    begin += n;
  }
  return OkStatus();
}

// Writes the components of the stored bundle `bundle_id`: the component_facts rows (and their
// licenses, files and lineage) that the store does not hold yet, then the bundle's references
// to them and its depends-on edges. Safe against a concurrent ingester adding the same
// component (PostgreSQL): the first one's row is used. `known` may be null.
Status StoreBundleComponents(Database* db, int64_t bundle_id, const std::vector<ComponentFact>& components,
                             ComponentIds* known);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_WRITES_H_
