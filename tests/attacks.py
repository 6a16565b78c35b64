"""Context-append attacks: re-spellings of a signed document that keep its RDF, so its Data
Integrity (eddsa-rdfc-2022) signature still holds, but move a checked member out of sight of a
verifier that reads the JSON.

A proof signs the RDF of a document, and the proof configuration is canonicalised with the
document's ``@context``. So anyone holding a signed credential may append a context to its
``@context`` list and re-spell members (an alias, a full IRI, an ``@nest`` block, a container, a
reverse property, an ``@included`` node, a keyword alias …) without breaking the signature.
A verifier must read every checked member from the signed (expanded) form, or refuse the
document; this module builds the corpus that proves it (used by ``tests/test_attacks.py`` and
the ``fuzz_context_append`` target in ``tests/fuzz_targets.py``).

Layout: the vocabulary (``Slot``: where a member sits and what it means in RDF; ``Names``: the
terms an attack introduces), the attack classes (``respell(doc, slot, cls, names)``), the signed
base documents (fixed keys, fixed times, cached), and the case table (``cases()``; print it
with ``python -m tests.attacks``).
"""

from __future__ import annotations

import copy
import functools
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from mbo_vc import Ed25519Key, VerifierPolicy, sign
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import canonicalize_rdfc, default_loader
from mbo_vc.presentation import create_presentation, present
from mbo_vc.proofs.core import Canonicalizer, create_proof, suite_for
from mbo_vc.timestamps import parse_timestamp

__all__ = [
    "CLASSES",
    "REFUSAL_CODES",
    "Case",
    "Names",
    "NotApplicable",
    "Slot",
    "canonical_forms",
    "cases",
    "respell",
]

REFUSAL_CODES = frozenset(
    {
        "dropped_term",
        "invalid_value",
        "relative_iri",
        "protected_term_redefinition",
        "invalid_jsonld",
        "non_compact_form",
        "included_block",
        "not_a_credential",
        "not_a_presentation",
        "invalid_date",
        "malformed_status_entry",
        "missing_issuer",
        "status_unavailable",
        "invalid_signature",
    }
)
"""Codes with which a verifier may *refuse* a re-spelled document instead of reading it: the
accepted alternative to the code of the real problem (``expired``, ``revoked`` …)."""

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
DI2 = "https://w3id.org/security/data-integrity/v2"
CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status#"
DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
ORGANIZATION = "https://schema.org/Organization"
PERSON = "https://schema.org/Person"

# The proof purposes as the data-integrity context maps them (proofPurpose is @type @vocab).
PURPOSE_IRIS = {
    "assertionMethod": SEC + "assertionMethod",
    "authentication": SEC + "authenticationMethod",
}
PURPOSE_CONTEXT = {
    name: {"@id": iri, "@type": "@id", "@container": "@set"} for name, iri in PURPOSE_IRIS.items()
}
# The BitstringStatusListEntry's own (type-scoped) terms, for attacks that dodge that scope.
ENTRY_TERMS = {
    "statusListCredential": {"@id": STATUS + "statusListCredential", "@type": "@id"},
    "statusListIndex": STATUS + "statusListIndex",
    "statusPurpose": STATUS + "statusPurpose",
}


class NotApplicable(Exception):
    """This attack class does not apply to this member (or to this spelling of it)."""


# --- what a member is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A checked member: where it sits in the JSON and what it means in RDF."""

    member: str
    """Name used in case ids, e.g. ``validUntil`` or ``proof.expires``."""
    key: str
    """The JSON key (the context term)."""
    iri: str
    coerce: str | None
    """The term's ``@type``: ``@id``, ``@vocab``, a datatype IRI, or None (plain string)."""
    path: tuple[str, ...] = ()
    """Path from the document root to the object that holds the member (``("proof",)``)."""
    owner_type: tuple[str, str] = ("VerifiableCredential", CRED + "VerifiableCredential")
    """The type term and IRI of the object that holds the member (for type-scoped tricks)."""
    prefix: tuple[str, str] = ("cred", CRED)
    """A prefix term and its namespace, for the compact-IRI spelling."""
    decoy: str = "name"
    """A protected term in scope of the holder object, which a property-scoped context may
    redefine to mean this member (JSON-LD 1.1 lets property-scoped contexts override)."""
    scoped: Mapping[str, Any] | None = None
    """The term's own property-scoped context (proofPurpose's purpose names)."""

    @property
    def node(self) -> bool:
        """True when the value is a node (an object or an IRI reference)."""
        return self.coerce in ("@id", "@vocab")

    def term(self, **extra: Any) -> dict[str, Any]:
        """An expanded term definition with this member's IRI and coercion."""
        out: dict[str, Any] = {"@id": self.iri}
        if self.coerce is not None:
            out["@type"] = self.coerce
        if self.scoped is not None:
            out["@context"] = dict(self.scoped)
        out.update(extra)
        return out


def _date_slot(member: str, decoy: str) -> Slot:
    return Slot(member, member, CRED + member, DATETIME, decoy=decoy)


