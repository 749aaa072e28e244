#!/usr/bin/env bash
# Crash safety: `kill -9` at random points of pack, bundle --deploy, sign in place and unpack,
# many times each, leaves every output either as it was before or complete as an uninterrupted
# run writes it: never a partial file, never a lost one. A killed run may leave a temporary
# ("<output>.tmp-XXXXXX") behind; the next run of the command removes it.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
static=$PWD/testdata/elf/static_hello.out
key=$PWD/testdata/keys/ed25519.pem  # Ed25519 signs deterministically, so "complete" is one file
runs=${CRASH_RUNS:-12}
work=${TEST_TMPDIR:-$(mktemp -d)}/crash-safety
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# Incompressible input, so that every command spends a while writing its outputs.
head -c $((8 * 1024 * 1024)) /dev/urandom >big.bin
echo old >small.bin
mkdir ref old

# States are directories: old/ (before a run), ref/ (after an uninterrupted run), run/ (where a
# run is killed). Each case has a command, the outputs it writes, and a setup that puts the old
# state into run/.

# command_of CASE [INPUT]: sets `cmd` to the command line of CASE, which runs in its state's
# directory; pack and bundle take INPUT (default ../big.bin) as a data file.
command_of() {
  local input=${2:-../big.bin}
  case $1 in
    pack) cmd=("$fnseal" pack -q -o fn.tar.zst --digests fn.digests.json --file "bootstrap=$static"
      --file "data.bin=$input") ;;
    bundle) cmd=("$fnseal" bundle -q -o b.fnb --name hello --artifact ../artifact.tar --handler "$static"
      --file "data.bin=$input" --deploy aws_lambda=lambda.zip --deploy oci_image=image.oci.tar) ;;
    sign) cmd=("$fnseal" sign -q --key "$key" b.fnb) ;;
    unpack) cmd=("$fnseal" unpack -q ../signed.fnb tree) ;;
  esac
}
"$fnseal" pack -q -o artifact.tar --file "bootstrap=$static" --file data.bin=big.bin
for state in ref old; do
  input=../big.bin
  [[ $state == old ]] && input=../small.bin
  for c in pack bundle; do
    command_of "$c" "$input"
    (cd "$state" && "${cmd[@]}")
  done
done
cp ref/b.fnb ref/unsigned.fnb
cp ref/unsigned.fnb signed.fnb && "$fnseal" sign -q --key "$key" signed.fnb

declare -A outputs=(
  [pack]="fn.tar.zst fn.digests.json"
  [bundle]="b.fnb lambda.zip image.oci.tar"
  [sign]="b.fnb"
  [unpack]="tree"
)
setup() {
  rm -rf run && mkdir run
  case $1 in
    pack) cp old/fn.tar.zst old/fn.digests.json run/ ;;
    bundle) cp old/b.fnb old/lambda.zip old/image.oci.tar run/ ;;
    sign) cp ref/unsigned.fnb run/b.fnb ;;
    unpack) ;;  # the old state is "no tree"
  esac
}
new_of() {  # the complete version of output $2 of case $1
  case $1/$2 in
    sign/b.fnb) echo signed.fnb ;;
    unpack/tree) echo unpacked ;;
    *) echo "ref/$2" ;;
  esac
}
"$fnseal" unpack -q signed.fnb unpacked

# same OUTPUT WANT: whether OUTPUT (a file or a tree) is exactly WANT.
same() {
  if [[ -d $2 ]]; then [[ -d $1 ]] && diff -r --no-dereference "$1" "$2" >/dev/null; else cmp -s "$1" "$2"; fi
}

# Checks run/ after a kill: each output old or complete, and nothing else but temporaries,
# whose number it leaves in `temps`.
check_outputs() {
  local c=$1 name old entry
  for name in ${outputs[$c]}; do
    old=old/$name
    [[ $c == sign ]] && old=ref/unsigned.fnb
    if [[ $c == unpack ]]; then
      [[ ! -e run/$name ]] || same "run/$name" "$(new_of "$c" "$name")" || fail "$c: $name is neither absent nor complete"
    elif ! same "run/$name" "$old" && ! same "run/$name" "$(new_of "$c" "$name")"; then
      fail "$c: $name is neither the old file nor the new one ($(stat -c %s "run/$name" 2>&1))"
    fi
  done
  temps=0
  for entry in run/* run/.[!.]*; do
    [[ -e $entry || -L $entry ]] || continue
    entry=${entry#run/}
    if [[ $entry == *.tmp-?????? ]]; then
      temps=$((temps + 1))
    elif [[ " ${outputs[$c]} " != *" $entry "* ]]; then
      fail "$c: a kill left '$entry'"
    fi
  done
}

report=()
for c in pack bundle sign unpack; do
  # How long an uninterrupted run takes here, to spread the kills over it.
  setup "$c"
  command_of "$c"
  start=$(date +%s%N)
  (cd run && "${cmd[@]}")
  duration_ms=$((($(date +%s%N) - start) / 1000000 + 1))
  killed_with_temps=0 left_old=0
  for ((i = 0; i < runs; i++)); do
    setup "$c"
    delay_ms=$((RANDOM % (duration_ms * 11 / 10 + 1)))
    (cd run && exec "${cmd[@]}" >/dev/null 2>&1) &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    check_outputs "$c"
    ((temps == 0)) || killed_with_temps=$((killed_with_temps + 1))
    first=${outputs[$c]%% *}
    same "run/$first" "$(new_of "$c" "$first")" || left_old=$((left_old + 1))

    # The next run completes, and removes what the killed one left.
    [[ $c == unpack ]] && rm -rf run/tree
    [[ $c == sign ]] && cp ref/unsigned.fnb run/b.fnb
    (cd run && "${cmd[@]}") || fail "$c: the run after a kill failed"
    check_outputs "$c"
    ((temps == 0)) || fail "$c: the next run left a killed run's temporaries: $(ls -A run)"
    for name in ${outputs[$c]}; do
      same "run/$name" "$(new_of "$c" "$name")" || fail "$c: $name is not complete after the next run"
    done
  done
  # The kills must have landed inside the writing, or this test proves nothing.
  ((killed_with_temps > 0)) || fail "$c: no kill of $runs interrupted a write (an uninterrupted run takes ${duration_ms} ms)"
  report+=("$c: $runs kills, $left_old left the old outputs, $killed_with_temps left temporaries (removed by the next run)")
done

printf '%s\n' "${report[@]}"
finish "crash_safety_test: every output old or complete after every kill"
