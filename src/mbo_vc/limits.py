"""Safety limits for untrusted input, with defaults a caller can change.

Every limit breach is reported as :class:`~mbo_vc.errors.LimitExceededError` (or its
canonicalisation subclass) in bounded time and memory.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds applied to documents before and during processing."""

    max_document_bytes: int = 2 * 1024 * 1024
    max_json_depth: int = 64
    max_json_nodes: int = 20_000
    """JSON objects and arrays in one document (bounds blank nodes before JSON-LD runs)."""
    max_proofs: int = 16
    max_contexts: int = 16
    max_quads: int = 20_000
    max_image_bytes: int = 16 * 1024 * 1024
    """A baked image (PNG or SVG) read by ``unbake`` (the credential inside it is bounded by
    ``max_document_bytes``)."""
    max_canonicalization_calls: int = 1_000
    """RDFC-1.0 N-degree hash calls (legitimate credentials need 0-20; poison graphs explode)."""


DEFAULT_LIMITS = Limits()
