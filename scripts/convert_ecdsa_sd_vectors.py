#!/usr/bin/env python3
"""Write test_vectors/w3c-vc-di-ecdsa/ecdsa-sd-2023-{employ,prc}.json from the published
vc-di-ecdsa ecdsa-sd-2023 test vectors (w3c/vc-di-ecdsa@00781de5 TestVectors/ecdsa-sd-2023/, via
../shared/vectors/w3c-vc-di-ecdsa/). Every value is copied as published into one field; nothing is
computed here (the tests recompute them with mbo_vc and compare).

    python scripts/convert_ecdsa_sd_vectors.py [SHARED_VECTORS_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = "w3c/vc-di-ecdsa@00781de5 TestVectors/"
SPEC = (
    "Data Integrity ECDSA Cryptosuites v1.0 (W3C, editor's draft at w3c/vc-di-ecdsa@00781de5, "
    "2026-04-08)"
)
CASES = {
    "employ": {
        "section": "Test Vectors: Representation: ecdsa-sd-2023 (Base Proof, Derived Proof); "
        "algorithms §3.6 ecdsa-sd-2023 and §3.4 Selective Disclosure Functions (section "
        "numbers counted in the editor's draft, not confirmed)",
        "unsigned": "employmentAuth.json",
        "mandatory": "employMandatory.json",
        "selective": "employSelective.json",
    },
    "prc": {
        "section": "Test Vectors: Additional Example for Representation: ecdsa-sd-2023 (Base "
        "Proof, Derived Proof); algorithms §3.6 and §3.4 (section numbers not confirmed)",
        "unsigned": "prCredUnsigned.json",
        "mandatory": "prCredMandatory.json",
        "selective": "prCredSelective.json",
    },
}


def _map(value: Any) -> Any:
    """The vectors write JS Maps as {"dataType": "Map", "value": [[k, v], …]}: keep the pairs."""
    if isinstance(value, dict) and value.get("dataType") == "Map":
        return value["value"]
    return value


def convert(shared: Path, name: str) -> dict[str, Any]:
    base = shared / "TestVectors"
    spec = CASES[name]

    def load(path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))

    files: dict[str, str] = {}

    def take(field: str, relative: str, *, text: bool = False) -> Any:
        path = base / relative
        files[field] = SRC + relative
        return path.read_text(encoding="utf-8") if text else load(path)

    d = f"ecdsa-sd-2023/{name}/"
    keys = take("key_material", "ecdsa-sd-2023/SDKeyMaterial.json")
    raw = take("base_signature_info", d + "addRawBaseSignatureInfo.json")
    hashes = take("base_hashes", d + "addHashData.json")
    transform = take("base_transform", d + "addBaseTransform.json")
    disclosure = take("disclosure_data", d + "derivedDisclosureData.json")
    verify = take("verify_data", d + "verifyCreateVerifyData.json")
    groups = take("group_indexes", d + "derivedGroupIndexes.json")
    out: dict[str, Any] = {
        "spec": SPEC,
        "section": spec["section"],
        "source": f"{SRC}ecdsa-sd-2023/{name}/ (+ TestVectors/{spec['unsigned']}, "
        f"{spec['mandatory']}, {spec['selective']}, ecdsa-sd-2023/SDKeyMaterial.json), via "
        "../shared/vectors/w3c-vc-di-ecdsa/",
        "licence": "W3C Software and Document License",
        "cryptosuite": "ecdsa-sd-2023",
        "base_key": keys["baseKeyPair"],
        "proof_scoped_key": keys["proofKeyPair"],
        "hmac_key_hex": keys["hmacKeyString"].lower(),
        "unsigned": None,  # set below
        "mandatory_pointers": take("mandatory_pointers", spec["mandatory"]),
        "selective_pointers": take("selective_pointers", spec["selective"]),
        "proof_config": take("proof_config", d + "addProofConfig.json"),
        "canonical_proof_config": take(
            "canonical_proof_config", d + "addProofConfigCanon.txt", text=True
        ),
        "base": {
            "canonical_nquads": take("base.canonical_nquads", d + "addBaseDocCanon.json"),
            "hmac_nquads": take("base.hmac_nquads", d + "addBaseDocHMACCanon.json"),
            "mandatory": _map(transform["mandatory"]),
            "non_mandatory": _map(transform["nonMandatory"]),
            "proof_hash_hex": hashes["proofHash"],
            "mandatory_hash_hex": hashes["mandatoryHash"],
            "base_signature_hex": raw["baseSignature"],
            "proof_public_key": raw["publicKey"],
            "signatures_hex": raw["signatures"],
            "signed": take("base.signed", d + "addSignedSDBase.json"),
        },
        "derived": {
            "group_indexes": groups,
            "label_map": _map(disclosure["labelMap"]),
            "mandatory_indexes": disclosure["mandatoryIndexes"],
            "signatures_hex": disclosure["signatures"],
            "unsigned_reveal": take("derived.unsigned_reveal", d + "derivedUnsignedReveal.json"),
            "nquads": take("derived.nquads", d + "verifyNQuads.json"),
            "proof_hash_hex": verify["proofHash"],
            "mandatory_hash_hex": verify["mandatoryHash"],
            "non_mandatory": verify["nonMandatory"],
            "signed": take("derived.signed", d + "derivedRevealDocument.json"),
        },
    }
    # The unsigned document is the signed base document without its proof (the one thing this
    # script derives): for prc, TestVectors/prCredUnsigned.json differs from what was signed.
    published = load(base / spec["unsigned"])
    out["unsigned"] = {k: v for k, v in out["base"]["signed"].items() if k != "proof"}
    files["unsigned"] = SRC + d + "addSignedSDBase.json (without its proof)"
    if published != out["unsigned"]:
        differ = sorted(
            k for k in {*published, *out["unsigned"]} if published.get(k) != out["unsigned"].get(k)
        )
        out["notes"] = [
            f"TestVectors/{spec['unsigned']} differs from the signed base document in "
            f"{', '.join(differ)}; the base document (without its proof) is the one every "
            "published intermediate value is computed from, so it is `unsigned` here"
        ]
    out["source_files"] = files
    return out


def main() -> None:
    """Write both fixture files."""
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "vectors"
    shared = shared / "w3c-vc-di-ecdsa"
    for name in CASES:
        target = ROOT / "test_vectors" / "w3c-vc-di-ecdsa" / f"ecdsa-sd-2023-{name}.json"
        text = json.dumps(convert(shared, name), indent=2, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
