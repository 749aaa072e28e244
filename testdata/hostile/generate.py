#!/usr/bin/env python3
"""Writes the hostile test inputs in this directory (see README).

Run on purpose only, from this directory: python3 generate.py
It needs the zstd CLI. Review the diff of the outputs before keeping them.
"""
import os
import subprocess

MTIME = 946684800  # 2000-01-01, as fnseal writes
HERE = os.path.dirname(os.path.abspath(__file__))


def octal(value, width):
    return b"%0*o\0" % (width - 1, value)


def header(name, typeflag=b"0", size=0, mode=0o644, linkname=b"", devmajor=0, devminor=0,
           checksum_delta=0):
    """One 512-byte ustar header with a correct (or deliberately wrong) checksum."""
    h = bytearray(512)
    name = name.encode() if isinstance(name, str) else name
    h[0:len(name)] = name
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = octal(size, 12)
    h[136:148] = octal(MTIME, 12)
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:265] = b"ustar\x0000"
    h[329:337] = octal(devmajor, 8)
    h[337:345] = octal(devminor, 8)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % (sum(h) + checksum_delta)
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


def entry(name, content=b"", typeflag=b"0", **kw):
    return header(name, typeflag, len(content), **kw) + pad(content)


def pax(records):
    return header("PaxHeaders/x", b"x", len(records)) + pad(records)


def record(key, value):
    body = b" %s=%s\n" % (key, value)
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n = len(str(n)) + len(body)
    return str(n).encode() + body


END = b"\0" * 1024


