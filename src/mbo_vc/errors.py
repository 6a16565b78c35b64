"""The one exception hierarchy of mbo_vc and the one list of codes.

Every error the library raises on purpose derives from :class:`MboVcError` and carries a stable,
machine-readable ``code``. Each class has exactly one code and an instance always carries its
class's code, so callers can branch on the class or on ``err.code`` and never on message text.
:data:`CODES` lists every code an exception or a verification result can carry (the table in
docs/verification.md is generated from it and a test keeps both in step).

Messages never contain private key material: :func:`redact` removes anything that looks like a
secret key (multibase secret keys, also inside ``did:key:``, and private JWK members) from every
exception message and every verification problem, wherever the text came from.
"""

from __future__ import annotations

import re

import base58

__all__ = ["CODES", "WARNING_CODES", "MboVcError", "error_class_for", "redact", "redact_json"]

CODES: dict[str, str] = {
    # input
    "malformed_document": "the input is not a usable JSON object, JWT or document",
    "duplicate_key": "the JSON has a duplicate member",
    "invalid_number": "a JSON number that parsers disagree on",
    "limit_exceeded": "the input exceeds a safety limit",
    "invalid_date": "a date is not a valid XML Schema dateTimeStamp (or a JWT NumericDate)",
    "invalid_field": "a field does not fit the OBv3 / mbo model (the message names it)",
    "internal_error": "an unexpected error inside mbo_vc (a bug: please report it)",
    "bad_usage": "the caller passed arguments that do not fit together",
    # JSON-LD
    "unknown_context": "a JSON-LD context that is neither bundled nor registered",
    "context_integrity": "a pinned context does not match its sha256",
    "canonicalization_failed": "RDF canonicalisation failed",
    "invalid_jsonld": "JSON-LD processing failed",
    "invalid_term_definition": "a context the document names has a term definition JSON-LD 1.1 "
    "refuses (Create Term Definition; e.g. educredential.json's supervisionType has context for "
    "@context): no JSON-LD 1.1 processor (jsonld.js, pyld) can read the document",
    "dropped_term": "a term the context does not define (JSON-LD would drop it unsigned)",
    "relative_iri": "a relative IRI where an absolute one is needed",
    "invalid_value": "a value JSON-LD would drop or cannot represent",
    "protected_term_redefinition": "a context redefines a protected term",
    "canonicalization_limit": "RDF canonicalisation exceeded its work budget",
    # keys and DIDs
    "invalid_key": "a key is malformed, of the wrong type, or weak (e.g. of small order)",
    "key_suite_mismatch": "the key's type or curve does not fit the cryptosuite it is used "
    "with (e.g. a P-256 key for eddsa-rdfc-2022, a P-521 key for ecdsa-rdfc-2019)",
    "invalid_key_uri": "a key reference is not one mbo_vc can use: a pkcs11: URI (RFC 7512: "
    "unknown or repeated attribute, bad percent-encoding, no object or id, no module) or an "
    "aws-kms: reference (not a KMS key or alias ARN, alias or key id without region=, a "
    "parameter other than region)",
    "signer_unavailable": "signing with an HSM or KMS needs its optional extra: mbo-vc[pkcs11] "
    "(python-pkcs11) or mbo-vc[kms] (boto3)",
    "signer_failed": "the HSM or KMS did not sign: module, token, key object, PIN or mechanism "
    "refused, or KMS refused the request (access denied, throttled, not an ECC_NIST_P256/P384 "
    "signing key); the message names which, never the PIN or a credential",
    "did_resolution_failed": "a DID could not be resolved",
    "unsupported_did_method": "the DID method is not supported (or needs --online)",
    "invalid_did": "the DID is malformed for its method",
    "invalid_did_document": "a DID document is not a usable JSON object",
    "did_document_id_mismatch": "the DID document's id is not the DID that was resolved",
    "vm_not_found": "the DID document does not contain the verification method",
    "did_web_error": "did:web retrieval failed",
    "did_web_timeout": "the did:web host took longer than allowed",
    "did_web_too_large": "the did:web response is larger than the size cap",
    "did_web_redirect_refused": "a did:web redirect was refused (other host, not HTTPS, too many)",
    "did_web_address_refused": "the did:web host resolves only to addresses that are not allowed",
    "did_web_http_error": "the did:web host answered with an HTTP error or malformed response",
    "did_web_tls_error": "the TLS handshake with the did:web host failed",
    "did_web_unreachable": "the did:web host could not be reached",
    "network_error": "an HTTPS request failed",
    "network_timeout": "an HTTPS request took longer than allowed",
    "network_too_large": "an HTTPS response is larger than the size cap",
    "network_redirect_refused": "an HTTPS redirect was refused (other host, not HTTPS, too many)",
    "network_address_refused": "the host resolves only to addresses that are not allowed",
    "network_http_error": "the host answered with an HTTP error status or malformed response",
    "network_tls_error": "the TLS handshake failed (e.g. the certificate does not verify)",
    "network_unreachable": "the host could not be reached",
    # structure (VC Data Model 2.0 §4, VC 1.1; mbo_vc.data_model.rules)
    "data_model_violation": "the document breaks a rule of the VC Data Model",
    "invalid_context": "the first @context is not credentials/v2 (or v1 for VC 1.1)",
    "not_a_credential": "the document is not a verifiable credential (type, or a presentation)",
    "not_a_presentation": "the document is not a verifiable presentation",
    "invalid_id": "an id is present but is not a single URL",
    "missing_issuer": "the credential has no (single, absolute) issuer",
    "missing_subject": "the credential has no credentialSubject, or one that makes no claim",
    "missing_issuance_date": "a VC 1.1 credential has no issuanceDate",
    "invalid_validity_period": "validFrom is later than validUntil",
    "missing_object_type": "a credentialStatus, termsOfUse, evidence, refreshService, "
    "credentialSchema or proof object has no type",
    "missing_object_id": "a credentialSchema (or relatedResource) object has no URL id",
    "invalid_related_resource": "a relatedResource entry is not an object with a unique URL id "
    "and a digestSRI or digestMultibase",
    "related_resource_digest_mismatch": "a relatedResource digest does not match the resource "
    "mbo_vc holds for that URL",
    "related_resource_not_checked": "(warning) a relatedResource digest could not be checked "
    "(mbo_vc does not hold the served bytes of that resource)",
    "invalid_holder": "the presentation's holder is not a single URL (or object with id)",
    "schema_invalid": "the credential does not validate against the JSON Schema it names",
    "schema_not_checked": "(warning) the credential names a credentialSchema mbo_vc does not "
    "ship (it is never fetched)",
    "missing_holder": "the presentation names no holder, and the verifier's policy requires one",
    "hidden_credential": "the signed data of a presentation (or a CLR) holds credentials its JSON "
    "does not show",
    "embedded_credential_invalid": "a credential embedded in a CLR (credentialSubject."
    "verifiableCredential) does not verify; its own report says why",
    "invalid_envelope": "an enveloped credential is not a data: URL of a supported media type",
    # proofs
    "no_proof": "the document has no proof",
    "malformed_proof": "a proof lacks a required member or has a malformed one",
    "unsupported_cryptosuite": "the proof type or cryptosuite is not supported or not accepted",
    "proof_type_mismatch": "the proof type does not go with its cryptosuite",
    "context_mismatch": "the proof's @context does not match the document's",
    "missing_previous_proof": "a proof chain refers to a proof that is not present",
    "embedded_verification_method": "the proof embeds its key instead of referencing it",
    "invalid_signature": "the signature does not verify",
    "sd_base_proof": "an ecdsa-sd-2023 base proof reached the verifier: it is meant for the "
    "holder, who derives a proof from it; verifiers verify derived proofs only (vc-di-ecdsa §3.6)",
    "invalid_signature_encoding": "the signature is not in its suite's encoding (ECDSA: IEEE "
    "P1363 r‖s of the curve's length, not DER; r and s in range)",
    "high_s_signature": "(warning) an ECDSA signature has a high S value: valid, but malleable "
    "(its low-S twin verifies too); mbo_vc itself always signs low-S",
    "vm_unresolvable": "the verification method could not be resolved",
    "vm_not_authorized": "the key is not authorized by the issuer (or holder) for this purpose",
    "proof_purpose_mismatch": "the proof purpose is not the one expected",
    "challenge_mismatch": "the proof's challenge is missing or not the expected one",
    "domain_mismatch": "the proof's domain is missing or not the expected one",
    "proof_expired": "the proof's expires time has passed",
    "proof_not_yet_valid": "(warning) the proof's created time lies in the future",
    "duplicate_proof": "(warning) the same proof appears more than once; it counts once",
    # JOSE
    "jwt_malformed": "not a well-formed compact JWS/JWT, or an unsupported or unlisted crit",
    "jwt_alg_not_allowed": "the JWS alg is none, HMAC, not accepted, or does not fit the key",
    "jwt_bad_type": "the JOSE typ/cty is not the expected media type (vc+jwt, vp+jwt, JWT)",
    "jwt_kid_mismatch": "the JWS kid does not name a verification method of the issuer/holder",
    "jwt_claim_mismatch": "a JWT claim contradicts the credential (iss vs issuer, jti vs id …)",
    "jwt_forbidden_claim": "a vc+jwt / vp+jwt payload carries the VC 1.1 vc or vp claim",
    # validity and policy
    "not_yet_valid": "the credential's validFrom (issuanceDate, nbf) lies in the future",
    "expired": "the credential's validUntil (expirationDate, exp) has passed",
    "untrusted_issuer": "the issuer is not on the verifier's list of trusted issuers",
    "missing_type": "a credential type the verifier requires is missing",
    "holder_mismatch": "a presented credential's subject is not the presentation's holder",
    "missing_signer": "a required signer (e.g. examencommissie, bevoegd gezag) has no valid proof",
    "proof_chain_broken": "the bevoegd gezag's proof does not chain to the examencommissie's proof",
    "issuer_not_on_trust_list": "the issuer is not on the verifier's trust list "
    "(docs/trust-list.md)",
    "type_not_allowed_for_issuer": "the trust list does not let the issuer issue this kind of "
    "waardepapier (or the credential is not a waardepapier it can authorize)",
    "issuer_identifier_mismatch": "the BRIN or OIN the signed issuer profile claims is not the "
    "one the trust list gives that issuer",
    "mbo_rules_not_checked": "(warning) the mbo rules (both signers, crebo/niveau shapes, the "
    "mbo/OBv3 schema) were switched off for a waardepapier (mbo_rules=False, --no-mbo-rules), or "
    "its two signers cannot be checked (a vc+jwt, vc+sd-jwt or SD-JWT VC carries one signature)",
    "trust_list_invalid": "the trust list cannot be used (its proof by the pinned trust anchor, "
    "its dates or its status do not verify, or it is malformed): nothing is trusted",
    # OpenID Federation 1.0 trust (mbo_vc.federation, docs/trust-federation.md)
    "federation_chain_invalid": "a statement of the OpenID Federation trust chain does not "
    "verify (signature, typ, iss/sub chaining, iat/exp, crit, constraints, malformed): nothing "
    "is trusted",
    "federation_untrusted": "no trust chain leads from the issuer's federation entity to the "
    "pinned trust anchor (no entity id for the issuer, authority_hints lead elsewhere, a loop or "
    "too long a path, not a credential issuer)",
    "federation_unavailable": "an entity statement of the trust chain could not be obtained "
    "(not in the --federation-dir folder, or the HTTPS fetch failed): the issuer is not trusted",
    "federation_policy_violation": "the issuer's metadata breaks a metadata_policy of the trust "
    "chain, the policies cannot be combined, or a critical policy operator is not understood",
    "trust_mark_missing": "the issuer's entity configuration carries no trust mark of a type "
    "the verifier requires",
    "trust_mark_invalid": "a required trust mark does not verify (typ, signature, sub, expired, "
    "or its issuer is not one the trust anchor lists in trust_mark_issuers)",
    # status
    "revoked": "a revocation status entry is set: the issuer revoked the credential",
    "suspended": "a suspension status entry is set: the credential is suspended",
    "status_message": "a message status entry has a non-zero value (the message says which)",
    "status_unavailable": "a status entry could not be checked (no status source given, list "
    "unobtainable, unverifiable or unsupported): the credential's status is unknown",
    "status_list_issuer_mismatch": "the status list credential's issuer is not the credential's",
    "status_index_out_of_range": "a statusListIndex (times statusSize) lies outside its list",
    "malformed_status_entry": "a credentialStatus entry lacks a required member or is malformed",
    "status_not_checked": "(warning) status checking was switched off (check_status=False, "
    "--no-status), or a set status has a purpose that does not fail verification (refresh)",
    "status_policy_relaxed": "(warning) a status list was accepted only because a named "
    "status policy switch relaxes the strict default",
    "status_list_invalid": "a status list credential or its bitstring is unusable",
    "status_list_encoding": "encodedList is not multibase base64url (a Token Status List's lst: "
    "not base64url)",
    "status_list_compression": "encodedList does not hold one well-formed GZIP stream (a Token "
    "Status List's lst: not one ZLIB stream)",
    "status_list_too_short": "the status list has fewer entries than the minimum (131,072)",
    "status_list_too_large": "the decompressed status list exceeds the size limit",
    "status_registry": "the issuer's status registry refused an operation",
    "status_list_full": "a status list has no free index left (the registry opens the next "
    "list of its series)",
    "status_publish_failed": "a status list file could not be written (full disk, read-only "
    "folder); the registry is unchanged",
    # images (Open Badges 3.0 baking, OBv3 §5.3) and rendering
    "image_malformed": "a baked image is not a well-formed PNG or SVG (signature, chunk "
    "structure, CRC, XML), or the SVG has a DTD or entity declaration",
    "image_not_baked": "the image carries no Open Badges 3.0 credential",
    "image_already_baked": "the image already carries a credential (unbake it first)",
    "multiple_baked_credentials": "the image carries more than one Open Badges credential "
    "(OBv3 §5.3 allows exactly one)",
    "baked_too_large": "the image, or the credential baked into it, exceeds the size limit",
    "render_unavailable": "the PDF and PNG renderings need the optional extra mbo_vc[render] "
    "(reportlab, pypdfium2)",
    "status_list_token_invalid": "a Token Status List (statuslist+jwt) is unusable: typ, alg, "
    "key, signature, sub, iat/exp/ttl or its status_list claim",
    "status_list_stale": "a Token Status List is older than its ttl (iat + ttl has passed): a "
    "newer list should exist, fetch it",
    "status_value_unknown": "a Token Status List gives a status other than VALID (0x00), "
    "INVALID (0x01) or SUSPENDED (0x02): application-specific or reserved, so the credential "
    "is not known to be valid",
    # OpenID for Verifiable Credential Issuance 1.0 (the codes are its error codes)
    "invalid_issuer_metadata": "OID4VCI Credential Issuer Metadata lack a required member or "
    "have a malformed one",
    "invalid_credential_offer": "an OID4VCI Credential Offer lacks a required member or has a "
    "malformed one",
    "invalid_credential_request": "an OID4VCI Credential Request is malformed (missing, "
    "unsupported or repeated parameters)",
    "unknown_credential_configuration": "the Credential Request names a credential "
    "configuration the issuer does not offer",
    "invalid_proof": "an OID4VCI key proof is missing or invalid (typ, alg, key, signature, "
    "aud, iat)",
    "invalid_nonce": "an OID4VCI key proof's nonce is missing, unknown or already used: fetch "
    "a new c_nonce",
    # OpenID for Verifiable Presentations 1.0
    "invalid_dcql_query": "a DCQL query (OID4VP §6) lacks a required member or has a malformed one",
    "invalid_authorization_request": "an OID4VP Authorization Request is malformed",
    "invalid_vp_token": "an OID4VP response's vp_token is not an object of arrays of "
    "presentations keyed by credential query id",
    "state_mismatch": "the OID4VP response's state is not the request's",
    "credential_missing": "the vp_token lacks a presentation the DCQL query requires",
    "credential_unexpected": "the vp_token carries a presentation the DCQL query did not ask "
    "for (or more than one where multiple is false)",
    "format_not_supported": "no verifier was given for a credential format the response uses",
    "presentation_invalid": "a presentation in the vp_token did not verify (its verifier's "
    "problems follow)",
    "credential_query_mismatch": "a presented credential does not match its DCQL credential "
    "query (vct_values, type_values, claims)",
    "claims_not_checked": "(warning) the verifier of this format reports no claims, so the "
    "DCQL claims query was not checked against the presentation",
    # SD-JWT (RFC 9901) and SD-JWT VC (mbo_vc.sd_jwt, mbo_vc.sd_jwt_vc)
    "sd_jwt_malformed": "not a well-formed SD-JWT (compact form <JWT>~<disclosure>~…~[<KB-JWT>])",
    "disclosure_malformed": "a disclosure is not base64url of a JSON array [salt, name, value] or "
    "[salt, value] with a string salt and a permitted claim name (not _sd, ... or _sd_alg)",
    "disclosure_duplicate": "the same disclosure is presented twice, or a digest occurs twice in "
    "the SD-JWT (e.g. a disclosure's digest collides with a decoy or another digest)",
    "disclosure_unreferenced": "a presented disclosure is referenced by no digest in the SD-JWT",
    "disclosure_misplaced": "a disclosure is used where it does not fit: an array-element "
    "disclosure in _sd, an object-property one in a ... entry, or a claim name the object "
    "already has",
    "sd_structure_invalid": "the SD-JWT payload misuses _sd, ... or _sd_alg (_sd not an array of "
    "digest strings, a ... entry with other members, _sd_alg below the top level)",
    "sd_member_withheld": "a vc+sd-jwt / vp+sd-jwt withholds a selectively disclosable element "
    "of an @context or type array (at any level): the remaining claims would be read under term "
    "definitions other than the signed ones, so the credential is not read",
    "sd_alg_unsupported": "the _sd_alg hash algorithm is not supported",
    "kb_jwt_missing": "the verifier requires key binding (it gave aud/nonce), but the SD-JWT has "
    "no KB-JWT or no cnf key",
    "kb_jwt_invalid": "the KB-JWT is malformed, not typ kb+jwt, not signed by the cnf key, or "
    "its alg is not allowed",
    "kb_jwt_nonce_mismatch": "the KB-JWT's nonce is not the verifier's (a replay)",
    "kb_jwt_aud_mismatch": "the KB-JWT's aud is not the verifier (a replay to another verifier)",
    "kb_jwt_sd_hash_mismatch": "the KB-JWT's sd_hash does not cover this SD-JWT and these "
    "disclosures",
    "kb_jwt_time_invalid": "the KB-JWT's iat is missing, in the future or older than the "
    "verifier accepts",
    "cnf_private_key": "the holder key in cnf.jwk holds private key members (d, p, q, dp, dq, "
    "qi, oth, k): anyone holding the token could make the key binding (refused on verify, on "
    "key binding and on issue)",
    "key_binding_not_checked": "the SD-JWT carries a KB-JWT but the verifier gave no nonce and "
    "aud to check it against: pass aud= and nonce= (mbo-vc verify --aud --nonce)",
    "sd_member_disclosable": "(warning) a vc+sd-jwt / vp+sd-jwt made a member selectively "
    "disclosable that VC-JOSE-COSE §3.2 says should always be disclosed (@context, type, "
    "issuer, credentialStatus, credentialSchema, relatedResource, the validity period, iss, "
    "nbf, exp, cnf); it was disclosed and is read",
    "sd_jwt_vc_invalid": "the SD-JWT VC breaks a rule of SD-JWT VC (vct, iss, claims that must "
    "not be selectively disclosable or a member inside them, cnf, status), or carries VC DM "
    "validity/status members (validFrom, validUntil, credentialStatus, issuanceDate, "
    "expirationDate) that a dc+sd-jwt verifier does not read",
    "issuer_key_unresolved": "the SD-JWT issuer's key could not be found (x5c needs trust "
    "anchors, a DID kid a resolver, an https issuer pinned or fetched jwt-vc-issuer metadata)",
    "certificate_chain_untrusted": "the x5c certificate chain does not verify to a trust "
    "anchor the verifier "
    "gave, or its leaf does not name the issuer",
    "issuer_metadata_invalid": "the /.well-known/jwt-vc-issuer metadata is unusable or names "
    "another issuer",
    "type_metadata_invalid": "an SD-JWT VC type metadata document breaks the profile (claims, "
    "display, embedded schema, data: URIs only)",
    "type_metadata_integrity_mismatch": "the type metadata document the verifier has for the "
    "SD-JWT VC's vct does not match its vct#integrity (W3C SRI digest over the document's bytes): "
    "it is not the document the issuer committed to, so it is not used",
    "type_metadata_integrity_not_checked": "(warning) the SD-JWT VC carries vct#integrity but "
    "the verifier has no type metadata document for its vct as bytes (pin it: "
    "SdJwtVcOptions(type_metadata={vct: bytes}), mbo-vc verify --type-metadata; mbo_vc.verify "
    "pins the four waardepapieren's own): not checked",
    # batches (mbo_vc.batch)
    "batch_worker_failed": "the worker that handled this item of a batch failed (crashed, was "
    "killed or lost, or could not receive the item): the item was not checked or signed",
}

