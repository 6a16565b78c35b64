"""The mbo rules a verifier applies to a waardepapier, on top of the VC / OBv3 checks.

Read from the verified view (what the signatures cover) and the proofs as signed:

- an mbo-diploma and an mbo-certificaat carry two signers: a valid proof by the examencommissie
  (a key other than the issuer's, or the DID the verifier names) and the bevoegd gezag's
  (the issuer's) proof chained to it (``missing_signer``, ``proof_chain_broken``); a JWT has
  one signature by construction, so for a ``vc+jwt``, a ``vc+sd-jwt`` and an SD-JWT VC this
  is the warning ``mbo_rules_not_checked``;
- the crebo is 5 digits, the niveau 1 to 4, a keuzedeelCode ``K`` and 4 digits, and a diploma
  has a crebo and a niveau (``invalid_field``; :data:`SHAPES`, one table for both readings);
- the credential validates against mbo_vc's JSON Schema for its kind, which includes the OBv3
  constraints (``schema_invalid``).

A credential is held to these rules when it is an mbo waardepapier as signed: its achievement is
an ``MboAchievement`` (mbo context) or it names an mbo_vc schema; its kind then comes from the
achievementType (:func:`mbo_vc.mbo.kinds.waardepapier_kind`). An SD-JWT VC (``dc+sd-jwt``) has
no JSON-LD view: it is a waardepapier by its ``vct`` (:func:`sd_jwt_kind`), and the shapes are
read from its verified claims, disclosures in place; a claim the holder withheld is no
violation, and its schema is the type metadata's.

:class:`MboRules` is these rules as the verification pipeline's credential-rules hook
(:class:`~mbo_vc.verification.rules.CredentialRules`); every public entry point gets it from
:mod:`mbo_vc.verifier`, which loads this module only for a credential that may be a waardepapier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.mbo.kinds import BEVOEGD_GEZAG, EXAMENCOMMISSIE, waardepapier_kind
from mbo_vc.mbo.model import SCHEMA_BASE
from mbo_vc.mbo.schema import mbo_json_schema
from mbo_vc.mbo.sd_jwt_vc import SELECTIVELY_DISCLOSABLE, VCT
from mbo_vc.result import ProofResult, VerificationResult
from mbo_vc.verification.policy import RequiredSigner, VerifierPolicy, apply_signers
from mbo_vc.verification.sd_jwt_vc import FORMAT as SD_JWT_VC_FORMAT

__all__ = [
    "REQUIRED",
    "SD_JWT_ACHIEVEMENT",
    "SHAPES",
    "TWO_SIGNERS",
    "MboRules",
    "Shape",
    "apply_mbo_rules",
    "recognised_kind",
    "rules_applied",
    "sd_jwt_kind",
]

TWO_SIGNERS = frozenset({"mbo-diploma", "mbo-certificaat"})
"""The waardepapieren that need both the examencommissie's and the bevoegd gezag's proof."""
_MBO = "https://w3id.org/mbo-vc/vocab#"
_OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
_CRED = "https://www.w3.org/2018/credentials#"


@dataclass(frozen=True)
class Shape:
    """One shape rule of an mbo code, for both readings of a waardepapier: ``term`` in the mbo
    vocabulary (a JSON-LD credential: a property of its achievement) and ``claim``, the same
    member of an SD-JWT VC's claims (the model's field name)."""

    term: str
    claim: str
    pattern: re.Pattern[str]
    shape: str
    """The shape in words (``5 digits``)."""

    @property
    def iri(self) -> str:
        """The term's IRI (what the verified JSON-LD view holds)."""
        return _MBO + self.term

    def fits(self, value: Any) -> bool:
        """Whether one value (a literal's value, or a JSON claim) has the shape."""
        text = "" if value is None or isinstance(value, bool) else str(value)
        return self.pattern.match(text) is not None


SHAPES = (
    Shape("crebo", "crebo", re.compile(r"^\d{5}$"), "5 digits"),
    Shape("kwalificatieCrebo", "kwalificatie_crebo", re.compile(r"^\d{5}$"), "5 digits"),
    Shape("keuzedeelCode", "keuzedeel_code", re.compile(r"^K\d{4}$"), "K and 4 digits"),
    Shape("niveau", "niveau", re.compile(r"^[1-4]$"), "1, 2, 3 or 4"),
)
"""The shapes of the mbo codes (``invalid_field``): one table for the JSON-LD view and the
SD-JWT VC claims."""
REQUIRED = {"mbo-diploma": ("crebo", "niveau")}
"""Per kind, the terms of :data:`SHAPES` its achievement must carry."""
SD_JWT_ACHIEVEMENT = {"mbo-diploma": "opleiding", "mbo-verklaring": "opleiding"}
"""Per kind, the SD-JWT VC claim that holds what the JSON-LD achievement holds (its crebo,
niveau); the other kinds carry them at the top level (:func:`mbo_vc.mbo.sd_jwt_vc.claims_of`)."""


