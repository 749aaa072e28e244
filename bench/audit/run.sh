#!/usr/bin/env bash
# bench/audit: the audit store at scale, against the baseline a user would otherwise script - jq
# over the same facts as JSON Lines - in the same run, on the same data.
#
# For each N: generates N signed bundles (generate_bundles: 40 components, 3 attestations each;
# two processes) and their facts as JSON Lines, then on SQLite and on a PostgreSQL server it
# starts (tests/audit/postgres.sh):
#   - ingest: bundles/s, verification included, one `fnseal audit ingest` of the whole directory;
#   - store size per bundle (the SQLite file with its WAL; pg_database_size);
#   - each named query's answer size and whole-process time (median of 5 runs of the fnseal
#     binary; 3 at N >= 100,000), jq's scan of the JSON Lines for the same answer (median of 3;
#     one at N >= 100,000, where a scan takes about 20 s), and the ratio jq / fnseal.
# Targets (docs/audit.md): every query >= 100x faster than jq at N = 100,000 and under 50 ms on
# SQLite; ingest of 100,000 bundles in under 3 minutes on a 2-core machine.
# Usage: bench/audit/run.sh [N...]   (default: 10000 100000). Needs tools/bootstrap's packages.
# FNSEAL_BENCH_DATA=DIR keeps the generated bundles, their JSON Lines and the signing key in DIR
# and reuses them on the next run (generating 100,000 bundles takes about 20 minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/audit/postgres.sh