WARNING_CODES = frozenset(
    {
        "mbo_rules_not_checked",
        "proof_not_yet_valid",
        "duplicate_proof",
        "status_not_checked",
        "status_policy_relaxed",
        "related_resource_not_checked",
        "schema_not_checked",
        "high_s_signature",
        "claims_not_checked",
        "sd_member_disclosable",
        "type_metadata_integrity_not_checked",
    }
)
"""Codes that appear as warnings only: they never make a result not verified."""

# --- redaction of secrets -------------------------------------------------------------------

_PRIVATE_MULTICODECS = (
    b"\x80\x26",  # ed25519-priv (0x1300)
    b"\x81\x26",  # secp256k1-priv (0x1301)
    b"\x82\x26",  # x25519-priv (0x1302)
    b"\x86\x26",  # p256-priv (0x1306)
    b"\x87\x26",  # p384-priv (0x1307)
    b"\x88\x26",  # p521-priv (0x1308)
)
_MULTIBASE_TOKEN = re.compile(r"z[1-9A-HJ-NP-Za-km-z]{40,200}")
_JWK_PRIVATE = re.compile(
    r"""(?P<key>(?:["'](?:d|p|q|dp|dq|qi|k)["']|(?<![A-Za-z0-9_])["']?(?:secretKeyMultibase|"""
    r"""privateKeyMultibase|privateKeyJwk|privateKeyBase58|privateKeyHex|privateKeyPem)["']?)"""
    r"""\s*[:=]\s*)(?P<q>["']?)(?P<value>[^\s"',}]{8,})"""
)
_PIN_VALUE = re.compile(r"(?P<key>pin-value=)(?P<value>[^&\s\"'>]*)", re.IGNORECASE)
REDACTED = "[redacted secret]"