def recognised_kind(view: CredentialView) -> str | None:
    """The waardepapier kind when the signed credential is an mbo waardepapier (its achievement
    is an ``MboAchievement``, or it names an mbo_vc schema), else None: an OBv3 ``Diploma``
    from elsewhere is not held to the mbo rules."""
    kind = waardepapier_kind(view)
    if kind is None:
        return None
    subject = view.subjects[0]
    (ref,) = subject.refs(_OB + "achievement")
    is_mbo = _MBO + "MboAchievement" in subject.node(ref or "").types
    names_schema = any(
        r is not None and r.startswith(SCHEMA_BASE)
        for r in view.root.refs(_CRED + "credentialSchema")
    )
    return kind if is_mbo or names_schema else None


def sd_jwt_kind(result: VerificationResult) -> str | None:
    """The waardepapier kind of an SD-JWT VC (``dc+sd-jwt``) by its verified ``vct``
    (:data:`mbo_vc.mbo.sd_jwt_vc.VCT`), else None."""
    claims = result.document
    if result.format != SD_JWT_VC_FORMAT or result.view is not None or claims is None:
        return None
    vct = claims.get("vct")
    return next((kind for kind, v in VCT.items() if v == vct), None)


def _judge(
    kind: str,
    values: Callable[[Shape], list[Any] | None],
    where: Callable[[Shape], str],
    result: VerificationResult,
) -> None:
    """The shape rules on one reading: ``values`` gives a shape's values (None: the reading
    cannot say whether it is there, so it is not required), ``where`` its place."""
    for rule in SHAPES:
        found = values(rule)
        if found is not None and not found and rule.term in REQUIRED.get(kind, ()):
            result.add("invalid_field", f"an {kind} needs a {rule.term} ({rule.shape})",
                       where(rule))  # fmt: skip
        for value in found or ():
            if not rule.fits(value):
                text = "" if value is None or isinstance(value, bool) else str(value)
                result.add("invalid_field", f"{rule.term} must be {rule.shape}, not "
                           f"{text[:40]!r}", where(rule))  # fmt: skip


def _check_shapes(view: CredentialView, kind: str, result: VerificationResult) -> None:
    subject = view.subjects[0]
    (ref,) = subject.refs(_OB + "achievement")
    achievement = subject.node(ref or "")

    def values(rule: Shape) -> list[Any]:
        return [None if lit is None else lit.value for lit in achievement.literals(rule.iri)]

    _judge(kind, values, lambda rule: f"credentialSubject.achievement.{rule.term}", result)


def _check_claims(claims: Mapping[str, Any], kind: str, result: VerificationResult) -> None:
    """The shape rules on an SD-JWT VC's verified claims: what is disclosed is judged; a member
    that is not there is missing only where the holder cannot have withheld it (its object is
    disclosed, and mbo_vc's profile never makes the member itself selectively disclosable)."""
    parent = SD_JWT_ACHIEVEMENT.get(kind)
    holder: Any = claims if parent is None else claims.get(parent)
    prefix = "" if parent is None else f"{parent}."
    withholdable = set(SELECTIVELY_DISCLOSABLE.get(kind, ()))

    def values(rule: Shape) -> list[Any] | None:
        if not isinstance(holder, Mapping):
            return None  # (not disclosed, or not an object: the type metadata's schema says)
        if rule.claim in holder:
            return [holder[rule.claim]]
        return None if f"{prefix}{rule.claim}" in withholdable else []

    _judge(kind, values, lambda rule: f"{prefix}{rule.claim}", result)


def _check_signers(
    result: VerificationResult, issuer: str | None, ec: str | None, *, chain: bool
) -> None:
    if ec is not None:
        signers = (RequiredSigner(EXAMENCOMMISSIE, ec), RequiredSigner(BEVOEGD_GEZAG, None))
        apply_signers(result, signers, issuer, chain=chain)
        return
    mine = RequiredSigner(BEVOEGD_GEZAG, None)
    by_issuer = [p for p in result.proofs if p.verified and mine.made(p, issuer)]
    others: list[ProofResult] = [
        p for p in result.proofs if p.verified and not mine.made(p, issuer)
    ]
    if not others:
        result.add("missing_signer", "no valid proof by the examencommissie (a key other than "
                   "the issuer's; name it with RequiredSigner('examencommissie', DID), "
                   "--require-signer examencommissie=DID)", "proof")  # fmt: skip
    elif by_issuer and chain:
        ids = {p.id for p in others if p.id is not None}
        if not any(ids & set(p.previous_proof) for p in by_issuer):
            result.add("proof_chain_broken", "the bevoegd gezag's proof does not name the "
                       "examencommissie's proof in previousProof", "proof")  # fmt: skip
    result.check("signers")