SLOTS: dict[str, Slot] = {
    "validUntil": _date_slot("validUntil", "validFrom"),
    "validFrom": _date_slot("validFrom", "validUntil"),
    "expirationDate": _date_slot("expirationDate", "issuanceDate"),
    "issuanceDate": _date_slot("issuanceDate", "expirationDate"),
    "credentialStatus": Slot(
        "credentialStatus", "credentialStatus", CRED + "credentialStatus", "@id", decoy="evidence"
    ),
    "issuer": Slot("issuer", "issuer", CRED + "issuer", "@id", decoy="evidence"),
    "credentialSubject": Slot(
        "credentialSubject.id",
        "credentialSubject",
        CRED + "credentialSubject",
        "@id",
        decoy="evidence",
    ),
    "holder": Slot(
        "holder",
        "holder",
        CRED + "holder",
        "@id",
        decoy="termsOfUse",
        owner_type=("VerifiablePresentation", CRED + "VerifiablePresentation"),
    ),
    "type": Slot("type", "type", "@type", "@vocab"),
}
_PROOF = {
    "path": ("proof",),
    "owner_type": ("DataIntegrityProof", SEC + "DataIntegrityProof"),
    "prefix": ("sec", SEC),
}
SLOTS.update(
    {
        "proof.expires": Slot(
            "proof.expires", "expires", SEC + "expiration", DATETIME, decoy="created", **_PROOF
        ),
        "proof.challenge": Slot(
            "proof.challenge", "challenge", SEC + "challenge", None, decoy="nonce", **_PROOF
        ),
        "proof.domain": Slot(
            "proof.domain", "domain", SEC + "domain", None, decoy="nonce", **_PROOF
        ),
        "proof.proofPurpose": Slot(
            "proof.proofPurpose",
            "proofPurpose",
            SEC + "proofPurpose",
            "@vocab",
            decoy="created",
            scoped=PURPOSE_CONTEXT,
            **_PROOF,
        ),
    }
)


@dataclass(frozen=True)
class Names:
    """The terms an attack introduces (the fuzz target draws them; the table uses these)."""

    alias: str = "respelled"
    prefix: str | None = None
    nest: tuple[str, ...] = ("meta",)
    ident: str = "ident"
    kind: str = "kind"
    included: str = "also"
    value: str = "val"
    vtype: str = "dtype"
    reverse: str = "respelledOf"
    extra_type: str = "RespelledType"
    index_key: str = "x"
    blank: str = "_:respelled"


# --- helpers --------------------------------------------------------------------------------


def _append(doc: dict[str, Any], terms: Mapping[str, Any]) -> None:
    """Append one context object to the document's @context (after signing)."""
    ctx = doc.get("@context")
    ctx_list = list(ctx) if isinstance(ctx, list) else [ctx]
    ctx_list.append(dict(terms))
    doc["@context"] = ctx_list


def _owner(doc: dict[str, Any], slot: Slot) -> dict[str, Any]:
    node: Any = doc
    for step in slot.path:
        node = node.get(step) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        raise NotApplicable(f"no single object at {'.'.join(slot.path)}")
    return node


def _take(owner: dict[str, Any], slot: Slot) -> Any:
    if owner.get(slot.key) is None:
        raise NotApplicable(f"{slot.key} is absent")
    return owner.pop(slot.key)


def _explicit(slot: Slot, value: Any) -> Any:
    """``value`` spelled so that it means the same without the term's coercion."""
    if slot.coerce == "@vocab":
        return {"id": PURPOSE_IRIS.get(value, value)} if isinstance(value, str) else value
    if slot.coerce == "@id":
        return {"id": value} if isinstance(value, str) else value
    if slot.coerce is not None:
        return {"@value": value, "@type": slot.coerce}
    return value


def _owner_id(doc: dict[str, Any], slot: Slot, owner: dict[str, Any], names: Names) -> str:
    """The owner's id, for node splits and reverse links; a proof gets a blank node label."""
    if isinstance(owner.get("id"), str):
        return str(owner["id"])
    if slot.path:
        owner["id"] = names.blank  # a blank node label: relabelled by canonicalisation
        return names.blank
    raise NotApplicable("the document needs an id for this attack")


def _node_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _node_type(value: Any) -> str | None:
    types = value.get("type") if isinstance(value, dict) else None
    types = types if isinstance(types, list) else [types]
    return next((t for t in types if isinstance(t, str)), None)


def _without_type(value: dict[str, Any], wanted: str) -> dict[str, Any]:
    rest = dict(value)
    types = rest.pop("type")
    others = [t for t in (types if isinstance(types, list) else [types]) if t != wanted]
    if others:
        rest["type"] = others if len(others) > 1 else others[0]
    return rest


# --- the attack classes -----------------------------------------------------------------------
# Each takes a deep copy of the document, the member and the names, and edits the copy in place.

Attack = Callable[[dict[str, Any], Slot, Names], None]


