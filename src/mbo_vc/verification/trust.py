"""The pipeline's trust-list step, and the interface a trust list plugs into.

A verifier that pins a trust anchor gives ``VerifierPolicy(trust_list=...)`` an object with
:meth:`TrustCheck.check_issuer` (such as :class:`mbo_vc.mbo.trust_list.TrustList`). The step
asks it whether the credential's signed issuer may issue what the credential is, and records the
issuer as the list names it in ``result.trusted_issuer``. The pipeline never imports a trust-list
implementation. The step fails closed: a list that cannot be verified, or a checker that fails,
makes the credential not verified (``trust_list_invalid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from mbo_vc.data_model.view import CredentialView
from mbo_vc.errors import MboVcError
from mbo_vc.result import Problem, TrustedIssuer, VerificationResult

if TYPE_CHECKING:
    from mbo_vc.did import DidResolver
    from mbo_vc.jsonld import DocumentLoader
    from mbo_vc.verification.status import StatusCheck

__all__ = ["TrustCheck", "TrustOutcome", "check_trust"]


@dataclass(frozen=True)
class TrustOutcome:
    """What a trust list says about one credential: the issuer's entry (None when it is not on
    the list, or the list could not be verified) and the problems (none when trusted)."""

    issuer: TrustedIssuer | None = None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    """Findings on the list itself that do not fail (e.g. its status was not checked)."""


@runtime_checkable
class TrustCheck(Protocol):
    """Decides, from the verified view, whether the credential's issuer may issue it."""

    def check_issuer(
        self,
        view: CredentialView,
        *,
        now: datetime,
        loader: DocumentLoader,
        resolver: DidResolver,
        status: StatusCheck | None,
        check_status: bool,
    ) -> TrustOutcome:
        """The issuer's entry and any problems (``issuer_not_on_trust_list``,
        ``type_not_allowed_for_issuer``, ``issuer_identifier_mismatch``,
        ``trust_list_invalid``), as they are at ``now``."""
        ...


def check_trust(
    view: CredentialView,
    result: VerificationResult,
    checker: TrustCheck | None,
    *,
    now: datetime,
    loader: DocumentLoader,
    resolver: DidResolver,
    status: StatusCheck | None,
    check_status: bool,
    step: str = "trust_list",
    failure: str = "trust_list_invalid",
) -> None:
    """Apply the trust list (when the policy has one) to the credential, failing closed.

    ``step`` names the check (``trust_list``, ``federation``) and ``failure`` the code of a
    checker that fails. The first step that names the issuer sets ``result.trusted_issuer``.
    """
    if checker is None:
        return
    result.check(step)
    label = step.replace("_", " ")
    try:
        outcome = checker.check_issuer(
            view, now=now, loader=loader, resolver=resolver, status=status,
            check_status=check_status,
        )  # fmt: skip
    except MboVcError as exc:
        result.add(failure, f"the {label} could not be used: {exc.message}")
        return
    except Exception as exc:  # a caller's trust list must not crash verification
        result.add(failure, f"the {label} check failed ({type(exc).__name__})")
        return
    if not isinstance(outcome, TrustOutcome):
        result.add(failure, f"the {label} check did not return a TrustOutcome")
        return
    result.problems.extend(outcome.problems)
    result.warnings.extend(outcome.warnings)
    if result.trusted_issuer is None:
        result.trusted_issuer = outcome.issuer
