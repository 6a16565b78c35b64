"""The rules of the VC Data Model (2.0 §4 and §5, and VC 1.1 where a document uses it).

One validator for signing and for verifying: :func:`sign` refuses a document that breaks a rule
(a typed :class:`~mbo_vc.errors.DataModelError` subclass naming the member, the rule and the
section), and the verification pipeline reports the same violations as problems, so a credential
made elsewhere gets the verdict one made here would. The rules read the document's verified view
(its JSON-LD expansion, by IRI: :mod:`mbo_vc.data_model.view`); only the facts JSON-LD does not
keep (the order of ``@context``, a member set to ``null``, the JSON of a proof) are read from the
JSON, and those only to refuse.

The rules, their sections and codes are listed in docs/verification.md ("The data model
rules"); each is a function below.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView, PresentationView
from mbo_vc.errors import InputError, error_class_for
from mbo_vc.jsonld import DocumentLoader, Node
from mbo_vc.timestamps import parse_timestamp

__all__ = [
    "Violation",
    "credential_violations",
    "json_violations",
    "presentation_violations",
    "raise_first",
    "violations_of",
]

_TYPED_MEMBERS = (
    (vocab.CREDENTIAL_STATUS, "credentialStatus", "§4.10"),
    (vocab.CREDENTIAL_SCHEMA, "credentialSchema", "§4.11"),
    (vocab.TERMS_OF_USE, "termsOfUse", "§5.5"),
    (vocab.EVIDENCE, "evidence", "§5.6"),
    (vocab.REFRESH_SERVICE, "refreshService", "§5.4"),
)
_ID_OBJECTS = ("issuer", "credentialSubject", "credentialStatus", "credentialSchema", "holder")
_SRI = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_MULTIHASH = {0x12: hashlib.sha256, 0x20: hashlib.sha384, 0x13: hashlib.sha512}


@dataclass(frozen=True)
class Violation:
    """One broken rule: its code, a message naming member, rule and section, and where."""

    code: str
    message: str
    where: str = ""
    warning: bool = False


def raise_first(violations: list[Violation]) -> None:
    """Raise the first violation that is not a warning, as its typed exception."""
    for v in violations:
        if not v.warning:
            raise error_class_for(v.code)(f"{v.where or 'document'}: {v.message}")


def _v(code: str, member: str, rule: str, section: str) -> Violation:
    return Violation(code, f"{rule} (VC Data Model 2.0 {section})", member)


def _context_rule(raw: Mapping[str, Any], allow_v1: bool) -> list[Violation]:
    ctx = raw.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    wanted = (vocab.VC_V2, vocab.VC_V1) if allow_v1 else (vocab.VC_V2,)
    if first in wanted:
        return []
    return [
        _v(
            "invalid_context",
            "@context",
            f"the first @context entry must be {' or '.join(wanted)}",
            "§4.3",
        )
    ]


def _raw_id_rule(raw: Mapping[str, Any]) -> list[Violation]:
    """An id that is present is a single URL (JSON-LD rejects ``null``; the JSON says it)."""
    out = []
    candidates: list[tuple[str, Any]] = [("id", raw)]
    for member in _ID_OBJECTS:
        value = raw.get(member)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping):
                candidates.append((f"{member}.id", item))
    for where, obj in candidates:
        if "id" in obj and (obj["id"] is None or (isinstance(obj["id"], str) and not obj["id"])):
            out.append(_v("invalid_id", where, "an id, when present, must be a URL", "§4.4"))
    return out


def _id_rule(raw: Mapping[str, Any], root: Node) -> list[Violation]:
    """The document's own id, as signed, is a URL (not a blank node label)."""
    out = []
    if root.id.startswith("_:") and isinstance(raw.get("id"), str):
        out.append(_v("invalid_id", "id", "an id must be a URL, not a blank node", "§4.4"))
    return out


def _dates_rule(view: CredentialView) -> list[Violation]:
    out = []
    found: dict[str, Any] = {}
    for iri, name in (
        (vocab.VALID_FROM, "validFrom"),
        (vocab.VALID_UNTIL, "validUntil"),
        (vocab.ISSUANCE_DATE, "issuanceDate"),
        (vocab.EXPIRATION_DATE, "expirationDate"),
    ):
        values = view.dates(iri)
        if not values:
            continue
        if len(values) != 1 or values[0] is None:
            out.append(_v("invalid_date", name, f"{name} must be one dateTimeStamp", "§4.9"))
            continue
        try:
            found[name] = parse_timestamp(values[0], name)
        except InputError as exc:
            out.append(Violation("invalid_date", f"{exc.message} (VC Data Model 2.0 §4.9)", name))
    for start, end in (("validFrom", "validUntil"), ("issuanceDate", "expirationDate")):
        if start in found and end in found and found[start] > found[end]:
            out.append(
                _v(
                    "invalid_validity_period",
                    start,
                    f"{start} must not be later than {end}",
                    "§4.9",
                )
            )
    return out


