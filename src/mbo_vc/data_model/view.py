"""The verified view: a credential or presentation as its signature covers it.

Every check after the securing step reads this view, never the input JSON. The view is the
node map (:mod:`mbo_vc.jsonld.nodes`) of the document's safe-mode expansion (the very expansion
the RDFC-1.0 canonical form was made from, or, for JCS and JWTs, the expansion of the signed
bytes), read by the IRIs the pinned W3C contexts define (:mod:`mbo_vc.vocab`). No context the
document supplies takes part in reading it: a member is found wherever and however the JSON
spelled it (an alias, a full or compact IRI, ``@nest``, an index, id or type map, ``@included``, a
reverse property, a split node), and a checked member whose value is not of the kind the data
model defines (two issuers, a date that is not a literal) is refused with a precise code.
See docs/verification.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc import vocab
from mbo_vc.jsonld import Literal, Node, NodeMap

__all__ = ["CredentialView", "PresentationView", "project"]


def _name(iri: str) -> str:
    return vocab.TYPE_NAMES.get(iri, iri)


def _plain(value: Any, terms: Mapping[str, str], node: Node, depth: int) -> Any:
    """An expanded value as plain JSON: an IRI string, a literal's value, or a nested object."""
    if isinstance(value, dict) and "@value" in value:
        return value["@value"]
    if isinstance(value, dict) and isinstance(value.get("@id"), str) and len(value) == 1:
        ref = node.node(value["@id"])
        described = ref.types or any(True for _ in ref.properties())
        return project(ref, terms, depth - 1) if depth > 0 and described else value["@id"]
    if isinstance(value, dict) and "@list" in value:
        return [_plain(v, terms, node, depth) for v in value["@list"]]
    return value


def project(node: Node, terms: Mapping[str, str], depth: int = 2) -> dict[str, Any]:
    """The node as a JSON object with the standard member names of ``terms`` (IRI → name).

    ``id`` and ``type`` (type names for the W3C types, IRIs otherwise) are always given;
    properties not in ``terms`` are left out. A member with one value is that value, with
    several a list, so that codecs that expect one value refuse several.
    """
    out: dict[str, Any] = {}
    if not node.is_blank:
        out["id"] = node.id
    types = [_name(t) for t in node.types]
    if types:
        out["type"] = types[0] if len(types) == 1 else types
    for iri in node.properties():
        name = terms.get(iri)
        if name is None:
            continue
        values = [_plain(v, terms, node, depth) for v in node.values(iri)]
        out[name] = values[0] if len(values) == 1 else values
    return out


def _lexical(literals: list[Literal | None]) -> list[str | None]:
    return [lit.value if lit is not None and isinstance(lit.value, str) else None
            for lit in literals]  # fmt: skip


class _DocumentView:
    """What credentials and presentations share: the root node, its id and types."""

    def __init__(self, nodes: NodeMap, raw: Mapping[str, Any] | None = None) -> None:
        self.nodes = nodes
        self.root = nodes.root
        self._raw = raw or {}

    @property
    def id(self) -> str | None:
        """The document's ``id`` (None for a blank node)."""
        return None if self.root.is_blank else self.root.id

    @property
    def types(self) -> tuple[str, ...]:
        """The document's type IRIs."""
        return self.root.types

    @property
    def type_names(self) -> list[str]:
        """The type IRIs, the W3C ones by their term (``VerifiableCredential`` …)."""
        return [_name(t) for t in self.types]

    def has_type(self, iri: str) -> bool:
        """True when the document is of type ``iri``."""
        return iri in self.types

    @property
    def first_context(self) -> Any:
        """The first entry of the document's ``@context`` (a JSON-level fact, not RDF)."""
        ctx = self._raw.get("@context")
        return ctx[0] if isinstance(ctx, list) and ctx else ctx

    def _single_ref(self, iri: str) -> tuple[str | None, int]:
        refs = self.root.refs(iri)
        if len(refs) == 1 and refs[0] is not None and not refs[0].startswith("_:"):
            return refs[0], 1
        return None, len(refs)


