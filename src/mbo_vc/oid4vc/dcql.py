"""The Digital Credentials Query Language (OID4VP 1.0 §6) and claims path pointers (§7).

:func:`waardepapier_query` asks for a waardepapier's claims as an SD-JWT VC (``vct``
``https://w3id.org/mbo-vc/vct/<kind>``); :func:`validate_dcql_query` checks any query;
:func:`select_claims` applies a claims path pointer to a credential's (disclosed) claims.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from mbo_vc.errors import DcqlQueryError
from mbo_vc.oid4vc.issuance import FORMAT_SD_JWT_VC, vct_for

__all__ = ["W3C_FORMATS", "select_claims", "validate_dcql_query", "waardepapier_query"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
W3C_FORMATS = ("ldp_vc", "jwt_vc_json")
_MAX_PATH = 32
_MAX_ITEMS = 256


def waardepapier_query(
    kind: str,
    claims: Sequence[Sequence[str | int | None]] = (),
    *,
    credential_id: str | None = None,
    format: str = FORMAT_SD_JWT_VC,
    type_values: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A DCQL query for one waardepapier (``mbo-diploma`` …) and the claims (paths) it needs.

    For ``dc+sd-jwt`` the query's ``meta.vct_values`` is ``[vct_for(kind)]``; for the W3C
    formats (``ldp_vc``, ``jwt_vc_json``) pass ``type_values`` (expanded type IRIs).
    """
    query: dict[str, Any] = {"id": credential_id or kind.replace("-", "_"), "format": format}
    if format == FORMAT_SD_JWT_VC:
        query["meta"] = {"vct_values": [vct_for(kind)]}
    else:
        if not type_values:
            raise DcqlQueryError(f"a {format} query needs type_values")
        query["meta"] = {"type_values": [list(t) for t in type_values]}
    if claims:
        query["claims"] = [{"path": list(p)} for p in claims]
    return validate_dcql_query({"credentials": [query]})


def _err(message: str) -> DcqlQueryError:
    return DcqlQueryError(message)


def _path(value: object, where: str) -> list[str | int | None]:
    if not isinstance(value, list) or not value or len(value) > _MAX_PATH:
        raise _err(f"{where}.path must be a non-empty array (at most {_MAX_PATH} components)")
    for c in value:
        ok = (
            c is None
            or isinstance(c, str)
            or (isinstance(c, int) and not isinstance(c, bool) and c >= 0)
        )
        if not ok:
            raise _err(f"{where}.path components are strings, null or non-negative integers")
    return list(value)


def validate_dcql_query(query: object) -> dict[str, Any]:
    """Check a DCQL query's structure (§6.1-6.4). Returns it; raises
    :class:`~mbo_vc.errors.DcqlQueryError`."""
    if not isinstance(query, Mapping):
        raise _err("a DCQL query must be a JSON object")
    creds = query.get("credentials")
    if not isinstance(creds, list) or not creds or len(creds) > _MAX_ITEMS:
        raise _err("dcql_query.credentials must be a non-empty array")
    ids: set[str] = set()
    for i, cq in enumerate(creds):
        where = f"credentials[{i}]"
        if not isinstance(cq, Mapping):
            raise _err(f"{where} must be an object")
        cid = cq.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            raise _err(f"{where}.id must be alphanumeric, _ or - characters")
        if cid in ids:
            raise _err(f"credential query id {cid!r} is used twice")
        ids.add(cid)
        if not isinstance(cq.get("format"), str) or not cq["format"]:
            raise _err(f"{where}.format must be a string")
        meta = cq.get("meta")
        if not isinstance(meta, Mapping):
            raise _err(f"{where}.meta is required (an object)")
        if cq["format"] == FORMAT_SD_JWT_VC:
            vcts = meta.get("vct_values")
            if (
                not isinstance(vcts, list)
                or not vcts
                or not all(isinstance(v, str) and v for v in vcts)
            ):
                raise _err(f"{where}.meta.vct_values must be a non-empty array of strings")
        if cq["format"] in W3C_FORMATS:
            tv = meta.get("type_values")
            if (
                not isinstance(tv, list)
                or not tv
                or not all(
                    isinstance(t, list) and t and all(isinstance(x, str) for x in t) for t in tv
                )
            ):
                raise _err(f"{where}.meta.type_values must be a non-empty array of string arrays")
        for flag in ("multiple", "require_cryptographic_holder_binding"):
            if flag in cq and not isinstance(cq[flag], bool):
                raise _err(f"{where}.{flag} must be a boolean")
        claims = cq.get("claims")
        claim_ids: set[str] = set()
        if claims is not None:
            if not isinstance(claims, list) or not claims or len(claims) > _MAX_ITEMS:
                raise _err(f"{where}.claims must be a non-empty array")
            for j, claim in enumerate(claims):
                cw = f"{where}.claims[{j}]"
                if not isinstance(claim, Mapping):
                    raise _err(f"{cw} must be an object")
                _path(claim.get("path"), cw)
                if "id" in claim:
                    if not isinstance(claim["id"], str) or not _ID.match(claim["id"]):
                        raise _err(f"{cw}.id must be alphanumeric, _ or - characters")
                    if claim["id"] in claim_ids:
                        raise _err(f"{cw}.id is used twice")
                    claim_ids.add(claim["id"])
                values = claim.get("values")
                if values is not None and (
                    not isinstance(values, list)
                    or not values
                    or not all(
                        isinstance(v, str | int | bool) and not isinstance(v, float) for v in values
                    )
                ):
                    raise _err(
                        f"{cw}.values must be a non-empty array of strings, integers, booleans"
                    )
        sets = cq.get("claim_sets")
        if sets is not None:
            if claims is None:
                raise _err(f"{where}.claim_sets needs claims")
            if not all(isinstance(c, Mapping) and "id" in c for c in claims):
                raise _err(f"{where}.claims need ids when claim_sets is present")
            if (
                not isinstance(sets, list)
                or not sets
                or not all(
                    isinstance(s, list) and s and all(x in claim_ids for x in s) for s in sets
                )
            ):
                raise _err(f"{where}.claim_sets must be non-empty arrays of claim ids")
    sets = query.get("credential_sets")
    if sets is not None:
        if not isinstance(sets, list) or not sets:
            raise _err("dcql_query.credential_sets must be a non-empty array")
        for k, cs in enumerate(sets):
            options = cs.get("options") if isinstance(cs, Mapping) else None
            if (
                not isinstance(options, list)
                or not options
                or not all(isinstance(o, list) and o and all(x in ids for x in o) for o in options)
            ):
                raise _err(
                    f"credential_sets[{k}].options must be non-empty arrays of credential ids"
                )
            if "required" in cs and not isinstance(cs["required"], bool):
                raise _err(f"credential_sets[{k}].required must be a boolean")
    return dict(query)


def select_claims(credential: Any, path: Sequence[str | int | None]) -> list[Any] | None:
    """Apply a claims path pointer (§7.1.1) to a JSON credential: the selected values, or
    None when processing aborts (a component does not fit, or nothing is selected)."""
    selected = [credential]
    for component in path:
        nxt: list[Any] = []
        for element in selected:
            if isinstance(component, str):
                if not isinstance(element, Mapping):
                    return None
                if component in element:
                    nxt.append(element[component])
            elif component is None:
                if not isinstance(element, list):
                    return None
                nxt.extend(element[:_MAX_ITEMS])
            elif isinstance(component, int) and not isinstance(component, bool) and component >= 0:
                if not isinstance(element, list):
                    return None
                if component < len(element):
                    nxt.append(element[component])
            else:
                return None
        selected = nxt
        if not selected:
            return None
    return selected
