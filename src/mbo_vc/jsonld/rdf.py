"""RDF Dataset Canonicalization (RDFC-1.0, = URDNA2015) of expanded JSON-LD, within limits.

The reference stack's options: ``base: null``, ``rdfDirection: i18n-datatype``. The N-degree
hashing step has a work budget (poison graphs) and the dataset a quad limit. The expanded form is
an argument, so a document expanded once (for the verified view) is not expanded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from pyld import jsonld as _pyld
from pyld import nquads as _nquads
from pyld.canon import URDNA2015

from mbo_vc.errors import CanonicalizationLimitError, MboVcError
from mbo_vc.jsonld.loader import DocumentLoader, default_loader
from mbo_vc.jsonld.safe_mode import ABSOLUTE_IRI, BLANK_NODE, expand, jsonld_failure
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "canonicalize_dataset",
    "canonicalize_expanded",
    "canonicalize_rdfc",
    "escape_literal",
    "graphs_to_dataset",
    "joined_dataset",
    "raw_triples",
    "to_dataset",
]

# --- canonical N-Quads escaping ---------------------------------------------------------------
# pyld 3.3 escapes only \ \t \n \r and " in literals and writes every other control character
# raw, so a string with, say, a form feed canonicalises (and hashes) differently from
# rdf-canonize and the RDFC-1.0 canonical N-Quads form: a signature made by one stack would not
# verify on the other. The canonical form writes \b \t \n \f \r \" \\ as ECHAR and every other
# character U+0000-U+001F and U+007F as an uppercase UCHAR (rdf-canonize 5, lib/NQuads.js).
# pyld serialises every quad (for hashing and for the output) through
# ``pyld.nquads.escape``, so that one function is replaced; a test checks that pyld's own version
# is still the incomplete one, so that a pyld release that fixes it is noticed.
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ESCAPE = {chr(c): _ECHAR.get(chr(c), f"\\u{c:04X}") for c in [*range(0x20), 0x7F]}
_ESCAPE.update(_ECHAR)
_TO_ESCAPE = str.maketrans(_ESCAPE)
PYLD_ESCAPE = _nquads.escape
"""pyld's own literal escaping (kept for the test that watches for an upstream fix)."""


def escape_literal(value: str) -> str:
    """A literal's lexical form as canonical N-Quads writes it."""
    return value.translate(_TO_ESCAPE)


if not str(_pyld.__version__).startswith("3.3."):  # pragma: no cover - version guard
    raise ImportError(
        "mbo_vc needs pyld 3.3.x (its N-Quads escaping is corrected here); "
        f"found {_pyld.__version__}"
    )
_nquads.escape = escape_literal


class _BoundedURDNA2015(URDNA2015):
    """RDFC-1.0 (URDNA2015) with a work budget on the N-degree hashing step.

    The poison-graph worst case of RDFC-1.0 is exponential in the N-degree step; like
    rdf-canonize's ``maxWorkFactor`` we bound the number of N-degree hash calls.
    """

    def __init__(self, max_calls: int, hash_algorithm: str = "sha256") -> None:
        super().__init__()
        self._budget = max_calls
        self._hash_algorithm = hash_algorithm

    def create_hash(self) -> Any:
        """RDFC-1.0's hash algorithm parameter (§4.4): SHA-256 by default; the ECDSA suites use
        SHA-384 with P-384 keys."""
        return hashlib.new(self._hash_algorithm)

    def modify_first_degree_component(self, id_: str, component: Any, key: str) -> Any:
        # pyld deep-copies the component (a flat dict of strings) for every blank node of every
        # quad it hashes; a shallow copy is the same value at a fraction of the cost
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise CanonicalizationLimitError(
                "RDF canonicalisation exceeded its work budget (possible poison graph)"
            )
        return super().hash_n_degree_quads(id_, issuer)


class _RdfProcessor(_pyld.JsonLdProcessor):
    """pyld's toRdf steps, leaving the node map as it was (it may also be a verified view)."""

    def _list_to_rdf(self, list_: Any, issuer: Any, triples: Any, options: Any) -> Any:
        # pyld pops the list's last item off the node map's own array
        return super()._list_to_rdf(list(list_), issuer, triples, options)


def graphs_to_dataset(graphs: Mapping[str, Any], issuer: Any) -> dict[str, Any]:
    """pyld's RDF dataset form of a node map (``@default`` and named graphs), as ``toRDF``
    makes it; ``issuer`` labels the blank nodes of RDF lists (labels no document holds). The
    node map is not changed.

    Every blank node is then renamed ``_:b0``, ``_:b1`` … as pyld's toRdf names them: the node
    map may keep a document's own labels, and a label that looks canonical (``_:c14n1``) would
    be taken as already issued by pyld's RDFC-1.0 and merge two nodes into one."""
    return joined_dataset([raw_triples(graphs, issuer)])