def _alias(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A new term for the same IRI; the member renamed to it."""
    owner = _owner(doc, slot)
    _append(doc, {n.alias: slot.term()})
    owner[n.alias] = _take(owner, slot)


def _alias_null(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The alias, and ``member: null`` left in the JSON (null means nothing in JSON-LD)."""
    _alias(doc, slot, n)
    _owner(doc, slot)[slot.key] = None


def _full_iri(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member's full IRI as the key; the value spelled without coercion."""
    owner = _owner(doc, slot)
    owner[slot.iri] = _explicit(slot, _take(owner, slot))


def _compact_iri(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A prefix defined in the appended context, the member as ``prefix:localName``."""
    name, namespace = slot.prefix
    name = n.prefix or name
    if not slot.iri.startswith(namespace):
        raise NotApplicable("no prefix for this IRI")
    owner = _owner(doc, slot)
    _append(doc, {name: namespace})
    owner[f"{name}:{slot.iri[len(namespace) :]}"] = _explicit(slot, _take(owner, slot))


def _nest_block(doc: dict[str, Any], slot: Slot, n: Names, first: Any) -> dict[str, Any]:
    """Define the @nest aliases ``n.nest`` (the first with definition ``first``) and return the
    innermost nested object, placed in the member's owner."""
    terms: dict[str, Any] = {n.nest[0]: first}
    terms.update({name: "@nest" for name in n.nest[1:]})
    _append(doc, terms)
    inner: dict[str, Any] = {}
    block = inner
    for name in reversed(n.nest[1:]):
        block = {name: block}
    _owner(doc, slot)[n.nest[0]] = block
    return inner


def _nest(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """An alias for @nest; the member moved under it (same node, so same RDF)."""
    value = _take(_owner(doc, slot), slot)
    _nest_block(doc, slot, n, "@nest")[slot.key] = value


def _nest_scoped(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A @nest alias with a property-scoped context that defines the alias of the member."""
    value = _take(_owner(doc, slot), slot)
    first = {"@id": "@nest", "@context": {n.alias: slot.term()}}
    _nest_block(doc, slot, n, first)[n.alias] = value


def _nest_override(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A property-scoped context (which may override protected terms) redefines another
    protected term, ``slot.decoy``, to mean this member; the member is spelled as the decoy."""
    value = _take(_owner(doc, slot), slot)
    first = {"@id": "@nest", "@context": {slot.decoy: slot.term()}}
    _nest_block(doc, slot, n, first)[slot.decoy] = value


def _nest_null(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The real value under an alias, and a decoy value under the member's own key inside a
    @nest whose scoped context defines that key as null (JSON-LD would drop the decoy)."""
    owner = _owner(doc, slot)
    value = _take(owner, slot)
    first = {"@id": "@nest", "@context": {slot.key: None}}
    _nest_block(doc, slot, n, first)[slot.key] = _decoy_value(slot, value)
    _append(doc, {n.alias: slot.term()})
    owner[n.alias] = value


def _decoy_value(slot: Slot, value: Any) -> Any:
    if slot.coerce == DATETIME:
        return "2099-01-01T00:00:00Z"
    if slot.coerce == "@vocab":
        return "assertionMethod"
    if slot.coerce is None:
        return "decoy"
    return value


def _index(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """An @index container term; the value under an index key (not part of the RDF)."""
    owner = _owner(doc, slot)
    _append(doc, {n.alias: slot.term(**{"@container": "@index"})})
    owner[n.alias] = {n.index_key: _take(owner, slot)}


def _id_map(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """An @id map: the node's id becomes the map key."""
    if not slot.node:
        raise NotApplicable("only for node values")
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    node_id = _node_id(value)
    if node_id is None:
        raise NotApplicable("the node has no id")
    if slot.coerce == "@vocab":
        node_id = PURPOSE_IRIS.get(node_id, node_id)
    _take(owner, slot)
    rest = {k: v for k, v in value.items() if k != "id"} if isinstance(value, dict) else {}
    _append(doc, {n.alias: {"@id": slot.iri, "@container": "@id"}})
    owner[n.alias] = {node_id: rest}


def _type_map(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A @type map: the node's type becomes the map key (its type-scoped context still
    applies)."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    node_type = _node_type(value)
    if not slot.node or node_type is None:
        raise NotApplicable("only for typed node values")
    _take(owner, slot)
    _append(doc, {n.alias: {"@id": slot.iri, "@type": "@id", "@container": "@type"}})
    owner[n.alias] = {node_type: _without_type(value, node_type)}


def _value_object(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member keeps its key, its value spelled as an explicit value object / @id object."""
    owner = _owner(doc, slot)
    value = _take(owner, slot)
    if slot.coerce == "@vocab":
        owner[slot.key] = {"@id": PURPOSE_IRIS.get(value, value)}
    elif slot.coerce == "@id":
        if isinstance(value, str):
            owner[slot.key] = {"@id": value}
        elif isinstance(value, dict) and "id" in value:
            owner[slot.key] = {("@id" if k == "id" else k): v for k, v in value.items()}
        else:
            raise NotApplicable("the node has no id")
    elif slot.coerce is not None:
        owner[slot.key] = {"@value": value, "@type": slot.coerce}
    else:
        owner[slot.key] = {"@value": value}


def _value_object_aliased(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """An alias term without coercion, and a value object whose keywords are aliased too
    (``{"val": …, "dtype": …}``), so no ``@`` key is left for a JSON reader to notice."""
    owner = _owner(doc, slot)
    value = _take(owner, slot)
    if slot.coerce == DATETIME:
        _append(doc, {n.value: "@value", n.vtype: "@type", n.alias: {"@id": slot.iri}})
        owner[n.alias] = {n.value: value, n.vtype: slot.coerce}
    elif slot.coerce is None:
        _append(doc, {n.value: "@value", n.alias: {"@id": slot.iri}})
        owner[n.alias] = {n.value: value}
    else:
        node_id = _node_id(value)
        if node_id is None:
            raise NotApplicable("the node has no id")
        if slot.coerce == "@vocab":
            node_id = PURPOSE_IRIS.get(node_id, node_id)
        rest = {k: v for k, v in value.items() if k != "id"} if isinstance(value, dict) else {}
        _append(doc, {n.ident: "@id", n.alias: {"@id": slot.iri}})
        owner[n.alias] = {n.ident: node_id, **rest}


def _type_none(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """An alias with ``"@type": "@none"`` (no coercion) and an explicit value object."""
    if slot.coerce is None or slot.node:
        raise NotApplicable("only for typed literals")
    owner = _owner(doc, slot)
    _append(doc, {n.alias: {"@id": slot.iri, "@type": "@none"}})
    owner[n.alias] = {"@value": _take(owner, slot), "@type": slot.coerce}


def _array(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The value wrapped in a one-element array (a set of one: same RDF)."""
    owner = _owner(doc, slot)
    owner[slot.key] = [_take(owner, slot)]


def _type_scoped(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A second type term for the owner's type IRI (no RDF change) whose type-scoped context
    defines the alias; the member renamed to it."""
    owner = _owner(doc, slot)
    value = _take(owner, slot)
    _, type_iri = slot.owner_type
    _append(doc, {n.extra_type: {"@id": type_iri, "@context": {n.alias: slot.term()}}})
    types = owner.get("type")
    if isinstance(types, list):
        owner["type"] = [*types, n.extra_type]
    else:  # a proof's type must stay one string: add the type under a keyword alias of @type
        _append(doc, {n.kind: "@type"})
        owner[n.kind] = n.extra_type
    owner[n.alias] = value


def _included_node(doc: dict[str, Any], slot: Slot, n: Names, keyword: bool) -> None:
    owner = _owner(doc, slot)
    value = _take(owner, slot)
    owner_id = _owner_id(doc, slot, owner, n)
    type_term, _ = slot.owner_type
    if keyword:
        key = "@included"
    else:
        _append(doc, {n.included: "@included"})
        key = n.included
    owner[key] = [{"id": owner_id, "type": type_term, slot.key: value}]


def _included(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """Node split: the member moved into a node in an @included block (via a keyword alias)
    that has the owner's id, so JSON-LD merges it back into the owner."""
    _included_node(doc, slot, n, keyword=False)


def _included_keyword(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The same node split with the literal ``@included`` keyword."""
    _included_node(doc, slot, n, keyword=True)


def _reverse_node(doc: dict[str, Any], slot: Slot, n: Names, keyword: bool) -> None:
    if not slot.node:
        raise NotApplicable("only for node values")
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if isinstance(value, list):
        raise NotApplicable("one node only")
    node: dict[str, Any]
    if isinstance(value, str):
        node = {"id": PURPOSE_IRIS.get(value, value) if slot.coerce == "@vocab" else value}
    elif isinstance(value, dict):
        node = dict(value)
    else:
        raise NotApplicable("no node")
    _take(owner, slot)
    owner_id = _owner_id(doc, slot, owner, n)
    if keyword:
        node["@reverse"] = {slot.iri: {"id": owner_id}}
        _append(doc, {n.included: "@included"})
    else:
        _append(doc, {n.reverse: {"@reverse": slot.iri, "@type": "@id"}, n.included: "@included"})
        node[n.reverse] = owner_id
    owner.setdefault(n.included, []).append(node)


def _reverse(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A reverse property: the member's node moved into an @included node that points back at
    the owner (``respelledOf: <owner id>``, defined as ``@reverse`` of the member's IRI)."""
    _reverse_node(doc, slot, n, keyword=False)


def _reverse_keyword(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The same with the literal ``@reverse`` keyword."""
    _reverse_node(doc, slot, n, keyword=True)


def _node_split(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member's node split in two: a bare reference in place, its properties in an
    @included node with the same id."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or len(value) < 2:
        raise NotApplicable("needs a node object with an id and properties")
    _owner_id(doc, slot, owner, n)
    _append(doc, {n.included: "@included"})
    owner[slot.key] = value["id"]
    owner.setdefault(n.included, []).append(dict(value))


def _kw_id(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A keyword alias for @id (``{"ident": "@id"}``) spelling the member node's id."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not slot.node or slot.coerce == "@vocab":
        raise NotApplicable("only for node values")
    _append(doc, {n.ident: "@id"})
    if isinstance(value, str):
        owner[slot.key] = {n.ident: value}
    elif isinstance(value, dict) and "id" in value:
        owner[slot.key] = {(n.ident if k == "id" else k): v for k, v in value.items()}
    else:
        raise NotApplicable("the node has no id")


def _kw_type(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A keyword alias for @type (``{"kind": "@type"}``) spelling the member node's type (its
    type-scoped context still applies); for the ``type`` member, the document's own type."""
    owner = _owner(doc, slot)
    if slot.key == "type":
        _append(doc, {n.kind: "@type"})
        owner[n.kind] = _take(owner, slot)
        return
    value = owner.get(slot.key)
    if not isinstance(value, dict) or "type" not in value:
        raise NotApplicable("needs a typed node object")
    _append(doc, {n.kind: "@type"})
    owner[slot.key] = {(n.kind if k == "type" else k): v for k, v in value.items()}


def _split_iri(iri: str) -> tuple[str, str]:
    """Split an IRI after its last ``:``, ``/`` or ``#`` (a prefix namespace and a local part)."""
    cut = max(iri.rfind(c) for c in ":/#") + 1
    if cut <= 0 or cut >= len(iri):
        raise NotApplicable(f"cannot split {iri[:40]!r}")
    return iri[:cut], iri[cut:]


def _compact_value(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member node's id value spelled as a compact IRI (``pfx:local``) with a prefix
    defined in the appended context: the JSON string differs, the IRI does not."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    node_id = _node_id(value)
    if slot.coerce != "@id" or node_id is None:
        raise NotApplicable("only for node values with an id")
    namespace, local = _split_iri(node_id)
    prefix = n.prefix or "pfx"
    _append(doc, {prefix: namespace})
    spelled = f"{prefix}:{local}"
    owner[slot.key] = spelled if isinstance(value, str) else {**value, "id": spelled}


def _entry_url_compact(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """Inside the status entry, ``statusListCredential`` spelled as a compact IRI."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not isinstance(value, dict) or not isinstance(value.get("statusListCredential"), str):
        raise NotApplicable("only for a status entry")
    namespace, local = _split_iri(value["statusListCredential"])
    prefix = n.prefix or "pfx"
    _append(doc, {prefix: namespace})
    owner[slot.key] = {**value, "statusListCredential": f"{prefix}:{local}"}


def _type_iri(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member node's type spelled as its full IRI (so its type-scoped context does not
    apply) and the node's own terms defined in the appended context instead."""
    _retype(doc, slot, n, alias=False)


def _type_alias(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member node's type spelled as a new term for the same IRI, without its scope."""
    _retype(doc, slot, n, alias=True)


def _retype(doc: dict[str, Any], slot: Slot, n: Names, *, alias: bool) -> None:
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not isinstance(value, dict) or value.get("type") != "BitstringStatusListEntry":
        raise NotApplicable("only for a BitstringStatusListEntry")
    iri = STATUS + "BitstringStatusListEntry"
    terms: dict[str, Any] = dict(ENTRY_TERMS)
    if alias:
        terms[n.extra_type] = iri
    _append(doc, terms)
    owner[slot.key] = {**value, "type": n.extra_type if alias else iri}


def _entry_member_alias(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """Inside the status entry, ``statusListIndex`` renamed to an alias."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not isinstance(value, dict) or "statusListIndex" not in value:
        raise NotApplicable("only for a status entry")
    _append(doc, {n.alias: ENTRY_TERMS["statusListIndex"]})
    entry = dict(value)
    entry[n.alias] = entry.pop("statusListIndex")
    owner[slot.key] = entry


def _null_term(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member's term defined as null in the appended context (the type-scoped context of
    the owner defines it again, so this must not hide it)."""
    _append(doc, {slot.key: None})


def _two_ids(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The member node gets a second id under a keyword alias: the one a JSON reader sees is
    the wanted one (``trusted`` issuer, the holder), JSON-LD must refuse (colliding keywords)."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    node_id = _node_id(value)
    if not slot.node or node_id is None or slot.coerce == "@vocab":
        raise NotApplicable("only for node values with an id")
    node = dict(value) if isinstance(value, dict) else {}
    node["id"] = WANTED_IDS.get(slot.key, "did:example:wanted")
    node[n.ident] = node_id
    _append(doc, {n.ident: "@id"})
    owner[slot.key] = node


def _blank_id(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """A node without id gets a blank node label as id: same RDF (labels are relabelled), but
    a JSON reader now sees an "id"."""
    owner = _owner(doc, slot)
    value = owner.get(slot.key)
    if not isinstance(value, dict) or "id" in value:
        raise NotApplicable("needs a node object without id")
    owner[slot.key] = {"id": n.blank, **value}


def _dup_type(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The required type string added to ``type``, mapped to an IRI the document already has."""
    _append(doc, {REQUIRED_TYPE: CRED + "VerifiableCredential"})
    doc["type"] = [*doc["type"], REQUIRED_TYPE]


def _dup_type_scoped(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The same, the added type term carrying a (harmless) type-scoped context."""
    scoped = {n.alias: {"@id": CRED + "validFrom", "@type": DATETIME}}
    _append(doc, {REQUIRED_TYPE: {"@id": CRED + "VerifiableCredential", "@context": scoped}})
    doc["type"] = [*doc["type"], REQUIRED_TYPE]


def _dup_type_vocab(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The required type string added to ``type`` and resolved by an appended ``@vocab`` to
    the IRI of a type the document already has."""
    _append(doc, {"@vocab": EXAMPLE_TYPE_IRI.removesuffix(REQUIRED_TYPE)})
    doc["type"] = [*doc["type"], REQUIRED_TYPE]


def _dup_type_kind(doc: dict[str, Any], slot: Slot, n: Names) -> None:
    """The required type string under a keyword alias of @type, next to ``type``."""
    _append(doc, {n.kind: "@type", REQUIRED_TYPE: CRED + "VerifiableCredential"})
    doc[n.kind] = [REQUIRED_TYPE]


CLASSES: dict[str, Attack] = {
    "alias": _alias,
    "alias_null": _alias_null,
    "full_iri": _full_iri,
    "compact_iri": _compact_iri,
    "nest": _nest,
    "nest_scoped": _nest_scoped,
    "nest_override": _nest_override,
    "nest_null": _nest_null,
    "index": _index,
    "id_map": _id_map,
    "type_map": _type_map,
    "value_object": _value_object,
    "value_object_aliased": _value_object_aliased,
    "type_none": _type_none,
    "array": _array,
    "type_scoped": _type_scoped,
    "included": _included,
    "included_keyword": _included_keyword,
    "reverse": _reverse,
    "reverse_keyword": _reverse_keyword,
    "node_split": _node_split,
    "kw_id": _kw_id,
    "kw_type": _kw_type,
    "type_iri": _type_iri,
    "type_alias": _type_alias,
    "entry_member_alias": _entry_member_alias,
    "compact_value": _compact_value,
    "entry_url_compact": _entry_url_compact,
    "null_term": _null_term,
    "two_ids": _two_ids,
    "blank_id": _blank_id,
    "dup_type": _dup_type,
    "dup_type_scoped": _dup_type_scoped,
    "dup_type_vocab": _dup_type_vocab,
    "dup_type_kind": _dup_type_kind,
}
"""Every attack class by name."""


def respell(doc: Mapping[str, Any], slot: Slot, cls: str, names: Names | None = None) -> dict:
    """A re-spelled copy of ``doc``: attack class ``cls`` applied to member ``slot``.

    Raises :class:`NotApplicable` when the class does not fit the member.
    """
    out = copy.deepcopy(dict(doc))
    CLASSES[cls](out, slot, names or Names())
    return out


# --- signed form ----------------------------------------------------------------------------


def canonical_forms(doc: Mapping[str, Any]) -> tuple[str, list[str]]:
    """What an eddsa-rdfc-2022 proof signs: the canonical N-Quads of the document without its
    proof, and of each proof configuration (the proof without proofValue, with the document's
    @context). Raises what safe-mode canonicalisation raises."""
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    proof = doc.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    configs = []
    for p in proofs:
        config = {k: v for k, v in p.items() if k != "proofValue"}
        if "@context" in doc:
            config["@context"] = copy.deepcopy(doc["@context"])
        configs.append(canonicalize_rdfc(config))
    return canonicalize_rdfc(unsecured), configs


# --- the signed base documents ------------------------------------------------------------------

ISSUER = Ed25519Key.from_seed(bytes([1]) * 32)
HOLDER = Ed25519Key.from_seed(bytes([2]) * 32)
VICTIM = Ed25519Key.from_seed(bytes([3]) * 32)
TRUSTED = Ed25519Key.from_seed(bytes([4]) * 32)

CREATED = "2026-01-01T00:00:00Z"
PAST = "2027-01-01T00:00:00Z"
FUTURE = "2031-01-01T00:00:00Z"
NOW = "2030-06-01T00:00:00Z"
"""The verifier's clock: after PAST, before FUTURE."""
CHALLENGE = "c-7d1e0f3a"
DOMAIN = "verifier.example"
VP_ID = "urn:uuid:5c0b7a4e-0000-4000-8000-00000000feed"
STATUS_URL = "https://issuer.example/status/rev"
REQUIRED_TYPE = "RequiredType"
EXAMPLE_TYPE_IRI = "https://example.org/types#ExampleRequiredType"
"""A type the type-base credential has; ``@vocab`` = its prefix makes ``RequiredType`` mean it."""
WANTED_IDS = {"issuer": TRUSTED.did, "credentialSubject": HOLDER.did, "holder": VICTIM.did}
"""What an attacker wants a JSON reader to see as the node's id (the ``two_ids`` class)."""

RDFC = suite_for("DataIntegrityProof", "eddsa-rdfc-2022")


def _credential(n: int, **members: Any) -> dict[str, Any]:
    """An unsigned VC 2.0 credential of HOLDER, issued by ISSUER (members override)."""
    doc: dict[str, Any] = {
        "@context": [VC2],
        "id": f"urn:uuid:5c0b7a4e-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "validFrom": CREATED,
        "credentialSubject": {"id": HOLDER.did, "name": "Sam"},
    }
    doc.update(members)
    return {k: v for k, v in doc.items() if v is not None}


def _credential11(n: int, **members: Any) -> dict[str, Any]:
    """An unsigned VC 1.1 credential (with the data-integrity context for its proof)."""
    doc: dict[str, Any] = {
        "@context": [VC1, DI2],
        "id": f"urn:uuid:5c0b7a4e-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "issuanceDate": CREATED,
        "credentialSubject": {"id": HOLDER.did},
    }
    doc.update(members)
    return doc


def _sign(doc: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Sign as the issuer's own tool would; bases that break a data model rule on purpose (no
    issuer id) go through the proof core, since :func:`mbo_vc.sign` refuses them."""
    options.setdefault("created", CREATED)
    try:
        return sign(doc, ISSUER, **options)
    except MboVcError:
        return create_proof(doc, ISSUER, RDFC, canon=Canonicalizer(default_loader()), **options)


@dataclass(frozen=True)
class Base:
    """A signed document with exactly one real problem, and how to verify it."""

    name: str
    doc: dict[str, Any]
    expect: str
    """The code of its one real problem."""
    also: tuple[str, ...] = ()
    """Codes that necessarily come with it (a proof of the wrong purpose is also not an
    assertion of the issuer: ``vm_not_authorized``)."""
    policy: VerifierPolicy | None = None
    status: bool = False
    """Verify with the status checker (the base is revoked)."""
    lifted: dict[str, Any] = field(default_factory=dict)
    """verify() options under which the unattacked document verifies (the sanity check)."""

    @property
    def codes(self) -> list[str]:
        """Every code the unattacked document gets, sorted."""
        return sorted({self.expect, *self.also})


@functools.cache
def status_setup() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The revoked credential and the signed status list credentials before and after the
    revocation, made with the library's own status registry."""
    from mbo_vc.status import StatusRegistry

    list_time = parse_timestamp(NOW) - timedelta(days=1)
    with tempfile.TemporaryDirectory() as tmp:
        registry = StatusRegistry(Path(tmp) / "registry.db")
        try:
            registry.create_list(STATUS_URL, purpose="revocation", list_id="rev")
            unsigned = registry.attach(_credential(5), ["rev"])
            [(_, entry)] = registry.entries_of(unsigned)
            before, _ = registry.status_list_credential("rev", ISSUER, now=list_time)
            assert registry.revoke("rev", entry.index, reason="issued in error")
            after, _ = registry.status_list_credential("rev", ISSUER, now=list_time)
        finally:
            registry.close()
    return _sign(unsigned), before, after


def status_checker(*, revoked: bool = True) -> Any:
    """A StatusChecker serving the status list (after, or before, the revocation)."""
    from mbo_vc.status import MappingFetcher, StatusChecker

    _, before, after = status_setup()
    return StatusChecker(MappingFetcher({STATUS_URL: after if revoked else before}))


TRUST = VerifierPolicy(trusted_issuers={TRUSTED.did})
REQUIRE = VerifierPolicy(required_types={REQUIRED_TYPE})


@functools.cache
def bases() -> dict[str, Base]:
    """Every signed base credential, each with one real problem."""
    revoked, _, _ = status_setup()
    issuer_obj = {"id": ISSUER.did, "type": ORGANIZATION, "name": "School"}
    victim_subject = {"id": VICTIM.did, "type": PERSON, "name": "Vic"}
    return {
        "expired": Base(
            "expired", _sign(_credential(1, validUntil=PAST)), "expired",
            lifted={"now": "2026-06-01T00:00:00Z"},
        ),
        "not_yet_valid": Base(
            "not_yet_valid", _sign(_credential(2, validFrom=FUTURE)), "not_yet_valid",
            lifted={"now": "2031-06-01T00:00:00Z"},
        ),
        "expired11": Base(
            "expired11", _sign(_credential11(3, expirationDate=PAST)), "expired",
            lifted={"now": "2026-06-01T00:00:00Z"},
        ),
        "not_yet_valid11": Base(
            "not_yet_valid11", _sign(_credential11(4, issuanceDate=FUTURE)), "not_yet_valid",
            lifted={"now": "2031-06-01T00:00:00Z"},
        ),
        "revoked": Base(
            "revoked", revoked, "revoked", status=True, lifted={"status": "before"}
        ),
        "untrusted": Base(
            "untrusted", _sign(_credential(6)), "untrusted_issuer", policy=TRUST,
            lifted={"policy": VerifierPolicy(trusted_issuers={ISSUER.did})},
        ),
        "untrusted_obj": Base(
            "untrusted_obj", _sign(_credential(7, issuer=issuer_obj)), "untrusted_issuer",
            policy=TRUST, lifted={"policy": VerifierPolicy(trusted_issuers={ISSUER.did})},
        ),
        "no_issuer_id": Base(
            "no_issuer_id", _sign(_credential(8, issuer={"type": ORGANIZATION, "name": "X"})),
            "missing_issuer",
        ),
        "missing_type": Base(
            "missing_type", _sign(_credential(9, type=["VerifiableCredential", EXAMPLE_TYPE_IRI])),
            "missing_type", policy=REQUIRE, lifted={"policy": VerifierPolicy()},
        ),
        "someone_else": Base(
            "someone_else", _sign(_credential(10, credentialSubject=victim_subject)),
            "holder_mismatch", lifted={"holder": "victim"},
        ),
        "proof_expired": Base(
            "proof_expired", _sign(_credential(11), expires=PAST), "proof_expired",
            lifted={"now": "2026-06-01T00:00:00Z"},
        ),
        "purpose": Base(
            "purpose", _sign(_credential(12), proof_purpose="authentication"),
            "proof_purpose_mismatch",
            lifted={"expected_proof_purpose": "authentication"},
        ),
    }  # fmt: skip


def present_credential(
    credential: Mapping[str, Any], holder: Ed25519Key = HOLDER, **options: Any
) -> dict[str, Any]:
    """A presentation of ``credential`` signed by ``holder`` (challenge CHALLENGE, domain
    DOMAIN). ``present()`` refuses to embed JSON it does not consider compacted; a wallet that
    does not check signs it anyway, so then the presentation is signed with the proof core."""
    options.setdefault("challenge", CHALLENGE)
    options.setdefault("domain", DOMAIN)
    options.setdefault("created", CREATED)
    try:
        vp = present([credential], holder, id=VP_ID, **options)
    except MboVcError as exc:
        if exc.code not in ("non_compact_form", "included_block"):
            raise
        vp = create_presentation([credential], holder=holder.controller, id=VP_ID)
        vp = resign(vp, holder, **options)
    assert isinstance(vp, dict)
    return vp


def resign(
    vp: Mapping[str, Any],
    holder: Ed25519Key,
    *,
    proof_purpose: str = "authentication",
    **options: Any,
) -> dict[str, Any]:
    """Sign ``vp`` (without its proof) as ``holder`` with the proof core directly: what a
    malicious holder's own tool does."""
    options.setdefault("challenge", CHALLENGE)
    options.setdefault("domain", DOMAIN)
    options.setdefault("created", CREATED)
    unsigned = {k: v for k, v in vp.items() if k != "proof"}
    return create_proof(unsigned, holder, RDFC, canon=Canonicalizer(default_loader()),
                        proof_purpose=proof_purpose, **options)  # fmt: skip


@functools.cache
def vp_bases() -> dict[str, Base]:
    """Signed presentations, each with one real problem at the presentation level."""
    good = _sign(_credential(20))
    victims = _sign(_credential(21, credentialSubject={"id": VICTIM.did, "name": "Vic"}))
    return {
        "vp_expired": Base(
            "vp_expired", present_credential(good, expires=PAST), "proof_expired",
            lifted={"now": "2026-06-01T00:00:00Z"},
        ),
        "vp_challenge": Base(
            "vp_challenge", present_credential(good, challenge="c-old"), "challenge_mismatch",
            lifted={"challenge": "c-old"},
        ),
        "vp_domain": Base(
            "vp_domain", present_credential(good, domain="other.example"), "domain_mismatch",
            lifted={"domain": "other.example"},
        ),
        "vp_purpose": Base(
            "vp_purpose",
            resign(create_presentation([good], holder=HOLDER.did, id=VP_ID), HOLDER,
                   proof_purpose="assertionMethod"),
            "proof_purpose_mismatch",
        ),
        "vp_holder": Base(
            "vp_holder", present_credential(victims), "holder_mismatch",
            lifted={"vp": present_credential(victims, holder=VICTIM)},
        ),
    }  # fmt: skip


# --- the case table ---------------------------------------------------------------------------

READ = "read"
REFUSE = "refuse"


@dataclass(frozen=True)
class Case:
    """One attack: a class applied to a member of a base document, and the expected outcome."""

    member: str
    cls: str
    base: str
    outcome: str = READ
    """``read``: the verifier must read the signed value and report ``expect`` (a refusal code
    is tolerated, see REFUSAL_CODES). ``refuse``: safe-mode JSON-LD refuses the re-spelled
    document (``canonicalize_rdfc`` raises ``expect``); the verifier must refuse it too."""
    expect: str = ""
    """The expected code (default: the base's real problem)."""
    resign: bool = False
    """Presentation-level: the (malicious) holder signs the re-spelled presentation. (As the
    re-spelling keeps the RDF and Ed25519 is deterministic, the new proofValue equals the old
    one: replaying and re-signing give the same document.)"""
    slot_key: str = ""
    """Which entry of SLOTS (default: ``member``)."""

    @property
    def id(self) -> str:
        """The pytest id: ``member/class@base``."""
        return f"{self.member}/{self.cls}@{self.base}"

    @property
    def slot(self) -> Slot:
        """The member being attacked."""
        return SLOTS[self.slot_key or self.member]

    @property
    def level(self) -> str:
        """``credential`` or ``presentation`` (which document is re-spelled)."""
        return "presentation" if self.base.startswith("vp_") else "credential"

    def expected(self) -> str:
        """The code this case must end with."""
        return self.expect or self.base_doc().expect

    def base_doc(self) -> Base:
        """The signed document this case attacks."""
        return (vp_bases() if self.level == "presentation" else bases())[self.base]

    def respelled(self) -> dict[str, Any]:
        """The re-spelled document, with the proof it had."""
        return respell(self.base_doc().doc, self.slot, self.cls)

    def build(self) -> dict[str, Any]:
        """The attacked document. With ``resign`` the holder signs the re-spelled presentation
        (unless safe mode refuses it: then no tool of ours can sign it, and the old proof
        stays; the verifier must refuse it either way)."""
        doc = self.respelled()
        if self.resign and self.outcome == READ:
            return resign(doc, HOLDER)
        return doc


LITERAL_CLASSES = (
    "alias", "alias_null", "full_iri", "compact_iri", "nest", "nest_scoped", "nest_override",
    "index", "value_object", "value_object_aliased", "type_none", "array", "type_scoped",
    "included", "included_keyword", "null_term", "nest_null",
)  # fmt: skip
NODE_CLASSES = (
    "alias", "alias_null", "full_iri", "compact_iri", "nest", "nest_scoped", "nest_override",
    "index", "id_map", "type_map", "value_object", "value_object_aliased", "array",
    "type_scoped", "included", "included_keyword", "reverse", "reverse_keyword", "node_split",
    "kw_id", "compact_value", "null_term", "two_ids",
)  # fmt: skip
STATUS_CLASSES = ("kw_type", "type_iri", "type_alias", "entry_member_alias", "entry_url_compact")
PURPOSE_CLASSES = (
    "alias", "alias_null", "full_iri", "compact_iri", "nest", "nest_scoped", "nest_override",
    "index", "id_map", "value_object", "value_object_aliased", "array", "type_scoped",
    "included", "included_keyword", "reverse", "null_term", "nest_null",
)  # fmt: skip
TYPE_CLASSES = ("dup_type", "dup_type_scoped", "dup_type_vocab", "dup_type_kind", "kw_type")

SAFE_MODE: dict[str, str] = {
    "nest_null": "dropped_term",
    "two_ids": "invalid_jsonld",
}
"""Classes that safe-mode JSON-LD refuses (the code ``canonicalize_rdfc`` raises)."""


def _cases() -> list[Case]:
    plan: list[tuple[str, str, tuple[str, ...]]] = [
        ("validUntil", "expired", LITERAL_CLASSES),
        ("validFrom", "not_yet_valid", LITERAL_CLASSES),
        ("expirationDate", "expired11", LITERAL_CLASSES),
        ("issuanceDate", "not_yet_valid11", LITERAL_CLASSES),
        ("credentialStatus", "revoked", NODE_CLASSES + STATUS_CLASSES),
        ("issuer", "untrusted", NODE_CLASSES),
        ("issuer", "untrusted_obj", NODE_CLASSES),
        ("issuer", "no_issuer_id", ("blank_id",)),
        ("credentialSubject", "someone_else", NODE_CLASSES),
        ("proof.expires", "proof_expired", LITERAL_CLASSES),
        ("proof.proofPurpose", "purpose", PURPOSE_CLASSES),
        ("holder", "vp_holder", NODE_CLASSES),
        ("proof.expires", "vp_expired", LITERAL_CLASSES),
        ("proof.challenge", "vp_challenge", LITERAL_CLASSES),
        ("proof.domain", "vp_domain", LITERAL_CLASSES),
        ("proof.proofPurpose", "vp_purpose", PURPOSE_CLASSES),
    ]
    out: list[Case] = []
    for key, base, classes in plan:
        slot = SLOTS[key]
        for cls in classes:
            case = Case(
                slot.member, cls, base, slot_key=key, resign=(base == "vp_holder"),
                outcome=REFUSE if cls in SAFE_MODE else READ, expect=SAFE_MODE.get(cls, ""),
            )  # fmt: skip
            try:
                case.respelled()
            except NotApplicable:
                continue
            out.append(case)
    out.extend(Case("type", cls, "missing_type") for cls in TYPE_CLASSES)
    return out


CASES_BY_ID: dict[str, Case] = {}
"""Every case by its id (filled by :func:`cases`)."""


def cases() -> list[Case]:
    """The case table: every case of the corpus (the base documents are signed on first use)."""
    if not CASES_BY_ID:
        CASES_BY_ID.update((c.id, c) for c in _cases())
    return list(CASES_BY_ID.values())


# --- for the fuzz target ----------------------------------------------------------------------

FUZZ_BASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "expired": ("validUntil", LITERAL_CLASSES),
    "expired11": ("expirationDate", LITERAL_CLASSES),
    "revoked": ("credentialStatus", NODE_CLASSES + STATUS_CLASSES),
    "proof_expired": ("proof.expires", LITERAL_CLASSES),
}
"""Bases the fuzz target attacks: the member that carries the real problem, and its classes."""
FUZZ_NOISE = ("validFrom", "issuanceDate", "issuer", "credentialSubject", "validUntil")
"""Members the fuzz target may re-spell as well (honest members: they must still be read)."""


@functools.cache
def reserved_terms() -> frozenset[str]:
    """Every term the bundled VC and data-integrity contexts define (at any depth): names an
    attack must not reuse for its own terms."""
    loader = default_loader()
    out: set[str] = set()
    stack: list[Any] = [loader.load(url) for url in (VC2, VC1, DI2)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ctx = item.get("@context")
            if isinstance(ctx, dict):
                out.update(k for k in ctx if not k.startswith("@"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return frozenset(out)


def describe(case: Case) -> str:
    """One line of the case table: id, expected outcome and code."""
    return f"{case.id:55} {case.outcome:7} {case.expected()}"


if __name__ == "__main__":  # print the case table: python -m tests.attacks
    for c in cases():
        print(describe(c))
