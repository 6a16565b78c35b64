"""The pipeline's status step, and the interface a status checker plugs into.

The pipeline never imports a status implementation: the caller injects one (any object with
:meth:`StatusCheck.check_entries`, such as :class:`mbo_vc.status.StatusChecker`). Status fails
closed: a credential with ``credentialStatus`` verifies only when every entry was checked;
without a checker that is ``status_unavailable``. Switching status checking off is explicit
(``check_status=False``) and shows as the warning ``status_not_checked``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from mbo_vc.data_model.view import CredentialView
from mbo_vc.errors import MboVcError
from mbo_vc.result import StatusOutcome, VerificationResult

__all__ = ["StatusCheck", "check_status"]


@runtime_checkable
class StatusCheck(Protocol):
    """Checks a credential's status entries (read from its verified view)."""

    def check_entries(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """One outcome per ``(where, entry)``: the entry's status, or why it is unknown."""
        ...


HOW_TO_CHECK = (
    "pass a status checker (verify(..., status=StatusChecker(DirectoryFetcher(DIR))), "
    "or mbo-vc verify --status-dir DIR, or --online to fetch the lists), or switch status "
    "checking off explicitly (check_status=False, --no-status)"
)


def check_status(
    view: CredentialView,
    result: VerificationResult,
    clock: datetime,
    checker: StatusCheck | None,
    *,
    enabled: bool = True,
) -> None:
    """Check every ``credentialStatus`` entry of the verified view, failing closed."""
    entries = view.status_entries
    if not entries:
        return
    result.check("status")
    if not enabled:
        result.warn(
            "status_not_checked",
            f"status checking was switched off: {len(entries)} credentialStatus entr"
            f"{'y was' if len(entries) == 1 else 'ies were'} not checked",
            "credentialStatus",
        )
        return
    if checker is None:
        result.add(
            "status_unavailable",
            f"the credential has credentialStatus, but no status source was given, so whether "
            f"it was revoked is unknown: {HOW_TO_CHECK}",
            "credentialStatus",
        )
        return
    if not any(p.signature_valid for p in result.proofs):
        result.warn(
            "status_not_checked",
            "status not checked: no proof of the credential verified, so its credentialStatus "
            "is not authentic",
            "credentialStatus",
        )
        return
    try:
        outcomes = list(checker.check_entries(entries, issuer=view.issuer, now=clock))
    except MboVcError as exc:
        result.add("status_unavailable", f"the status checker failed: {exc.message}")
        return
    except Exception as exc:  # a caller's checker must not crash verification
        result.add("status_unavailable", f"the status checker failed ({type(exc).__name__})")
        return
    if len(outcomes) != len(entries):
        result.add("status_unavailable", "the status checker did not report on every entry")
        return
    for outcome in outcomes:
        if outcome.problem is not None:
            result.problems.append(outcome.problem)
        if outcome.warning is not None:
            result.warnings.append(outcome.warning)
        if outcome.problem is None and outcome.status is None and outcome.warning is None:
            result.add("status_unavailable", "a status entry was not checked", outcome.where)
    result.status = outcomes
