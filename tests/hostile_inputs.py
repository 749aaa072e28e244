#!/usr/bin/env python3
"""Writes hostile inputs that claim more than they hold, for tests/cli_bounds_test.sh.

Each one is small on disk and makes a claim (a size in a header, a count of entries) that a
reader must refuse before acting on it. zstd frames are written by hand (a frame header and raw
blocks), so that they can declare what no compressor would.

  hostile_inputs.py zstd-claim OUT CONTENT_SIZE WINDOW_LOG   frame claiming CONTENT_SIZE bytes
  hostile_inputs.py tar-claim OUT.tar.zst PATH SIZE          tar.zst whose entry PATH claims SIZE
  hostile_inputs.py tar-many OUT.tar COUNT                   tar of COUNT empty files
  hostile_inputs.py zip-ratio OUT.zip SIZE                   zip of one deflated entry of SIZE zeros
  hostile_inputs.py envelopes OUT COUNT                      JSON Lines of COUNT DSSE envelopes
  hostile_inputs.py components OUT COUNT                     components file of COUNT components
"""
import io
import json
import struct
import sys
import tarfile
import zipfile

RAW_BLOCK_MAX = 128 * 1024


def zstd_frame(payload: bytes, content_size: int, window_log: int, complete: bool = True) -> bytes:
    """One zstd frame of raw blocks holding `payload` whose header declares `content_size`; with
    complete=False the frame stops without its last block, as a stream cut short."""
    # Frame header descriptor: 8-byte content size field (flag 3), no single segment, no checksum.
    header = struct.pack("<IB", 0xFD2FB528, 0xC0)
    header += bytes([(window_log - 10) << 3])  # window descriptor: exponent, no mantissa
    header += struct.pack("<Q", content_size)
    blocks = b""
    chunks = [payload[i:i + RAW_BLOCK_MAX] for i in range(0, len(payload), RAW_BLOCK_MAX)] or [b""]
    for n, chunk in enumerate(chunks):
        last = 1 if complete and n == len(chunks) - 1 else 0
        block_header = last | (0 << 1) | (len(chunk) << 3)  # raw block
        blocks += struct.pack("<I", block_header)[:3] + chunk
    return header + blocks


def tar_zst(tar_bytes: bytes, declared: int = -1) -> bytes:
    if declared < 0:
        return zstd_frame(tar_bytes, len(tar_bytes), 20)
    # A claim larger than what follows: the reader must refuse it at the header, not at the end.
    return zstd_frame(tar_bytes, declared, 20, complete=False)


def main(argv):
    kind, out = argv[1], argv[2]
    if kind == "zstd-claim":
        data = zstd_frame(b"\0" * 512, int(argv[3]), int(argv[4]))
    elif kind == "tar-claim":
        info = tarfile.TarInfo(argv[3])
        info.size = int(argv[4])
        info.mtime = 946684800
        # The pax format records a size beyond 11 octal digits in an extended header; only the
        # headers are written, the claimed content never follows.
        head = info.tobuf(format=tarfile.PAX_FORMAT)
        data = tar_zst(head + b"\0" * (2 * RAW_BLOCK_MAX), declared=len(head) + info.size + 1024)
    elif kind == "tar-many":
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for i in range(int(argv[3])):
                info = tarfile.TarInfo("f%06d" % i)
                info.mtime = 946684800
                tar.addfile(info, io.BytesIO(b""))
        data = buffer.getvalue()
    elif kind == "zip-ratio":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            entry = zipfile.ZipInfo("zeros", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with z.open(entry, "w", force_zip64=True) as f:
                left = int(argv[3])
                block = b"\0" * (1 << 20)
                while left > 0:
                    f.write(block[:min(left, len(block))])
                    left -= len(block)
        data = buffer.getvalue()
    elif kind == "envelopes":
        line = json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": "e30=",
                           "signatures": [{"keyid": "", "sig": "AAAA"}]})
        data = ("\n".join([line] * int(argv[3])) + "\n").encode()
    elif kind == "components":
        count = int(argv[3])
        components = [{"id": "//f:c%d" % i, "kind": "code", "name": "c%d" % i, "license": "MIT"}
                      for i in range(count)]
        for i, component in enumerate(components):  # a tree, ten dependencies each
            children = components[10 * i + 1:10 * i + 11]
            if children:
                component["dependsOn"] = [c["id"] for c in children]
        data = json.dumps({"fnsealComponents": 1, "function": "f", "root": "//f:c0",
                           "components": components}).encode()
    else:
        sys.exit("unknown kind " + kind)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv)
