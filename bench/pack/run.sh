#!/usr/bin/env bash
# bench/pack: fnseal pack (tar + zstd, every entry's sha256 computed) against
#   tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - DIR | zstd -T0 -LEVEL
# on the same generated tree (about 2,000 files, about 100 MB, text and incompressible data),
# at the same zstd level, in the same run, at equal durability (see below). Prints median wall
# times, output sizes and the ratios.
# Usage: bench/pack/run.sh [LEVEL] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."

level=${1:-3}
rounds=${2:-5}
threads=$(nproc)
bazel build -c opt //tools/fnseal
fnseal="$(bazel info -c opt bazel-bin 2>/dev/null)/tools/fnseal/fnseal"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$tree"
# 1,500 text files (~40 KB each, compressible) and 500 random files (~80 KB each).
python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(42)
words = [("w%d" % i) * (1 + i % 5) for i in range(3000)]
for i in range(1500):
    d = os.path.join(root, "src", "pkg%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file%04d.txt" % i), "w") as f:
        f.write(" ".join(rng.choice(words) for _ in range(2500)))
for i in range(500):
    d = os.path.join(root, "data", "shard%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "blob%04d.bin" % i), "wb") as f:
        f.write(rng.randbytes(80 * 1024))
PY
files=$(find "$tree" -type f | wc -l)
bytes=$(du -sb "$tree" | cut -f1)

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Two comparisons at equal durability, since an fsync of a 50 MB file is the disk's time, not the
# packer's: fnseal pack, which fsyncs its outputs and their directory, against tar | zstd followed
# by `sync` of the output and its directory; and fnseal pack --no-sync against tar | zstd alone.
# Every command writes a fresh output: the previous round's is removed before the clock starts.
# Replacing a 50 MB file costs its unlink (about 17 ms on a discard-mounted ext4) to either tool;
# that is the file system's cost, not packing's.
ours() {
  "$fnseal" pack -q "$@" --level "$level" --threads "$threads" --digests "$work/digests.json" \
    -o "$work/ours.tar.zst" --dir "$tree"
}
theirs() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$tree" -cf - . |
    zstd -q -T0 "-$level" -o "$work/theirs.tar.zst" -f
}
theirs_synced() { theirs && sync "$work/theirs.tar.zst" "$work"; }
# timed NAME COMMAND...: runs COMMAND on a fresh output and appends its milliseconds to NAME.
timed() {
  local -n times=$1
  rm -f "$work/ours.tar.zst" "$work/digests.json" "$work/theirs.tar.zst"
  sync
  local t0
  t0=$(now)
  "${@:2}"
  times+=($((($(now) - t0) / 1000000)))
}
ours_synced_ms=() theirs_synced_ms=() ours_ms=() theirs_ms=()
for ((r = 0; r < rounds; r++)); do  # interleaved, so drift on a shared machine hits all four
  timed ours_synced_ms ours
  timed theirs_synced_ms theirs_synced
  timed ours_ms ours --no-sync
  timed theirs_ms theirs
done
ours
zstd -q -t "$work/ours.tar.zst"
theirs
printf 'tree: %d files, %d bytes; zstd level %d, %d threads, median of %d rounds\n' "$files" "$bytes" "$level" \
  "$threads" "$rounds"
printf '%-48s %8d bytes\n' "fnseal pack (+ sha256 of every entry)" "$(stat -c %s "$work/ours.tar.zst")" \
  "tar --sort=name ... | zstd -T0" "$(stat -c %s "$work/theirs.tar.zst")"
# report LABEL OURS THEIRS: the medians of two space-separated lists of times, and their ratio.
report() {
  local a b
  a=$(tr ' ' '\n' <<<"$2" | median)
  b=$(tr ' ' '\n' <<<"$3" | median)
  awk -v l="$1" -v a="$a" -v b="$b" 'BEGIN {printf "%-36s fnseal %5d ms, tar|zstd %5d ms: ratio %.2f (target <= 1.00)\n", l, a, b, a / b}'
}
report "outputs fsynced (fnseal's default):" "${ours_synced_ms[*]}" "${theirs_synced_ms[*]}"
report "neither fsyncs (pack --no-sync):" "${ours_ms[*]}" "${theirs_ms[*]}"
