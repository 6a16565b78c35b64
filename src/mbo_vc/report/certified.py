"""What a credential certifies, read from its verified view (never from the input JSON).

The view is the node map of the signed RDF. :func:`certified_json` embeds the nodes the root
refers to (bounded depth, each node once per path, blank-node labels dropped) and compacts that
with the standard contexts (credentials/v2, OBv3 3.0.3, its extensions, mbo-vc), so that the
member names are the standard ones whatever context the document itself used: an alias or a
re-spelling added after signing reads as what it signs. A value the standard contexts cannot give
a plain term (an unexpected datatype) compacts to its full IRI and is then simply not shown.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.jsonld.safe_mode import pyld_options

__all__ = ["STANDARD_CONTEXTS", "certified_json"]

STANDARD_CONTEXTS = [vocab.VC_V2, vocab.OB_CONTEXT, vocab.OB_EXTENSIONS_CONTEXT, vocab.MBO_CONTEXT]
_MAX_DEPTH = 12
_MAX_NODES = 5_000


def _embed(view: CredentialView) -> dict[str, Any]:
    graph = view.nodes.graphs.get("@default", {})
    budget = [_MAX_NODES]

    def value(v: Any, depth: int, path: frozenset[str]) -> Any:
        if isinstance(v, dict) and set(v) == {"@id"} and isinstance(v["@id"], str):
            ref = v["@id"]
            data = graph.get(ref)
            described = data is not None and len(data) > 1
            if described and depth > 0 and ref not in path and budget[0] > 0:
                return node(ref, depth - 1, path | {ref})
            return v
        if isinstance(v, dict) and isinstance(v.get("@list"), list):
            return {"@list": [value(x, depth, path) for x in v["@list"]]}
        return v

    def node(ref: str, depth: int, path: frozenset[str]) -> dict[str, Any]:
        budget[0] -= 1
        out: dict[str, Any] = {}
        for key, values in graph.get(ref, {"@id": ref}).items():
            if key == "@id":
                if not ref.startswith("_:"):
                    out["@id"] = ref
            elif key.startswith("@"):
                out[key] = values
            elif isinstance(values, list):
                out[key] = [value(v, depth, path) for v in values]
        return out

    return node(view.nodes.root_id, _MAX_DEPTH, frozenset({view.nodes.root_id}))


def certified_json(view: CredentialView, loader: DocumentLoader | None = None) -> dict[str, Any]:
    """The credential as signed, as JSON with the standard member names (no proof: the view is
    the proof-less document). Empty when the view cannot be compacted."""
    loader = loader or default_loader()
    try:
        out = jsonld.compact(_embed(view), {"@context": STANDARD_CONTEXTS}, pyld_options(loader))
    except Exception:  # pyld raises many types; a view it cannot compact shows nothing
        return {}
    return out if isinstance(out, dict) else {}