def _is_secret_multibase(token: str) -> bool:
    try:
        raw = base58.b58decode(token[1:].encode("ascii"))
    except ValueError:
        return False
    return raw[:2] in _PRIVATE_MULTICODECS


def redact(text: str) -> str:
    """``text`` with every secret-key-looking value replaced by ``[redacted secret]``."""
    if not isinstance(text, str):
        text = str(text)
    if "z" in text:
        text = _MULTIBASE_TOKEN.sub(
            lambda m: REDACTED if _is_secret_multibase(m.group(0)) else m.group(0), text
        )
    if "pin-value" in text.lower():  # a PKCS#11 URI's PIN (RFC 7512)
        text = _PIN_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    return _JWK_PRIVATE.sub(lambda m: m.group("key") + m.group("q") + REDACTED, text)


def redact_json(value: object) -> object:
    """A JSON value with :func:`redact` applied to every string in it (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {redact(str(k)): redact_json(v) for k, v in value.items()}
    return value


# --- the hierarchy ---------------------------------------------------------------------------


class MboVcError(Exception):
    """Root of every error mbo_vc raises on purpose (never raised itself)."""

    code: str = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        """The human-readable message (secrets redacted)."""
        return str(self.args[0]) if self.args else ""


class InputError(MboVcError):
    """The input is not a usable document: not JSON, not an object, or malformed."""

    code = "malformed_document"


class DuplicateKeyError(InputError):
    """A JSON object has the same member twice (parsers would disagree on its value)."""

    code = "duplicate_key"


class InvalidNumberError(InputError):
    """A JSON number that parsers disagree on (huge, negative zero, NaN …)."""

    code = "invalid_number"


class InvalidDateError(InputError):
    """A date is not an XML Schema dateTimeStamp (or a JWT NumericDate is out of range)."""

    code = "invalid_date"


class ModelValidationError(InputError):
    """A value does not fit the OBv3 or mbo model; the message says which field, in the user's
    terms (``crebo must be 5 digits``). ``field`` names the field, ``line`` the input line if any.
    """

    code = "invalid_field"

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line


class LimitExceededError(InputError):
    """The input exceeds a configured safety limit (size, depth, count, work)."""

    code = "limit_exceeded"


class DataModelError(InputError):
    """The document breaks a rule of the VC Data Model (each rule is a subclass with its code;
    the message names the member, the rule and the spec section)."""

    code = "data_model_violation"


class InvalidContextError(DataModelError):
    """The first ``@context`` entry is not credentials/v2 (or v1 for a VC 1.1 document)."""

    code = "invalid_context"


class NotACredentialError(DataModelError):
    """The document is not a verifiable credential (``type`` lacks VerifiableCredential)."""

    code = "not_a_credential"


class NotAPresentationError(DataModelError):
    """The document is not a verifiable presentation."""

    code = "not_a_presentation"


class InvalidIdError(DataModelError):
    """An ``id`` is present but is not a single URL."""

    code = "invalid_id"


class MissingIssuerError(DataModelError):
    """The credential has no issuer, several, or one that is not a URL."""

    code = "missing_issuer"


class MissingSubjectError(DataModelError):
    """The credential has no ``credentialSubject``, or one without any claim."""

    code = "missing_subject"


class MissingIssuanceDateError(DataModelError):
    """A VC 1.1 credential has no ``issuanceDate``."""

    code = "missing_issuance_date"


class ValidityPeriodError(DataModelError):
    """``validFrom`` is later than ``validUntil``."""

    code = "invalid_validity_period"


class MissingObjectTypeError(DataModelError):
    """An object the data model requires to be typed has no ``type``."""

    code = "missing_object_type"


class MissingObjectIdError(DataModelError):
    """An object the data model requires to have a URL ``id`` has none."""

    code = "missing_object_id"


class RelatedResourceError(DataModelError):
    """A ``relatedResource`` entry is malformed (no object, no id, duplicate id, no digest)."""

    code = "invalid_related_resource"


class RelatedResourceDigestError(DataModelError):
    """A ``relatedResource`` digest does not match the resource's bytes mbo_vc holds."""

    code = "related_resource_digest_mismatch"


