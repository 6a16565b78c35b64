"""mbo_vc's own JSON Schema per waardepapier, generated from the models.

Each schema is ``allOf``: the OBv3 credential shape generated from
:class:`~mbo_vc.models.OpenBadgeCredential` (its ``$defs``), the OBv3 constraints the models check
in code (contexts, types, subject id or identifier, proof an object or an array), and the mbo
constraints of that waardepapier (achievementType, crebo, niveau, leerweg, cohort …), written
from the same patterns the models use. ``python scripts/generate_mbo_schemas.py`` rewrites
``src/mbo_vc/schemas/``; a test checks the files are current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mbo_vc.mbo.model import MBO_CONTEXT, SCHEMA_BASE, WAARDEPAPIEREN, _Mbo
from mbo_vc.models import OB_CONTEXT, VC_V2, OpenBadgeCredential
from mbo_vc.models.obv3 import IDENTIFIER_TYPES, RESULT_STATUSES

__all__ = ["SCHEMA_BASE", "mbo_json_schema", "schema_folder", "write_schemas"]

_EXT = "^ext:[A-Za-z0-9.\\-_]+$"


def schema_folder() -> Path:
    """Where the published schemas live (``mbo_vc/schemas``)."""
    return Path(__file__).resolve().parents[1] / "schemas"


def _contains(value: str) -> dict[str, Any]:
    # one value or an array holding it: the same JSON-LD, and other stacks write either form
    return {"anyOf": [{"const": value}, {"type": "array", "contains": {"const": value}}]}


def _ob_constraints() -> dict[str, Any]:
    identity = {
        "type": "object",
        "required": ["type", "hashed", "identityHash", "identityType"],
        "properties": {
            "type": {"const": "IdentityObject"},
            "hashed": {"type": "boolean"},
            "identityHash": {"type": "string"},
            "identityType": {
                "anyOf": [{"enum": sorted(IDENTIFIER_TYPES)}, {"type": "string", "pattern": _EXT}]
            },
            "salt": {"type": "string"},
        },
    }
    result = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": _contains("Result"), "status": {"enum": sorted(RESULT_STATUSES)}},
    }
    return {
        "type": "object",
        # (no "proof" in required: a vc+jwt is secured by its JWS, and its payload has none)
        "required": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
        "properties": {
            "@context": {
                "type": "array",
                "prefixItems": [{"const": VC_V2}, {"const": OB_CONTEXT}],
                "contains": {"const": MBO_CONTEXT},
            },
            "type": {
                "allOf": [_contains("VerifiableCredential"), _contains("OpenBadgeCredential")]
            },
            "issuer": {
                "type": "object",
                "required": ["id", "type", "name"],
                "properties": {"type": _contains("Profile")},
            },
            # one proof object or an array of them (VC Data Integrity §2.1; mbo_vc writes an
            # array, as 1EdTech's OBv3 schema wants, other stacks often one object)
            "proof": {
                "anyOf": [
                    {"type": "object"},
                    {"type": "array", "minItems": 1, "items": {"type": "object"}},
                ]
            },
            "credentialSubject": {
                "type": "object",
                "required": ["type", "achievement"],
                "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
                "properties": {
                    "type": _contains("AchievementSubject"),
                    "identifier": {"type": "array", "minItems": 1, "items": identity},
                    "result": {"type": "array", "items": result},
                    "achievement": {
                        "type": "object",
                        "required": ["id", "type", "name", "description", "criteria"],
                        "properties": {"type": _contains("Achievement")},
                    },
                },
            },
        },
    }


def _mbo_constraints(kind: str) -> dict[str, Any]:
    cls = WAARDEPAPIEREN[kind]
    achievement: dict[str, Any] = {
        "required": ["achievementType"],
        "properties": {"achievementType": {"const": cls.achievement_type}},
    }
    subject: dict[str, Any] = {"properties": {"achievement": achievement}}
    crebo = {"type": "string", "pattern": "^[0-9]{5}$"}
    niveau = {"type": "integer", "minimum": 1, "maximum": 4}
    rd = {
        "type": "object",
        "properties": {
            "onderdeelSoort": {
                "enum": ["kerntaak", "werkproces", "keuzedeel", "generiek", "overig"]
            },
            "onderdeelCode": {"type": "string", "pattern": "^[A-Za-z0-9._-]+$"},
        },
    }
    if issubclass(cls, _Mbo):
        subject["properties"] |= {
            "leerweg": {"enum": ["BOL", "BBL", "derde leerweg"]},
            "cohort": {"type": "string", "pattern": "^(19|20)[0-9]{2}$"},
            "uitslagdatum": {"type": "string", "format": "date"},
        }
        subject["required"] = ["identifier"]
        subject["properties"]["identifier"] = {
            "contains": {"properties": {"identityType": {"const": "name"}}}
        }
        achievement["properties"] |= {
            "type": _contains("MboAchievement"),
            "crebo": crebo,
            "kwalificatieCrebo": crebo,
            "keuzedeelCode": {"type": "string", "pattern": "^K[0-9]{4}$"},
            "niveau": niveau,
            "resultDescription": {"type": "array", "items": rd},
        }
        if kind != "mbo-certificaat":
            achievement["required"] += ["crebo", "niveau"]
        else:
            achievement["oneOf"] = [{"required": ["keuzedeelCode"]}, {"required": ["crebo"]}]
    else:
        achievement["properties"] |= {
            "type": _contains("EducredentialAchievement"),
            "SBU": {"type": "integer", "minimum": 1},
            "leeruitkomst": {"type": "array", "items": {"type": "string"}},
        }
    return {"properties": {"credentialSubject": subject}}


def mbo_json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a signed ``kind`` credential (mbo-diploma, …)."""
    base = OpenBadgeCredential.model_json_schema(by_alias=True)
    defs = base.pop("$defs", {})
    defs["OpenBadgeCredential"] = base
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{kind}.schema.json",
        "title": f"mbo_vc {kind} (Open Badges 3.0 credential)",
        "description": f"A signed {kind} as issued by mbo_vc; generated by mbo_vc.mbo.schema.",
        "allOf": [
            {"$ref": "#/$defs/OpenBadgeCredential"},
            _ob_constraints(),
            _mbo_constraints(kind),
        ],
        "$defs": defs,
    }


def write_schemas(folder: Path | None = None) -> list[Path]:
    """Write one ``<kind>.schema.json`` per waardepapier; returns the paths."""
    folder = folder or schema_folder()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for kind in WAARDEPAPIEREN:
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(mbo_json_schema(kind), indent=2, sort_keys=True) + "\n", "utf-8")
        out.append(path)
    return out
