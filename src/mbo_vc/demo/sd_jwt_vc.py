"""Demo step: an mbo-diploma as SD-JWT VC (``dc+sd-jwt``, ES256) in the NL/EU wallet.

The school issues the diploma bound to the learner's wallet key, with a Token Status List entry
from its status registry; the learner presents only the qualification and the school (a KB-JWT
for the employer's ``aud`` and ``nonce``); the employer verifies it; a replay with another nonce
is refused; the school revokes the diploma, republishes the Token Status List, and the same
presentation now fails with ``revoked``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.keys import EcKey
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt
from mbo_vc.result import VerificationResult
from mbo_vc.sd_jwt import present
from mbo_vc.status import DirectoryFetcher, StatusRegistry
from mbo_vc.status.token_checker import TokenStatusListChecker
from mbo_vc.verifier import verify

__all__ = ["TOKEN_STATUS_URL", "sd_jwt_vc_demo"]

TOKEN_STATUS_URL = "https://roc-voorbeeld.example/status/tokens/sd-jwt-1"  # noqa: S105
"""Where the demo's Token Status List would be published (``status.status_list.uri``)."""

_LIST_ID = "sd-jwt-1"
_DISCLOSE = ("opleiding", "instelling")


def _verify(presentation: str, lists: Path, *, aud: str, nonce: str) -> VerificationResult:
    # a fresh checker each time: a verifier caches a list for its ttl, the demo wants the
    # newly published one
    status = TokenStatusListChecker(DirectoryFetcher(lists))
    return verify(presentation, aud=aud, nonce=nonce, status=status)


def sd_jwt_vc_demo(out: Path, *, aud: str = "https://werkgever.example") -> bool:
    """Demo step for ``mbo-vc demo``: issue, present, verify, replay and revoke an mbo-diploma
    as SD-JWT VC with a Token Status List.

    Writes the keys, ``mbo-diploma.sd-jwt`` (as issued), ``presentation.sd-jwt`` and
    ``presentation.request.json`` (the verifier's ``aud`` and ``nonce`` and the command that
    verifies it), ``status/registry.db`` and ``status/lists/sd-jwt-1.statuslist.jwt`` to
    ``out``. Returns True when every step behaved as expected.
    """
    out.mkdir(parents=True, exist_ok=True)
    lists = out / "status" / "lists"
    lists.mkdir(parents=True, exist_ok=True)
    school, wallet = EcKey.generate("P-256"), EcKey.generate("P-256")
    school.save(out / "school.secret.json", overwrite=True)
    wallet.save(out / "wallet.secret.json", overwrite=True)
    paper = example_waardepapieren(school.did)["mbo-diploma"]
    student = paper.student.model_copy(update={"id": wallet.did})  # the wallet's DID as sub
    paper = paper.model_copy(update={"student": student})

    with StatusRegistry(out / "status" / "registry.db") as registry:
        if _LIST_ID not in {info.list_id for info in registry.lists()}:
            registry.create_list(TOKEN_STATUS_URL, purpose="revocation", list_id=_LIST_ID)
        ref = registry.allocate_reference(_LIST_ID, credential_id=paper.credential_id)
        issued = issue_sd_jwt(paper, school, holder=wallet.public_only(),
                              status=ref.status_claim()).serialize()  # fmt: skip
        list_path = registry.publish_token(_LIST_ID, school, lists)
    (out / "mbo-diploma.sd-jwt").write_text(issued + "\n", encoding="utf-8")
    print(f"issued mbo-diploma.sd-jwt (dc+sd-jwt, ES256, bound to the wallet key; "
          f"status_list idx {ref.idx}): {len(issued)} bytes, "
          f"{issued.count('~') - 1} disclosures")  # fmt: skip
    print(f"  {list_path.name} (statuslist+jwt): {len(list_path.read_text().strip())} bytes")

    nonce = secrets.token_hex(12)
    shown = present(issued, _DISCLOSE, holder_key=wallet, aud=aud, nonce=nonce).serialize()
    (out / "presentation.sd-jwt").write_text(shown + "\n", encoding="utf-8")
    request: dict[str, Any] = {
        "aud": aud,
        "nonce": nonce,
        "verify": f"mbo-vc verify {out / 'presentation.sd-jwt'} --aud {aud} --nonce {nonce} "
        f"--status-dir {lists}",
    }
    (out / "presentation.request.json").write_text(json.dumps(request, indent=2) + "\n", "utf-8")
    good = _verify(shown, lists, aud=aud, nonce=nonce)
    claims = good.document or {}
    withheld = sorted(k for k in ("sub", "leerweg", "cohort", "uitslagdatum") if k not in claims)
    print(f"presentation.sd-jwt ({len(shown)} bytes, KB-JWT for {aud}): "
          f"verified={good.verified} {good.codes}")  # fmt: skip
    opleiding, instelling = claims.get("opleiding", {}), claims.get("instelling", {})
    print(f"  disclosed: opleiding={opleiding.get('naam')} (crebo {opleiding.get('crebo')}), "
          f"instelling={instelling.get('naam')}; student={claims.get('student')}, "
          f"resultaten={claims.get('resultaten')}, withheld: {', '.join(withheld)}")  # fmt: skip
    ok = (
        good.verified
        and opleiding.get("crebo") == "25491"
        and bool(instelling.get("naam"))
        and claims.get("student") == {}
        and claims.get("resultaten") == []
        and len(withheld) == 4
    )

    replay = _verify(shown, lists, aud=aud, nonce=secrets.token_hex(12))
    print(f"  replayed with another nonce: verified={replay.verified} {replay.codes}")
    ok &= replay.codes == ["kb_jwt_nonce_mismatch"]

    with StatusRegistry(out / "status" / "registry.db") as registry:
        registry.revoke(_LIST_ID, ref.idx, reason="demo: diploma withdrawn")
        registry.publish_token(_LIST_ID, school, lists)
    revoked = _verify(shown, lists, aud=aud, nonce=nonce)
    print(f"revoked in the registry, Token Status List republished: verified={revoked.verified} "
          f"{revoked.codes}")  # fmt: skip
    print(f"  try: {request['verify']}")
    ok &= revoked.codes == ["revoked"]
    return ok