def _subject_rule(view: CredentialView) -> list[Violation]:
    values = view.root.values(vocab.CREDENTIAL_SUBJECT)
    if not values:
        return [_v("missing_subject", "credentialSubject", "a credential needs a subject", "§4.8")]
    out = []
    for ref in view.root.refs(vocab.CREDENTIAL_SUBJECT):
        if ref is None:
            out.append(_v("missing_subject", "credentialSubject",
                          "each subject must be an object", "§4.8"))  # fmt: skip
            continue
        node = view.root.node(ref)
        if node.is_blank and not node.types and not any(True for _ in node.properties()):
            out.append(
                _v(
                    "missing_subject",
                    "credentialSubject",
                    "each subject must be the subject of one or more claims (an id, or claims)",
                    "§4.8",
                )
            )
    return out


def _typed_members_rule(view: CredentialView) -> list[Violation]:
    out = []
    for iri, name, section in _TYPED_MEMBERS:
        for ref in view.root.refs(iri):
            node = view.root.node(ref) if ref is not None else None
            if node is None or not node.types:
                out.append(_v("missing_object_type", name, f"each {name} must have a type",
                              section))  # fmt: skip
            if iri == vocab.CREDENTIAL_SCHEMA and (node is None or node.is_blank):
                out.append(_v("missing_object_id", name, "each credentialSchema must have a URL "
                              "id", section))  # fmt: skip
    return out


def _proofs_rule(raw: Mapping[str, Any]) -> list[Violation]:
    proofs = raw.get("proof")
    out = []
    for proof in proofs if isinstance(proofs, list) else [] if proofs is None else [proofs]:
        if not isinstance(proof, Mapping) or not isinstance(proof.get("type"), str):
            out.append(
                Violation(
                    "missing_object_type",
                    "each proof must be an object with a type (VC Data Integrity 1.0 §2.1)",
                    "proof",
                )
            )
    return out


def _digest_matches(
    node: Node, data: bytes
) -> tuple[bool, str | None]:  # (all given digests match, the first unreadable one)
    for lit in node.literals(vocab.DIGEST_SRI):
        value = lit.value if lit is not None else None
        algo, _, b64 = str(value).partition("-")
        if algo not in _SRI:
            return False, f"digestSRI {str(value)[:40]!r} is not sha256/384/512-<base64>"
        try:
            expected = base64.b64decode(b64, validate=True)
        except ValueError:
            return False, "digestSRI is not base64"
        if _SRI[algo](data).digest() != expected:
            return False, None
    for lit in node.literals(vocab.DIGEST_MULTIBASE):
        value = lit.value if lit is not None else None
        try:
            from multiformats import multibase, multihash  # (on first use: ~40 ms to import)

            code, view_ = multihash.unwrap_raw(bytes(multibase.decode(str(value))))
            codec, digest = int(code), bytes(view_)
        except Exception:
            return False, f"digestMultibase {str(value)[:40]!r} is not a multibase multihash"
        if codec not in _MULTIHASH:
            return False, "digestMultibase uses a hash other than sha2-256/384/512"
        if _MULTIHASH[codec](data).digest() != digest:
            return False, None
    return True, None


