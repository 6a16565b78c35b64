"""Demo step for a school's own did:web: publish did.json, issue, verify offline, rotate keys.

Everything stays local: the DID documents are written in the layout a web server would serve
and verified from that folder as pinned documents, so the step needs no network.
"""

from __future__ import annotations

import json
from pathlib import Path

from mbo_vc.demo.examples import example_diploma
from mbo_vc.did import DidResolver
from mbo_vc.did.documents import bind_key, load_pinned_dir, write_did_web_site
from mbo_vc.keys import Ed25519Key, Key
from mbo_vc.mbo.signers import issue
from mbo_vc.verifier import verify

__all__ = ["run_did_web_demo"]


def run_did_web_demo(
    out: Path,
    *,
    domain: str = "roc-voorbeeld.nl",
    old_key: Key | None = None,
    examencommissie: Key | None = None,
) -> bool:
    """Write ``OUT/did-web/.well-known/did.json`` for ``did:web:DOMAIN`` and show rotation.

    A credential signed with the old key and one signed with the new key both verify while the
    document lists both keys; once the old key is dropped (``OUT/did-web-rotated``) only the
    new one does. The examencommissie (``examencommissie``, default a fresh did:key) signs
    first, as the mbo rules want. Returns True when every step behaved as expected.
    """
    did = f"did:web:{domain}"
    old = bind_key(old_key or Ed25519Key.generate(), did, "key-1")
    new = bind_key(Ed25519Key.generate(), did, "key-2")
    site = write_did_web_site(out / "did-web", did, [old, new])
    rotated = write_did_web_site(out / "did-web-rotated", did, [new])
    print(f"did:web demo: {did} → {site} (serve OUT/did-web as https://{domain}/)")

    ec = examencommissie or Ed25519Key.generate()
    ok = True
    both = DidResolver(documents=load_pinned_dir(out / "did-web"))
    only_new = DidResolver(documents=load_pinned_dir(out / "did-web-rotated"))
    for name, key, after_rotation in (("old", old, False), ("new", new, True)):
        signed = issue(example_diploma(did), key, examencommissie=ec)  # proofs as an array
        path = out / f"mbo-diploma.did-web.{name}-key.json"
        path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        now_ok = verify(signed, resolver=both)
        later = verify(signed, resolver=only_new)
        print(
            f"  {path.name} ({key.verification_method}): verified={now_ok.verified}; "
            f"after rotation ({rotated.parent.parent.name}): verified={later.verified} "
            f"{later.codes}"
        )
        ok &= now_ok.verified and later.verified is after_rotation
    return ok
