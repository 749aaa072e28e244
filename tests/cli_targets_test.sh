#!/usr/bin/env bash
# fnseal targets and pack --target: real deployables from real executables, judged by unzip -t,
# zipinfo, bsdtar and Debian's Python json module; determinism across input order, mtimes and
# umask; refusals that name the reason and leave nothing behind.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
hello=$PWD/testdata/elf/glibc_only.out
new_glibc=$PWD/testdata/elf/needs_glibc_2_36.out
static=$PWD/testdata/elf/static_hello.out
work=${TEST_TMPDIR:-$(mktemp -d)}/targets
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# targets: all listed with their limits, as text and JSON.
expect_exit 0 "262144000 bytes unzipped" -- "$fnseal" targets
grep -q '^azure_functions ' out.txt || fail "targets does not list azure_functions: $(cat out.txt)"
"$fnseal" targets --json >targets.json
/usr/bin/python3 - targets.json <<'EOF' || fail "targets --json: $(cat targets.json)"
import json, sys
targets = {t["name"]: t for t in json.load(open(sys.argv[1]))}
assert set(targets) == {"aws_lambda", "azure_functions", "oci_image"}, targets
aws = targets["aws_lambda"]["limits"]
assert aws["max_archive_size"] == 52428800 and aws["max_content_size"] == 262144000, aws
assert aws["min_memory_mb"] == 128 and aws["max_memory_mb"] == 10240 and aws["max_timeout_seconds"] == 900, aws
assert targets["azure_functions"]["limits"]["max_archive_size"] is None
assert targets["aws_lambda"]["output"] == "zip" and targets["azure_functions"]["output"] == "zip"
assert targets["oci_image"]["output"] == "oci-layout", targets["oci_image"]
EOF

mkdir -p src/static
echo "hello from the zip" >src/greeting.txt
echo "<p>hi</p>" >src/static/index.html
printf '#!/bin/sh\necho tool\n' >src/tool.sh
chmod 0700 src/tool.sh
chmod 0600 src/greeting.txt

# aws_lambda: the handler becomes ./bootstrap 0755; other files keep 0644 unless executable.
expect_exit 0 "max_glibc GLIBC_2.34" -- "$fnseal" pack --target aws_lambda --handler "$hello" --function hello \
  --dir src -o lambda.zip
unzip -tq lambda.zip >/dev/null || fail "unzip -t rejects the lambda zip"
zipinfo lambda.zip >zipinfo.txt
grep -q '^-rwxr-xr-x .* bootstrap$' zipinfo.txt || fail "bootstrap mode: $(cat zipinfo.txt)"
grep -q '^-rw-r--r-- .* greeting.txt$' zipinfo.txt || fail "greeting.txt mode: $(cat zipinfo.txt)"
grep -q '^-rwxr-xr-x .* tool.sh$' zipinfo.txt || fail "tool.sh mode: $(cat zipinfo.txt)"
grep -q '^-rw-r--r-- .* static/index.html$' zipinfo.txt || fail "index.html mode: $(cat zipinfo.txt)"
listing=$(bsdtar -tvf lambda.zip) || fail "bsdtar rejects the lambda zip"
grep -q '^-rwxr-xr-x .* bootstrap$' <<<"$listing" || fail "bsdtar: bootstrap mode: $listing"
unzip -p lambda.zip bootstrap | cmp -s - "$hello" || fail "bootstrap is not the handler's bytes"

# Same inputs in another order, with other mtimes and another umask: the same bytes.
touch -d 2011-01-01 src/greeting.txt src/static/index.html
(umask 077 && "$fnseal" pack -q --target aws_lambda --handler "$hello" --function hello \
  --file tool.sh=src/tool.sh --file static/index.html=src/static/index.html \
  --file greeting.txt=src/greeting.txt -o lambda-again.zip)
cmp -s lambda.zip lambda-again.zip || fail "lambda zip depends on input order, mtimes or umask"

expect_exit 0 '"linking": "static"' -- "$fnseal" pack --target aws_lambda --handler "$static" --function s \
  -o static.zip --json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["target"]=="aws_lambda" and d["archive_size"]>0 and d["entries"][0]["path"]=="bootstrap" and d["entries"][0]["mode"]==0o755, d' \
  out.txt || fail "pack --json: $(cat out.txt)"

# Refusals: a glibc too new (naming the symbol), not an executable, too big; nothing left.
expect_exit 1 "GLIBC_2.36 (arc4random)" -- "$fnseal" pack --target aws_lambda --handler "$new_glibc" \
  --function hello -o refused.zip
expect_exit 1 "not an ELF file" -- "$fnseal" pack --target aws_lambda --handler src/tool.sh --function hello \
  -o refused.zip
expect_exit 1 "only letters, digits" -- "$fnseal" pack --target aws_lambda --handler "$hello" --function 'a b' \
  -o refused.zip
expect_exit 1 "memory must be 128 to 10240 MB; got 64" -- "$fnseal" pack --target aws_lambda --handler "$hello" \
  --function hello --memory 64 -o refused.zip
head -c 53000000 /dev/urandom >big.bin  # incompressible: over 50 MB zipped, under 250 MB unzipped
expect_exit 1 "bytes zipped, over aws_lambda's limit of 52428800 bytes" -- "$fnseal" pack --target aws_lambda \
  --handler "$hello" --function hello --file big.bin=big.bin -o refused.zip
