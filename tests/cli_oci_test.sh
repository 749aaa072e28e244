#!/usr/bin/env bash
# fnseal pack --format oci / oci-tar, judged by independent tools: umoci (strict OCI: it checks
# every blob's digest and size and each layer's diff_id while unpacking), skopeo (the
# containers/image library behind Podman and CRI-O), GNU tar, gzip, zstd and sha256sum.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
work=${TEST_TMPDIR:-$(mktemp -d)}/oci
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# umoci and skopeo want a writable home, runtime and temporary directory (skopeo ignores
# $TMPDIR for oci-archive: and needs --tmpdir); skopeo wants a signature policy.
export HOME=$work/home XDG_RUNTIME_DIR=$work/run TMPDIR=$work/tmp
mkdir -p "$HOME" "$TMPDIR" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
echo '{"default": [{"type": "insecureAcceptAnything"}]}' >policy.json
skopeo() { command skopeo --policy "$work/policy.json" --tmpdir "$TMPDIR" "$@"; }

# field NAME FILE: the first "NAME":"value" of a canonical (compact) JSON file.
field() { grep -o "\"$1\":\"[^\"]*\"" "$2" | head -n 1 | cut -d'"' -f4; }
# blob LAYOUT DIGEST: path of a blob.
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }
manifest_of() { blob "$1" "$(field digest "$1/index.json")"; }
# descriptor_digest KEY MANIFEST: the digest in the manifest's "config" or first "layers" descriptor.
descriptor_digest() { grep -o "\"$1\":\\[\\?{[^}]*}" "$2" | grep -o '"digest":"[^"]*"' | cut -d'"' -f4; }
config_of() { blob "$1" "$(descriptor_digest config "$(manifest_of "$1")")"; }
layer_of() { blob "$1" "$(descriptor_digest layers "$(manifest_of "$1")")"; }
diff_id_of() { grep -o '"diff_ids":\["sha256:[0-9a-f]*"' "$(config_of "$1")" | cut -d'"' -f4; }

mkdir -p src/lib/deep
printf '#!/bin/sh\necho hi\n' >src/bootstrap
chmod 0700 src/bootstrap  # odd source modes must not leak into the image
echo "library" >src/lib/deep/x.txt
chmod 0600 src/lib/deep/x.txt
head -c 200000 /dev/urandom >src/lib/random.bin

options=(--env GREETING=hello --label org.example.team=fn --workdir /srv)
expect_exit 0 "manifest sha256:" -- "$fnseal" pack --format oci -o img --dir src "${options[@]}"

# umoci unpacks it (verifying digests, sizes and diff_ids) into the files with normalized modes.
expect_exit 0 "" -- umoci unpack --rootless --image img:latest bundle
diff -r src bundle/rootfs >/dev/null || fail "umoci's rootfs differs from the source"
[[ $(stat -c %a bundle/rootfs/bootstrap) == 755 ]] || fail "bootstrap mode $(stat -c %a bundle/rootfs/bootstrap)"
[[ $(stat -c %a bundle/rootfs/lib/deep/x.txt) == 644 ]] || fail "x.txt mode $(stat -c %a bundle/rootfs/lib/deep/x.txt)"
[[ $(stat -c %a bundle/rootfs/lib/deep) == 755 ]] || fail "lib/deep mode $(stat -c %a bundle/rootfs/lib/deep)"
runtime=$(cat bundle/config.json)
for want in '"/bootstrap"' '"GREETING=hello"' '"PORT=8080"' '"cwd": "/srv"'; do
  grep -qF -- "$want" <<<"$runtime" || fail "umoci's runtime config lacks $want: $runtime"
done

# skopeo reads the image and its config.
expect_exit 0 "" -- skopeo inspect oci:img:latest
inspect=$(cat out.txt)
for want in '"Architecture": "amd64"' '"Os": "linux"' '"GREETING=hello"' '"PORT=8080"' \
  '"Created": "2000-01-01T00:00:00Z"' '"org.example.team": "fn"'; do
  grep -qF -- "$want" <<<"$inspect" || fail "skopeo inspect lacks $want: $inspect"
done
expect_exit 0 "" -- skopeo inspect --config oci:img:latest
inspect=$(cat out.txt)
for want in '"Entrypoint": [' '"/bootstrap"' '"8080/tcp": {}' '"WorkingDir": "/srv"' '"architecture": "amd64"'; do
  grep -qF -- "$want" <<<"$inspect" || fail "skopeo inspect --config lacks $want: $inspect"
done

# The layer: our fixed gzip header, and diff_id = sha256 of what gzip decompresses.
layer=$(layer_of img)
[[ $(head -c 10 "$layer" | od -An -tx1 | tr -d ' \n') == 1f8b08000000000000ff ]] ||
  fail "gzip header: $(head -c 10 "$layer" | od -An -tx1)"
