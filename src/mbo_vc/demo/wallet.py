"""Demo step: a learner presents a diploma and a JWT-secured copy of it to an employer."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from mbo_vc.demo.examples import example_diploma
from mbo_vc.jose import secure_jwt
from mbo_vc.keys import Ed25519Key, Key
from mbo_vc.mbo.signers import issue
from mbo_vc.presentation import present
from mbo_vc.verifier import verify_jwt, verify_presentation

__all__ = ["wallet_demo"]


def wallet_demo(
    out: Path,
    issuer: Key,
    *,
    domain: str = "werkgever.example",
    examencommissie: Key | None = None,
) -> bool:
    """Demo step for ``mbo-vc demo``: a learner presents a diploma and a JWT-secured copy.

    The Data Integrity diploma carries the examencommissie's proof and the issuer's chained to
    it (the mbo rules; ``examencommissie`` defaults to a fresh key); the ``vc+jwt`` has one
    signature by construction (the warning ``mbo_rules_not_checked``).

    Writes ``holder-key.secret.json``, ``mbo-diploma.vc-jwt.txt`` (the JWT-secured credential),
    ``presentation.json`` and ``presentation.challenge.json`` (the challenge and domain the
    verifier asked for, and the command that verifies it) to ``out``. Returns True when every
    step behaved as expected (the presentation verifies; a replay with another challenge fails).
    """
    out.mkdir(parents=True, exist_ok=True)
    holder = Ed25519Key.generate()
    holder.save(out / "holder-key.secret.json", overwrite=True)
    credential = example_diploma(issuer.did)
    credential["credentialSubject"]["id"] = holder.did
    ec = examencommissie or Ed25519Key.generate()
    signed = issue(credential, issuer, examencommissie=ec)  # proofs as an array (OBv3 schema)
    jwt = secure_jwt(credential, issuer)
    (out / "mbo-diploma.vc-jwt.txt").write_text(jwt + "\n", encoding="utf-8")
    jwt_ok = verify_jwt(jwt, expected="credential").verified
    print(f"JWT-secured credential (vc+jwt, EdDSA): mbo-diploma.vc-jwt.txt: verified={jwt_ok}")

    challenge = str(uuid.uuid4())
    vp = present([signed, jwt], holder, challenge=challenge, domain=domain,
                 expires=datetime.now().astimezone() + timedelta(hours=1))  # fmt: skip
    (out / "presentation.json").write_text(
        json.dumps(vp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "presentation.challenge.json").write_text(
        json.dumps(
            {
                "challenge": challenge,
                "domain": domain,
                "holder": holder.did,
                "verify": f"mbo-vc verify {out / 'presentation.json'} --challenge {challenge} "
                f"--domain {domain}",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    good = verify_presentation(vp, challenge=challenge, domain=domain)
    print(
        f"presentation by {holder.did[:24]}… (2 credentials: Data Integrity + vc+jwt): "
        f"presentation.json: verified={good.verified}"
    )
    replay = verify_presentation(vp, challenge=str(uuid.uuid4()), domain=domain)
    print(f"  replayed with another challenge: verified={replay.verified} {replay.codes}")
    return jwt_ok and good.verified and not replay.verified and "challenge_mismatch" in replay.codes