class InvalidHolderError(DataModelError):
    """The presentation's ``holder`` is not a single URL (or an object with one)."""

    code = "invalid_holder"


class SchemaInvalidError(InputError):
    """The credential does not validate against the JSON Schema its credentialSchema names."""

    code = "schema_invalid"


class EnvelopeError(InputError):
    """An enveloped credential or presentation is not a ``data:`` URL of a supported type."""

    code = "invalid_envelope"


class ContextError(MboVcError):
    """A JSON-LD context is neither bundled nor registered (it is never fetched)."""

    code = "unknown_context"


UnknownContextError = ContextError
"""The context URL is neither bundled nor registered by the caller."""


class ContextIntegrityError(ContextError):
    """A bundled or registered context does not match its pinned sha256."""

    code = "context_integrity"


class CanonicalizationError(MboVcError):
    """RDF canonicalisation (or JCS) failed."""

    code = "canonicalization_failed"


class JsonLdError(CanonicalizationError):
    """JSON-LD processing (expansion, toRDF) refused the document."""

    code = "invalid_jsonld"


class InvalidTermDefinitionError(JsonLdError):
    """A context the document names holds a term definition JSON-LD 1.1 refuses (Create Term
    Definition): every conforming processor (jsonld.js, pyld) refuses the whole document."""

    code = "invalid_term_definition"


