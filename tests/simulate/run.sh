#!/usr/bin/env bash
# End-to-end test of `fnseal simulate`, outside `bazel test`: podman and user namespaces need the
# host, not Bazel's sandbox. tools/test runs it as its own step.
#
# 1. Examples: builds //tools/fnseal and the example bundles, runs `fnseal simulate --json` over
#    each and checks with jq that every deployable of every example started and answered (a 2xx
#    status and a non-empty body); prints their cold-start table.
# 2. A function we control (tests/simulate/handler.c, only the C library): linked statically and
#    dynamically, packed with `fnseal bundle --deploy` (static: all three clouds; dynamic: Lambda,
#    and the other two must refuse it); every deployable must start and answer (the dynamic one
#    proves the glibc-only root holds what a C program needs).
# 2b. Name resolution (tests/simulate/BUILD.bazel's resolve_localhost, a static //runtime handler
#    built by Bazel): on every cloud runtime/resolve.h must answer the loopback addresses for
#    "localhost", in Lambda's and Azure's roots without /etc as in podman's; what glibc's own
#    getaddrinfo answered in each is printed (docs/runtime.md, "Host names").
# 2c. A closure (tests/simulate/BUILD.bazel's closure, linkage = "closure"): handler.c needing
#    libgreet.so, built by Bazel; Lambda's deployable ships libgreet.so, the OCI image also libc
#    and the loader; both must start and answer with greet()'s key under simulate and podman.
# 3. Failures: a handler that exits at once (phase init, the exit status and its message) and one
#    that never answers (phase "first request", within the timeout) must make simulate exit 3; a
#    malformed option exits 2. Nothing is left behind: no container, image, temp dir or process.
# 4. podman directly: each OCI image (the examples' and ours) run with `podman run` and asked
#    with curl.
#
# Environment: BAZEL, FNSEAL_BAZEL_OUTPUT_BASE, CI (see tests/script_lib.sh); SIMULATE_COLD_STARTS
# (default 3) and SIMULATE_WARM (default 10) for the examples; SIMULATE_EXAMPLES (default
# "hello checksum http sentiment") chooses them.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=simulate
source "$here/../script_lib.sh"
for tool in jq curl podman cc; do command -v "$tool" >/dev/null || die "$tool is not installed (tools/bootstrap installs it)"; done

# SIMULATE_EXAMPLES: the examples to simulate (default all four; empty: none).
read -r -a examples <<<"${SIMULATE_EXAMPLES-hello checksum http sentiment}"
failures=()
fail() {
  echo "$name: FAIL: $*" >&2
  failures+=("$*")
}
podman_=(podman --runtime runc)

