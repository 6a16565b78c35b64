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


class ModelValidationError(InputError):
    """A value does not fit the OBv3 or mbo model; the message says which field, in the user's
    terms (``crebo must be 5 digits``). ``field`` names the field, ``line`` the input line if any.
    """

    code = "invalid_field"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.field = field
        self.line = line


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


class InvalidDidError(DidError):
    """The DID is malformed for its method (e.g. a did:web that maps to no valid URL)."""

    code = "invalid_did"


class InvalidDidDocumentError(DidError):
    """A DID document (fetched or pinned) is not a usable JSON object."""

    code = "invalid_did_document"


class DidDocumentIdMismatchError(DidError):
    """The DID document's ``id`` is not the DID that was resolved."""

    code = "did_document_id_mismatch"


class VerificationMethodNotFoundError(DidError):
    """The DID document does not contain the requested verification method."""

    code = "vm_not_found"


class DidWebError(DidError):
    """did:web retrieval failed; subclasses say how (the DID is always in the message)."""

    code = "did_web_error"


class DidWebTimeoutError(DidWebError):
    """Connecting to or reading from the did:web host took longer than allowed."""

    code = "did_web_timeout"


class DidWebTooLargeError(DidWebError, LimitExceededError):
    """The did:web response is larger than the size cap (it was not read further)."""

    code = "did_web_too_large"


class DidWebRedirectError(DidWebError):
    """A redirect was refused (another host, not HTTPS, or too many)."""

    code = "did_web_redirect_refused"


class DidWebAddressRefusedError(DidWebError):
    """The host resolves only to private/loopback/link-local addresses the caller did not allow."""

    code = "did_web_address_refused"


class DidWebHttpError(DidWebError):
    """The did:web host answered with an HTTP error status or a malformed HTTP response."""

    code = "did_web_http_error"


class DidWebTlsError(DidWebError):
    """The TLS handshake failed (e.g. the certificate does not verify)."""

    code = "did_web_tls_error"


class DidWebUnreachableError(DidWebError):
    """The did:web host could not be reached (DNS failure, connection refused …)."""

    code = "did_web_unreachable"


class ProofError(MboVcError):
    """A proof could not be created, or its configuration is invalid."""

    code = "invalid_proof"


class UnsupportedCryptosuiteError(ProofError):
    """The proof type / cryptosuite is not supported."""

    code = "unsupported_cryptosuite"


class UsageError(MboVcError):
    """The caller passed arguments that do not fit together."""

    code = "bad_usage"


class StatusListError(MboVcError):
    """A Bitstring Status List (or its entry, list credential or registry) is unusable."""

    code = "status_list_invalid"


class StatusEncodingError(StatusListError):
    """``encodedList`` is not multibase base64url (``u…``, no padding)."""

    code = "status_list_encoding"


class StatusCompressionError(StatusListError):
    """``encodedList`` does not hold one well-formed GZIP stream."""

    code = "status_list_compression"


class StatusListTooShortError(StatusListError):
    """The list has fewer than 131,072 entries (the spec's herd-privacy minimum)."""

    code = "status_list_too_short"


class StatusListTooLargeError(StatusListError, LimitExceededError):
    """The decompressed list exceeds the size limit (e.g. a gzip bomb)."""

    code = "status_list_too_large"


class StatusIndexError(StatusListError):
    """A ``statusListIndex`` (times ``statusSize``) lies outside the list."""

    code = "status_index_out_of_range"


class StatusEntryError(StatusListError):
    """A ``credentialStatus`` entry lacks a required member or has a malformed one."""

    code = "malformed_status_entry"


class StatusFetchError(StatusListError):
    """The status list credential could not be obtained."""

    code = "status_unavailable"


class StatusRegistryError(StatusListError):
    """The issuer's status registry refused an operation (unknown list, full list, …)."""

    code = "status_registry"
