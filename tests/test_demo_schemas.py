"""Every credential `make demo` leaves validates against 1EdTech's OBv3 JSON Schema (JSON-LD
variant: ``proof`` an array) and against mbo_vc's schema for its kind (issue 15 item 7).

The 1EdTech schema is our fixture (test_vectors/obv3-schema, with its source); when it is
missing the test fails, it does not skip.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mbo_vc.demo import run_demo
from mbo_vc.mbo.schema import mbo_json_schema
from tests.helpers import VECTORS

OBV3_SCHEMA = VECTORS / "obv3-schema" / "achievementcredential-jsonld.json"
_KIND = {"Diploma": "mbo-diploma", "Certificate": "mbo-certificaat",
         "ext:MboVerklaring": "mbo-verklaring"}  # fmt: skip


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_demo(out) == 0
    return out


def _credentials(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        return
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        yield doc
    if "VerifiablePresentation" in types:
        for inner in doc.get("verifiableCredential") or []:
            yield from _credentials(inner)


def _kind(cred: dict[str, Any]) -> str:
    atype = cred["credentialSubject"]["achievement"].get("achievementType")
    return _KIND.get(atype, "microcredential")


def test_every_demo_credential_fits_obv3_and_the_mbo_schema(demo_out: Path) -> None:
    assert OBV3_SCHEMA.is_file(), f"the 1EdTech OBv3 schema is missing: {OBV3_SCHEMA}"
    obv3 = jsonschema.Draft201909Validator(
        json.loads(OBV3_SCHEMA.read_text(encoding="utf-8"))["schema"]
    )
    mbo = {k: jsonschema.Draft202012Validator(mbo_json_schema(k)) for k in set(_KIND.values())}
    mbo["microcredential"] = jsonschema.Draft202012Validator(mbo_json_schema("microcredential"))
    checked: dict[str, int] = {}
    for path in sorted(demo_out.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for cred in _credentials(doc):
            where = str(path.relative_to(demo_out))
            errors = [e.message[:200] for e in obv3.iter_errors(cred)]
            assert not errors, (where, "OBv3", errors[:3])
            assert isinstance(cred["proof"], list), where
            kind = _kind(cred)
            errors = [e.message[:200] for e in mbo[kind].iter_errors(cred)]
            assert not errors, (where, kind, errors[:3])
            checked[kind] = checked.get(kind, 0) + 1
    # not only waardepapieren/: the core, did:web, wallet, P-256 and presentation outputs too
    assert checked["mbo-diploma"] >= 10 and len(checked) == 4, checked


def test_every_demo_waardepapier_has_its_schemas_checked_not_warned(demo_out: Path) -> None:
    """Issue 20 item 4: mbo_vc ships 1EdTech's OBv3 schema, so each credentialSchema of every
    waardepapier the demo leaves is validated (``schema_not_checked`` on our own output is a
    defect)."""
    from mbo_vc import verify

    seen: dict[str, int] = {}
    for path in sorted(demo_out.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(doc, dict) and doc.get("credentialSchema") and "proof" in doc):
            continue
        for cred in _credentials(doc):
            where = str(path.relative_to(demo_out))
            result = verify(cred, check_status=False, now="2026-08-01T00:00:00Z")
            warned = [w.message for w in result.warnings if w.code == "schema_not_checked"]
            assert not warned, (where, warned)
            assert "credential_schema" in result.checks, where
            assert "schema_invalid" not in [p.code for p in result.problems], where
            kind = _kind(cred)
            seen[kind] = seen.get(kind, 0) + 1
    assert set(seen) == {"mbo-diploma", "mbo-certificaat", "mbo-verklaring", "microcredential"}
