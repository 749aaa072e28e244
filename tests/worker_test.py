"""`fnseal --persistent_worker` against Bazel's worker protocol, spoken here in protobuf wire format.

Checks: each response answers its request (id, exit code, what the command printed) and the
worker's stdout holds responses only; outputs are byte-identical to one-shot runs; a failing
request is answered and the next one still runs; a command reading stdin cannot eat the request
stream; --no-sync holds for its own request only (fsyncs counted with strace); cancel requests
are ignored; a malformed request ends the worker with exit code 1 and a message, and the end of
stdin ends it with 0.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

FNSEAL = sys.argv[1]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def varint(value):
    out = b""
    while value >= 0x80:
        out += bytes([(value & 0x7F) | 0x80])
        value >>= 7
    return out + bytes([value])


def length_field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def request(args, request_id=0, cancel=False, inputs=()):
    message = b"".join(length_field(1, a.encode()) for a in args)
    message += b"".join(length_field(2, length_field(1, p.encode()) + length_field(2, b"\x01\x02")) for p in inputs)
    if request_id:
        message += varint(3 << 3) + varint(request_id)
    if cancel:
        message += varint(4 << 3) + varint(1)
    return varint(len(message)) + message


def read_varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def parse_responses(data):
    """Every byte of `data` must belong to a length-prefixed WorkResponse."""
    responses, i = [], 0
    while i < len(data):
        length, i = read_varint(data, i)
        message, i = data[i:i + length], i + length
        assert len(message) == length, "truncated response"
        response, j = {"exit_code": 0, "output": b"", "request_id": 0}, 0
        while j < len(message):
            tag, j = read_varint(message, j)
            field, wire_type = tag >> 3, tag & 7
            if wire_type == 0:
                value, j = read_varint(message, j)
                response[{1: "exit_code", 3: "request_id"}[field]] = value - (1 << 64) if value >> 63 else value
            else:
                assert wire_type == 2 and field == 2, "unexpected field %d" % field
                size, j = read_varint(message, j)
                response["output"], j = message[j:j + size], j + size
        responses.append(response)
    return responses


def serve(stream, prefix=(), env=None):
    process = subprocess.run(list(prefix) + [FNSEAL, "--persistent_worker"], input=stream, capture_output=True,
                             env=env)
    return process.returncode, parse_responses(process.stdout), process.stderr


def one_shot(args):
    process = subprocess.run([FNSEAL] + args, capture_output=True, stdin=subprocess.DEVNULL)
    return process.returncode, process.stdout + process.stderr


work = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
os.chdir(work)
os.makedirs("src/lib")
with open("src/bootstrap", "w") as f:
    f.write("#!/bin/sh\necho hi\n")
os.chmod("src/bootstrap", 0o755)
with open("src/lib/data.txt", "w") as f:
    f.write("data\n" * 1000)

pack = ["pack", "--quiet", "--output", "w.tar.zst", "--dir", "src", "--digests", "w.json"]
pack_no_sync = ["pack", "--quiet", "--no-sync", "--output", "w2.tar", "--dir", "src"]
requests = [
    (["version"], 0),
    (["nope", "--json"], 7),
    (pack, 8),
    (["digest", "src/lib/data.txt"], 9),
    (["license", "check", "--batch"], 10),  # reads stdin: must see /dev/null, not the requests
    (pack_no_sync, 11),
    (["pack", "--output", "bad.tar"], 12),
]
stream = b"".join(request(args, rid, inputs=["src/bootstrap"]) for args, rid in requests)
stream += request(["version"], 13, cancel=True)  # ignored: nothing is pending
code, responses, stderr = serve(stream)
check(code == 0, "worker exits 0 at the end of stdin, got %d (%r)" % (code, stderr))
check(stderr == b"", "worker printed on stderr: %r" % stderr)
check(len(responses) == len(requests), "%d responses to %d requests" % (len(responses), len(requests)))
for response, (args, rid) in zip(responses, requests):
    check(response["request_id"] == rid, "request %d answered as %d" % (rid, response["request_id"]))
with open("w.tar.zst", "rb") as f:
    worker_archive = f.read()
with open("w.json", "rb") as f:
    worker_digests = f.read()
with open("w2.tar", "rb") as f:
    worker_tar = f.read()
for response, (args, rid) in zip(responses, requests):
    if args in (pack, pack_no_sync):
        os.remove(args[args.index("--output") + 1])
    want_code, want_output = one_shot(args)
    check(response["exit_code"] == want_code, "%s: exit %d, one-shot %d" % (args, response["exit_code"], want_code))
    check(response["output"] == want_output, "%s: output %r, one-shot %r" % (args, response["output"], want_output))
check(responses[0]["output"].startswith(b"fnseal "), "version output: %r" % responses[0]["output"])
check(b"unknown command 'nope'" in responses[1]["output"] and responses[1]["exit_code"] == 2, "unknown command")
check(b"nothing to pack" in responses[6]["output"] and responses[6]["exit_code"] == 2,
      "usage error: %r" % responses[6])
check(hashlib.sha256(open("src/lib/data.txt", "rb").read()).hexdigest().encode() in responses[3]["output"],
      "digest output captured: %r" % responses[3]["output"])
with open("w.tar.zst", "rb") as f:
    check(f.read() == worker_archive, "the worker's tar.zst differs from a one-shot pack's")
with open("w.json", "rb") as f:
    check(f.read() == worker_digests, "the worker's --digests list differs from a one-shot pack's")
with open("w2.tar", "rb") as f:
    check(f.read() == worker_tar, "the worker's tar differs from a one-shot pack's")

# --no-sync holds for its own request only: a pack after a --no-sync pack fsyncs again.
strace = shutil.which("strace")
check(strace is not None, "strace is not installed (tools/bootstrap installs it)")
if strace:
    # LeakSanitizer cannot run under ptrace: the sanitized build's leak check is left out here.
    traced_env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")

    def fsyncs(stream):
        code, responses, _ = serve(stream, [strace, "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", "trace.txt"],
                                   traced_env)
        check(code == 0 and all(r["exit_code"] == 0 for r in responses), "traced worker failed: %r" % responses)
        with open("trace.txt") as f:
            return sum(1 for line in f if "fsync(" in line or "fdatasync(" in line)
    synced = ["pack", "--quiet", "--output", "s.tar", "--dir", "src"]
    unsynced = synced[:2] + ["--no-sync"] + synced[2:]
    none = fsyncs(request(unsynced) + request(unsynced))
    some = fsyncs(request(unsynced) + request(synced))
    check(none == 0, "two --no-sync packs made %d fsyncs" % none)
    check(some >= 2, "a pack after a --no-sync pack made %d fsyncs, not the output's and its directory's" % some)

# A malformed request ends the worker with a message; nothing is written for it.
code, responses, stderr = serve(request(["version"]) + b"\x05\x0b\x0c\x00\x00\x00")
check(code == 1, "a malformed request: exit %d" % code)
check(len(responses) == 1, "a malformed request was answered: %r" % responses)
check(b"fnseal: worker: work request field 'arguments' has wire type 3" in stderr, "malformed request message: %r" % stderr)
code, responses, stderr = serve(b"\x80")
check(code == 1 and b"ends inside a length prefix" in stderr, "a cut length prefix: %d %r" % (code, stderr))
code, responses, stderr = serve(b"")
check(code == 0 and responses == [] and stderr == b"", "empty stdin: %d %r %r" % (code, responses, stderr))

shutil.rmtree(work, ignore_errors=True)
if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("worker: all checks passed")