def zstd(data, *args):
    return subprocess.run(["zstd", "-q", "-c", "--no-progress", *args], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def zstd_file(data, *args):
    path = os.path.join(HERE, ".generate-input")
    with open(path, "wb") as f:
        f.write(data)
    try:
        return subprocess.run(["zstd", "-q", "-c", "--no-progress", *args, path],
                              stdout=subprocess.PIPE, check=True).stdout
    finally:
        os.remove(path)


TEXT = b"".join(b"line %d of a function bundle\n" % i for i in range(400))

files = {
    "tar-path-traversal.tar": entry("../x", b"pwned\n") + END,
    "tar-absolute-path.tar": entry("/etc/x", b"pwned\n") + END,
    "tar-pax-path-traversal.tar": pax(record(b"path", b"../../x")) + entry("innocent", b"pwned\n") + END,
    "tar-symlink.tar": entry("link", typeflag=b"2", linkname=b"/etc/passwd") + END,
    "tar-hardlink.tar": entry("link", typeflag=b"1", linkname=b"/etc/passwd") + END,
    "tar-device.tar": entry("null", typeflag=b"3", devmajor=1, devminor=3) + END,
    "tar-duplicate-name.tar": entry("a", b"first\n") + entry("a", b"second\n") + END,
    "tar-file-then-child.tar": entry("f", b"file\n") + entry("f/child", b"child\n") + END,
    "tar-child-then-file.tar": entry("d/child", b"child\n") + entry("d", b"file\n") + END,
    "tar-bad-checksum.tar": header("a", size=0, checksum_delta=1) + END,
    "tar-truncated-header.tar": header("a", size=0)[:300],
    "tar-truncated-content.tar": header("a", size=1000) + b"x" * 100,
    "tar-missing-end-marker.tar": entry("a", b"data\n"),
    "tar-trailing-garbage.tar": entry("a", b"data\n") + END + pad(b"garbage"),
    "tar-oversized-entry.tar": pax(record(b"size", b"1099511627776")) + header("big", size=0) + END,
    "tar-too-many-entries.tar": b"".join(entry("f%d" % i) for i in range(5)) + END,
    "tar-unknown-pax-key.tar": pax(record(b"linkpath", b"/etc/passwd")) + entry("a") + END,
    # 18446744073709551646 is 2^64 + 30: a parser that lets the length wrap reads a valid
    # 30-byte record where every other parser sees garbage.
    "tar-pax-length-overflow.tar": pax(b"18446744073709551646 path=abc\n") + entry("a") + END,
}

frame = zstd_file(TEXT)  # from a file, so the frame declares its content size
files["zstd-truncated.zst"] = frame[:len(frame) // 2]
files["zstd-trailing-garbage.zst"] = frame + b"garbage"
files["zstd-two-frames.zst"] = frame + frame
files["zstd-no-content-size.zst"] = zstd(TEXT)  # from a pipe: no content size
# Skippable frame (magic 0x184D2A50, 4-byte length) in front of a valid frame.
files["zstd-skippable-frame.zst"] = b"\x50\x2a\x4d\x18" + (8).to_bytes(4, "little") + b"metadata" + frame
# A 1 KiB window over 11 KB of content, then the window descriptor (byte 5) set to 2^30.
wide = bytearray(zstd_file(TEXT, "--zstd=wlog=10"))
assert wide[4] & 0x20 == 0, "expected a frame with a window descriptor"
wide[5] = (30 - 10) << 3
files["zstd-window-too-large.zst"] = bytes(wide)
# A single-segment frame of 100 bytes whose 1-byte content size is raised to 101.
small = bytearray(zstd_file(TEXT[:100]))
assert small[4] & 0xE0 == 0x20 and small[5] == 100, "expected a single-segment frame"
small[5] = 101
files["zstd-false-content-size.zst"] = bytes(small)

files["json-duplicate-key.json"] = b'{"digest": "aaaa", "digest": "bbbb"}\n'
files["json-duplicate-key-nested.json"] = (
    b'{"subject": [{"name": "handler", "digest": {"sha256": "aaaa", "sha256": "bbbb"}}]}\n')
files["json-deep-nesting.json"] = b"[" * 10000 + b"]" * 10000 + b"\n"



def elf_hash(name):
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xffffffff
        g = h & 0xf0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xffffffff
    return h


def elf(ei_class=2, ei_data=1, shnum=None, dynsym_offset=None, verneed_count=1, vn_aux=16,
        first_aux_next=16, versym=(0, 2, 3), dynstr_terminated=True):
    """A minimal dynamically linked x86-64 executable, as fnseal's ELF reader sees one: ELF
    header, PT_INTERP and PT_DYNAMIC program headers, .dynstr, .dynsym (printf@GLIBC_2.2.5,
    arc4random@GLIBC_2.36), .gnu.version, .gnu.version_r and .dynamic. It has no code: it is
    for the reader only. The keyword arguments break one thing each."""
    le = lambda n, v: v.to_bytes(n, "little")
    interp = b"/lib64/ld-linux-x86-64.so.2\0"
    dynstr = b"\0libc.so.6\0GLIBC_2.2.5\0GLIBC_2.36\0printf\0arc4random\0"
    off = {s: dynstr.index(s.encode() + b"\0") for s in
           ["libc.so.6", "GLIBC_2.2.5", "GLIBC_2.36", "printf", "arc4random"]}
    if not dynstr_terminated:
        dynstr = dynstr[:-1] + b"x"
    sym = lambda name: le(4, off[name]) + bytes([0x12, 0]) + le(2, 0) + le(8, 0) + le(8, 0)
    dynsym = bytes(24) + sym("printf") + sym("arc4random")
    gnu_version = b"".join(le(2, v) for v in versym)
    verneed = (le(2, 1) + le(2, 2) + le(4, off["libc.so.6"]) + le(4, vn_aux) + le(4, 0) +
               le(4, elf_hash(b"GLIBC_2.2.5")) + le(2, 0) + le(2, 2) + le(4, off["GLIBC_2.2.5"]) +
               le(4, first_aux_next) +
               le(4, elf_hash(b"GLIBC_2.36")) + le(2, 0) + le(2, 3) + le(4, off["GLIBC_2.36"]) + le(4, 0))
    dynamic = le(8, 1) + le(8, off["libc.so.6"]) + le(8, 0) + le(8, 0)
    body = bytearray(64 + 2 * 56)
    layout = {}
    for name, data in [("interp", interp), ("dynstr", dynstr), ("dynsym", dynsym),
                       ("version", gnu_version), ("verneed", verneed), ("dynamic", dynamic)]:
        body += bytes(-len(body) % 8)
        layout[name] = (len(body), len(data))
        body += data
    body += bytes(-len(body) % 8)
    shoff = len(body)

    def shdr(type_, name, link=0, info=0, entsize=0, offset=None):
        o, size = layout[name]
        return (le(4, 0) + le(4, type_) + le(8, 2) + le(8, o) + le(8, o if offset is None else offset) +
                le(8, size) + le(4, link) + le(4, info) + le(8, 8) + le(8, entsize))

    body += bytes(64)  # the null section
    body += shdr(3, "dynstr")
    body += shdr(11, "dynsym", link=1, info=1, entsize=24, offset=dynsym_offset)
    body += shdr(0x6fffffff, "version", link=2, entsize=2)
    body += shdr(0x6ffffffe, "verneed", link=1, info=verneed_count)
    body += shdr(6, "dynamic", link=1, entsize=16)
    ehdr = (b"\x7fELF" + bytes([ei_class, ei_data, 1, 0]) + bytes(8) + le(2, 3) + le(2, 62) + le(4, 1) +
            le(8, 0) + le(8, 64) + le(8, shoff) + le(4, 0) + le(2, 64) + le(2, 56) + le(2, 2) + le(2, 64) +
            le(2, 6 if shnum is None else shnum) + le(2, 0))
    body[0:64] = ehdr
    phdr = lambda type_, name: (le(4, type_) + le(4, 4) + le(8, layout[name][0]) + le(8, layout[name][0]) +
                                le(8, layout[name][0]) + le(8, layout[name][1]) + le(8, layout[name][1]) + le(8, 8))
    body[64:176] = phdr(3, "interp") + phdr(2, "dynamic")
    return bytes(body)


files["elf-truncated-header.elf"] = elf()[:40]
files["elf-32bit.elf"] = elf(ei_class=1)
files["elf-big-endian.elf"] = elf(ei_data=2)
files["elf-section-past-eof.elf"] = elf(dynsym_offset=1 << 40)
files["elf-too-many-sections.elf"] = elf(shnum=60000)
files["elf-verneed-huge-count.elf"] = elf(verneed_count=0xffffffff)
files["elf-verneed-self-loop.elf"] = elf(vn_aux=0)
files["elf-verneed-wrap.elf"] = elf(first_aux_next=0xfffffff0)
files["elf-verneed-overlap.elf"] = elf(first_aux_next=8)
files["elf-versym-unknown-index.elf"] = elf(versym=(0, 2, 9))
files["elf-unterminated-string.elf"] = elf(dynstr_terminated=False)
# Not hostile: the well-formed reference the variants above break, a seed for the fuzzer.
with open(os.path.join(HERE, "..", "fuzz", "elf_info", "minimal-dynamic.elf"), "wb") as f:
    f.write(elf())
# SPDX license expressions (no trailing newline: a line break is itself invalid in an expression).
files["license-deep-nesting.spdx"] = b"(" * 4000 + b"MIT" + b")" * 4000
files["license-too-long.spdx"] = b"MIT OR " * 1200 + b"MIT"
files["license-too-many-terms.spdx"] = b" AND ".join([b"MIT"] * 600)
files["license-nul-byte.spdx"] = b"MIT\0 OR Apache-2.0"
files["license-policy-duplicate-key.json"] = b'{"version": 1, "allow": ["MIT"], "allow": ["AGPL-3.0-only"]}\n'
files["license-policy-compound-rule.json"] = b'{"version": 1, "allow": ["MIT OR AGPL-3.0-only"]}\n'

# Components files (provenance/sbom): each breaks one rule of docs/sbom.md.
def components(*extra):
    root = b'{"id": "//f", "kind": "code", "name": "f", "license": "MIT"}'
    return b'{"fnsealComponents": 1, "function": "f", "root": "//f", "components": [' + b", ".join((root,) + extra) + b"]}\n"
files["components-absolute-name.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", "files": [{"name": "/etc/cron.d/x", "path": "g"}]}')
files["components-dotdot-path.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", '
    b'"licenseTexts": [{"name": "LICENSE", "path": "../../../etc/shadow"}]}')
files["components-duplicate-id.json"] = components(b'{"id": "//f", "kind": "model", "name": "f2", "license": "MIT"}')
files["components-unresolved-depends.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", "dependsOn": ["//nowhere"]}')
files["components-bad-license.json"] = components(b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT AND OR GPL"}')
files["components-deep-nesting.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", "files": ' + b"[" * 40 + b"]" * 40 + b"}")
files["components-duplicate-key.json"] = components(b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", '
                                                    b'"license": "GPL-3.0-only"}')
files["components-too-many-depends.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", "dependsOn": ['
    + b", ".join(b'"//f%d"' % i for i in range(1001)) + b"]}")
files["components-purl-duplicate-qualifier.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", '
    b'"purl": "pkg:generic/g?download_url=https://example.com/g.tgz&download_url=https://evil.example/g.tgz"}')
files["components-purl-overlong-slash.json"] = components(
    b'{"id": "//g", "kind": "code", "name": "g", "license": "MIT", "purl": "pkg:generic/a%C0%AFb"}')

# SBOMs read by fnseal license check --sbom (provenance/sbom/sbom_licenses.h).
files["sbom-spdx-bad-license.json"] = (
    b'{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a", "licenseDeclared": "MIT"}, '
    b'{"name": "b", "licenseConcluded": "MIT AND OR GPL"}]}\n')
files["sbom-spdx-license-not-string.json"] = (
    b'{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a", "licenseDeclared": ["GPL-3.0-only"]}]}\n')
files["sbom-spdx-duplicate-license.json"] = (
    b'{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a", "licenseConcluded": "MIT", '
    b'"licenseConcluded": "AGPL-3.0-only"}]}\n')
files["sbom-cyclonedx-deep-components.json"] = (
    b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ['
    + b'{"name": "c", "components": [' * 20 + b'{"name": "leaf"}' + b"]}" * 20 + b"]}\n")
files["sbom-cyclonedx-too-many-licenses.json"] = (
    b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "c", "licenses": ['
    + b", ".join(b'{"license": {"id": "MIT"}}' for _ in range(65)) + b"]}]}\n")
files["sbom-cyclonedx-expression-and-license.json"] = (
    b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "c", "licenses": '
    b'[{"expression": "MIT", "license": {"id": "AGPL-3.0-only"}}]}]}\n')
files["sbom-statement-predicate-mismatch.json"] = (
    b'{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://spdx.dev/Document/v2.3", '
    b'"subject": [], "predicate": {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}}\n')
files["sbom-too-many-packages.json"] = (
    b'{"spdxVersion": "SPDX-2.3", "packages": ['
    + b", ".join(b'{"name": "p%d", "licenseDeclared": "MIT"}' % i for i in range(10001)) + b"]}\n")

# Bazel work requests read by fnseal --persistent_worker (worker/protocol.h), without the
# length prefix. Protobuf fields: a varint tag (number << 3 | wire type), then the value.
files["workreq-truncated-varint.workreq"] = b"\x18\xff"
files["workreq-long-varint.workreq"] = b"\x18" + b"\xff" * 10 + b"\x01"
files["workreq-length-past-end.workreq"] = b"\x0a\x10pack"
files["workreq-group.workreq"] = b"\x0b\x0c"
files["workreq-field-zero.workreq"] = b"\x02\x00"
files["workreq-arguments-as-varint.workreq"] = b"\x08\x01"
files["workreq-nul-argument.workreq"] = b"\x0a\x04pack\x0a\x05a\x00b=c"
files["workreq-bad-input.workreq"] = b"\x0a\x04pack\x12\x03\x0a\x05x"

for name, data in sorted(files.items()):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    print("%-34s %6d bytes" % (name, len(data)))
