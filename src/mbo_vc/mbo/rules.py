"""The mbo rules a verifier applies to a waardepapier, on top of the VC / OBv3 checks.

Read from the verified view (what the signatures cover) and the proofs as signed:

- an mbo-diploma and an mbo-certificaat carry two signers: a valid proof by the examencommissie
  (a key other than the issuer's, or the DID the verifier names) and the bevoegd gezag's
  (the issuer's) proof chained to it (``missing_signer``, ``proof_chain_broken``); a JWT has
  one signature by construction, so for a ``vc+jwt`` this is the warning
  ``mbo_rules_not_checked``;
- the crebo is 5 digits, the niveau 1 to 4, a keuzedeelCode ``K`` and 4 digits
  (``invalid_field``);
- the credential validates against mbo_vc's JSON Schema for its kind, which includes the OBv3
  constraints (``schema_invalid``).

A credential is held to these rules when it is an mbo waardepapier as signed: its achievement is
an ``MboAchievement`` (mbo context) or it names an mbo_vc schema; its kind then comes from the
achievementType (:func:`mbo_vc.mbo.kinds.waardepapier_kind`).

:class:`MboRules` is these rules as the verification pipeline's credential-rules hook
(:class:`~mbo_vc.verification.rules.CredentialRules`); every public entry point gets it from
:mod:`mbo_vc.verifier`, which loads this module only for a credential that may be a waardepapier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.mbo.kinds import BEVOEGD_GEZAG, EXAMENCOMMISSIE, waardepapier_kind
from mbo_vc.mbo.model import SCHEMA_BASE
from mbo_vc.mbo.schema import mbo_json_schema
from mbo_vc.result import ProofResult, VerificationResult
from mbo_vc.verification.policy import RequiredSigner, VerifierPolicy, apply_signers

__all__ = ["TWO_SIGNERS", "MboRules", "apply_mbo_rules", "recognised_kind", "rules_applied"]

TWO_SIGNERS = frozenset({"mbo-diploma", "mbo-certificaat"})
"""The waardepapieren that need both the examencommissie's and the bevoegd gezag's proof."""
_MBO = "https://w3id.org/mbo-vc/vocab#"
_OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
_CRED = "https://www.w3.org/2018/credentials#"
_SHAPES = (
    (_MBO + "crebo", "crebo", re.compile(r"^\d{5}$"), "5 digits"),
    (_MBO + "kwalificatieCrebo", "kwalificatieCrebo", re.compile(r"^\d{5}$"), "5 digits"),
    (_MBO + "keuzedeelCode", "keuzedeelCode", re.compile(r"^K\d{4}$"), "K and 4 digits"),
    (_MBO + "niveau", "niveau", re.compile(r"^[1-4]$"), "1, 2, 3 or 4"),
)
_REQUIRED = {"mbo-diploma": ("crebo", "niveau")}


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


def _check_shapes(view: CredentialView, kind: str, result: VerificationResult) -> None:
    subject = view.subjects[0]
    (ref,) = subject.refs(_OB + "achievement")
    achievement = subject.node(ref or "")
    for iri, name, pattern, shape in _SHAPES:
        values = achievement.literals(iri)
        if not values:
            if name in _REQUIRED.get(kind, ()):
                result.add("invalid_field", f"an {kind} needs a {name} ({shape})",
                           f"credentialSubject.achievement.{name}")  # fmt: skip
            continue
        for lit in values:
            text = "" if lit is None or isinstance(lit.value, bool) else str(lit.value)
            if not pattern.match(text):
                result.add("invalid_field", f"{name} must be {shape}, not {text[:40]!r}",
                           f"credentialSubject.achievement.{name}")  # fmt: skip


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


def apply_mbo_rules(
    result: VerificationResult, *, examencommissie: str | None = None, require_chain: bool = True
) -> VerificationResult:
    """Add the mbo rules' problems to ``result`` when it is a waardepapier (check
    ``mbo_rules``); ``examencommissie`` names the expected examencommissie DID;
    ``require_chain=False`` accepts the two proofs as a set (no ``previousProof``)."""
    view = result.view
    if view is None:
        return result
    kind = recognised_kind(view)
    if kind is None:
        return result
    _check_shapes(view, kind, result)
    if kind in TWO_SIGNERS and result.format == "data-integrity":
        _check_signers(result, view.issuer, examencommissie, chain=require_chain)
    elif kind in TWO_SIGNERS:
        result.warn(
            "mbo_rules_not_checked",
            f"a {result.format} {kind} carries one signature: the examencommissie's proof "
            "(a Data Integrity proof chain) cannot be checked",
            "proof",
        )
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
        if result.view is None or rules_applied(result):
            return
        if self.enabled:
            apply_mbo_rules(
                result, examencommissie=_examencommissie(policy), require_chain=self.require_chain
            )
        elif recognised_kind(result.view) is not None:
            result.warn(
                "mbo_rules_not_checked",
                "the mbo rules were switched off (mbo_rules=False, --no-mbo-rules): signers, "
                "crebo/niveau and schema not checked",
            )