# --- build ---------------------------------------------------------------------------------------
cd "$root"
targets=(//tools/fnseal //tests/simulate:resolve_localhost_bundle //tests/simulate:closure_bundle)
for example in "${examples[@]}"; do targets+=("//examples/$example:${example}_bundle"); done
"${bazel[@]}" build --symlink_prefix=/ //tools/fnseal || die "bazel build //tools/fnseal failed"
# -k: an example that does not build is reported below, the others are still simulated.
"${bazel[@]}" build --symlink_prefix=/ -k "${targets[@]}" || echo "$name: some example bundles did not build" >&2
bin=$("${bazel[@]}" info --symlink_prefix=/ bazel-bin 2>/dev/null)
fnseal=$bin/tools/fnseal/fnseal
[[ -x $fnseal ]] || die "no fnseal at $fnseal"

# Everything simulate creates goes under $work, so that leftovers are visible.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
# oci_image_id TAR: the image id podman gives the OCI layout tar (its config's sha256).
oci_image_id() {
  local manifest
  manifest=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest | sub("sha256:"; "")')
  tar -xOf "$1" "blobs/sha256/$manifest" | jq -r '.config.digest | sub("sha256:"; "")'
}
# Images simulate will load, and which of them were there before (others' images are not ours).
declare -A image_was_there=()
note_image() {
  local id
  id=$(oci_image_id "$1")
  if "${podman_[@]}" image exists "$id"; then image_was_there[$id]=1; else image_was_there[$id]=0; fi
}

# check_report JSON WHAT: every deployable in the report started and answered.
check_report() {
  local json=$1 what=$2 bad
  jq -e '.deployables | length > 0' "$json" >/dev/null || { fail "$what: no deployable simulated"; return; }
  bad=$(jq -r '.deployables[] | select((.ok != true) or (.status < 200) or (.status > 299) or ((.body // "") == ""))
               | "\(.target) (phase \(.phase // "-")): \(.error // "empty answer")"' "$json")
  [[ -z $bad ]] || fail "$what: $bad"
}

# table JSON: the cold-start table of a report, for people.
table() {
  jq -r 'def ms(k): if .count == 0 then "-" else "\(.p50*k|round/k)/\(.p95*k|round/k)/\(.p99*k|round/k)" end;
         .function as $f | .deployables[] |
         [$f, .target, (.coldStarts|length),
          (.readyMs|ms(10)), (.firstAnswerMs|ms(10)), (.warmLatencyMs|ms(100)),
          (if .ok then "ok \(.status)" else "FAILED \(.phase)" end)] | @tsv' "$1"
}

# simulate OUT.json EXPECTED_EXIT ARGS...: runs fnseal simulate --json, checks the exit code.
simulate() {
  local out=$1 expected=$2 code
  shift 2
  "$fnseal" simulate --json --quiet "$@" >"$out" 2>"$out.err"
  code=$?
  if [[ $code != "$expected" ]]; then
    # A failed deployable (exit 3 with a report) is named by check_report; anything else here.
    if [[ $expected != 0 || $code != 3 || ! -s $out ]]; then
      fail "fnseal simulate $* exited $code, expected $expected: $(cat "$out.err")"
    fi
    return 1
  fi
}

tables=$work/tables.tsv
printf 'function\ttarget\tstarts\tready p50/p95/p99 ms\tfirst answer p50/p95/p99 ms\twarm p50/p95/p99 ms\tresult\n' >"$tables"

# --- 1. the examples -----------------------------------------------------------------------------
for example in "${examples[@]}"; do
  bundle=$bin/examples/$example/${example}_bundle.fnb
  if [[ ! -f $bundle ]]; then
    fail "example $example: its bundle did not build"
    continue
  fi
  echo "$name: simulating example $example"
  rm -rf "$work/unpacked-$example"
  "$fnseal" unpack -q "$bundle" "$work/unpacked-$example" || fail "cannot unpack $bundle"
  for tar in "$work/unpacked-$example"/deployables/oci_image/*.tar; do [[ -f $tar ]] && note_image "$tar"; done
  simulate "$work/$example.json" 0 --cold-starts "${SIMULATE_COLD_STARTS:-3}" --warm "${SIMULATE_WARM:-10}" "$bundle"
  if [[ -s $work/$example.json ]]; then
    check_report "$work/$example.json" "example $example"
    table "$work/$example.json" >>"$tables"
    # What each example answers, on every cloud: its shipped file, its library, its model.
    case $example in
      hello) want='^Hello from a sealed function\.' ;;
      checksum) want='^\{"adler32":"[0-9a-f]{8}"\}$' ;;
      http) want='^\{"message":"hello from a C\+\+ function","requestBytes":[0-9]+\}$' ;;
      sentiment) want='^\{"score":-?[0-9.]+,"label":"(positive|negative)"\}$' ;;
      *) want='.' ;;
    esac
    bad=$(jq -r --arg want "$want" '.deployables[] | select((.body // "") | test($want) | not) | "\(.target): \(.body)"' \
      "$work/$example.json") || fail "example $example: cannot check the answers with jq"
    [[ -z $bad ]] || fail "example $example answered unlike itself: $bad"
  fi
done

# --- 2. a function we control, static and dynamic ------------------------------------------------
own=$work/own
mkdir -p "$own"
build_handler() {  # build_handler NAME CFLAGS...
  local handler=$1
  shift
  cc -O2 -Wall -Werror "$@" -o "$own/$handler" "$here/handler.c" || die "cannot compile handler.c ($*)"
}
bundle_handler() {  # bundle_handler NAME [all|lambda]: a bundle with the handler for all three clouds, or Lambda only
  local handler=$1 deploys=(--deploy "aws_lambda=$own/$1.zip")
  [[ ${2:-all} == all ]] && deploys+=(--deploy "azure_functions=$own/$handler-azure.zip"
    --deploy "oci_image=$own/$handler.oci.tar" --deploy-option azure_functions:auth_level=anonymous)
  "$fnseal" pack -o "$own/$handler.tar" --file "bootstrap=$own/$handler" >/dev/null &&
    "$fnseal" bundle -o "$own/$handler.fnb" --name "sim-$handler" --artifact "$own/$handler.tar" \
      --handler "$own/$handler" "${deploys[@]}" >/dev/null ||
    die "cannot bundle the $handler handler"
}
build_handler static -static
build_handler dynamic
build_handler exits -static -DEXIT_AT_ONCE
build_handler hangs -static -DNEVER_ANSWER
for handler in static exits hangs; do
  bundle_handler "$handler"
  note_image "$own/$handler.oci.tar"
done
# The dynamic handler needs glibc 2.34 (what this toolchain binds): Lambda's provided.al2023 has
# it; the Functions host's Debian 11 (2.31) and an image from scratch do not, and the build says so.
bundle_handler dynamic lambda
refused() {  # refused TARGET FRAGMENT: bundling the dynamic handler for TARGET fails naming FRAGMENT
  if "$fnseal" bundle -o "$own/refused.fnb" --name sim-refused --artifact "$own/dynamic.tar" \
    --handler "$own/dynamic" --deploy "$1=$own/refused.$1" >/dev/null 2>"$own/refused.err"; then
    fail "the dynamic handler was bundled for $1"
  elif ! grep -qF "$2" "$own/refused.err"; then
    fail "bundling the dynamic handler for $1: $(cat "$own/refused.err")"
  fi
}
refused azure_functions "needs a newer glibc than the Azure Functions Linux host (GLIBC_2.31)"
refused oci_image "an image from scratch has no shared libraries at all"

echo "$name: simulating a static C handler on all three clouds"
if simulate "$work/static.json" 0 --cold-starts 3 --warm 10 "$own/static.fnb"; then
  check_report "$work/static.json" "static handler"
  [[ $(jq '.deployables | map(.target) | sort == ["aws_lambda","azure_functions","oci_image"]' "$work/static.json") == true ]] ||
    fail "static handler: not every cloud was simulated: $(jq -c '.deployables | map(.target)' "$work/static.json")"
  jq -e '.deployables[] | select(.target == "aws_lambda") | .body == "{\"echo\":2}"' "$work/static.json" >/dev/null ||
    fail "static handler: the Lambda answer is not the echo of the default event {}"
  table "$work/static.json" >>"$tables"
fi
# A dynamically linked handler needs the loader and libc: the Lambda root holds them.
echo "$name: simulating a dynamically linked C handler in Lambda's glibc-only root"
if simulate "$work/dynamic.json" 0 --cold-starts 1 --warm 1 "$own/dynamic.fnb"; then
  check_report "$work/dynamic.json" "dynamic handler"
  table "$work/dynamic.json" >>"$tables"
fi
# Azure without request forwarding: the host sends the invocation payload and reads the handler's
# {"Outputs":{"res":{...}}}; a zip made by hand, as the azure_functions target always forwards.
printf '{"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "handler"}}}' >"$own/host.json"
printf '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["post"]},
  {"type": "http", "direction": "out", "name": "res"}]}' >"$own/function.json"
"$fnseal" pack -o "$own/payload.zip" --file "host.json=$own/host.json" --file "handler=$own/static" \
  --file "echo/function.json=$own/function.json" >/dev/null &&
  "$fnseal" bundle -o "$own/payload.fnb" --name sim-payload --artifact "$own/static.tar" \
    --deployable "azure_functions=$own/payload.zip" >/dev/null || die "cannot bundle the payload app"
echo "$name: simulating an Azure app without request forwarding (invocation payloads)"
if simulate "$work/payload.json" 0 --cold-starts 2 --warm 3 "$own/payload.fnb"; then
  check_report "$work/payload.json" "azure invocation payload"
  table "$work/payload.json" >>"$tables"
  jq -e '.deployables[0].body | test("^\\{\"echo\":[0-9]+\\}$")' "$work/payload.json" >/dev/null ||
    fail "azure invocation payload: the body is not the handler's Outputs.res.body: $(jq -c '.deployables[0].body' "$work/payload.json")"
fi
# A host.json the Functions host would refuse fails in phase load.
printf '{"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "../handler"}}}' >"$own/bad-host.json"
"$fnseal" pack -o "$own/bad.zip" --file "host.json=$own/bad-host.json" --file "handler=$own/static" \
  --file "echo/function.json=$own/function.json" >/dev/null &&
  "$fnseal" bundle -o "$own/bad.fnb" --name sim-bad --artifact "$own/static.tar" \
    --deployable "azure_functions=$own/bad.zip" >/dev/null || die "cannot bundle the bad app"
if simulate "$work/bad.json" 3 --cold-starts 1 "$own/bad.fnb"; then
  jq -e '.deployables[0] | .phase == "load" and (.error | test("relative path inside the app"))' "$work/bad.json" >/dev/null ||
    fail "a host.json with ../handler: expected phase load: $(jq -c '.deployables[0]' "$work/bad.json")"
fi
printf '{"hello":"simulate"}' >"$own/event.json"
if simulate "$work/event.json" 0 --cold-starts 1 --warm 0 --target aws_lambda --event "$own/event.json" "$own/static.fnb"; then
  jq -e '.deployables[0].body == "{\"echo\":20}"' "$work/event.json" >/dev/null ||
    fail "--event: the handler did not receive the 20-byte event: $(jq -c '.deployables[0].body' "$work/event.json")"
fi

# --- 2b. name resolution -------------------------------------------------------------------------
resolver_bundle=$bin/tests/simulate/resolve_localhost_bundle.fnb
resolver_unpacked=$work/unpacked-resolve_localhost
resolver_answer='"resolve_host":\["127\.0\.0\.1","::1"\]'
if [[ ! -f $resolver_bundle ]]; then
  fail "the resolve_localhost bundle did not build"
else
  "$fnseal" unpack -q "$resolver_bundle" "$resolver_unpacked" || fail "cannot unpack $resolver_bundle"
  for tar in "$resolver_unpacked"/deployables/oci_image/*.tar; do [[ -f $tar ]] && note_image "$tar"; done
  echo "$name: resolving localhost in each cloud's root filesystem"
  if simulate "$work/resolve.json" 0 --cold-starts 1 --warm 1 "$resolver_bundle"; then
    check_report "$work/resolve.json" "resolve_localhost"
    [[ $(jq '.deployables | length' "$work/resolve.json") == 3 ]] ||
      fail "resolve_localhost: not every cloud was simulated: $(jq -c '.deployables | map(.target)' "$work/resolve.json")"
    bad=$(jq -r --arg want "$resolver_answer" '.deployables[] | select((.body // "") | test($want) | not)
      | "\(.target): \(.body)"' "$work/resolve.json")
    [[ -z $bad ]] || fail "resolve_localhost did not resolve localhost to the loopback addresses: $bad"
    jq -r '.deployables[] | "\(.target): getaddrinfo(localhost) = \(.body | fromjson | .getaddrinfo)"' \
      "$work/resolve.json" | sed "s/^/$name: /"
    table "$work/resolve.json" >>"$tables"
  fi
fi

# --- 2c. a shared-library closure ------------------------------------------------------------------
closure_bundle=$bin/tests/simulate/closure_bundle.fnb
closure_unpacked=$work/unpacked-closure
if [[ ! -f $closure_bundle ]]; then
  fail "the closure bundle did not build"
else
  "$fnseal" unpack -q "$closure_bundle" "$closure_unpacked" || fail "cannot unpack $closure_bundle"
  for tar in "$closure_unpacked"/deployables/oci_image/*.tar; do [[ -f $tar ]] && note_image "$tar"; done
  echo "$name: simulating a handler that ships its shared-library closure"
  if simulate "$work/closure.json" 0 --cold-starts 3 --warm 10 "$closure_bundle"; then
    check_report "$work/closure.json" "closure handler"
    [[ $(jq -c '.deployables | map(.target) | sort' "$work/closure.json") == '["aws_lambda","oci_image"]' ]] ||
      fail "closure handler: not Lambda and OCI: $(jq -c '.deployables | map(.target)' "$work/closure.json")"
    bad=$(jq -r '.deployables[] | select(.body != "{\"closure\":2}") | "\(.target): \(.body)"' "$work/closure.json")
    [[ -z $bad ]] || fail "closure handler did not answer through libgreet.so: $bad"
    table "$work/closure.json" >>"$tables"
  fi
  shipped=$(jq -r '.deployables[] | "\(.target)=\(.handler.shipped)"' "$closure_unpacked/manifest.json" | sort | tr '\n' ' ')
  [[ $shipped == "aws_lambda=lib/libgreet.so oci_image=lib/libgreet.so, lib/libc.so.6, lib64/ld-linux-x86-64.so.2 " ]] ||
    fail "closure handler: the manifest records another closure: $shipped"
fi

# --- 3. failures ----------------------------------------------------------------------------------
echo "$name: a handler that exits at once"
if simulate "$work/exits.json" 3 --cold-starts 2 --timeout 10 "$own/exits.fnb"; then
  bad=$(jq -r '.deployables[] | select(.ok or .phase != "init" or (.error | test("configured to fail at start") | not))
               | "\(.target): \(.phase // "-"): \(.error // "ok")"' "$work/exits.json")
  [[ -z $bad ]] || fail "exiting handler: expected phase init with its message: $bad"
  jq -e '[.deployables[] | select(.target != "oci_image") | .error | test("exited with status 3")] | all' \
    "$work/exits.json" >/dev/null || fail "exiting handler: its exit status is not named"
  grep -q "did not start or answer (phase init)" "$work/exits.json.err" ||
    fail "exiting handler: stderr lacks the phase: $(cat "$work/exits.json.err")"
fi
echo "$name: a handler that never answers (bounded by --timeout 2)"
start=$SECONDS
if simulate "$work/hangs.json" 3 --cold-starts 1 --timeout 2 "$own/hangs.fnb"; then
  bad=$(jq -r '.deployables[] | select(.ok or .phase != "first request") | "\(.target): \(.phase // "-")"' \
    "$work/hangs.json")
  [[ -z $bad ]] || fail "silent handler: expected phase 'first request': $bad"
fi
((SECONDS - start < 60)) || fail "silent handler: simulate took $((SECONDS - start)) s with --timeout 2"
echo "$name: Ctrl-C while a handler and a container wait"
for target in aws_lambda oci_image; do
  "$fnseal" simulate --quiet --timeout 60 --target "$target" "$own/hangs.fnb" >/dev/null 2>"$work/interrupt.err" &
  simulate_pid=$!
  sleep 3
  kill -INT "$simulate_pid"
  wait "$simulate_pid"
  code=$?
  [[ $code == 1 ]] && grep -q "interrupted" "$work/interrupt.err" ||
    fail "SIGINT during $target: exit $code, $(cat "$work/interrupt.err")"
done
"$fnseal" simulate --cold-starts 0 "$own/static.fnb" >/dev/null 2>&1
[[ $? == 2 ]] || fail "--cold-starts 0 is not a usage error (exit 2)"
"$fnseal" simulate --target gcp "$own/static.fnb" >/dev/null 2>&1
[[ $? == 2 ]] || fail "--target gcp is not a usage error (exit 2)"

# Nothing is left behind.
leftover=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'fnseal-simulate-*' | head -3)
[[ -z $leftover ]] || fail "temporary directories left behind: $leftover"
containers=$("${podman_[@]}" ps -a --filter name=fnseal-simulate- -q)
[[ -z $containers ]] || fail "containers left behind: $containers"
for id in "${!image_was_there[@]}"; do
  if [[ ${image_was_there[$id]} == 0 ]] && "${podman_[@]}" image exists "$id"; then fail "image left behind: $id"; fi
done
pgrep -f "$own/" >/dev/null && fail "processes left behind: $(pgrep -af "$own/")"

# --- 4. podman directly ---------------------------------------------------------------------------
# podman_check WHAT OCI_TAR [WANT]: loads the image, runs it with its port published, asks it with
# curl; the answer must match the extended regular expression WANT when one is given.
podman_check() {
  local what=$1 tar=$2 want=${3:-} id port cname answer="" existed=0
  id=$(oci_image_id "$tar")
  "${podman_[@]}" image exists "$id" && existed=1
  "${podman_[@]}" load -q -i "$tar" >/dev/null 2>"$work/podman.err" || { fail "podman load $what failed: $(cat "$work/podman.err")"; return; }
  hostport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  port=$(tar -xOf "$tar" "blobs/sha256/$id" | jq -r '(.config.Env // [])[] | select(startswith("PORT=")) | ltrimstr("PORT=")')
  cname=fnseal-simulate-podman-$$-$RANDOM
  if "${podman_[@]}" run -d --name "$cname" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    -p "127.0.0.1:$hostport:${port:-8080}" "$id" >/dev/null 2>"$work/podman.err"; then
    for _ in $(seq 100); do
      answer=$(curl -fsS --max-time 2 -X POST -d '{}' "http://127.0.0.1:$hostport/" 2>/dev/null) && break
      sleep 0.1
    done
    [[ -n $answer ]] || fail "podman run $what: no HTTP answer on port $hostport: $("${podman_[@]}" logs "$cname" 2>&1 | tail -5)"
  else
    fail "podman run $what failed: $(cat "$work/podman.err")"
  fi
  "${podman_[@]}" rm -f -t 0 "$cname" >/dev/null 2>&1
  ((existed)) || "${podman_[@]}" rmi -f "$id" >/dev/null 2>&1
  [[ -n $answer ]] && echo "$name: podman run $what answered: $answer"
  if [[ -n $answer && -n $want ]] && ! grep -qE "$want" <<<"$answer"; then
    fail "podman run $what: the answer does not match $want"
  fi
}
for example in "${examples[@]}"; do
  bundle=$bin/examples/$example/${example}_bundle.fnb
  [[ -f $bundle ]] || continue
  for tar in "$work/unpacked-$example"/deployables/oci_image/*.tar; do
    [[ -f $tar ]] && podman_check "example $example" "$tar"
  done
done
podman_check "the static C handler" "$own/static.oci.tar"
for tar in "$closure_unpacked"/deployables/oci_image/*.tar; do
  [[ -f $tar ]] && podman_check "the closure handler" "$tar" '"closure":'
done
for tar in "$resolver_unpacked"/deployables/oci_image/*.tar; do
  [[ -f $tar ]] && podman_check "the localhost-resolving handler" "$tar" "$resolver_answer"
done

echo
column -t -s $'\t' "$tables"
echo
if ((${#failures[@]} > 0)); then
  echo "$name: ${#failures[@]} failure(s):" >&2
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "$name: PASS: every deployable of every example and of the C handler started and answered; failures exit 3"
