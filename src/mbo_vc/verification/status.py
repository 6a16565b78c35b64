"""The pipeline's status step, and the interface a status checker plugs into.

The pipeline never imports a status implementation: the caller injects one (any object with
:meth:`StatusCheck.check_entries`, such as :class:`mbo_vc.status.StatusChecker`). Status fails
closed: a credential with ``credentialStatus`` verifies only when every entry was checked;
without a checker that is ``status_unavailable``. Switching status checking off is explicit
(``check_status=False``) and shows as the warning ``status_not_checked``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from mbo_vc.data_model.view import CredentialView
from mbo_vc.errors import MboVcError
from mbo_vc.result import Problem, StatusOutcome, VerificationResult

__all__ = [
    "StatusCheck",
    "StatusCheckers",
    "TokenStatusCheck",
    "check_status",
    "check_token_status",
]


@runtime_checkable
class StatusCheck(Protocol):
    """Checks a credential's status entries (read from its verified view)."""

    def check_entries(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """One outcome per ``(where, entry)``: the entry's status, or why it is unknown."""
        ...


@runtime_checkable
class TokenStatusCheck(Protocol):
    """Checks the ``status`` claim of a JWT-secured credential (an SD-JWT VC): IETF Token
    Status List entries (``status.status_list`` with ``idx`` and ``uri``). A checker may
    implement this next to :class:`StatusCheck`; the pipeline calls whichever fits."""

    def check_status_list(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """One outcome per ``(where, entry)`` (``where`` is ``status.status_list``)."""
        ...


class StatusCheckers:
    """One status argument for both mechanisms: ``bitstring`` checks ``credentialStatus``
    entries (e.g. :class:`mbo_vc.status.StatusChecker`), ``token`` checks an SD-JWT VC's
    ``status.status_list`` (e.g. :class:`mbo_vc.status.TokenStatusListChecker`). A mechanism
    without a checker fails closed as usual."""

    def __init__(self, bitstring: StatusCheck | None, token: TokenStatusCheck | None) -> None:
        self.bitstring = bitstring
        self.token = token

    def check_entries(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """Bitstring Status List entries, by ``bitstring`` (unavailable without one)."""
        if self.bitstring is None:
            return [_unavailable(where, "no Bitstring Status List checker") for where, _ in entries]
        return list(self.bitstring.check_entries(entries, issuer=issuer, now=now))

    def check_status_list(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """Token Status List references, by ``token`` (unavailable without one)."""
        if self.token is None:
            return [_unavailable(where, "no Token Status List checker") for where, _ in entries]
        return list(self.token.check_status_list(entries, issuer=issuer, now=now))


def _unavailable(where: str, why: str) -> StatusOutcome:
    return StatusOutcome(
        where=where,
        purpose=None,
        problem=Problem("status_unavailable", f"{why}: {HOW_TO_CHECK}", where),
    )


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
    _record(result, entries, lambda: checker.check_entries(entries, issuer=view.issuer, now=clock))


HOW_TO_CHECK_STATUS_LIST = (
    "pass a Token Status List checker (verify(..., status=CHECKER), one that implements "
    "check_status_list), or switch status checking off explicitly (check_status=False, "
    "--no-status)"
)


def check_token_status(
    status_claim: Any,
    issuer: str | None,
    result: VerificationResult,
    clock: datetime,
    checker: Any,
    *,
    enabled: bool = True,
) -> None:
    """The ``status`` claim of an SD-JWT VC (signed, never selectively disclosable), failing
    closed like :func:`check_status`: every mechanism in it must be checked by ``checker``
    (a :class:`TokenStatusCheck`); only ``status_list`` (IETF Token Status List) is known."""
    if status_claim is None:
        return
    result.check("status")
    if not isinstance(status_claim, dict) or not status_claim:
        result.add("malformed_status_entry", "the status claim must be a non-empty object",
                   "status")  # fmt: skip
        return
    entries = [(f"status.{name}", value) for name, value in status_claim.items()]
    if not enabled:
        result.warn(
            "status_not_checked",
            f"status checking was switched off: status {', '.join(status_claim)[:80]} was not "
            f"checked",
            "status",
        )
        return
    unknown = [where for where, _ in entries if where != "status.status_list"]
    if unknown:
        result.add("status_unavailable", f"no checker knows the status mechanism "
                   f"{', '.join(unknown)[:100]}: the credential's status is unknown",
                   "status")  # fmt: skip
        return
    if checker is None or not isinstance(checker, TokenStatusCheck):
        given = (
            "no status checker was given"
            if checker is None
            else ("the status checker given does not read Token Status Lists")
        )
        result.add(
            "status_unavailable",
            f"the credential has a status_list entry, but {given}, so whether it was revoked "
            f"is unknown: {HOW_TO_CHECK_STATUS_LIST}",
            "status.status_list",
        )
        return
    if not any(p.signature_valid for p in result.proofs):
        result.warn("status_not_checked", "status not checked: the issuer signature did not "
                    "verify, so the status claim is not authentic", "status")  # fmt: skip
        return
    _record(result, entries, lambda: checker.check_status_list(entries, issuer=issuer, now=clock))


def _record(
    result: VerificationResult,
    entries: Sequence[tuple[str, Any]],
    check: Callable[[], Sequence[StatusOutcome]],
) -> None:
    """Run a status checker and record what it reports, failing closed: a checker that raises,
    skips an entry or reports nothing for one makes the entry ``status_unavailable``."""
    try:
        outcomes = list(check())
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