class CredentialView(_DocumentView):
    """A verifiable credential as signed: issuer, subjects, validity dates, status entries."""

    @property
    def issuer(self) -> str | None:
        """The issuer's id: exactly one issuer that is an absolute IRI, else None."""
        return self._single_ref(vocab.ISSUER)[0]

    @property
    def issuer_count(self) -> int:
        """How many issuer values the credential has (the data model allows exactly one)."""
        return len(self.root.values(vocab.ISSUER))

    @property
    def subjects(self) -> list[Node]:
        """Every credentialSubject node."""
        return [self.root.node(r) for r in self.root.refs(vocab.CREDENTIAL_SUBJECT) if r]

    @property
    def subject_ids(self) -> list[str]:
        """The ids of the subjects that have one."""
        return [s.id for s in self.subjects if not s.is_blank]

    @property
    def subject_count(self) -> int:
        """How many credentialSubject values there are (node or not)."""
        return len(self.root.values(vocab.CREDENTIAL_SUBJECT))

    def dates(self, iri: str) -> list[str | None]:
        """The lexical forms of a date member (None for a value that is not a string literal)."""
        return _lexical(self.root.literals(iri))

    def numbers(self, iri: str) -> list[Any]:
        """The values of a numeric member (JWT ``exp``/``nbf``)."""
        return [lit.value if lit is not None else None for lit in self.root.literals(iri)]

    @property
    def status_entries(self) -> list[tuple[str, Any]]:
        """Every credentialStatus entry as ``(where, JSON object)`` with the status-list member
        names, read from the signed data (a value that is not a node comes as it is)."""
        values = self.root.values(vocab.CREDENTIAL_STATUS)
        out: list[tuple[str, Any]] = []
        for i, value in enumerate(values):
            where = f"credentialStatus[{i}]" if len(values) > 1 else "credentialStatus"
            if isinstance(value, dict) and isinstance(value.get("@id"), str) and len(value) == 1:
                out.append((where, project(self.root.node(value["@id"]), vocab.STATUS_TERMS)))
            else:
                out.append((where, value))
        return out

    def subject_json(self, terms: Mapping[str, str] = vocab.STATUS_TERMS) -> list[dict[str, Any]]:
        """The subjects as JSON objects with the member names of ``terms`` (for status lists)."""
        return [project(s, terms) for s in self.subjects]

    def date_members(self) -> dict[str, Any]:
        """The validity dates the credential has, by their VC member names (one value as
        itself, several as a list)."""
        out: dict[str, Any] = {}
        for name, iri in (
            ("validFrom", vocab.VALID_FROM),
            ("validUntil", vocab.VALID_UNTIL),
            ("issuanceDate", vocab.ISSUANCE_DATE),
            ("expirationDate", vocab.EXPIRATION_DATE),
        ):
            found = self.dates(iri)
            if found:
                out[name] = found[0] if len(found) == 1 else found
        return out

    def summary(self) -> dict[str, Any]:
        """The checked members, for reports and ``--json``."""
        return {
            "id": self.id,
            "type": self.type_names,
            "issuer": self.issuer,
            **self.date_members(),
            "credentialSubject": self.subject_ids,
        }


class PresentationView(_DocumentView):
    """A verifiable presentation as signed: holder and the credentials it carries."""

    @property
    def holder(self) -> str | None:
        """The holder's id: exactly one holder that is an absolute IRI, else None."""
        return self._single_ref(vocab.HOLDER)[0]

    @property
    def holder_count(self) -> int:
        """How many holder values the presentation has (at most one is allowed)."""
        return len(self.root.values(vocab.HOLDER))

    @property
    def credential_count(self) -> int:
        """How many verifiableCredential values the signed presentation holds."""
        return len(self.root.values(vocab.VERIFIABLE_CREDENTIAL_MEMBER))

    def summary(self) -> dict[str, Any]:
        """The checked members, for reports and ``--json``."""
        return {"id": self.id, "type": self.type_names, "holder": self.holder}
