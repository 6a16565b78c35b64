"""Example documents for the demo (a fictional school, student and diploma)."""

from __future__ import annotations

from typing import Any

from mbo_vc.demo.mbo import example_waardepapieren

__all__ = ["OB_V3", "STATUS_BASE_URL", "VC_V2", "example_diploma"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_BASE_URL = "https://roc-voorbeeld.example/status"


def example_diploma(issuer_did: str, *, valid_from: str = "2026-07-01T00:00:00Z") -> dict[str, Any]:
    """An unsigned mbo-diploma (Verzorgende-IG, niveau 3) for a fictional student, built by the
    mbo layer (:class:`~mbo_vc.mbo.MboDiploma`), so it fits the OBv3 and mbo schemas."""
    diploma = example_waardepapieren(issuer_did)["mbo-diploma"]
    doc = diploma.to_json()
    doc["validFrom"] = valid_from
    return doc
