"""The IRIs that the pinned W3C contexts give the members mbo_vc checks.

Verification reads these IRIs from the signed RDF (see :mod:`mbo_vc.data_model.view`), never a
JSON member name, so no context a document brings can hide or rename them. The values are those
of ``https://www.w3.org/ns/credentials/v2``, ``…/2018/credentials/v1``, the Data Integrity and
Ed25519Signature2020 contexts and the status list contexts (a test expands each bundled context
and checks that every term here maps to the IRI given).
"""

from __future__ import annotations

__all__ = [
    "CRED",
    "DC_CREATED",
    "JWT",
    "PROOF_PURPOSE_IRIS",
    "SEC",
    "SL2021",
    "STATUS",
    "VC_V1",
    "VC_V2",
    "XSD",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
MBO_CONTEXT = "https://w3id.org/mbo-vc/v1"
MBO_EDUBADGES_CONTEXT = "https://w3id.org/mbo-vc/edubadges/v1"
"""mbo_vc's valid JSON-LD 1.1 definition of the Edubadges/educredential microcredential terms."""
MBO_IRI_BASE = "https://w3id.org/mbo-vc/"
"""Everything mbo_vc defines (its context, vocabulary, schemas, vct values) lives under here."""
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status#"
SL2021 = "https://w3id.org/vc/status-list#"
XSD = "http://www.w3.org/2001/XMLSchema#"
JWT = "https://www.iana.org/assignments/jwt#"
DC_CREATED = "http://purl.org/dc/terms/created"

# credential and presentation members
VERIFIABLE_CREDENTIAL = CRED + "VerifiableCredential"
VERIFIABLE_PRESENTATION = CRED + "VerifiablePresentation"
ENVELOPED_CREDENTIAL = CRED + "EnvelopedVerifiableCredential"
ENVELOPED_PRESENTATION = CRED + "EnvelopedVerifiablePresentation"
ISSUER = CRED + "issuer"
HOLDER = CRED + "holder"
CREDENTIAL_SUBJECT = CRED + "credentialSubject"
CREDENTIAL_STATUS = CRED + "credentialStatus"
VERIFIABLE_CREDENTIAL_MEMBER = CRED + "verifiableCredential"
VALID_FROM = CRED + "validFrom"
VALID_UNTIL = CRED + "validUntil"
ISSUANCE_DATE = CRED + "issuanceDate"
EXPIRATION_DATE = CRED + "expirationDate"
PROOF = SEC + "proof"
TERMS_OF_USE = CRED + "termsOfUse"
EVIDENCE = CRED + "evidence"
REFRESH_SERVICE = CRED + "refreshService"
CREDENTIAL_SCHEMA = CRED + "credentialSchema"
RELATED_RESOURCE = CRED + "relatedResource"
JSON_SCHEMA = CRED + "JsonSchema"
CLR = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
CLR_CREDENTIAL = CLR + "ClrCredential"
CLR_VERIFIABLE_CREDENTIAL = CLR + "verifiableCredential"
ONE_EDTECH_JSON_SCHEMA_VALIDATOR = (
    "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019"
)
DIGEST_SRI = CRED + "digestSRI"
DIGEST_MULTIBASE = SEC + "digestMultibase"

# proofs
DATA_INTEGRITY_PROOF = SEC + "DataIntegrityProof"
CRYPTOSUITE = SEC + "cryptosuite"
VERIFICATION_METHOD = SEC + "verificationMethod"
PROOF_PURPOSE = SEC + "proofPurpose"
PROOF_VALUE = SEC + "proofValue"
CHALLENGE = SEC + "challenge"
DOMAIN = SEC + "domain"
NONCE = SEC + "nonce"
EXPIRES = SEC + "expiration"
PREVIOUS_PROOF = SEC + "previousProof"
CREATED = DC_CREATED

PROOF_PURPOSE_IRIS: dict[str, str] = {
    SEC + "assertionMethod": "assertionMethod",
    SEC + "authenticationMethod": "authentication",
    SEC + "capabilityInvocationMethod": "capabilityInvocation",
    SEC + "capabilityDelegationMethod": "capabilityDelegation",
    SEC + "keyAgreementMethod": "keyAgreement",
}
"""The IRI each proof purpose expands to (note ``authentication`` → ``…#authenticationMethod``)."""

# JWT claims as the VC 2.0 context defines them
JWT_EXP = JWT + "exp"
JWT_NBF = JWT + "nbf"

# Bitstring Status List (and the legacy StatusList2021 vocabulary)
STATUS_TERMS: dict[str, str] = {
    STATUS + "statusPurpose": "statusPurpose",
    STATUS + "statusListIndex": "statusListIndex",
    STATUS + "statusListCredential": "statusListCredential",
    STATUS + "statusSize": "statusSize",
    STATUS + "statusMessage": "statusMessage",
    STATUS + "statusReference": "statusReference",
    STATUS + "encodedList": "encodedList",
    STATUS + "ttl": "ttl",
    STATUS + "status": "status",
    STATUS + "message": "message",
    SL2021 + "statusPurpose": "statusPurpose",
    SL2021 + "statusListIndex": "statusListIndex",
    SL2021 + "statusListCredential": "statusListCredential",
    SL2021 + "encodedList": "encodedList",
}
"""Status-list property IRIs → the member names the status codec reads."""

TYPE_NAMES: dict[str, str] = {
    VERIFIABLE_CREDENTIAL: "VerifiableCredential",
    VERIFIABLE_PRESENTATION: "VerifiablePresentation",
    ENVELOPED_CREDENTIAL: "EnvelopedVerifiableCredential",
    ENVELOPED_PRESENTATION: "EnvelopedVerifiablePresentation",
    STATUS + "BitstringStatusListEntry": "BitstringStatusListEntry",
    STATUS + "BitstringStatusListCredential": "BitstringStatusListCredential",
    STATUS + "BitstringStatusList": "BitstringStatusList",
    SL2021 + "StatusList2021Entry": "StatusList2021Entry",
    SL2021 + "StatusList2021Credential": "StatusList2021Credential",
    SL2021 + "StatusList2021": "StatusList2021",
    DATA_INTEGRITY_PROOF: "DataIntegrityProof",
    SEC + "Ed25519Signature2020": "Ed25519Signature2020",
    JSON_SCHEMA: "JsonSchema",
    ONE_EDTECH_JSON_SCHEMA_VALIDATOR: "1EdTechJsonSchemaValidator2019",
}
"""Type IRIs of the W3C vocabularies → their term (the name the codecs and reports use)."""
