"""Interop with Debian's python3-securesystemslib (0.26, which has no DSSE module).

Both directions, on real fnseal output:
  1. fnseal signs a file with the Ed25519 and the ECDSA P-256 test keys; this script rebuilds the
     DSSE pre-authentication encoding (PAE) itself from the envelope and securesystemslib's
     SSlibKey.verify_signature must accept each signature over it, and reject it over a PAE with
     one byte changed.
  2. securesystemslib's SSlibSigner signs the PAE of an in-toto statement with both keys; the
     envelope this script writes must pass `fnseal verify --threshold 2 --artifact`, and a copy
     with a changed payload must be rejected with exit code 3.

Usage: /usr/bin/python3 securesystemslib_interop.py FNSEAL KEYS_DIR WORK_DIR
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from securesystemslib.exceptions import UnverifiedSignatureError
from securesystemslib.signer import Signature, SSlibKey, SSlibSigner

IN_TOTO = "application/vnd.in-toto+json"


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def key_dicts(keys_dir: str):
    """securesystemslib key dicts (public and private) for the two test keys."""
    ed_private = serialization.load_pem_private_key(read(f"{keys_dir}/ed25519.pem"), password=None)
    raw = serialization.Encoding.Raw
    ed = {
        "keytype": "ed25519",
        "scheme": "ed25519",
        "keyval": {
            "public": ed_private.public_key().public_bytes(raw, serialization.PublicFormat.Raw).hex(),
            "private": ed_private.private_bytes(raw, serialization.PrivateFormat.Raw,
                                                serialization.NoEncryption()).hex(),
        },
    }
    ec = {
        "keytype": "ecdsa",
        "scheme": "ecdsa-sha2-nistp256",
        "keyval": {
            "public": read(f"{keys_dir}/ecdsa-p256.pub.pem").decode(),
            "private": read(f"{keys_dir}/ecdsa-p256.pem").decode(),
        },
    }
    # Key ids as fnseal defines them: the sha256 of the DER SubjectPublicKeyInfo.
    for name, d in (("ed25519", ed), ("ecdsa-p256", ec)):
        spki = serialization.load_pem_public_key(read(f"{keys_dir}/{name}.pub.pem")).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        d["keyid"] = hashlib.sha256(spki).hexdigest()
    return {"ed25519": ed, "ecdsa-p256": ec}


def public_key(d) -> SSlibKey:
    return SSlibKey(d["keyid"], d["keytype"], d["scheme"], {"public": d["keyval"]["public"]})


def fail(message: str):
    print(f"securesystemslib interop: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def fnseal_signatures_verify(fnseal: str, keys_dir: str, work: str, keys) -> int:
    artifact = os.path.join(work, "artifact.bin")
    with open(artifact, "wb") as f:
        f.write(os.urandom(4096))
    envelope_path = artifact + ".intoto.jsonl"
    subprocess.run([fnseal, "sign", "--quiet", "--key", f"{keys_dir}/ed25519.pem", artifact], check=True)
    subprocess.run([fnseal, "sign", "--quiet", "--key", f"{keys_dir}/ecdsa-p256.pem", envelope_path], check=True)
    envelope = json.loads(read(envelope_path))
    payload = base64.b64decode(envelope["payload"])
    statement = json.loads(payload)
    if statement["subject"][0]["digest"]["sha256"] != hashlib.sha256(read(artifact)).hexdigest():
        fail("the signed statement does not name the artifact's sha256")
    message = pae(envelope["payloadType"], payload)
    tampered = bytearray(message)
    tampered[-2] ^= 0x01
    checked = 0
    for sig in envelope["signatures"]:
        raw = base64.b64decode(sig["sig"])
        accepted_by = []
        for name, d in keys.items():
            key = public_key(d)
            try:
                key.verify_signature(Signature(key.keyid, raw.hex()), message)
                accepted_by.append(name)
            except UnverifiedSignatureError:
                pass
            try:
                key.verify_signature(Signature(key.keyid, raw.hex()), bytes(tampered))
                fail(f"securesystemslib accepted a signature over a changed PAE with {name}")
            except UnverifiedSignatureError:
                pass
        if len(accepted_by) != 1:
            fail(f"a fnseal signature verified with {accepted_by or 'no key'}, want exactly one key")
        if sig.get("keyid") != keys[accepted_by[0]]["keyid"]:
            fail(f"fnseal's keyid {sig.get('keyid')} is not the sha256 of the {accepted_by[0]} key's DER SPKI")
        print(f"securesystemslib interop: verified fnseal's {accepted_by[0]} signature over the PAE")
        checked += 1
    if checked != 2:
        fail(f"expected 2 signatures in the envelope, found {checked}")
    return checked


def securesystemslib_signatures_verify(fnseal: str, keys_dir: str, work: str, keys) -> None:
    artifact = os.path.join(work, "model.bin")
    with open(artifact, "wb") as f:
        f.write(b"weights " * 512)
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model.bin", "digest": {"sha256": hashlib.sha256(read(artifact)).hexdigest()}}],
        "predicateType": "https://fnseal.dev/attestations/signed-file/v1",
        "predicate": {},
    }
    payload = json.dumps(statement).encode()
    signatures = []
    for d in keys.values():
        signature = SSlibSigner(d).sign(pae(IN_TOTO, payload))
        signatures.append({"keyid": d["keyid"], "sig": base64.b64encode(bytes.fromhex(signature.signature)).decode()})
    envelope = {"payload": base64.b64encode(payload).decode(), "payloadType": IN_TOTO, "signatures": signatures}
    good = os.path.join(work, "sslib.dsse.json")
    with open(good, "w") as f:
        json.dump(envelope, f)
    verify = [fnseal, "verify", "--key", f"{keys_dir}/ed25519.pub.pem", "--key", f"{keys_dir}/ecdsa-p256.pub.pem",
              "--threshold", "2"]
    result = subprocess.run(verify + [good, "--artifact", artifact], capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"fnseal rejected securesystemslib's signatures: {result.stderr.strip()}")
    print("securesystemslib interop: fnseal verified securesystemslib's Ed25519 and ECDSA signatures")

    statement["subject"][0]["name"] = "other.bin"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    bad = os.path.join(work, "sslib-tampered.dsse.json")
    with open(bad, "w") as f:
        json.dump(envelope, f)
    result = subprocess.run(verify + [bad], capture_output=True, text=True)
    if result.returncode != 3:
        fail(f"fnseal exited {result.returncode} on a changed payload, want 3: {result.stderr.strip()}")
    print("securesystemslib interop: fnseal rejected the changed payload as expected")


def main():
    if len(sys.argv) != 4:
        fail(__doc__.strip().splitlines()[-1])
    fnseal, keys_dir, work = sys.argv[1:]
    keys = key_dicts(keys_dir)
    fnseal_signatures_verify(fnseal, keys_dir, work, keys)
    securesystemslib_signatures_verify(fnseal, keys_dir, work, keys)


if __name__ == "__main__":
    main()