def _check_schema(kind: str, result: VerificationResult) -> None:
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(mbo_json_schema(kind), validate_formats=True)
    doc = result.document or {}
    for error in list(validator.iter_errors(doc))[:5]:
        where = "/" + "/".join(str(p) for p in error.instance_path)
        result.add("schema_invalid", f"the {kind} does not fit the mbo_vc / OBv3 schema at "
                   f"{where}: {error.message[:200]}", where)  # fmt: skip


def _one_signature(result: VerificationResult, kind: str) -> None:
    if kind in TWO_SIGNERS:
        result.warn(
            "mbo_rules_not_checked",
            f"a {result.format} {kind} carries one signature: the examencommissie's proof "
            "(a Data Integrity proof chain) cannot be checked",
            "proof",
        )


def apply_mbo_rules(
    result: VerificationResult, *, examencommissie: str | None = None, require_chain: bool = True
) -> VerificationResult:
    """Add the mbo rules' problems to ``result`` when it is a waardepapier (check
    ``mbo_rules``); ``examencommissie`` names the expected examencommissie DID;
    ``require_chain=False`` accepts the two proofs as a set (no ``previousProof``). An SD-JWT
    VC (``dc+sd-jwt``, no JSON-LD view) is judged on its verified, disclosed claims
    (:func:`sd_jwt_kind`): the shapes; its one issuer signature is the signers' warning; its
    schema is its type metadata's (checked by the SD-JWT VC step)."""
    view = result.view
    if view is None:
        sd_kind = sd_jwt_kind(result)
        if sd_kind is not None and result.document is not None:
            _check_claims(result.document, sd_kind, result)
            _one_signature(result, sd_kind)
            result.check("mbo_rules")
        return result
    kind = recognised_kind(view)
    if kind is None:
        return result
    _check_shapes(view, kind, result)
    if kind in TWO_SIGNERS and result.format == "data-integrity":
        _check_signers(result, view.issuer, examencommissie, chain=require_chain)
    else:
        _one_signature(result, kind)
    named = f"{SCHEMA_BASE}{kind}.schema.json" in view.root.refs(vocab.CREDENTIAL_SCHEMA)
    if result.document is not None and not (named and "credential_schema" in result.checks):
        _check_schema(
            kind, result
        )  # (the pipeline already validated a schema the credential names)
    result.check("mbo_rules")
    return result


def rules_applied(result: VerificationResult) -> bool:
    """Whether the mbo rules have had their say on ``result`` (checked, or switched off with the
    ``mbo_rules_not_checked`` warning): they are applied once."""
    return "mbo_rules" in result.checks or any(
        w.code == "mbo_rules_not_checked" for w in result.warnings
    )


def _examencommissie(policy: VerifierPolicy) -> str | None:
    return next(
        (s.id for s in policy.required_signers if s.role.lower() == EXAMENCOMMISSIE and s.id),
        None,
    )


@dataclass(frozen=True)
class MboRules:
    """The mbo rules as the pipeline's credential-rules hook: :func:`apply_mbo_rules` on each
    waardepapier, with the examencommissie the policy requires (``RequiredSigner
    ("examencommissie", DID)``). ``enabled=False`` is the explicit opt-out: each waardepapier
    then gets the warning ``mbo_rules_not_checked`` instead. ``require_chain=False`` (only
    :func:`mbo_vc.mbo.verify_waardepapier` asks for it) accepts both proofs as a set. A
    credential that is not a waardepapier, or whose rules were already applied, is left
    alone."""

    enabled: bool = True
    require_chain: bool = True

    def apply(self, result: VerificationResult, *, policy: VerifierPolicy) -> None:
        """Apply the rules (or the opt-out's warning) to one credential's result."""
        if rules_applied(result) or (result.view is None and sd_jwt_kind(result) is None):
            return
        if self.enabled:
            apply_mbo_rules(
                result, examencommissie=_examencommissie(policy), require_chain=self.require_chain
            )
        elif result.view is None or recognised_kind(result.view) is not None:
            result.warn(
                "mbo_rules_not_checked",
                "the mbo rules were switched off (mbo_rules=False, --no-mbo-rules): signers, "
                "crebo/niveau and schema not checked",
            )
