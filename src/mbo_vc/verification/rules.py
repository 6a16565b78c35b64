"""The pipeline's credential-rules step, and the interface a domain's rules plug into.

Rules a kind of credential must follow beyond the data model (the mbo rules of a waardepapier:
both signers, crebo/niveau shapes, the mbo schema) are an object with
:meth:`CredentialRules.apply`, given to the pipeline as ``rules=`` (as a status checker is given
as ``status=``). The pipeline never imports a domain: :mod:`mbo_vc.verifier` gives it the mbo
rules, and that is what ``mbo_vc.verify``, ``verify_presentation``, ``verify_jwt``,
``verify_many``, the report and the command line use. The step runs on every credential (alone,
in a presentation, in a CLR) after the securing, validity, status, policy and trust steps, so
the rules read the verified view and the proofs as signed. It fails closed: rules that fail make
the credential not verified.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mbo_vc.errors import MboVcError
from mbo_vc.result import Problem, VerificationResult
from mbo_vc.verification.policy import VerifierPolicy

__all__ = ["CredentialRules", "check_rules"]


@runtime_checkable
class CredentialRules(Protocol):
    """Adds a domain's findings on one credential to its result, reading ``result.view`` (the
    verified view) and ``result.proofs``; leaves a credential that is not of its domain alone."""

    def apply(self, result: VerificationResult, *, policy: VerifierPolicy) -> None:
        """Add problems, warnings and checks to ``result`` (``policy`` is the verifier's: e.g.
        the examencommissie it requires)."""
        ...


def check_rules(
    result: VerificationResult, rules: CredentialRules | None, policy: VerifierPolicy
) -> None:
    """Apply ``rules`` (when given) to one credential's result, failing closed. A finding the
    result already holds (the policy's required signer is also the rules' signer) is kept once."""
    if rules is None:
        return
    problems, warnings = len(result.problems), len(result.warnings)
    try:
        rules.apply(result, policy=policy)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    except Exception as exc:  # a caller's rules must not crash verification, nor pass silently
        result.add("internal_error", f"the credential rules failed ({type(exc).__name__})")
    result.problems[problems:] = _new(result.problems[:problems], result.problems[problems:])
    result.warnings[warnings:] = _new(result.warnings[:warnings], result.warnings[warnings:])


def _new(before: list[Problem], added: list[Problem]) -> list[Problem]:
    seen = set(before)
    out: list[Problem] = []
    for finding in added:
        if finding not in seen:
            seen.add(finding)
            out.append(finding)
    return out
