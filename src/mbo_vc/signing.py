"""Issuing: add a Data Integrity proof to a credential or presentation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model import (
    CredentialView,
    PresentationView,
    json_violations,
    raise_first,
    violations_of,
)
from mbo_vc.errors import InputError
from mbo_vc.json_input import check_structure
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.keys import Signer
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.proofs import Canonicalizer, Cryptosuite, create_proof, suite_named, suites

__all__ = ["default_cryptosuite", "sign", "signing_suites"]


def signing_suites() -> list[str]:
    """The names ``sign(cryptosuite=…)`` accepts."""
    return sorted(suites())


def default_cryptosuite(key: Signer) -> str:
    """The cryptosuite ``sign`` uses for ``key`` when none is named: ``ecdsa-rdfc-2019`` for a
    P-256/P-384 key, ``eddsa-rdfc-2022`` otherwise."""
    p_curve = getattr(key, "key_type", None) in ("P-256", "P-384")
    return "ecdsa-rdfc-2019" if p_curve else "eddsa-rdfc-2022"


def sign(
    document: Mapping[str, Any],
    key: Signer,
    *,
    cryptosuite: str | None = None,
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Return a copy of ``document`` secured with one more Data Integrity proof by ``key``.

    ``key`` is a :class:`~mbo_vc.keys.Signer`: a key object (:class:`~mbo_vc.keys.Ed25519Key`,
    :class:`~mbo_vc.keys.EcKey`) or a :class:`~mbo_vc.keys.pkcs11.Pkcs11Signer` (an HSM);
    :func:`mbo_vc.keys.open_signer` opens either from a ``--key`` argument.

    ``cryptosuite`` defaults to :func:`default_cryptosuite` of the key (``eddsa-rdfc-2022`` for
    an Ed25519 key, ``ecdsa-rdfc-2019`` for a P-256/P-384 key). ``created`` defaults to now
    (UTC, seconds precision, ``Z``). A document that already has proofs gets a proof set; pass
    ``previous_proof`` (proof ids) to make a proof chain.

    Only what the VC Data Model allows is signed: a credential or presentation that breaks one
    of its rules is refused with the rule's typed error (:class:`~mbo_vc.errors.DataModelError`
    subclasses, the same codes verification reports; see docs/verification.md), and documents
    that JSON-LD would silently change are refused (:class:`~mbo_vc.errors.SafeModeError`).
    A VC 1.1 document (first context credentials/v1) without the Data Integrity v2 context gets
    it appended for a ``DataIntegrityProof``, as the reference stack does; a VC 2.0 document is
    signed as it is.
    """
    suite = suite_named(cryptosuite or default_cryptosuite(key))
    if not isinstance(document, Mapping):
        raise InputError("the document to sign must be a JSON object")
    check_structure(document, limits=limits)
    loader = loader or default_loader()
    canon = Canonicalizer(loader, limits)
    document = with_suite_context(document, suite)
    check_data_model(document, canon)
    return create_proof(
        document,
        key,
        suite,
        canon=canon,
        proof_purpose=proof_purpose,
        created=created,
        expires=expires,
        challenge=challenge,
        domain=domain,
        proof_id=proof_id,
        previous_proof=previous_proof,
    )


def with_suite_context(document: Mapping[str, Any], suite: Cryptosuite) -> Mapping[str, Any]:
    """``document`` with the Data Integrity v2 context appended when a ``DataIntegrityProof``
    needs it: the document names neither that context nor credentials/v2 (a VC 1.1 document).
    Like Digital Bazaar's ``ensureSuiteContext``."""
    if suite.proof_type != "DataIntegrityProof":
        return document
    ctx = document.get("@context")
    contexts = ctx if isinstance(ctx, list) else [ctx]
    if vocab.DATA_INTEGRITY_V2 in contexts or vocab.VC_V2 in contexts or ctx is None:
        return document
    return {**document, "@context": [*contexts, vocab.DATA_INTEGRITY_V2]}


def check_data_model(document: Mapping[str, Any], canon: Canonicalizer) -> None:
    """Refuse a credential or presentation that breaks a VC Data Model rule (the first one)."""
    raise_first(json_violations(document))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    nodes = canon.nodes(unsecured)
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    view: CredentialView | PresentationView = (
        PresentationView(nodes, document)
        if "VerifiablePresentation" in types
        else CredentialView(nodes, document)
    )
    raise_first(violations_of(view, document, loader=canon.loader))
