"""The revocation step of ``mbo-vc demo``: issue two diplomas with status entries, revoke one,
and leave the signed status list credentials in a folder so that
``mbo-vc verify CRED --status-dir DIR`` reports the revoked one as ``revoked``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mbo_vc.keys import Key
from mbo_vc.signing import sign
from mbo_vc.status.checker import DirectoryFetcher, StatusChecker
from mbo_vc.status.registry import StatusRegistry
from mbo_vc.verifier import verify

__all__ = ["run_revocation_demo"]

DEMO_BASE_URL = "https://roc-voorbeeld.example/status"


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run_revocation_demo(
    out: Path,
    issuer: Key,
    make_credential: Callable[[str], dict[str, Any]],
    *,
    base_url: str = DEMO_BASE_URL,
) -> bool:
    """Issue two credentials with revocation + suspension entries, revoke the second, publish.

    Writes ``out/status/registry.db``, ``out/status/lists/*.json`` (signed status list
    credentials) and ``out/mbo-diploma.status-{valid,revoked}.json``. ``make_credential(did)``
    returns an unsigned credential (e.g. :func:`mbo_vc.demo.example_diploma`). Returns True
    when the valid one verifies and the revoked one fails with exactly ``revoked``.
    """
    status_dir = out / "status"
    lists_dir = status_dir / "lists"
    status_dir.mkdir(parents=True, exist_ok=True)
    db = status_dir / "registry.db"
    with StatusRegistry(db) as reg:
        known = {info.list_id for info in reg.lists()}
        for purpose in ("revocation", "suspension"):
            if f"{purpose}-1" not in known:
                reg.create_list(f"{base_url}/{purpose}-1", purpose=purpose, list_id=f"{purpose}-1")
        docs = {}
        for name in ("valid", "revoked"):
            unsigned = reg.attach(
                make_credential(issuer.controller), ["revocation-1", "suspension-1"]
            )
            docs[name] = sign(unsigned, issuer)
        ((revocation, entry),) = [
            (info, e) for info, e in reg.entries_of(docs["revoked"]) if info.purpose == "revocation"
        ]
        reg.revoke(revocation.list_id, entry.index, reason="demo: diploma issued in error")
        reg.publish_all(issuer, lists_dir)
    checker = StatusChecker(DirectoryFetcher(lists_dir))
    ok = True
    for name, doc in docs.items():
        path = _write(out / f"mbo-diploma.status-{name}.json", doc)
        result = verify(doc, status=checker)
        print(f"status demo: {path.name}: verified={result.verified} {result.codes}")
        ok &= result.verified if name == "valid" else result.codes == ["revoked"]
    revoked_path = out / "mbo-diploma.status-revoked.json"
    print(
        f"  status lists in {lists_dir}; try: mbo-vc verify {revoked_path} --status-dir {lists_dir}"
    )
    return ok
