#!/usr/bin/env bash
# The components files the aspect writes: exactly what ships, deterministic, with licenses.
set -uo pipefail
source tests/cli_lib.sh
root=$PWD
components() { cat "$root/examples/$1/$1.components.json"; }

# ids PKG: the component ids of an example, one per line.
ids() { components "$1" | grep -o '"id": "[^"]*"' | sed 's/"id": "//; s/"$//'; }

want_ids() {
  local example=$1
  shift
  local got want
  got=$(ids "$example")
  want=$(printf '%s\n' "$@")
  [[ $got == "$want" ]] || fail "$example components: got $(echo $got), want $(echo $want)"
}

# The handlers are linked statically (serverless_function's default linkage), so the C and C++
# runtime libraries the link took from the toolchain are components too.
# Every handler is written on the function runtime, which ships inside it with fnseal's Status.
runtime=(toolchain:glibc toolchain:libgcc toolchain:libstdc++)
want_ids checksum //core:status //examples/checksum:checksum //examples/checksum:handler \
  //examples/third_party/adler32:adler32 //runtime:runtime "${runtime[@]}"
want_ids http //core:status //examples/http:handler //examples/http:http //runtime:runtime "${runtime[@]}"
want_ids sentiment //core:status //examples/sentiment:classifier //examples/sentiment:handler \
  //examples/sentiment:model //examples/sentiment:sentiment //examples/sentiment:sst2_sample //runtime:runtime \
  "${runtime[@]}"
# The runtime declares its own license and those of the header-only libraries compiled into it.
grep -q '"license": "(Apache-2.0) AND (BSL-1.0) AND (MIT)"' <<<"$(components http)" ||
  fail "http: the runtime's licenses: $(components http)"

# Each with its license and the Debian package and version that own its archives, and the
# function depends on them.
h=$(components http)
python3 - "$h" <<'PY' || fail "http: the runtime library components are not as recorded: $h"
import json, sys
components = {c["id"]: c for c in json.loads(sys.argv[1])["components"]}
want = {"toolchain:glibc": ("LGPL-2.1-or-later", "libc6-dev"),
        "toolchain:libgcc": ("GPL-3.0-or-later WITH GCC-exception-3.1", "libgcc-"),
        "toolchain:libstdc++": ("GPL-3.0-or-later WITH GCC-exception-3.1", "libstdc++-")}
for id, (license, package) in want.items():
    c = components[id]
    assert c["license"] == license, c
    assert c["name"].startswith(package) and c["supplier"] == "Debian" and c["version"], c
    assert "files" not in c, c  # their code is inside the handler
    # The Debian package's purl, with the architecture dpkg reported for it.
    name = c["name"].replace("+", "%2B")
    assert c["purl"].startswith("pkg:deb/debian/%s@%s?arch=" % (name, c["version"])), c
    assert c["purl"].split("?arch=")[1] in ("amd64", "arm64", "all"), c
    assert id in components["//examples/http:http"]["dependsOn"], components["//examples/http:http"]
PY

# Nothing from Bazel's toolchain targets, malloc, Bazel's tools or fnseal itself.
for example in checksum http sentiment hello; do
  for bad in bazel_tools cc_toolchain malloc crosstool tools/fnseal local_config_cc; do
    components "$example" | grep -q "$bad" && fail "$example: components mention $bad"
  done
done

# Licenses and files as declared.
c=$(components checksum)
grep -q '"license": "Zlib"' <<<"$c" || fail "checksum: adler32 is not Zlib: $c"
grep -q '"purl": "pkg:generic/adler32@1.2.0?download_url=https://example.com/adler32/adler32-1.2.0.tar.gz"' <<<"$c" ||
  fail "checksum: adler32's purl (fn_license purl) is missing: $c"
grep -q '"path": "examples/third_party/adler32/LICENSE"' <<<"$c" || fail "checksum: no Zlib license text"
grep -q '"name": "bootstrap"' <<<"$c" || fail "checksum: the handler does not ship as bootstrap"
grep -q '"dependsOn"' <<<"$c" || fail "checksum: no dependsOn"
s=$(components sentiment)
grep -q '"license": "LicenseRef-fnseal-BigScience-OpenRAIL-M"' <<<"$s" || fail "sentiment: model license missing"
grep -q '"name": "model/tiny-sentiment.json"' <<<"$s" || fail "sentiment: model file missing"
grep -q '"baseModel": "distilbert-base-uncased"' <<<"$s" || fail "sentiment: base model missing"
grep -q '"datasets": \[' <<<"$s" || fail "sentiment: datasets missing"
grep -q '"kind": "dataset"' <<<"$s" || fail "sentiment: no dataset component"
# The data set does not ship: only its identity is recorded.
grep -q 'sst2-sample.tsv' <<<"$s" && fail "sentiment: the data set's file is listed as shipped"
h=$(components hello)
grep -q '"name": "greeting.txt"' <<<"$h" || fail "hello: greeting.txt missing"

# The fixture: a license given through data applies; exec-configuration deps are skipped even when
# reached through a followed attribute (deps); the generated data file ships from its component.
f=$(cat "$root/tests/rules/fixture.components.json")
got=$(grep -o '"id": "[^"]*"' <<<"$f" | sed 's/"id": "//; s/"$//' | tr '\n' ' ')
want="//tests/rules:fixture //tests/rules:fixture_handler //tests/rules:generated //tests/rules:lib_with_data_license "
want+="toolchain:glibc toolchain:libgcc toolchain:libstdc++ "
[[ $got == "$want" ]] || fail "fixture components: got '$got', want '$want'"
grep -q tool_lib <<<"$f" && fail "fixture: the exec-configuration tool_lib is a component: $f"
grep -q '"license": "MIT"' <<<"$f" || fail "fixture: the data license does not apply: $f"
grep -q '"name": "generated.txt"' <<<"$f" || fail "fixture: generated.txt does not ship: $f"
# A library's runfile ships in the handler's runfiles tree, listed under the library.
grep -q '"name": "bootstrap.runfiles/fnseal/tests/rules/fixture_data.txt"' <<<"$f" ||
  fail "fixture: the library's runfile is not listed under bootstrap.runfiles: $f"

# A closure ships the toolchain's shared objects: their component names the runtime package
# (libc6, not libc6-dev) and its purl is that package's, written by resolve_closure.
c=$(cat "$root/tests/simulate/closure.components.json")
python3 - "$c" <<'PY' || fail "closure: the toolchain component's purl is not the package's: $c"
import json, sys
glibc = {c["id"]: c for c in json.loads(sys.argv[1])["components"]}["toolchain:glibc"]
assert glibc["name"] == "libc6" and glibc["supplier"] == "Debian", glibc
assert glibc["purl"].startswith("pkg:deb/debian/libc6@%s?arch=" % glibc["version"]), glibc
PY

finish "components files checked"
