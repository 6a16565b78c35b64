"""OpenID for Verifiable Credentials as message helpers (no web server of our own).

- :mod:`~mbo_vc.oid4vc.issuance`: OID4VCI 1.0 — Credential Issuer Metadata, Credential Offers
  (pre-authorized code flow), Credential Request and key proof (``openid4vci-proof+jwt``)
  validation;
- :mod:`~mbo_vc.oid4vc.dcql`: the Digital Credentials Query Language of OID4VP 1.0 §6 (queries
  for a waardepapier, validation, claims path pointers);
- :mod:`~mbo_vc.oid4vc.presentation`: OID4VP 1.0 — the Authorization Request and validation
  of the response (``vp_token``, ``state``, nonce, audience), each presentation checked by the
  verifier the caller gives for its format.

Typed, pure functions: a school's service or an employer's verifier calls them from its own
endpoints. The SD-JWT VC type of a waardepapier is ``https://w3id.org/mbo-vc/vct/<kind>/v1``
(:func:`~mbo_vc.oid4vc.issuance.vct_for`, from :data:`mbo_vc.mbo.sd_jwt_vc.VCT`: one source).
"""

from mbo_vc.oid4vc.dcql import select_claims, validate_dcql_query, waardepapier_query
from mbo_vc.oid4vc.issuance import (
    FORMAT_SD_JWT_VC,
    PRE_AUTHORIZED_CODE_GRANT,
    PROOF_TYP,
    CredentialRequestResult,
    MemoryNonceStore,
    NonceStore,
    credential_configuration,
    credential_issuer_metadata,
    credential_offer,
    credential_offer_uri,
    parse_credential_offer,
    validate_credential_request,
    validate_issuer_metadata,
    vct_for,
)
from mbo_vc.oid4vc.presentation import (
    AuthorizationResponseResult,
    PresentationCheck,
    PresentationContext,
    PresentationVerifier,
    authorization_request,
    mbo_vc_presentation_verifier,
    mbo_vc_sd_jwt_verifier,
    validate_authorization_response,
)

__all__ = [
    "FORMAT_SD_JWT_VC",
    "PRE_AUTHORIZED_CODE_GRANT",
    "PROOF_TYP",
    "AuthorizationResponseResult",
    "CredentialRequestResult",
    "MemoryNonceStore",
    "NonceStore",
    "PresentationCheck",
    "PresentationContext",
    "PresentationVerifier",
    "authorization_request",
    "credential_configuration",
    "credential_issuer_metadata",
    "credential_offer",
    "credential_offer_uri",
    "mbo_vc_presentation_verifier",
    "mbo_vc_sd_jwt_verifier",
    "parse_credential_offer",
    "select_claims",
    "validate_authorization_response",
    "validate_credential_request",
    "validate_dcql_query",
    "validate_issuer_metadata",
    "vct_for",
    "waardepapier_query",
]