class SafeModeError(CanonicalizationError):
    """The document uses a term its context does not define, so JSON-LD would drop it unsigned.

    The other safe-mode refusals are the subclasses: :class:`RelativeIriError`,
    :class:`InvalidValueError` and :class:`ProtectedTermError`.
    """

    code = "dropped_term"


class RelativeIriError(SafeModeError):
    """A relative IRI where JSON-LD needs an absolute one (it would be dropped)."""

    code = "relative_iri"


class InvalidValueError(SafeModeError):
    """A value JSON-LD would silently drop or cannot represent in RDF."""

    code = "invalid_value"


class ProtectedTermError(SafeModeError):
    """A context redefines a protected term (or nullifies a context with protected terms)."""

    code = "protected_term_redefinition"


class CanonicalizationLimitError(CanonicalizationError, LimitExceededError):
    """RDF canonicalisation exceeded its work budget (poison graph) or its quad limit."""

    code = "canonicalization_limit"


class KeyFormatError(MboVcError):
    """A key, multibase or multicodec value is malformed, of the wrong type, or weak."""

    code = "invalid_key"


class KeyUriError(KeyFormatError):
    """A key reference is not one mbo_vc can use: a ``pkcs11:`` URI (RFC 7512) or an
    ``aws-kms:`` reference."""

    code = "invalid_key_uri"


