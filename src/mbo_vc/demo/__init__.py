"""The demo behind ``mbo-vc demo --out DIR`` (``make demo``): issue, verify, present and revoke the
four waardepapieren using only embedded defaults — fresh local keys, SQLite for the status
registry, the bundled contexts, no network. Every document it makes is left in DIR.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from mbo_vc.demo.did_web import run_did_web_demo
from mbo_vc.demo.examples import STATUS_BASE_URL, example_diploma
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.demo.people import people_demo
from mbo_vc.demo.sd_jwt_vc import sd_jwt_vc_demo
from mbo_vc.demo.wallet import wallet_demo
from mbo_vc.did.key import did_key_document
from mbo_vc.jose import secure_jwt
from mbo_vc.keys import EcKey, Ed25519Key
from mbo_vc.mbo.rules import TWO_SIGNERS
from mbo_vc.mbo.signers import issue, signers_policy, verify_waardepapier
from mbo_vc.presentation import present
from mbo_vc.signing import sign
from mbo_vc.status import DirectoryFetcher, StatusChecker, StatusRegistry
from mbo_vc.verifier import verify, verify_presentation

__all__ = ["example_diploma", "run_demo"]


def _write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _step(title: str) -> None:
    print(f"\n== {title}")


def run_demo(out: Path) -> int:
    """Run the demo; returns 0 when every step behaved as expected, 1 otherwise."""
    out.mkdir(parents=True, exist_ok=True)
    ok = True

    _step("1. keys (Ed25519, did:key; key files are written 0600)")
    keys = {
        "bevoegd-gezag": Ed25519Key.generate(),
        "examencommissie": Ed25519Key.generate(),
        "student": Ed25519Key.generate(),
    }
    for name, key in keys.items():
        key.save(out / "keys" / f"{name}.secret.json", overwrite=True)
        _write(out / "keys" / f"{name}.did.json", did_key_document(key))
        print(f"{name:<16} {key.did}")
    bg, ec, student = keys["bevoegd-gezag"], keys["examencommissie"], keys["student"]

    _step("2. sign, verify, tamper (eddsa-rdfc-2022 and eddsa-jcs-2022; both signers, chained)")
    unsigned = example_diploma(bg.did)
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        decision = f"urn:uuid:{uuid.uuid4()}"
        signed = sign(unsigned, ec, cryptosuite=suite, proof_id=decision)
        signed = sign(signed, bg, cryptosuite=suite, previous_proof=decision,
                      proof_id=f"urn:uuid:{uuid.uuid4()}")  # fmt: skip
        path = _write(out / f"mbo-diploma.{suite}.json", signed)
        result = verify(signed)
        print(f"{path.name}: verified={result.verified}")
        ok &= result.verified
        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["achievement"]["name"] = "Verpleegkundige (crebo 25655)"
        tpath = _write(out / f"mbo-diploma.{suite}.tampered.json", tampered)
        bad = verify(tampered)
        print(f"{tpath.name}: verified={bad.verified} {bad.codes}")
        ok &= not bad.verified and "invalid_signature" in bad.codes

    _step("3. the four waardepapieren (OBv3), each with a revocation entry")
    lists_dir = out / "status" / "lists"
    lists_dir.mkdir(parents=True, exist_ok=True)
    with StatusRegistry(out / "status" / "registry.db") as registry:
        known = {info.list_id for info in registry.lists()}
        if "revocation-1" not in known:
            registry.create_list(
                f"{STATUS_BASE_URL}/revocation-1", purpose="revocation", list_id="revocation-1"
            )
        papers: dict[str, dict[str, Any]] = {}
        for kind, paper in example_waardepapieren(bg.did).items():
            doc = paper.to_json()
            doc["credentialSubject"]["id"] = student.did  # the learner's wallet DID
            # OBv3 3.0 allows one credentialStatus object (1EdTech's JSON Schema), so the
            # waardepapieren carry a revocation entry; suspension is shown in the status docs.
            doc = registry.attach(doc, ["revocation-1"])
            papers[kind] = issue(doc, bg, examencommissie=ec if kind in TWO_SIGNERS else None)
            _write(out / "waardepapieren" / f"{kind}.json", papers[kind])
        registry.publish_all(bg, lists_dir)
    _write(out / "waardepapieren" / "signers.json",
           {"bevoegd_gezag": bg.did, "examencommissie": ec.did})  # fmt: skip

    def check(kind: str, doc: dict[str, Any]) -> Any:
        status = StatusChecker(DirectoryFetcher(lists_dir))
        if kind in TWO_SIGNERS:
            return verify_waardepapier(doc, examencommissie=ec.did, status=status)
        return verify(doc, status=status)

    for kind, doc in papers.items():
        result = check(kind, doc)
        signers = "examencommissie + bevoegd gezag" if kind in TWO_SIGNERS else "bevoegd gezag"
        print(f"{kind:<16} verified={result.verified} (signed by {signers}; status checked)")
        ok &= result.verified

    _step("3b. for people: verification reports, HTML/PDF/PNG renderings, baked badges")
    roles = {"mbo-diploma": signers_policy(ec.did).required_signers}
    ok &= people_demo(out / "for-people", papers, check, roles)

    _step("4. the learner presents all four to an employer (challenge + domain)")
    challenge, domain = str(uuid.uuid4()), "werkgever.example"
    vp = present(list(papers.values()), student, challenge=challenge, domain=domain)
    vp_path = _write(out / "presentation.json", vp)
    _write(out / "presentation.challenge.json", {"challenge": challenge, "domain": domain})

    def check_vp() -> Any:
        status = StatusChecker(DirectoryFetcher(lists_dir))
        return verify_presentation(vp, challenge=challenge, domain=domain, status=status)

    pres = check_vp()
    good = sum(c.verified for c in pres.credentials)
    print(f"{vp_path.name}: verified={pres.verified} ({good}/{len(pres.credentials)} credentials)")
    ok &= pres.verified
    replay = verify_presentation(vp, challenge="another-challenge", domain=domain,
                                 check_status=False)  # fmt: skip
    print(f"replayed with another challenge: verified={replay.verified} {replay.codes[:1]}")
    ok &= not replay.verified and "challenge_mismatch" in replay.codes

    _step("5. the examencommissie withdraws the microcredential: revoke and republish")
    with StatusRegistry(out / "status" / "registry.db") as registry:
        for info, entry in registry.entries_of(papers["microcredential"]):
            if info.purpose == "revocation":
                registry.revoke(info.list_id, entry.index, reason="demo: withdrawn")
        registry.publish_all(bg, lists_dir)
    revoked = check("microcredential", papers["microcredential"])
    print(f"microcredential  verified={revoked.verified} {revoked.codes}")
    ok &= revoked.codes == ["revoked"]
    pres = check_vp()
    for report in pres.credentials:
        print(f"  in the presentation, credential {report.index}: verified={report.verified} "
              f"{[p.code for p in report.problems]}")  # fmt: skip
    ok &= [r.verified for r in pres.credentials] == [True, True, True, False]
    print(f"  try: mbo-vc verify {out / 'waardepapieren' / 'microcredential.json'} "
          f"--status-dir {lists_dir}")  # fmt: skip

    _step("6. wallet: a JWT-secured credential (vc+jwt) and a mixed presentation")
    ok &= wallet_demo(out / "wallet", bg, examencommissie=ec)

    _step("7. the school's own did:web and key rotation")
    ok &= run_did_web_demo(out, examencommissie=ec)

    _step("8. P-256 keys (ecdsa-rdfc-2019): an mbo-diploma signed by both signers, and ES256")
    ok &= _p256_demo(out / "p256")

    _step("9. the NL/EU wallet: the mbo-diploma as SD-JWT VC (dc+sd-jwt, ES256), selective "
          "disclosure, key binding, a Token Status List")  # fmt: skip
    ok &= sd_jwt_vc_demo(out / "sd-jwt-vc")

    print("\ndemo: all steps behaved as expected" if ok else "\ndemo: UNEXPECTED RESULT")
    return 0 if ok else 1


def _p256_demo(out: Path) -> bool:
    """The same waardepapier, signed with NIST P-256 keys: the examencommissie's
    ecdsa-rdfc-2019 proof, the bevoegd gezag's chained to it; and the diploma as an ES256
    vc+jwt."""
    bg, ec = EcKey.generate("P-256"), EcKey.generate("P-256")
    for name, key in (("bevoegd-gezag", bg), ("examencommissie", ec)):
        key.save(out / "keys" / f"{name}.secret.json", overwrite=True)
        _write(out / "keys" / f"{name}.did.json", did_key_document(key))
        print(f"{name:<16} {key.did}")
    diploma = example_waardepapieren(bg.did)["mbo-diploma"]
    signed = issue(diploma, bg, examencommissie=ec)
    path = _write(out / "mbo-diploma.ecdsa-rdfc-2019.json", signed)
    result = verify_waardepapier(signed, examencommissie=ec.did)
    suites = [p["cryptosuite"] for p in signed["proof"]]
    print(f"{path.name}: verified={result.verified} ({' + '.join(suites)}; both signers)")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Verpleegkundige (crebo 25655)"
    bad = verify_waardepapier(tampered, examencommissie=ec.did)
    print(f"tampered: verified={bad.verified} {bad.codes[:1]}")
    unsigned = diploma.to_json()
    token = secure_jwt(unsigned, bg)
    (out / "mbo-diploma.es256.jwt").write_text(token + "\n", encoding="utf-8")
    jwt = verify(token)
    print(f"mbo-diploma.es256.jwt: verified={jwt.verified} (alg ES256, kid = the P-256 key)")
    return (
        result.verified and not bad.verified and "invalid_signature" in bad.codes and jwt.verified
    )