gzip -t "$layer" || fail "gzip -t rejects the layer"
[[ "sha256:$(gzip -dc "$layer" | sha256sum | cut -d' ' -f1)" == "$(diff_id_of img)" ]] ||
  fail "diff_id $(diff_id_of img) is not the sha256 of the decompressed layer"
listing=$(gzip -dc "$layer" | tar -tvf -)
grep -q '^-rwxr-xr-x 0/0 .* bootstrap$' <<<"$listing" || fail "layer listing: $listing"
grep -q '^drwxr-xr-x 0/0 .* lib/deep/$' <<<"$listing" || fail "layer listing: $listing"
[[ $(cat img/oci-layout) == '{"imageLayoutVersion":"1.0.0"}' ]] || fail "oci-layout: $(cat img/oci-layout)"
for f in img/blobs/sha256/*; do
  [[ $(sha256sum "$f" | cut -d' ' -f1) == "$(basename "$f")" ]] || fail "blob $f is not named by its sha256"
done
[[ $(stat -c %a img img/blobs/sha256 img/index.json "$layer" | tr '\n' ' ') == "755 755 644 644 " ]] ||
  fail "layout modes: $(stat -c '%a %n' img img/blobs/sha256 img/index.json "$layer")"

# umoci is a real judge: a config whose diff_id does not match the layer is refused.
cp -r img tampered
config=$(config_of tampered) manifest=$(manifest_of tampered)
old_config=$(basename "$config") old_manifest=$(basename "$manifest")
sed -i "s/$(diff_id_of tampered | cut -c8-)/$(printf '%064d' 0)/" "$config"
new_config=$(sha256sum "$config" | cut -d' ' -f1)
mv "$config" "tampered/blobs/sha256/$new_config"
sed -i "s/$old_config/$new_config/" "$manifest"
new_manifest=$(sha256sum "$manifest" | cut -d' ' -f1)
mv "$manifest" "tampered/blobs/sha256/$new_manifest"
sed -i "s/$old_manifest/$new_manifest/" tampered/index.json
expect_exit 1 "" -- umoci unpack --rootless --image tampered:latest tampered-bundle
grep -qi "diff" err.txt || fail "umoci's refusal does not name the diff_id: $(cat err.txt)"

# oci-tar (inferred from .oci.tar): GNU tar extracts exactly the directory layout.
expect_exit 0 "" -- "$fnseal" pack -o img.oci.tar --dir src "${options[@]}"
tar -tvf img.oci.tar >listing.txt || fail "GNU tar rejects the layout tar"
grep -q '^-rw-r--r-- 0/0 .* oci-layout$' listing.txt || fail "layout tar listing: $(cat listing.txt)"
grep -q '^drwxr-xr-x 0/0 .* blobs/sha256/$' listing.txt || fail "layout tar listing: $(cat listing.txt)"
mkdir extracted && tar -xf img.oci.tar -C extracted
diff -r img extracted >/dev/null || fail "the layout tar differs from the layout directory"
expect_exit 0 "" -- umoci unpack --rootless --image extracted:latest extracted-bundle
diff -r src extracted-bundle/rootfs >/dev/null || fail "rootfs from the layout tar differs from the source"
expect_exit 0 '"Os": "linux"' -- skopeo inspect oci:extracted:latest
expect_exit 0 '"GREETING=hello"' -- skopeo inspect oci-archive:img.oci.tar:latest

# Same bytes whatever the input order, umask, source mtimes and checkout directory.
cp -r src elsewhere && touch -d '2011-01-01' elsewhere/bootstrap elsewhere/lib/random.bin
(umask 077 && "$fnseal" pack -q --format oci -o again --file lib/random.bin=elsewhere/lib/random.bin \
  --file lib/deep/x.txt=elsewhere/lib/deep/x.txt --file bootstrap=elsewhere/bootstrap \
  --label org.example.team=fn --workdir /srv --env GREETING=hello)
diff -r img again >/dev/null || fail "oci layout depends on the input order, umask or source mtimes"
[[ $(stat -c %a again/index.json) == 644 ]] || fail "umask leaked into the layout: $(stat -c %a again/index.json)"
(umask 077 && "$fnseal" pack -q -o again.oci.tar --dir elsewhere "${options[@]}")
cmp -s img.oci.tar again.oci.tar || fail "oci-tar depends on the umask or source mtimes"

# --mtime / SOURCE_DATE_EPOCH set the layer mtimes and the config's created time.
SOURCE_DATE_EPOCH=1700000000 "$fnseal" pack -q --format oci -o epoch --dir src
expect_exit 0 '"Created": "2023-11-14T22:13:20Z"' -- skopeo inspect oci:epoch:latest
grep -q "2023-11-14" <<<"$(gzip -dc "$(layer_of epoch)" | tar -tvf -)" || fail "SOURCE_DATE_EPOCH not in the layer"

# zstd layers. umoci 0.4.7 does not read tar+zstd layers, so skopeo decodes the layer into a
# gzip copy of the image (keeping our config) and umoci then checks our diff_id against it.
expect_exit 0 "" -- "$fnseal" pack -q --format oci -o zimg --dir src --layer-compression zstd
expect_exit 0 '"/bootstrap"' -- skopeo inspect --config oci:zimg:latest
grep -q '"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd"' "$(manifest_of zimg)" ||
  fail "zstd media type: $(cat "$(manifest_of zimg)")"
zstd -q -t "$(layer_of zimg)" || fail "zstd -t rejects the layer"
[[ "sha256:$(zstd -q -dc "$(layer_of zimg)" | sha256sum | cut -d' ' -f1)" == "$(diff_id_of zimg)" ]] ||
  fail "zstd layer diff_id is not the sha256 of the decompressed layer"
[[ $(diff_id_of zimg) == "$(diff_id_of img)" ]] || fail "the same files gave gzip and zstd images different diff_ids"
expect_exit 0 "" -- skopeo copy --dest-compress --dest-compress-format gzip oci:zimg:latest oci:zconv:latest
[[ $(config_of zconv | xargs basename) == $(config_of zimg | xargs basename) ]] || fail "skopeo changed our config"
expect_exit 0 "" -- umoci unpack --rootless --image zconv:latest zbundle
diff -r src zbundle/rootfs >/dev/null || fail "rootfs of the zstd image differs from the source"
for threads in 1 4; do
  "$fnseal" pack -q -o "z$threads.oci.tar" --dir src --layer-compression zstd --level 9 --threads "$threads"
done
cmp -s z1.oci.tar z4.oci.tar || fail "zstd worker count changed the layout tar"

# Options reach the image: entrypoint elements, platform, ref name, no port.
expect_exit 0 "" -- "$fnseal" pack -q --format oci -o custom --dir src --entrypoint /bin/sh --entrypoint=-c \
  --entrypoint 'exec /bootstrap "$0"' --cmd=--verbose --platform linux/arm64/v8 --ref fn/hello:1.0 --port 0
grep -qF '"Cmd":["--verbose"],"Entrypoint":["/bin/sh","-c","exec /bootstrap \"$0\""]' "$(config_of custom)" ||
  fail "entrypoint and cmd: $(cat "$(config_of custom)")"
grep -qF '"architecture":"arm64"' "$(config_of custom)" || fail "platform: $(cat "$(config_of custom)")"
grep -q 'PORT\|ExposedPorts' "$(config_of custom)" && fail "--port 0 still set a port: $(cat "$(config_of custom)")"
expect_exit 0 '"Architecture": "arm64"' -- skopeo inspect oci:custom:fn/hello:1.0
expect_exit 0 "" -- umoci unpack --rootless --image custom:fn/hello:1.0 custom-bundle

# Refusals: usage errors (exit 2) and failures (exit 1) leave nothing behind.
mkdir exists && echo mine >exists/keep
expect_exit 1 "already exists" -- "$fnseal" pack --format oci -o exists --dir src
[[ $(ls exists) == keep ]] || fail "an existing output directory was touched: $(ls exists)"
expect_exit 1 "missing" -- "$fnseal" pack --format oci -o failed --file bootstrap=src/missing
expect_exit 2 "zstd level 30" -- "$fnseal" pack --format oci -o failed --dir src --layer-compression zstd --level 30
expect_exit 1 "missing" -- "$fnseal" pack -o failed.oci.tar --file bootstrap=src/missing
expect_exit 2 "--port '70000'" -- "$fnseal" pack --format oci -o failed --dir src --port 70000
expect_exit 2 "conflicts with --port" -- "$fnseal" pack --format oci -o failed --dir src --env PORT=1
expect_exit 2 "reference name 'a b'" -- "$fnseal" pack --format oci -o failed --dir src --ref 'a b'
expect_exit 2 "platform 'linux'" -- "$fnseal" pack --format oci -o failed --dir src --platform linux
expect_exit 2 "no --entrypoint" -- "$fnseal" pack --format oci -o failed --dir src/lib
expect_exit 2 "'bootstrap' file is not executable" -- "$fnseal" pack --format oci -o failed --file bootstrap=src/lib/deep/x.txt
expect_exit 2 "not KEY=VALUE" -- "$fnseal" pack --format oci -o failed --dir src --env NOVALUE
expect_exit 2 "gzip level 12" -- "$fnseal" pack --format oci -o failed --dir src --level 12
expect_exit 2 "are for --format oci" -- "$fnseal" pack -o failed.tar --dir src --entrypoint /x
expect_exit 2 "--long needs" -- "$fnseal" pack --format oci -o failed --dir src --long
expect_exit 1 "whiteout" -- "$fnseal" pack --format oci -o failed --file .wh.bootstrap=src/bootstrap --entrypoint /x
leftovers=$(ls -A | grep -E '^failed|tmp-' || true)
[[ -z $leftovers ]] || fail "refused packs left files behind: $leftovers"

finish "cli_oci_test: all checks passed"
