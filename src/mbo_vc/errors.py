"""The one exception hierarchy of mbo_vc.

Every error the library raises on purpose derives from :class:`MboVcError` and carries a stable,
machine-readable ``code`` (the same codes that :class:`mbo_vc.verify.Problem` uses), so callers
can branch on ``err.code`` and never on message text. Messages never contain private key material.
"""

from __future__ import annotations


class MboVcError(Exception):
    """Root of every error mbo_vc raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0]) if self.args else ""


class InputError(MboVcError):
    """The input is not a usable document: not JSON, not an object, or malformed."""

    code = "malformed_document"


class LimitExceededError(InputError):
    """The input exceeds a configured safety limit (size, depth, count, work)."""

    code = "limit_exceeded"


class ContextError(MboVcError):
    """A JSON-LD context could not be served by the offline loader."""

    code = "unknown_context"


class UnknownContextError(ContextError):
    """The context URL is neither bundled nor registered by the caller."""

    code = "unknown_context"


class ContextIntegrityError(ContextError):
    """A bundled or registered context does not match its pinned sha256."""

    code = "context_integrity"


class CanonicalizationError(MboVcError):
    """JSON-LD expansion or RDF canonicalisation failed."""

    code = "canonicalization_failed"


class SafeModeError(CanonicalizationError):
    """The document would lose data in JSON-LD processing (safe mode refused it).

    Codes: ``dropped_term`` (a term the context does not define), ``relative_iri`` (a relative
    IRI where an absolute one is needed), ``invalid_value`` (a value JSON-LD would drop or cannot
    represent).
    """

    code = "dropped_term"


class CanonicalizationLimitError(CanonicalizationError, LimitExceededError):
    """RDF canonicalisation exceeded its work budget (poison graph)."""

    code = "canonicalization_limit"


class KeyFormatError(MboVcError):
    """A key, multibase or multicodec value is malformed or of the wrong type."""

    code = "invalid_key"


class DidError(MboVcError):
    """A DID or DID URL could not be resolved or dereferenced."""

    code = "did_resolution_failed"


class UnsupportedDidMethodError(DidError):
    """The DID method is not supported by the resolver."""

    code = "unsupported_did_method"


class ProofError(MboVcError):
    """A proof could not be created, or its configuration is invalid."""

    code = "invalid_proof"


class UnsupportedCryptosuiteError(ProofError):
    """The proof type / cryptosuite is not supported."""

    code = "unsupported_cryptosuite"


class UsageError(MboVcError):
    """The caller passed arguments that do not fit together."""

    code = "bad_usage"