Pkcs11UriError = KeyUriError
"""The name :class:`KeyUriError` had when ``pkcs11:`` URIs were the only key references."""


class SignerUnavailableError(MboVcError):
    """An HSM or KMS signer needs its optional extra (``mbo-vc[pkcs11]``, ``mbo-vc[kms]``)."""

    code = "signer_unavailable"


class SignerError(MboVcError):
    """The HSM or KMS did not sign (module, token, key object, PIN or mechanism refused)."""

    code = "signer_failed"


class KeySuiteMismatchError(KeyFormatError):
    """The key's type or curve does not fit the cryptosuite (or signature scheme) used."""

    code = "key_suite_mismatch"


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


class NetworkError(MboVcError):
    """An HTTPS request (opt-in network use) failed; subclasses say how."""

    code = "network_error"


class NetworkTimeoutError(NetworkError):
    """Connecting, reading or the whole request took longer than allowed."""

    code = "network_timeout"


class NetworkTooLargeError(NetworkError, LimitExceededError):
    """The response is larger than the size cap (it was not read further)."""

    code = "network_too_large"


class NetworkRedirectError(NetworkError):
    """A redirect was refused (another host, not HTTPS, or too many)."""

    code = "network_redirect_refused"


class NetworkAddressRefusedError(NetworkError):
    """The host resolves only to private/loopback/link-local addresses the caller did not allow."""

    code = "network_address_refused"


class NetworkHttpError(NetworkError):
    """The host answered with an HTTP error status or a malformed HTTP response."""

    code = "network_http_error"


class NetworkTlsError(NetworkError):
    """The TLS handshake failed (e.g. the certificate does not verify)."""

    code = "network_tls_error"


class NetworkUnreachableError(NetworkError):
    """The host could not be reached (DNS failure, connection refused …)."""

    code = "network_unreachable"


class ProofError(MboVcError):
    """A proof is malformed or could not be created."""

    code = "malformed_proof"


class SignatureEncodingError(ProofError):
    """A signature is not in the encoding its suite requires (e.g. DER where P1363 is expected)."""

    code = "invalid_signature_encoding"


class SdBaseProofError(ProofError):
    """An ``ecdsa-sd-2023`` base proof was given to the verifier (it verifies derived proofs)."""

    code = "sd_base_proof"


