#!/usr/bin/env python3
"""Self-check of the published test-vector fixtures in this folder.

Runs with the standard library alone (base58 and a small RFC 8032 Ed25519 are built in).
Uses `cryptography` for Ed25519 when installed, and, when `pyld` is installed and a
context folder is found, also re-canonicalises documents and verifies the proof-set/chain
and 1EdTech validator fixtures.  Never touches the network.

    python test_vectors/check_fixtures.py [--contexts DIR]

DIR holds a MANIFEST.json mapping context URL -> {"file": relative path}; default is
$MBO_VC_CONTEXTS or /work/shared/contexts.  Exit status 1 if any check fails.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

# ----------------------------------------------------------------------------- base58btc


def b58decode(s: str) -> bytes:
    n = 0
    for ch in s:
        n = n * 58 + B58.index(ch)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * (len(s) - len(s.lstrip("1"))) + body


def b58encode(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(b) - len(b.lstrip(b"\x00"))) + out


# ----------------------------------------------------------------------------- Ed25519
# Pure-Python fallback after RFC 8032 section 6 (slow but fine for a handful of checks).
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    A, B = (a[1] - a[0]) * (b[1] - b[0]) % _P, (a[1] + a[0]) * (b[1] + b[0]) % _P
    C, D = 2 * a[3] * b[3] * _D % _P, 2 * a[2] * b[2] % _P
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % _P, G * H % _P, F * G % _P, E * H % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, p)
        p, s = _add(p, p), s >> 1
    return q


def _enc(p):
    zi = pow(p[2], _P - 2, _P)
    x, y = p[0] * zi % _P, p[1] * zi % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _dec(b):
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _I % _P
    if (x * x - x2) % _P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


_G = _dec(int.to_bytes(4 * pow(5, _P - 2, _P) % _P, 32, "little"))


def _h(b):
    return int.from_bytes(hashlib.sha512(b).digest(), "little")


def ed25519_public(seed: bytes) -> bytes:
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    except ImportError:
        h = hashlib.sha512(seed).digest()
        a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
        return _enc(_mul(a, _G))


def ed25519_verify(pub: bytes, msg: bytes, sig: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
            return True
        except InvalidSignature:
            return False
    except ImportError:
        A, R = _dec(pub), _dec(sig[:32])
        s = int.from_bytes(sig[32:], "little")
        if A is None or R is None or s >= _L:
            return False
        k = _h(sig[:32] + pub + msg) % _L
        return _enc(_mul(s, _G)) == _enc(_add(R, _mul(k, A)))


# ----------------------------------------------------------------------------- reporting
RESULTS = {"PASS": 0, "FAIL": 0, "SKIP": 0}


def check(label: str, ok: bool, detail: str = "") -> None:
    RESULTS["PASS" if ok else "FAIL"] += 1
    if not ok:
        print(f"  FAIL {label} {detail}")


def skip(label: str, why: str) -> None:
    RESULTS["SKIP"] += 1
    print(f"  SKIP {label}: {why}")


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- canonicalisation (optional)


class Canon:
    def __init__(self, ctx_dir: Path | None):
        self.ok, self.why = False, ""
        try:
            from pyld import jsonld  # noqa: F401
        except ImportError:
            self.why = "pyld not installed"
            return
        if not ctx_dir or not (ctx_dir / "MANIFEST.json").is_file():
            self.why = f"no context MANIFEST.json in {ctx_dir}"
            return
        manifest = json.loads((ctx_dir / "MANIFEST.json").read_text("utf-8"))
        self.docs = {u: json.loads((ctx_dir / e["file"]).read_text("utf-8")) for u, e in manifest.items()}
        self.ok = True

    def _loader(self, url, options=None):
        if url not in self.docs:
            raise RuntimeError(f"context not available offline: {url}")
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(self.docs[url])}

    def rdfc(self, doc: dict) -> str:
        from pyld import jsonld

        return jsonld.normalize(
            copy.deepcopy(doc),
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": self._loader},
        )

    @staticmethod
    def jcs(doc: dict) -> str:
        try:
            import rfc8785

            return rfc8785.dumps(doc).decode("utf-8")
        except ImportError:  # fine for these ASCII-keyed, number-free documents
            return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def proofs_of(doc: dict) -> list:
    p = doc.get("proof")
    return p if isinstance(p, list) else [p]


def without_proof(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "proof"}


def proof_hashes(canon: Canon, doc_to_sign: dict, proof: dict, jcs: bool) -> tuple[str, str]:
    """Return (proof config canonical form, document canonical form) for a proof, per the spec."""
    cfg = {k: v for k, v in proof.items() if k != "proofValue"}
    if jcs:
        return canon.jcs(cfg), canon.jcs(doc_to_sign)
    cfg.setdefault("@context", doc_to_sign["@context"])
    return canon.rdfc(cfg), canon.rdfc(doc_to_sign)


# ----------------------------------------------------------------------------- fixture kinds


def check_key(label: str, key: dict) -> bytes:
    pub_raw = b58decode(key["publicKeyMultibase"][1:])
    check(f"{label} publicKeyMultibase 0xed01 header", key["publicKeyMultibase"][0] == "z" and pub_raw[:2] == b"\xed\x01" and len(pub_raw) == 34)
    pub = pub_raw[2:]
    sec_raw = b58decode(key["secretKeyMultibase"][1:])
    check(f"{label} secretKeyMultibase = 0x8026 || seed_hex", sec_raw == b"\x80\x26" + bytes.fromhex(key["seed_hex"]))
    check(f"{label} seed_hex -> public key", ed25519_public(bytes.fromhex(key["seed_hex"])) == pub)
    if "public_key_hex" in key:
        check(f"{label} public_key_hex", key["public_key_hex"] == pub.hex())
    if "secretKeyMultibase_legacy" in key:
        leg = b58decode(key["secretKeyMultibase_legacy"][1:])
        check(f"{label} legacy secret = 0x8026 || seed || public", leg == b"\x80\x26" + bytes.fromhex(key["seed_hex"]) + pub)
    return pub


def check_di(name: str, fx: dict, canon: Canon) -> None:
    pub = check_key(name, fx["key"])
    ph, dh, comb = fx["proof_config_hash_hex"], fx["document_hash_hex"], fx["combined_hash_hex"]
    check("sha256(canonical_proof_config)", sha(fx["canonical_proof_config"]) == ph)
    check("sha256(canonical_document)", sha(fx["canonical_document"]) == dh)
    check("combined = proof hash || doc hash", comb == ph + dh)
    sig = bytes.fromhex(fx["signature_hex"])
    check("proof_value = 'z' + base58btc(signature)", fx["proof_value"] == "z" + b58encode(sig) and b58decode(fx["proof_value"][1:]) == sig and len(sig) == 64)
    [proof] = proofs_of(fx["signed"])
    check("signed.proof.proofValue == proof_value", proof.get("proofValue") == fx["proof_value"])
    cfg = {k: v for k, v in proof.items() if k != "proofValue"}
    jcs = fx["cryptosuite"] == "eddsa-jcs-2022"
    expect_cfg = fx["proof_config"] if jcs else {k: v for k, v in fx["proof_config"].items() if k != "@context"}
    check("signed.proof minus proofValue == proof_config", cfg == expect_cfg, f"{cfg} != {expect_cfg}")
    body, uns = without_proof(fx["signed"]), fx["unsigned"]
    check("signed minus proof == unsigned (ignoring @context)", {k: v for k, v in body.items() if k != "@context"} == {k: v for k, v in uns.items() if k != "@context"})
    check("Ed25519 verify(signature, combined hash bytes)", ed25519_verify(pub, bytes.fromhex(comb), sig))
    check("Ed25519 rejects doc hash || proof hash (order matters)", not ed25519_verify(pub, bytes.fromhex(dh + ph), sig))
    if not canon.ok:
        skip(f"{name} re-canonicalisation", canon.why)
        return
    pc = dict(fx["proof_config"])
    if jcs:
        got_p, got_d = canon.jcs(pc), canon.jcs(uns)
    else:
        pc.setdefault("@context", uns["@context"])
        got_p, got_d = canon.rdfc(pc), canon.rdfc(uns)
    check("recomputed canonical_proof_config is byte-identical", got_p == fx["canonical_proof_config"], repr(got_p[-40:]))
    check("recomputed canonical_document is byte-identical", got_d == fx["canonical_document"], repr(got_d[-40:]))
    # the verifier's view: canonicalise the signed document itself
    p2, d2 = proof_hashes(canon, body, proof, jcs)
    check("verify from signed document", ed25519_verify(pub, bytes.fromhex(sha(p2) + sha(d2)), sig))


def check_steps(name: str, fx: dict, canon: Canon) -> None:
    pubs = {k: check_key(f"{name} {k}", v) for k, v in fx["keys"].items()}
    for st in fx["steps"]:
        sp = st["signed_proof"]
        check(f"{st['name']}: signed_proof == proof_config + proofValue", {k: v for k, v in sp.items() if k != "proofValue"} == st["proof_config"])
        before = proofs_of(st["input_document"]) if "proof" in st["input_document"] else []
        check(f"{st['name']}: signed.proof == input proofs + signed_proof", proofs_of(st["signed"]) == before + [sp])
        dts = without_proof(st["input_document"])
        if st["previous_proof_ids"]:
            # published temp documents keep proof as an array, even with one matching proof
            dts["proof"] = [p for p in before if p.get("id") in st["previous_proof_ids"]]
        check(f"{st['name']}: document_to_sign rebuilt from input_document", dts == st["document_to_sign"])
        if not canon.ok:
            skip(f"{st['name']} signature", canon.why)
            continue
        p, d = proof_hashes(canon, st["document_to_sign"], sp, False)
        sig = b58decode(sp["proofValue"][1:])
        check(f"{st['name']}: Ed25519 signature verifies", ed25519_verify(pubs[st["key"]], bytes.fromhex(sha(p) + sha(d)), sig))


def check_ecdsa(name: str, fx: dict, canon: Canon) -> None:
    """The ECDSA (vc-di-ecdsa) fixtures: hashes by the curve's hash, P1363 signature, verify."""
    algo = {"SHA-256": hashlib.sha256, "SHA-384": hashlib.sha384}[fx["hash"]]
    size = {"P-256": 32, "P-384": 48}[fx["curve"]]
    digest = lambda text: algo(text.encode("utf-8")).hexdigest()  # noqa: E731
    ph, dh, comb = fx["proof_config_hash_hex"], fx["document_hash_hex"], fx["combined_hash_hex"]
    check(f"{fx['hash']}(canonical_proof_config)", digest(fx["canonical_proof_config"]) == ph)
    check(f"{fx['hash']}(canonical_document)", digest(fx["canonical_document"]) == dh)
    check("combined = proof hash || doc hash", comb == ph + dh)
    sig = bytes.fromhex(fx["signature_hex"])
    check("proof_value = 'z' + base58btc(P1363 signature)", fx["proof_value"] == "z" + b58encode(sig) and len(sig) == 2 * size)
    [proof] = proofs_of(fx["signed"])
    check("signed.proof.proofValue == proof_value", proof.get("proofValue") == fx["proof_value"])
    key = fx["key"]
    check("secretKeyMultibase = z + base58btc(p256/p384-priv || scalar)", b58decode(key["secretKeyMultibase"][1:])[2:].hex() == key["secret_key_hex"])
    check("publicKeyMultibase = z + base58btc(p256/p384-pub || compressed point)", b58decode(key["publicKeyMultibase"][1:])[2:].hex() == key["public_key_hex"])
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    except ImportError:
        skip(f"{name} ECDSA verification", "cryptography is not installed")
        return
    curve = ec.SECP256R1() if fx["curve"] == "P-256" else ec.SECP384R1()
    pub = ec.EllipticCurvePublicKey.from_encoded_point(curve, bytes.fromhex(key["public_key_hex"]))
    der = encode_dss_signature(int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big"))
    h = hashes.SHA256() if fx["hash"] == "SHA-256" else hashes.SHA384()
    try:
        pub.verify(der, bytes.fromhex(comb), ec.ECDSA(h))
        ok = True
    except InvalidSignature:
        ok = False
    check("ECDSA verify(signature, combined hash bytes)", ok)
    if not canon.ok:
        skip(f"{name} re-canonicalisation", canon.why)
    elif fx["canonicalization"].startswith("JCS"):
        check("recomputed JCS canonical_document", canon.jcs(fx["unsigned"]) == fx["canonical_document"])
    elif fx["hash"] == "SHA-256":
        check("recomputed RDFC-1.0 canonical_document", canon.rdfc(fx["unsigned"]) == fx["canonical_document"])
    else:
        skip(f"{name} re-canonicalisation", "needs RDFC-1.0 with SHA-384 (the tests do it)")


def check_didkey(fx: dict) -> None:
    for c in fx["cases"]:
        pub = ed25519_public(bytes.fromhex(c["seed_hex"]))
        check(f"did:key seed {c['seed_hex'][-2:]} -> public key", pub.hex() == c["public_key_hex"])
        mb = "z" + b58encode(b"\xed\x01" + pub)
        check(f"did:key seed {c['seed_hex'][-2:]} -> DID", "did:key:" + mb == c["did"] and mb == c["publicKeyMultibase"])
    ex = fx["spec_example_did_document"]
    check("spec example: VM publicKeyMultibase == DID suffix", ex["verificationMethod"][0]["publicKeyMultibase"] == ex["id"][len("did:key:"):])


def check_validator(name: str, fx: dict, canon: Canon) -> None:
    want = fx["expect"]["proof_verifies_offline"]
    if not canon.ok:
        skip(f"{name} proof", canon.why)
        return
    doc = fx["document"]
    [proof] = proofs_of(doc)
    pub = b58decode(fx["public_key_multibase"][1:])[2:]
    try:
        p, d = proof_hashes(canon, without_proof(doc), proof, proof.get("cryptosuite") == "eddsa-jcs-2022")
        got = ed25519_verify(pub, bytes.fromhex(sha(p) + sha(d)), b58decode(proof["proofValue"][1:]))
    except Exception as e:  # noqa: BLE001 - report, do not crash
        got = f"error: {e}"
    check(f"{name}: proof verifies == expect.proof_verifies_offline ({want})", got == want, f"got {got}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contexts", type=Path, default=Path(os.environ.get("MBO_VC_CONTEXTS", "/work/shared/contexts")))
    args = ap.parse_args()
    canon = Canon(args.contexts)
    if not canon.ok:
        print(f"note: canonicalisation checks skipped ({canon.why})")
    for path in sorted(HERE.rglob("*.json")):
        rel = path.relative_to(HERE).as_posix()
        if rel.startswith("contexts/"):
            continue
        fx = json.loads(path.read_text("utf-8"))
        before = dict(RESULTS)
        if "steps" in fx:
            check_steps(rel, fx, canon)
        elif "cases" in fx and rel.startswith("did-key/"):
            check_didkey(fx)
        elif "expect" in fx:
            check_validator(rel, fx, canon)
        elif "canonical_document" in fx and str(fx.get("cryptosuite")).startswith("ecdsa-"):
            check_ecdsa(rel, fx, canon)
        elif "canonical_document" in fx:
            check_di(rel, fx, canon)
        else:
            continue
        print(f"{rel}: {RESULTS['PASS'] - before['PASS']} passed, {RESULTS['FAIL'] - before['FAIL']} failed, {RESULTS['SKIP'] - before['SKIP']} skipped")
    print(f"TOTAL: {RESULTS['PASS']} passed, {RESULTS['FAIL']} failed, {RESULTS['SKIP']} skipped")
    return 1 if RESULTS["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