def _related_rule(
    view: CredentialView, raw: Mapping[str, Any], loader: DocumentLoader | None
) -> list[Violation]:
    values = view.root.values(vocab.RELATED_RESOURCE)
    if not values:
        return []
    out: list[Violation] = []
    raw_entries = raw.get("relatedResource")
    raw_list = raw_entries if isinstance(raw_entries, list) else [raw_entries]
    raw_ids = [e.get("id") for e in raw_list if isinstance(e, Mapping)]
    if len(raw_ids) != len(set(map(str, raw_ids))):
        out.append(_v("invalid_related_resource", "relatedResource",
                      "each relatedResource id must be unique", "§5.3"))  # fmt: skip
    for ref in view.root.refs(vocab.RELATED_RESOURCE):
        node = view.root.node(ref) if ref is not None else None
        if node is None or node.is_blank:
            out.append(
                _v("invalid_related_resource", "relatedResource",
                   "each relatedResource must be an object with a URL id", "§5.3")
            )  # fmt: skip
            continue
        if not node.has(vocab.DIGEST_SRI) and not node.has(vocab.DIGEST_MULTIBASE):
            out.append(
                _v(
                    "invalid_related_resource",
                    "relatedResource",
                    f"{node.id[:80]}: digestSRI or digestMultibase is required",
                    "§5.3",
                )
            )
            continue
        data = loader.served_bytes(node.id) if loader is not None else None
        if data is None:
            out.append(
                Violation(
                    "related_resource_not_checked",
                    f"{node.id[:80]}: mbo_vc does not hold the bytes this URL serves, so its "
                    "digest was not checked (resources are never fetched)",
                    "relatedResource",
                    warning=True,
                )
            )
            continue
        ok, unreadable = _digest_matches(node, data)
        if unreadable is not None:
            out.append(_v("invalid_related_resource", "relatedResource", unreadable, "§5.3"))
        elif not ok:
            out.append(
                _v(
                    "related_resource_digest_mismatch",
                    "relatedResource",
                    f"the digest of {node.id[:80]} does not match its bytes",
                    "§5.3",
                )
            )
    return out


def json_violations(raw: Mapping[str, Any], *, allow_v1: bool = True) -> list[Violation]:
    """The rules read from the JSON itself, checked before JSON-LD processing: the order of
    ``@context``, ids set to ``null`` or empty, the JSON of existing proofs. (Only to refuse: a
    document that passes is then read as JSON-LD.)"""
    out = _context_rule(raw, allow_v1)
    out += _raw_id_rule(raw)
    out += _proofs_rule(raw)
    return out


def credential_violations(
    view: CredentialView,
    raw: Mapping[str, Any],
    *,
    allow_v1: bool = True,
    loader: DocumentLoader | None = None,
) -> list[Violation]:
    """Every rule a credential breaks, read from its view (warnings included, marked); the
    JSON-level rules are :func:`json_violations`."""
    out: list[Violation] = []
    if not view.has_type(vocab.VERIFIABLE_CREDENTIAL):
        out.append(_v("not_a_credential", "type", "type must include VerifiableCredential", "§4.5"))
    out += _id_rule(raw, view.root)
    if view.issuer is None:
        count = view.issuer_count
        detail = (
            "is required" if count == 0 else
            "must be a single value" if count > 1 else "must be a URL (or an object with id)"
        )  # fmt: skip
        out.append(_v("missing_issuer", "issuer", f"the issuer {detail}", "§4.7"))
    out += _subject_rule(view)
    out += _dates_rule(view)
    ctx = raw.get("@context")
    if (ctx[0] if isinstance(ctx, list) and ctx else ctx) == vocab.VC_V1:
        if not view.dates(vocab.ISSUANCE_DATE):
            out.append(Violation("missing_issuance_date",
                                 "a VC 1.1 credential needs an issuanceDate (VC Data Model 1.1 "
                                 "§4.6)", "issuanceDate"))  # fmt: skip
    out += _typed_members_rule(view)
    out += _related_rule(view, raw, loader)
    return out


def presentation_violations(
    view: PresentationView, raw: Mapping[str, Any], *, allow_v1: bool = True
) -> list[Violation]:
    """Every rule a presentation itself breaks, read from its view (its credentials are checked
    on their own; the JSON-level rules are :func:`json_violations`)."""
    out: list[Violation] = []
    if not view.has_type(vocab.VERIFIABLE_PRESENTATION):
        out.append(_v("not_a_presentation", "type", "type must include VerifiablePresentation",
                      "§4.13"))  # fmt: skip
    out += _id_rule(raw, view.root)
    if view.holder_count > 1 or (view.holder_count == 1 and view.holder is None):
        out.append(_v("invalid_holder", "holder", "the holder must be a single URL (or an "
                      "object with id)", "§4.13"))  # fmt: skip
    return out


def violations_of(
    view: CredentialView | PresentationView,
    raw: Mapping[str, Any],
    *,
    allow_v1: bool = True,
    loader: DocumentLoader | None = None,
) -> list[Violation]:
    """The violations of a credential or a presentation view."""
    if isinstance(view, PresentationView):
        return presentation_violations(view, raw, allow_v1=allow_v1)
    return credential_violations(view, raw, allow_v1=allow_v1, loader=loader)
