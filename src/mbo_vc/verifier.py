"""The verifier every public entry point is: the one verification road with the mbo rules.

``mbo_vc.verify``, ``mbo_vc.verify_presentation`` and ``mbo_vc.verify_jwt`` are the functions of
this module; ``verify_many`` (each batch worker), the report, ``mbo_vc.oid4vc``'s presentation
verifier and ``mbo-vc verify`` / ``render`` call them. Each gives the pipeline
(:mod:`mbo_vc.verification.pipeline`) the mbo rules as its credential-rules hook, so a
waardepapier (by its signed type) is held to them wherever it is verified: alone, as a
``vc+jwt``, inside a presentation or a CLR. ``mbo_rules=False`` is the explicit opt-out (the
command line's ``--no-mbo-rules``): each waardepapier then carries the warning
``mbo_rules_not_checked``. What the rules are is :mod:`mbo_vc.mbo.rules`; this module decides
only that they are applied, once, and loads the mbo layer (pydantic) only for a credential whose
signed data names an mbo_vc IRI (:func:`may_be_waardepapier`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.did import DidResolver
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.verification import pipeline
from mbo_vc.verification.policy import RequiredSigner, VerifierPolicy
from mbo_vc.verification.status import StatusCheck

if TYPE_CHECKING:
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions

__all__ = [
    "MboRulesHook",
    "apply_mbo_rules_once",
    "may_be_waardepapier",
    "verify",
    "verify_jwt",
    "verify_presentation",
    "with_shipped_type_metadata",
]


def may_be_waardepapier(view: CredentialView) -> bool:
    """Whether the mbo layer can recognise this credential as a waardepapier at all: its signed
    data names an mbo_vc IRI (the mbo context, vocabulary and schemas all live under
    ``https://w3id.org/mbo-vc/``). Only the gate for loading the mbo layer: the mbo rules
    themselves decide from the verified view (:func:`mbo_vc.mbo.rules.recognised_kind`)."""
    base = vocab.MBO_IRI_BASE
    for node in view.nodes.nodes():
        if any(base in t for t in node.types):
            return True
        for prop in node.properties():
            if base in prop or any(isinstance(r, str) and base in r for r in node.refs(prop)):
                return True
    return False


def _may_be_one(result: VerificationResult) -> bool:
    """The gate on a result: its verified view may be a waardepapier's, or it is an SD-JWT VC
    (no view) whose verified ``vct`` is an mbo_vc type (``https://w3id.org/mbo-vc/vct/…``)."""
    if result.view is not None:
        return may_be_waardepapier(result.view)
    if result.format != "dc+sd-jwt" or not isinstance(result.document, Mapping):
        return False
    vct = result.document.get("vct")
    return isinstance(vct, str) and vct.startswith(vocab.MBO_IRI_BASE)


@dataclass(frozen=True)
class MboRulesHook:
    """The pipeline's credential-rules hook (:class:`~mbo_vc.verification.CredentialRules`):
    :class:`mbo_vc.mbo.rules.MboRules` behind the cheap gate, so that verifying a credential
    that is not a waardepapier never loads the mbo layer. ``enabled=False`` is the opt-out."""

    enabled: bool = True

    def apply(self, result: VerificationResult, *, policy: VerifierPolicy) -> None:
        """The mbo rules (or the opt-out's warning) on one credential that may be a
        waardepapier."""
        if not _may_be_one(result):
            return
        from mbo_vc.mbo.rules import MboRules  # (pydantic models: only for waardepapieren)

        MboRules(self.enabled).apply(result, policy=policy)


def _hook(mbo_rules: bool) -> MboRulesHook:
    if not isinstance(mbo_rules, bool):
        raise UsageError("mbo_rules must be True or False")
    return MboRulesHook(enabled=mbo_rules)


def apply_mbo_rules_once(
    result: VerificationResult, *, signers: Sequence[RequiredSigner] = ()
) -> VerificationResult:
    """``result`` as :func:`verify` would have made it: a copy with the mbo rules applied when
    it is a waardepapier's result that went down the pipeline without them (the report uses
    this, so that it never says valid for a waardepapier its rules did not pass); ``result``
    itself when the rules had their say (or were switched off) or it is no waardepapier.
    ``signers`` are the verifier's required signers (the examencommissie it expects)."""
    if not _may_be_one(result):
        return result
    from mbo_vc.mbo.rules import MboRules, rules_applied

    if rules_applied(result):
        return result
    copy = dataclasses.replace(
        result,
        problems=list(result.problems),
        warnings=list(result.warnings),
        checks=list(result.checks),
    )
    MboRules().apply(copy, policy=VerifierPolicy(required_signers=tuple(signers)))
    return copy


@functools.cache
def _shipped_type_metadata() -> Mapping[str, bytes]:
    """The type metadata of the four waardepapieren as published (``mbo_vc/type_metadata``,
    the bytes their ``vct#integrity`` commits to), by ``vct``; read once, without the mbo
    models. Empty when the folder cannot be read (then a ``vct#integrity`` is the warning that it
    was not checked, as without type metadata)."""
    from mbo_vc.sd_jwt_vc import read_metadata

    try:
        found = read_metadata([Path(__file__).resolve().parent / "type_metadata"])
    except MboVcError:
        return {}
    return MappingProxyType(
        {vct: doc for vct, doc in found.type_metadata.items() if isinstance(doc, bytes)}
    )


def _looks_like_sd_jwt(document: Any) -> bool:
    if isinstance(document, bytes | bytearray):
        return b"~" in document
    return isinstance(document, str) and "~" in document


def with_shipped_type_metadata(sd_jwt: SdJwtVcOptions | None) -> SdJwtVcOptions:
    """``sd_jwt`` (or the defaults) with the shipped type metadata of the waardepapieren pinned
    (:func:`mbo_vc.mbo.sd_jwt_vc.published_type_metadata`), so that an SD-JWT VC's
    ``vct#integrity`` is checked and its claims against the type's schema; the caller's own
    document for a ``vct`` wins. Options that are not :class:`~mbo_vc.sd_jwt_vc.SdJwtVcOptions`
    are returned as they are (the pipeline refuses them)."""
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions

    if sd_jwt is None:
        return SdJwtVcOptions(type_metadata=_shipped_type_metadata())
    if not isinstance(sd_jwt, SdJwtVcOptions) or not isinstance(sd_jwt.type_metadata, Mapping):
        return sd_jwt
    merged = {**_shipped_type_metadata(), **sd_jwt.type_metadata}
    return dataclasses.replace(sd_jwt, type_metadata=merged)


def verify(
    document: Mapping[str, Any] | str | bytes,
    *,
    now: datetime | str | None = None,
    loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    expected_proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    accepted_cryptosuites: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: VerifierPolicy | None = None,
    status: StatusCheck | None = None,
    check_status: bool = True,
    aud: str | None = None,
    nonce: str | None = None,
    sd_jwt: SdJwtVcOptions | None = None,
    mbo_rules: bool = True,
) -> VerificationResult:
    """Verify a credential (Data Integrity JSON, ``vc+jwt`` / VC 1.1 JWT, an enveloped
    credential, or an SD-JWT VC; as bytes also a baked PNG/SVG, whose credential is verified),
    a waardepapier with the mbo rules.

    The options are :func:`mbo_vc.verification.pipeline.verify`'s (clock, loader, resolver,
    ``policy``, ``status`` / ``check_status``, an SD-JWT's ``aud`` / ``nonce`` / ``sd_jwt``).
    A waardepapier is also held to the mbo rules (:mod:`mbo_vc.mbo.rules`: an mbo-diploma or
    mbo-certificaat needs the examencommissie's proof and the bevoegd gezag's chained to it,
    ``missing_signer`` / ``proof_chain_broken``; crebo/niveau shapes; the mbo schema); name the
    examencommissie with ``policy=VerifierPolicy(required_signers=(RequiredSigner(
    "examencommissie", DID),))``. ``mbo_rules=False`` switches them off, with the warning
    ``mbo_rules_not_checked`` on a waardepapier. An SD-JWT VC is checked against the shipped
    type metadata of the waardepapieren (its ``vct#integrity``, the type's schema) besides any
    the caller pins in ``sd_jwt`` (:func:`with_shipped_type_metadata`). Never raises for a bad
    credential.
    """
    if _looks_like_sd_jwt(document):
        sd_jwt = with_shipped_type_metadata(sd_jwt)
    return pipeline.verify(
        document, now=now, loader=loader, resolver=resolver,
        expected_proof_purpose=expected_proof_purpose, challenge=challenge, domain=domain,
        accepted_cryptosuites=accepted_cryptosuites, limits=limits, policy=policy,
        status=status, check_status=check_status, aud=aud, nonce=nonce, sd_jwt=sd_jwt,
        rules=_hook(mbo_rules),
    )  # fmt: skip


def verify_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    challenge: str,
    domain: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    policy: VerifierPolicy | None = None,
    status: StatusCheck | None = None,
    check_status: bool = True,
    credential_options: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    mbo_rules: bool = True,
) -> PresentationResult:
    """Verify a presentation and every credential in it
    (:func:`mbo_vc.verification.pipeline.verify_presentation`: the holder proof with the
    verifier's ``challenge`` and ``domain``, holder binding, each credential as :func:`verify`
    verifies it), each waardepapier with the mbo rules (``mbo_rules=False``: switched off, a
    warning on each). Never raises for bad input; raises
    :class:`~mbo_vc.errors.UsageError` without a challenge.
    """
    return pipeline.verify_presentation(
        presentation, challenge=challenge, domain=domain, now=now, resolver=resolver,
        loader=loader, policy=policy, status=status, check_status=check_status,
        credential_options=credential_options, limits=limits, rules=_hook(mbo_rules),
    )  # fmt: skip


def verify_jwt(
    token: str | bytes,
    *,
    expected: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    policy: VerifierPolicy | None = None,
    status: StatusCheck | None = None,
    check_status: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    mbo_rules: bool = True,
) -> VerificationResult:
    """Verify a JWT-secured credential or presentation (``vc+jwt``, ``vp+jwt``, VC 1.1 JWT):
    :func:`mbo_vc.verification.pipeline.verify_jwt`, a waardepapier with the mbo rules (a JWT
    has one signature: its signers are the warning ``mbo_rules_not_checked``, its shapes and
    schema are checked). ``expected`` is ``"credential"``, ``"presentation"`` or None. Never
    raises for bad input.
    """
    return pipeline.verify_jwt(
        token, expected=expected, now=now, resolver=resolver, loader=loader,
        challenge=challenge, domain=domain, policy=policy, status=status,
        check_status=check_status, limits=limits, rules=_hook(mbo_rules),
    )  # fmt: skip
