"""Verifiable Credential Data Integrity 1.0: the one proof core every cryptosuite plugs into.

The data flows one way: document → canonical form (the suite's *transformation*) → hash →
signature → proof. The proof configuration is canonicalised the same way, and the signed bytes are
``sha256(canonical proof config) ‖ sha256(canonical document)``. Verification walks the same road
back. Proof sets (several independent proofs) and proof chains (``previousProof``) are handled
here, once, for every suite.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mbo_vc.errors import InputError, KeyFormatError, ProofError, UnsupportedCryptosuiteError
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import Ed25519Key, decode_multibase, encode_multibase_base58btc
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "PROOF_PURPOSES",
    "Cryptosuite",
    "SigningInput",
    "add_proof",
    "as_proof_list",
    "proof_document",
    "signing_input",
    "suite_for",
]

PROOF_PURPOSES = frozenset(
    {
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
        "keyAgreement",
    }
)


class Cryptosuite(Protocol):
    """A cryptosuite: how to canonicalise, and what the proof's type/cryptosuite say."""

    proof_type: str
    name: str | None
    proof_carries_context: bool
    """True when the finished proof repeats the document's ``@context`` (eddsa-jcs-2022)."""

    def canonicalize(
        self, document: Mapping[str, Any], loader: DocumentLoader, limits: Limits
    ) -> str:
        """Return the canonical form of a document or a proof configuration."""
        ...

    def check_document(self, document: Mapping[str, Any]) -> None:
        """Refuse documents this suite cannot secure (e.g. a missing suite context)."""
        ...


_SUITES: dict[tuple[str, str | None], Cryptosuite] = {}
_ALIASES: dict[tuple[str, str | None], tuple[str, str | None]] = {}


def register_suite(suite: Cryptosuite, *aliases: str) -> Cryptosuite:
    """Register a cryptosuite (and cryptosuite-name aliases accepted on verification)."""
    _SUITES[(suite.proof_type, suite.name)] = suite
    for alias in aliases:
        _ALIASES[(suite.proof_type, alias)] = (suite.proof_type, suite.name)
    return suite


def suite_for(proof_type: Any, cryptosuite: Any, *, allow_alias: bool = False) -> Cryptosuite:
    """Find the suite for a proof ``type`` and ``cryptosuite`` (None for legacy suites)."""
    if not isinstance(proof_type, str) or not isinstance(cryptosuite, str | None):
        raise UnsupportedCryptosuiteError(
            "proof type and cryptosuite must be strings", code="malformed_proof"
        )
    key = (proof_type, cryptosuite)
    if allow_alias and key in _ALIASES:
        key = _ALIASES[key]
    suite = _SUITES.get(key)
    known_names = {name for _, name in _SUITES} | {name for _, name in _ALIASES}
    if suite is None and cryptosuite is not None and cryptosuite in known_names:
        raise UnsupportedCryptosuiteError(
            f"proof type {str(proof_type)[:60]!r} does not go with cryptosuite {cryptosuite!r}",
            code="proof_type_mismatch",
        )
    if suite is None:
        name = proof_type if cryptosuite is None else f"{proof_type}/{cryptosuite}"
        raise UnsupportedCryptosuiteError(f"unsupported proof type or cryptosuite: {name!s:.100}")
    return suite


def as_proof_list(proof: Any) -> list[Any]:
    """A document's ``proof`` member as a list (absent → empty)."""
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


@dataclass(frozen=True)
class SigningInput:
    """Every intermediate value of the hashing step (handy for test vectors and debugging)."""

    canonical_proof_config: str
    canonical_document: str
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def data(self) -> bytes:
        """The bytes that are signed: proof-config hash ‖ document hash."""
        return self.proof_config_hash + self.document_hash


def proof_document(
    document: Mapping[str, Any], proof: Mapping[str, Any], all_proofs: list[Any]
) -> dict[str, Any]:
    """The unsecured document a proof was made over.

    For a proof in a chain (``previousProof``), that is the document with the proofs it names.
    Raises :class:`~mbo_vc.errors.ProofError` with code ``missing_previous_proof`` if one is absent.
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = proof.get("previousProof")
    if previous is not None:
        wanted = previous if isinstance(previous, list) else [previous]
        if not all(isinstance(w, str) for w in wanted):
            raise ProofError(
                "previousProof must be a string or a list of strings", code="malformed_proof"
            )
        by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and p is not proof}
        missing = [w for w in wanted if w not in by_id]
        if missing:
            raise ProofError(
                f"previousProof {missing[0]!r} is not among the document's proofs",
                code="missing_previous_proof",
            )
        chained = [by_id[w] for w in wanted]
        unsecured["proof"] = chained[0] if len(chained) == 1 else chained
    return unsecured


def signing_input(
    suite: Cryptosuite,
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    loader: DocumentLoader,
    limits: Limits = DEFAULT_LIMITS,
) -> SigningInput:
    """Canonicalise the proof configuration and the document and hash both (SHA-256)."""
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = copy.deepcopy(unsecured["@context"])
    canonical_config = suite.canonicalize(config, loader, limits)
    canonical_doc = suite.canonicalize(unsecured, loader, limits)
    return SigningInput(
        canonical_config,
        canonical_doc,
        hashlib.sha256(canonical_config.encode("utf-8")).digest(),
        hashlib.sha256(canonical_doc.encode("utf-8")).digest(),
    )


def add_proof(
    document: Mapping[str, Any],
    key: Ed25519Key,
    suite: Cryptosuite,
    *,
    loader: DocumentLoader,
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof made by ``key`` (VC DI 1.0 §4.1/4.2)."""
    if not isinstance(document, Mapping):
        raise InputError("the document to sign must be a JSON object")
    if proof_purpose not in PROOF_PURPOSES:
        raise ProofError(f"unknown proof purpose {proof_purpose!r}", code="malformed_proof")
    if not key.has_private:
        raise KeyFormatError("signing needs a private key")
    suite.check_document(document)
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if suite.name is not None:
        options["cryptosuite"] = suite.name
    options["created"] = format_timestamp(created)
    if expires is not None:
        options["expires"] = format_timestamp(expires)
    options["verificationMethod"] = key.verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    existing = as_proof_list(document.get("proof"))
    unsecured = proof_document(document, options, existing)
    if suite.proof_carries_context and "@context" in unsecured:
        options["@context"] = copy.deepcopy(unsecured["@context"])
    to_sign = signing_input(suite, unsecured, options, loader, limits)
    proof = dict(options)
    proof["proofValue"] = encode_multibase_base58btc(key.sign(to_sign.data))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = proof if not existing else [*copy.deepcopy(existing), proof]
    return signed


def decode_proof_value(proof: Mapping[str, Any]) -> bytes:
    """Decode ``proofValue`` (multibase base58btc) into the 64-byte Ed25519 signature."""
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("proof has no proofValue", code="malformed_proof")
    try:
        signature = decode_multibase(value, expect="z")
    except KeyFormatError:
        raise ProofError("proofValue is not multibase base58btc", code="malformed_proof") from None
    if len(signature) != 64:
        raise ProofError(
            f"proofValue decodes to {len(signature)} bytes, not a 64-byte Ed25519 signature",
            code="malformed_proof",
        )
    return signature


def check_proof_dates(proof: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """Parse ``created`` and ``expires`` (either may be absent)."""
    created = proof.get("created")
    expires = proof.get("expires")
    return (
        parse_timestamp(created, "proof created") if created is not None else None,
        parse_timestamp(expires, "proof expires") if expires is not None else None,
    )