class UnsupportedCryptosuiteError(ProofError):
    """The proof type / cryptosuite is not supported (or not accepted by the verifier)."""

    code = "unsupported_cryptosuite"


class ProofTypeMismatchError(ProofError):
    """The proof ``type`` does not go with its ``cryptosuite``."""

    code = "proof_type_mismatch"


class ContextMismatchError(ProofError):
    """The proof's ``@context`` is not the document's, or a suite's context is missing."""

    code = "context_mismatch"


class MissingPreviousProofError(ProofError):
    """A proof's ``previousProof`` names a proof the document does not have."""

    code = "missing_previous_proof"


class JoseError(MboVcError):
    """A compact JWS / JWT is malformed (or uses an unsupported or unlisted critical header)."""

    code = "jwt_malformed"


class JwtAlgorithmError(JoseError):
    """The JWS ``alg`` is none, HMAC, not accepted, or does not fit the key."""

    code = "jwt_alg_not_allowed"


class JwtTypeError(JoseError):
    """The JOSE ``typ``/``cty`` is not the expected media type."""

    code = "jwt_bad_type"


class JwtKidError(JoseError):
    """The JWS ``kid`` names no verification method of the issuer (or holder)."""

    code = "jwt_kid_mismatch"


class JwtForbiddenClaimError(JoseError):
    """A ``vc+jwt``/``vp+jwt`` payload carries the VC 1.1 ``vc``/``vp`` claim."""

    code = "jwt_forbidden_claim"


class UsageError(MboVcError):
    """The caller passed arguments that do not fit together."""

    code = "bad_usage"


class StatusListError(MboVcError):
    """A Bitstring Status List (or its list credential) is unusable."""

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


class TrustListError(InputError):
    """A trust list cannot be built or read (a bad CSV row, a list that does not verify)."""

    code = "trust_list_invalid"


class FederationError(InputError):
    """A statement of an OpenID Federation trust chain is unusable (mbo_vc.federation)."""

    code = "federation_chain_invalid"


class FederationUntrustedError(FederationError):
    """No trust chain leads from the entity to the pinned trust anchor."""

    code = "federation_untrusted"


class FederationUnavailableError(FederationError):
    """An entity statement could not be obtained (folder or HTTPS)."""

    code = "federation_unavailable"


class FederationPolicyError(FederationError):
    """The metadata breaks a metadata policy, or the policies cannot be combined."""

    code = "federation_policy_violation"


class TrustMarkMissingError(FederationError):
    """The entity carries no trust mark of a required type."""

    code = "trust_mark_missing"


class TrustMarkInvalidError(FederationError):
    """A trust mark does not verify, expired, or comes from an issuer the anchor does not list."""

    code = "trust_mark_invalid"


class StatusFetchError(StatusListError):
    """The status could not be checked: the list credential could not be obtained or used."""

    code = "status_unavailable"


class StatusListIssuerMismatchError(StatusListError):
    """The status list credential is issued by someone other than the credential's issuer."""

    code = "status_list_issuer_mismatch"


class StatusRegistryError(StatusListError):
    """The issuer's status registry refused an operation (unknown list, full list, …)."""

    code = "status_registry"


class StatusListFullError(StatusRegistryError):
    """A status list has fewer free indexes than were asked for (the registry rolls over)."""

    code = "status_list_full"


class StatusPublishError(StatusRegistryError):
    """A status list could not be written (full disk, read-only folder, …); nothing changed."""

    code = "status_publish_failed"


class BakingError(InputError):
    """A baked image is malformed: not a PNG/SVG, a broken chunk or CRC, invalid XML, a DTD."""

    code = "image_malformed"


class ImageNotBakedError(BakingError):
    """The image carries no Open Badges 3.0 credential."""

    code = "image_not_baked"


class ImageAlreadyBakedError(BakingError):
    """Baking into an image that already carries a credential (refused, never overwritten)."""

    code = "image_already_baked"


class MultipleBakedCredentialsError(BakingError):
    """The image carries more than one credential (OBv3 §5.3: exactly one)."""

    code = "multiple_baked_credentials"


class BakedTooLargeError(BakingError, LimitExceededError):
    """The image or its baked credential exceeds the size limit."""

    code = "baked_too_large"


class RenderUnavailableError(MboVcError):
    """A PDF or PNG rendering needs the extra ``mbo_vc[render]`` (reportlab, pypdfium2)."""

    code = "render_unavailable"


class StatusListTokenError(StatusListError):
    """A Token Status List Token (``statuslist+jwt``) is unusable (typ, key, sub, times …)."""

    code = "status_list_token_invalid"


class StatusListStaleError(StatusListError):
    """A Token Status List is older than its ``ttl``: a newer one should be fetched."""

    code = "status_list_stale"


class CredentialIssuerMetadataError(InputError):
    """OID4VCI Credential Issuer Metadata lack a required member or have a malformed one."""

    code = "invalid_issuer_metadata"


class CredentialOfferError(InputError):
    """An OID4VCI Credential Offer lacks a required member or has a malformed one."""

    code = "invalid_credential_offer"


class CredentialRequestError(InputError):
    """An OID4VCI Credential Request is malformed."""

    code = "invalid_credential_request"


class UnknownCredentialConfigurationError(CredentialRequestError):
    """The Credential Request names a configuration the issuer does not offer."""

    code = "unknown_credential_configuration"