sizes=("$@")
((${#sizes[@]} > 0)) || sizes=(10000 100000)
bazel build -c opt --symlink_prefix=/ //tools/fnseal //bench/audit:generate_bundles
bin=$(bazel info -c opt bazel-bin 2>/dev/null)

work=$(mktemp -d)
chmod 0755 "$work"
trap 'stop_postgres; rm -rf "$work"' EXIT
# Copies, so that a build during a long run does not change what is measured.
cp "$bin/tools/fnseal/fnseal" "$bin/bench/audit/generate_bundles" "$work/"
fnseal=$work/fnseal
generate=$work/generate_bundles
mkdir "$work/pg"
start_postgres "$work/pg"
data=${FNSEAL_BENCH_DATA:-$work/data}
mkdir -p "$data"
[[ -f $data/key.pem ]] || openssl genpkey -algorithm ed25519 -out "$data/key.pem" 2>/dev/null
openssl pkey -in "$data/key.pem" -pubout -out "$work/key.pub.pem" 2>/dev/null
cat >"$work/policy.json" <<'JSON'
{"version": 1, "keys": [{"name": "bench", "publicKeyFile": "key.pub.pem"}], "threshold": 1,
 "predicateTypes": ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document/v2.3", "https://cyclonedx.org/bom"],
 "builders": [{"id": "https://fnseal.dev/builders/bazel/v1"}]}
JSON

# ms COMMAND...: the command's wall time in milliseconds (output discarded).
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
# median_ms RUNS COMMAND...: the median of RUNS wall times.
median_ms() {
  local runs=$1 i
  shift
  for ((i = 0; i < runs; i++)); do ms "$@"; done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

for n in "${sizes[@]}"; do
  dir=$data/n$n
  if [[ ! -f $dir/complete ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    half=$((n / 2))
    start=$(date +%s)
    "$generate" --count "$half" --key "$data/key.pem" --out "$dir/bundles" --jsonl "$dir/a.jsonl" &
    "$generate" --first "$half" --count "$((n - half))" --key "$data/key.pem" --out "$dir/bundles" --jsonl "$dir/b.jsonl"
    wait
    cat "$dir/a.jsonl" "$dir/b.jsonl" >"$dir/facts.jsonl"
    rm "$dir/a.jsonl" "$dir/b.jsonl"
    touch "$dir/complete"
    echo "N=$n: generated in $(($(date +%s) - start)) s" >&2
  fi
  echo "N=$n: $(du -sh "$dir/bundles" | cut -f1) of bundles, $(du -sh "$dir/facts.jsonl" | cut -f1) of JSON Lines" >&2
  stores=$work/stores$n
  mkdir -p "$stores"

  psql "$POSTGRES_CONNINFO" -qc "CREATE DATABASE bench$n" >/dev/null
  declare -A store=([sqlite]="$stores/audit.db" [postgres]="$POSTGRES_CONNINFO dbname=bench$n")
  declare -A rate size
  for backend in sqlite postgres; do
    start=$(date +%s%N)
    (cd "$work" && "$fnseal" audit --store "${store[$backend]}" ingest --quiet --policy policy.json "$dir/bundles") >&2
    elapsed=$((($(date +%s%N) - start) / 1000000))
    rate[$backend]=$(awk -v n="$n" -v ms="$elapsed" 'BEGIN {printf "%.0f", n * 1000 / ms}')
    if [[ $backend == sqlite ]]; then
      bytes=$(cat "$stores"/audit.db* | wc -c)
    else
      bytes=$(psql "$POSTGRES_CONNINFO" -Atc "SELECT pg_database_size('bench$n')")
    fi
    size[$backend]=$((bytes / n))
    echo "N=$n $backend: ingest $((elapsed / 1000)) s, ${rate[$backend]} bundles/s, ${size[$backend]} bytes/bundle" >&2
  done

  # The questions, as fnseal queries and as jq over the JSON Lines.
  row=$(sed -n "$((n / 3 + 1))p" "$dir/facts.jsonl")
  bundle=$(jq -r .bundle <<<"$row")
  other=$(sed -n "$((n / 3 + 2))p" "$dir/facts.jsonl" | jq -r .bundle)
  file=$(jq -r '.components[-1].files[0]' <<<"$row")
  repo=$(jq -r .source_uri <<<"$row")
  commit=$(jq -r .source_commit <<<"$row")
  key=$(jq -r '.signers[0].key_id' <<<"$row")
  declare -A fq jq_filter
  fq=([contains]="contains $file" [licenses]="licenses --license CC-BY-NC-4.0" [models]="models --base llama-3.1-8b"
    [signed-by]="signed-by $key" [built-from]="built-from $repo --commit $commit" [trace]="trace $bundle"
    [acceptable-at]="acceptable-at $bundle" [diff]="diff $bundle $other")
  jq_filter=(
    [contains]="select(any(.components[]; .files | index(\"$file\"))) | .bundle"
    [licenses]='. as $b | .components[] | select(.license | contains("CC-BY-NC-4.0")) | [$b.bundle, .ref]'
    [models]='. as $b | .components[] | select(.base_model == "llama-3.1-8b") | [$b.bundle, .ref]'
    [signed-by]=". as \$b | .signers[] | select(.key_id == \"$key\") | [\$b.bundle, .attestation]"
    [built-from]="select(.source_uri == \"$repo\" and .source_commit == \"$commit\") | .bundle"
    [trace]="select(.bundle == \"$bundle\")"
    [acceptable-at]="select(.bundle == \"$bundle\") | .signers"
    [diff]="select(.bundle == \"$bundle\" or .bundle == \"$other\") | .components")
  echo
  echo "### N = $n"
  echo
  echo "| | SQLite | PostgreSQL |"
  echo "| --- | ---: | ---: |"
  echo "| ingest, bundles/s (verification included) | ${rate[sqlite]} | ${rate[postgres]} |"
  echo "| store size per bundle, bytes | ${size[sqlite]} | ${size[postgres]} |"
  echo
  # Fewer repetitions at 100,000 bundles, where one jq scan takes about 20 s.
  runs=5 jq_runs=3
  ((n < 100000)) || runs=3 jq_runs=1
  echo "| query | answer rows | fnseal SQLite, ms | fnseal PostgreSQL, ms | jq, ms | jq / fnseal SQLite |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for q in contains licenses models signed-by built-from trace acceptable-at diff; do
    read -r -a args <<<"${fq[$q]}"
    # (diff exits 4 when the bundles differ, acceptable-at 3 when not acceptable: answers all the same)
    rows=$({ "$fnseal" audit --store "${store[sqlite]}" "${args[@]}" --json 2>/dev/null || true; } |
      jq '[.[] | arrays | length] | add')
    s=$(median_ms "$runs" "$fnseal" audit --store "${store[sqlite]}" "${args[@]}" --json)
    p=$(median_ms "$runs" "$fnseal" audit --store "${store[postgres]}" "${args[@]}" --json)
    j=$(median_ms "$jq_runs" jq -c "${jq_filter[$q]}" "$dir/facts.jsonl")
    ratio=$(awk -v j="$j" -v s="$s" 'BEGIN {printf "%.0f", j / (s > 0 ? s : 1)}')
    echo "| $q | $rows | $s | $p | $j | ${ratio}x |"
  done
  rm -rf "$stores"
  psql "$POSTGRES_CONNINFO" -qc "DROP DATABASE bench$n" >/dev/null
done