def raw_triples(graphs: Mapping[str, Any], issuer: Any) -> dict[str, list[Any]]:
    """The triples of each graph of a node map, blank nodes under the node map's own labels (and
    ``issuer``'s for RDF lists); for :func:`joined_dataset`, which renames them."""
    proc = _RdfProcessor()
    options = {
        "produceGeneralizedRdf": False,
        "rdfDirection": "i18n-datatype",
        "processingMode": "json-ld-1.1",
    }
    out: dict[str, list[Any]] = {}
    try:
        for graph_name, graph in sorted(graphs.items()):
            if (
                graph_name == "@default"
                or ABSOLUTE_IRI.match(graph_name)
                or BLANK_NODE.match(graph_name)
            ):
                out[graph_name] = proc._graph_to_rdf(graph, issuer, options)
    except MboVcError:
        raise
    except Exception as exc:
        raise jsonld_failure(exc) from None
    return out


def joined_dataset(parts: Sequence[Mapping[str, list[Any]]]) -> dict[str, Any]:
    """One dataset of the raw triples of one or more node maps of one document (a label shared
    by two parts is one blank node, as in one node map), every blank node renamed ``_:b0``,
    ``_:b1`` …; new triple objects, so the parts can be joined again."""
    renamed = _pyld.IdentifierIssuer("_:b")
    dataset: dict[str, list[Any]] = {}
    for part in parts:
        for graph_name, triples in part.items():
            name = renamed.get_id(graph_name) if graph_name.startswith("_:") else graph_name
            into = dataset.setdefault(name, [])
            for t in triples:
                into.append(
                    {
                        "subject": _renamed(t["subject"], renamed),
                        "predicate": t["predicate"],
                        "object": _renamed(t["object"], renamed),
                    }
                )
    return dataset


def _renamed(component: dict[str, Any], renamed: Any) -> dict[str, Any]:
    # a new dict: pyld shares one between the triples of an RDF list, and RDFC-1.0 relabels
    # blank nodes in place
    if component["type"] != "blank node":
        return component
    return {"type": "blank node", "value": renamed.get_id(component["value"])}


def to_dataset(
    expanded: list[dict[str, Any]], loader: DocumentLoader | None = None
) -> dict[str, Any]:
    """Convert expanded JSON-LD to pyld's RDF dataset form (as ``jsonld.toRDF`` does).

    ``loader`` is not used (toRdf loads nothing); it is accepted for earlier callers."""
    issuer = _pyld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    try:
        _pyld.JsonLdProcessor()._create_node_map(expanded, node_map, "@default", issuer)
    except MboVcError:
        raise
    except Exception as exc:
        raise jsonld_failure(exc) from None
    return graphs_to_dataset(node_map, issuer)


def canonicalize_dataset(
    dataset: dict[str, Any], *, limits: Limits = DEFAULT_LIMITS, hash_algorithm: str = "sha256"
) -> str:
    """The RDFC-1.0 canonical N-Quads of a dataset in pyld's form (its blank-node labels do not
    matter), within the quad limit and the N-degree work budget."""
    if hash_algorithm not in ("sha256", "sha384"):
        raise ValueError(f"unsupported RDFC-1.0 hash algorithm {hash_algorithm!r}")
    quads = sum(len(v) for v in dataset.values())
    if quads > limits.max_quads:
        raise CanonicalizationLimitError(
            f"document produces {quads} RDF quads, more than the limit of {limits.max_quads}"
        )
    try:
        result = _BoundedURDNA2015(limits.max_canonicalization_calls, hash_algorithm).main(
            dataset, {"format": "application/n-quads"}
        )
    except MboVcError:
        raise
    except Exception as exc:
        raise jsonld_failure(exc) from None
    return str(result)


def canonicalize_expanded(
    expanded: list[dict[str, Any]],
    loader: DocumentLoader | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    hash_algorithm: str = "sha256",
) -> str:
    """The RDFC-1.0 canonical N-Quads of an already expanded (and safe-mode checked) document.

    ``hash_algorithm`` is RDFC-1.0's hash parameter (``sha256``, or ``sha384``)."""
    return canonicalize_dataset(to_dataset(expanded), limits=limits, hash_algorithm=hash_algorithm)


def canonicalize_rdfc(
    document: Mapping[str, Any],
    loader: DocumentLoader | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of ``document`` (safe mode, offline loader)."""
    loader = loader or default_loader()
    return canonicalize_expanded(expand(document, loader), loader, limits=limits)