class KeyProofError(CredentialRequestError):
    """An OID4VCI key proof (``openid4vci-proof+jwt``) is missing or invalid."""

    code = "invalid_proof"


class KeyProofNonceError(KeyProofError):
    """A key proof's ``nonce`` is missing, unknown or was used before."""

    code = "invalid_nonce"


class DcqlQueryError(InputError):
    """A DCQL query is malformed."""

    code = "invalid_dcql_query"


class AuthorizationRequestError(InputError):
    """An OID4VP Authorization Request is malformed."""

    code = "invalid_authorization_request"


class VpTokenError(InputError):
    """An OID4VP ``vp_token`` is not an object of arrays keyed by credential query id."""

    code = "invalid_vp_token"


class SdJwtError(MboVcError):
    """Not a well-formed SD-JWT (RFC 9901 §4): parts, separators, the issuer-signed JWT."""

    code = "sd_jwt_malformed"


class DisclosureError(SdJwtError):
    """A disclosure is not a base64url JSON array of the permitted shape (RFC 9901 §4.2)."""

    code = "disclosure_malformed"


class DuplicateDisclosureError(SdJwtError):
    """A disclosure presented twice, or one digest occurring twice (RFC 9901 §7.1)."""

    code = "disclosure_duplicate"


class UnreferencedDisclosureError(SdJwtError):
    """A presented disclosure that no digest references (RFC 9901 §7.1 step 5)."""

    code = "disclosure_unreferenced"


class MisplacedDisclosureError(SdJwtError):
    """A disclosure of the wrong kind for where its digest sits, or a claim name clash."""

    code = "disclosure_misplaced"


class SdStructureError(SdJwtError):
    """The payload misuses ``_sd``, ``...`` or ``_sd_alg`` (RFC 9901 §4.2.4)."""

    code = "sd_structure_invalid"


class SdMemberWithheldError(SdJwtError):
    """A ``vc+sd-jwt`` / ``vp+sd-jwt`` withholds an element of an ``@context`` or ``type``
    array: the claims that remain would be read under other term definitions than the ones
    signed (VC-JOSE-COSE §3.2: they SHOULD NOT be selectively disclosable)."""

    code = "sd_member_withheld"


class SdAlgError(SdJwtError):
    """The ``_sd_alg`` hash algorithm is not supported."""

    code = "sd_alg_unsupported"


class KbJwtError(SdJwtError):
    """The KB-JWT is malformed, not ``kb+jwt``, or not signed by the ``cnf`` key."""

    code = "kb_jwt_invalid"


class KbJwtMissingError(KbJwtError):
    """Key binding was required, but there is no KB-JWT (or no ``cnf`` key)."""

    code = "kb_jwt_missing"


class KbJwtNonceError(KbJwtError):
    """The KB-JWT's ``nonce`` is not the verifier's."""

    code = "kb_jwt_nonce_mismatch"


class KbJwtAudienceError(KbJwtError):
    """The KB-JWT's ``aud`` is not the verifier."""

    code = "kb_jwt_aud_mismatch"


class KbJwtHashError(KbJwtError):
    """The KB-JWT's ``sd_hash`` does not cover the presented SD-JWT."""

    code = "kb_jwt_sd_hash_mismatch"


class KbJwtTimeError(KbJwtError):
    """The KB-JWT's ``iat`` is missing, in the future or too old."""

    code = "kb_jwt_time_invalid"


class CnfPrivateKeyError(SdJwtError, UsageError):
    """The holder key in ``cnf.jwk`` holds private key members (``d``, ``p``, ``q``, ``k`` …):
    whoever holds the token can make its key binding, so it binds nobody. Also a
    :class:`UsageError`: on issue, passing such a holder key is the caller's mistake."""

    code = "cnf_private_key"


class SdJwtVcError(SdJwtError):
    """The SD-JWT VC breaks a rule of SD-JWT VC (``vct``, ``iss``, non-disclosable claims)."""

    code = "sd_jwt_vc_invalid"


class IssuerKeyError(SdJwtError):
    """The SD-JWT issuer's key could not be found by any permitted route."""

    code = "issuer_key_unresolved"


class X5cError(IssuerKeyError):
    """The ``x5c`` chain does not verify to a given trust anchor, or does not name the issuer."""

    code = "certificate_chain_untrusted"


class IssuerMetadataError(IssuerKeyError):
    """The ``/.well-known/jwt-vc-issuer`` metadata is unusable or names another issuer."""

    code = "issuer_metadata_invalid"


class TypeMetadataError(SdJwtError):
    """An SD-JWT VC type metadata document breaks the profile mbo_vc follows."""

    code = "type_metadata_invalid"


class TypeMetadataIntegrityError(SdJwtError):
    """A type metadata document does not match the ``vct#integrity`` of the credential."""

    code = "type_metadata_integrity_mismatch"


class BatchWorkerError(MboVcError):
    """The worker that handled an item of a batch failed: the item was not processed."""

    code = "batch_worker_failed"


def _all_classes() -> list[type[MboVcError]]:
    out: list[type[MboVcError]] = []
    stack: list[type[MboVcError]] = [MboVcError]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in out:
                out.append(sub)
                stack.append(sub)
    return out


def error_class_for(code: str) -> type[MboVcError]:
    """The exception class whose code is ``code`` (:class:`InputError` for result-only codes)."""
    for cls in _all_classes():
        if cls.__dict__.get("code") == code:
            return cls
    return InputError