rm big.bin
[[ ! -e refused.zip ]] || fail "a refused pack left its output"
leftovers=$(ls -A | grep -v -e '\.zip$' -e '\.txt$' -e '\.json$' -e '^src$' || true)
[[ -z $leftovers ]] || fail "a refused pack left temporary files: $leftovers"

# Usage errors: exit 2.
expect_exit 2 "unknown target 'gcp'" -- "$fnseal" pack --target gcp --handler "$hello" --function f -o x.zip
expect_exit 2 "--level does not apply with --target" -- "$fnseal" pack --target aws_lambda --handler "$hello" \
  --function f --level 9 -o x.zip
expect_exit 2 "--target needs --handler" -- "$fnseal" pack --target aws_lambda --function f -o x.zip
expect_exit 2 "--handler applies only with --target" -- "$fnseal" pack --handler "$hello" --dir src -o x.zip

# azure_functions: host.json, one function.json per function, handler 0755. Its base has glibc
# 2.31, older than what this toolchain binds (2.34), so the handler is the static one.
expect_exit 0 "" -- "$fnseal" pack --target azure_functions --handler "$static" --function hello --function Orders \
  --target-option auth_level=anonymous --target-option methods=get --timeout 120 --dir src -o azure.zip
unzip -tq azure.zip >/dev/null || fail "unzip -t rejects the azure zip"
zipinfo azure.zip >zipinfo.txt
grep -q '^-rwxr-xr-x .* handler$' zipinfo.txt || fail "handler mode: $(cat zipinfo.txt)"
grep -q '^-rw-r--r-- .* host.json$' zipinfo.txt || fail "host.json mode: $(cat zipinfo.txt)"
grep -q '^-rw-r--r-- .* Orders/function.json$' zipinfo.txt || fail "Orders/function.json: $(cat zipinfo.txt)"
bsdtar -tf azure.zip >/dev/null || fail "bsdtar rejects the azure zip"
unzip -p azure.zip host.json >host.json
unzip -p azure.zip hello/function.json >function.json
/usr/bin/python3 - host.json function.json <<'EOF' || fail "azure json: $(cat host.json function.json)"
import json, sys
host = json.load(open(sys.argv[1]))
assert host == {
    "version": "2.0",
    "customHandler": {
        "description": {"defaultExecutablePath": "handler", "workingDirectory": "", "arguments": []},
        "enableProxyingHttpRequest": True,
    },
    "functionTimeout": "00:02:00",
}, host
function = json.load(open(sys.argv[2]))
assert function == {"bindings": [
    {"type": "httpTrigger", "authLevel": "anonymous", "direction": "in", "name": "req", "methods": ["get"]},
    {"type": "http", "direction": "out", "name": "res"},
]}, function
EOF
"$fnseal" pack -q --target azure_functions --handler "$static" --function Orders --function hello \
  --target-option methods=get --target-option auth_level=anonymous --timeout 120 \
  --file static/index.html=src/static/index.html --file greeting.txt=src/greeting.txt --file tool.sh=src/tool.sh \
  -o azure-again.zip
cmp -s azure.zip azure-again.zip || fail "azure zip depends on the order of functions, options or files"
expect_exit 1 "'host' is reserved" -- "$fnseal" pack --target azure_functions --handler "$static" --function host \
  -o refused.zip
expect_exit 1 "no option 'route'" -- "$fnseal" pack --target azure_functions --handler "$static" --function f \
  --target-option route=x -o refused.zip
[[ ! -e refused.zip ]] || fail "a refused azure pack left its output"

# oci_image: an image umoci unpacks, /bootstrap the (static: the image is from scratch) handler,
# the port in the config, named <function>:<version>.
mkdir -p oci-home oci-run
expect_exit 0 "port 9000/tcp" -- "$fnseal" pack --target oci_image --handler "$static" --function hello \
  --file greeting.txt=src/greeting.txt --target-option port=9000 -o image
HOME=$PWD/oci-home XDG_RUNTIME_DIR=$PWD/oci-run \
  expect_exit 0 "" -- umoci unpack --rootless --image image:hello:0.0.0 image-bundle
cmp -s "$static" image-bundle/rootfs/bootstrap || fail "the image's /bootstrap is not the handler"
[[ $(stat -c %a image-bundle/rootfs/bootstrap) == 755 ]] || fail "/bootstrap is not 0755"
runtime=$(cat image-bundle/config.json)
[[ $runtime == *'"PORT=9000"'* && $runtime == *'"/bootstrap"'* ]] || fail "image runtime config: $runtime"
[[ $runtime == *'"uid": 65532'* ]] || fail "the image does not run as 65532: $runtime"
expect_exit 1 "already exists" -- "$fnseal" pack --target oci_image --handler "$static" --function hello -o image
expect_exit 1 "an image from scratch has no shared libraries at all" -- "$fnseal" pack --target oci_image \
  --handler "$hello" --function hello -o image3
expect_exit 1 "oci_image has no option 'memory'" -- "$fnseal" pack --target oci_image --handler "$static" \
  --function hello --target-option memory=512 -o image2
[[ ! -e image2 && ! -e image3 ]] || fail "a refused oci_image left its output behind"

finish "all CLI target checks passed"
