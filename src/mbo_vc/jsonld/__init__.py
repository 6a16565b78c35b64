"""JSON-LD processing: the offline pinned loader, safe-mode expansion, RDFC-1.0, node maps.

- :mod:`~mbo_vc.jsonld.loader`: contexts come only from bundled, sha256-pinned files plus those a
  caller registers for one loader; nothing is ever fetched;
- :mod:`~mbo_vc.jsonld.safe_mode`: expansion that refuses what JSON-LD would silently drop;
- :mod:`~mbo_vc.jsonld.rdf`: RDF Dataset Canonicalization (RDFC-1.0) within work limits;
- :mod:`~mbo_vc.jsonld.nodes`: the node map (the RDF graph, node by node) that verified views
  are read from.
"""

from mbo_vc.jsonld.loader import (
    EDUCREDENTIAL_CONTEXT,
    DocumentLoader,
    PinnedContext,
    bundled_contexts_dir,
    default_loader,
    read_pinned_folder,
)
from mbo_vc.jsonld.nodes import Literal, Node, NodeMap, node_map
from mbo_vc.jsonld.rdf import canonicalize_expanded, canonicalize_rdfc, to_dataset
from mbo_vc.jsonld.safe_mode import expand

__all__ = [
    "EDUCREDENTIAL_CONTEXT",
    "DocumentLoader",
    "Literal",
    "Node",
    "NodeMap",
    "PinnedContext",
    "bundled_contexts_dir",
    "canonicalize_expanded",
    "canonicalize_rdfc",
    "default_loader",
    "expand",
    "node_map",
    "read_pinned_folder",
    "to_dataset",
]
