"""The node map of an expanded JSON-LD document: the RDF graph it denotes, node by node.

JSON-LD lets one node be spelled in many places (an alias, a ``@nest``ed block, an index or id
map, ``@included``, a reverse property, the same ``@id`` twice); expansion plus node-map
generation (JSON-LD 1.1 API §7.2, pyld's implementation) puts every property of a node back on
that node, whatever the JSON looked like. What is read from a :class:`NodeMap` is therefore what
the RDF, and so a Data Integrity signature, covers.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections.abc import Iterator
from typing import Any

from pyld import jsonld as _pyld

from mbo_vc.errors import InputError, MboVcError
from mbo_vc.jsonld.safe_mode import jsonld_failure

__all__ = ["Literal", "Node", "NodeMap", "fresh_issuer", "is_one_node", "node_map"]

DEFAULT_GRAPH = "@default"

_PYLD_HAS_VALUE = _pyld.JsonLdProcessor.has_value
_ACTIVE = threading.local()


def _value_key(value: Any) -> tuple[Any, ...] | None:
    """A hashable key that two node-map values share exactly when pyld's ``compare_values``
    finds them equal (same ``@value``/``@type``/``@language``/``@index``, or same ``@id``);
    None for a value that only a scan can compare (a JSON literal, a list object …)."""
    if not isinstance(value, dict):
        return None
    if "@value" in value:
        lexical = value["@value"]
        if isinstance(lexical, bool):
            tagged: tuple[Any, ...] = ("b", lexical)  # pyld: True is not 1
        elif isinstance(lexical, str | int) or (
            isinstance(lexical, float) and math.isfinite(lexical)
        ):
            tagged = ("v", lexical)  # pyld: 1 == 1.0
        else:
            return None
        rest = (value.get("@type"), value.get("@language"), value.get("@index"))
        if not all(r is None or isinstance(r, str) for r in rest):
            return None
        return ("@value", *rest, tagged)
    node_id = value.get("@id")
    return ("@id", node_id) if isinstance(node_id, str) else None


def _has_value(subject: Any, property: Any, value: Any) -> bool:
    """pyld's ``has_value`` in constant time while :func:`node_map` runs (pyld scans the whole
    value list for every value it adds, so a property with n values took n² comparisons: a
    credential with 10,000 values of one property took minutes); the same answers."""
    index: dict[int, list[Any]] | None = getattr(_ACTIVE, "index", None)
    values = subject.get(property) if isinstance(subject, dict) else None
    key = _value_key(value)
    if index is None or key is None or not isinstance(values, list):
        return bool(_PYLD_HAS_VALUE(subject, property, value))
    entry = index.get(id(values))
    if entry is None or entry[0] is not values:
        entry = [values, set(), 0]
        index[id(values)] = entry
    keys: set[tuple[Any, ...]] = entry[1]
    for item in values[entry[2] :]:  # node-map generation only appends to these lists
        item_key = _value_key(item)
        if item_key is not None:
            keys.add(item_key)
    entry[2] = len(values)
    # an item without a key (JSON literal, list, node without @id) never equals a keyed value
    return key in keys


_pyld.JsonLdProcessor.has_value = staticmethod(_has_value)


class _KeepLabels:
    """A blank-node issuer that keeps the document's labels and invents unguessable new ones.

    (pyld's own issuer renames every label; keeping them lets the caller find a node again.)
    """

    def __init__(self) -> None:
        self._prefix = f"_:mbovc{secrets.token_hex(6)}n"
        self._count = 0

    def get_id(self, old: str | None = None) -> str:
        if old is not None:
            return old
        self._count += 1
        return f"{self._prefix}{self._count}"


def fresh_issuer() -> Any:
    """A blank-node issuer whose new labels no document can hold (for the RDF lists of a
    dataset made from a :class:`NodeMap`, whose own labels are kept)."""
    return _KeepLabels()


class Literal:
    """An RDF literal: its JSON value (lexical form or native number), datatype, language."""

    __slots__ = ("datatype", "language", "value")

    def __init__(self, value: Any, datatype: Any = None, language: Any = None) -> None:
        self.value = value
        self.datatype = datatype if isinstance(datatype, str) else None
        self.language = language if isinstance(language, str) else None

    def __repr__(self) -> str:
        return f"Literal({str(self.value)[:60]!r}, {self.datatype!r})"


class Node:
    """One node of one graph, with every property the document gives it (merged)."""

    __slots__ = ("_data", "graph", "map")

    def __init__(self, nodes: NodeMap, graph: str, data: dict[str, Any]) -> None:
        self.map = nodes
        self.graph = graph
        self._data = data

    @property
    def id(self) -> str:
        """The node's IRI or blank-node label."""
        return str(self._data["@id"])

    @property
    def is_blank(self) -> bool:
        """True for a blank node (no IRI of its own)."""
        return self.id.startswith("_:")

    @property
    def types(self) -> tuple[str, ...]:
        """The node's ``@type`` IRIs (``rdf:type``)."""
        return tuple(t for t in self._data.get("@type", ()) if isinstance(t, str))

    def properties(self) -> Iterator[str]:
        """The property IRIs the node has (keywords excluded)."""
        return (k for k in self._data if not k.startswith("@"))

    def values(self, iri: str) -> list[Any]:
        """The expanded values of property ``iri`` (node references, value objects, lists)."""
        found = self._data.get(iri)
        return list(found) if isinstance(found, list) else []

    def refs(self, iri: str) -> list[str | None]:
        """The ids the values of ``iri`` refer to; None for a value that is not a node
        reference (a literal or a list), so callers can refuse what they cannot read."""
        out: list[str | None] = []
        for v in self.values(iri):
            ok = isinstance(v, dict) and isinstance(v.get("@id"), str) and len(v) == 1
            out.append(v["@id"] if ok else None)
        return out

    def literals(self, iri: str) -> list[Literal | None]:
        """The literal values of ``iri``; None for a value that is not a literal."""
        out: list[Literal | None] = []
        for v in self.values(iri):
            if isinstance(v, dict) and "@value" in v:
                out.append(Literal(v["@value"], v.get("@type"), v.get("@language")))
            else:
                out.append(None)
        return out

    def has(self, iri: str) -> bool:
        """True when the node has at least one value for ``iri``."""
        return bool(self.values(iri))

    def node(self, ref: str) -> Node:
        """The node ``ref`` of this node's graph (an empty node when it has no properties)."""
        return self.map.node(ref, self.graph)

    def graph_of(self, value: Any) -> str | None:
        """The graph a value of a ``@graph``-container property names (None if it names none)."""
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            ref = value["@id"]
            if ref in self.map.graphs and ref != DEFAULT_GRAPH:
                return str(ref)
        return None

    def __repr__(self) -> str:
        return f"Node({self.id[:80]!r}, graph={self.graph[:40]!r})"


class NodeMap:
    """Every graph of a document (``@default`` and named graphs), each a map id → node."""

    def __init__(self, graphs: dict[str, dict[str, dict[str, Any]]], root: str) -> None:
        self.graphs = graphs
        self.root_id = root

    @property
    def root(self) -> Node:
        """The document's top-level node (the credential or presentation itself)."""
        return self.node(self.root_id)

    def node(self, node_id: str, graph: str = DEFAULT_GRAPH) -> Node:
        """The node ``node_id`` of ``graph`` (an empty node when it has no properties there)."""
        data = self.graphs.get(graph, {}).get(node_id)
        return Node(self, graph, data if data is not None else {"@id": node_id})

    def nodes(self, graph: str = DEFAULT_GRAPH) -> list[Node]:
        """Every node of ``graph``."""
        return [Node(self, graph, data) for data in self.graphs.get(graph, {}).values()]

    def graph_roots(self, graph: str) -> list[Node]:
        """The nodes of ``graph`` that no other node of the same graph refers to."""
        members = self.graphs.get(graph, {})
        referenced: set[str] = set()
        for data in members.values():
            for key, values in data.items():
                if key.startswith("@") or not isinstance(values, list):
                    continue
                for v in values:
                    if isinstance(v, dict) and isinstance(v.get("@id"), str):
                        if v["@id"] != data["@id"]:
                            referenced.add(v["@id"])
        return [Node(self, graph, d) for k, d in members.items() if k not in referenced]


def is_one_node(expanded: Any) -> bool:
    """True when an expansion is one top-level node object (what :func:`node_map` takes)."""
    if not isinstance(expanded, list) or len(expanded) != 1:
        return False
    top = expanded[0]
    return isinstance(top, dict) and "@value" not in top and "@list" not in top


def node_map(expanded: list[dict[str, Any]]) -> NodeMap:
    """The node map of an expanded document that is one top-level node.

    Raises :class:`~mbo_vc.errors.InputError` when the document is not one node (for example a
    top-level ``@graph`` of several nodes): then nothing says which node the document is.
    """
    if not is_one_node(expanded):
        if isinstance(expanded, list) and len(expanded) == 1:
            raise InputError("the document's top level is not a node object")
        count = len(expanded) if isinstance(expanded, list) else 0
        raise InputError(
            f"the document expands to {count} top-level nodes; a credential or presentation "
            "is exactly one node"
        )
    top = expanded[0]
    issuer = _KeepLabels()
    if not isinstance(top.get("@id"), str):
        top = {**top, "@id": issuer.get_id(None)}
    graphs: dict[str, dict[str, dict[str, Any]]] = {DEFAULT_GRAPH: {}}
    _ACTIVE.index = {}
    try:
        _pyld.JsonLdProcessor()._create_node_map([top], graphs, DEFAULT_GRAPH, issuer)
    except MboVcError:
        raise
    except Exception as exc:  # pyld raises its own types (e.g. conflicting indexes)
        raise jsonld_failure(exc) from None
    finally:
        _ACTIVE.index = None
    return NodeMap(graphs, str(top["@id"]))
