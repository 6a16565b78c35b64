"""The verifier side of the IETF Token Status List: check ``status.status_list`` references.

A :class:`TokenStatusListChecker` implements the pipeline's injected status interface
(:class:`mbo_vc.verification.status.StatusCheck`, ``check_entries``), so the SD-JWT VC
verifier (or any caller) hands it the Referenced Token's ``status`` claim, or the
``{"idx", "uri"}`` inside it, and gets one :class:`~mbo_vc.result.StatusOutcome` per entry.

It obtains the ``statuslist+jwt`` through a caller-given fetcher (the same fetchers as
:class:`~mbo_vc.status.StatusChecker`: a folder, a mapping, a callable, or HTTPS when the
caller opts in), verifies it (:func:`~mbo_vc.status.token_status_list.verify_status_list_token`),
requires its signer to be the credential's issuer, caches it until ``ttl`` (or ``exp``) runs
out, and reads the status value. Outcomes: ``revoked`` (0x01 INVALID), ``suspended`` (0x02),
``status_value_unknown`` (any other non-zero value), ``status_index_out_of_range``, and
``status_unavailable`` whenever the status cannot be checked (fails closed).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mbo_vc.did import DidResolver
from mbo_vc.errors import (
    MboVcError,
    StatusEntryError,
    StatusFetchError,
    StatusIndexError,
    StatusListError,
    StatusListIssuerMismatchError,
    StatusListStaleError,
    UsageError,
)
from mbo_vc.jws import DEFAULT_JWT_ALGORITHMS
from mbo_vc.result import Problem, StatusOutcome
from mbo_vc.status.checker import Document, StatusListFetcher
from mbo_vc.status.codec import DEFAULT_MAX_LIST_BYTES
from mbo_vc.status.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusListReference,
    VerifiedStatusListToken,
    parse_status_reference,
    verify_status_list_token,
)

__all__ = ["PURPOSE", "TokenStatusListChecker"]

PURPOSE = "status_list"
"""The ``purpose`` of a Token Status List outcome (one list carries every status type)."""


@dataclass
class _Cached:
    token: VerifiedStatusListToken
    fetched_at: datetime
    expires_at: datetime


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


class TokenStatusListChecker:
    """Checks ``status.status_list`` references against verified, cached Status List Tokens.

    ``fetcher``: a :class:`~mbo_vc.status.StatusListFetcher` or a callable ``url -> token``.
    ``resolver`` resolves the tokens' ``kid`` DIDs; ``keys`` maps an ``iss`` the caller trusts
    to its public JWK (for issuers without a DID). Strict defaults, each relaxation named:

    - ``list_issuers``: further signers allowed to publish lists for credentials (by default
      only the credential's own issuer may);
    - ``accept_stale`` (default False): a list older than its ``ttl`` (``iat + ttl`` passed,
      the issuer has a newer one) is ``status_unavailable`` unless this is set, when it is
      used with a ``status_policy_relaxed`` warning. ``exp`` is always enforced.

    ``default_ttl`` is how long a list without ``ttl`` is cached, ``max_ttl`` caps any ``ttl``.
    """

    def __init__(
        self,
        fetcher: StatusListFetcher | Callable[[str], Document],
        *,
        resolver: DidResolver | None = None,
        keys: Mapping[str, Mapping[str, Any]] | None = None,
        algorithms: frozenset[str] = DEFAULT_JWT_ALGORITHMS,
        max_list_bytes: int = DEFAULT_MAX_LIST_BYTES,
        list_issuers: Collection[str] = (),
        accept_stale: bool = False,
        skew: timedelta = timedelta(minutes=5),
        default_ttl: timedelta = timedelta(minutes=5),
        max_ttl: timedelta = timedelta(days=1),
        max_cached_lists: int = 256,
    ) -> None:
        self._fetch: Callable[[str], Document]
        token_fetch = getattr(fetcher, "fetch_token", None)
        if callable(token_fetch):  # a fetcher that can ask for the statuslist+jwt form
            self._fetch = token_fetch
        elif isinstance(fetcher, StatusListFetcher):
            self._fetch = fetcher.fetch
        elif callable(fetcher):
            self._fetch = fetcher
        else:
            raise UsageError("fetcher must have a fetch(url) method or be callable")
        if isinstance(list_issuers, str):
            raise UsageError("list_issuers must be a collection of issuer ids")
        self.resolver = resolver
        self.keys = dict(keys or {})
        self.algorithms = algorithms
        self.max_list_bytes = max_list_bytes
        self.list_issuers = frozenset(list_issuers)
        self.accept_stale = accept_stale
        self.skew = skew
        self.default_ttl = default_ttl
        self.max_ttl = max_ttl
        self.max_cached_lists = max_cached_lists
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.fetches = 0
        """How many times a list was fetched and verified (cache misses)."""

    def clear_cache(self) -> None:
        """Forget every cached list."""
        with self._lock:
            self._cache.clear()

    # --- lists ---------------------------------------------------------------------------
    def status_list_token(
        self, uri: str, *, now: datetime | None = None
    ) -> VerifiedStatusListToken:
        """The verified Status List Token published at ``uri`` (cached while fresh).

        Raises a :class:`~mbo_vc.errors.StatusListError` subclass.
        """
        return self._cached(uri, _aware(now)).token

    def _cached(self, uri: str, clock: datetime) -> _Cached:
        with self._lock:
            hit = self._cache.get(uri)
            if hit is not None and hit.fetched_at <= clock < hit.expires_at:
                self._cache.move_to_end(uri)
                return hit
        token = self._load(uri, clock)
        ttl = timedelta(seconds=token.ttl) if token.ttl is not None else self.default_ttl
        expires = clock + min(ttl, self.max_ttl)
        if token.expires_at is not None:
            expires = min(expires, token.expires_at)
        entry = _Cached(token, clock, expires)
        with self._lock:
            self._cache[uri] = entry
            self._cache.move_to_end(uri)
            while len(self._cache) > self.max_cached_lists:
                self._cache.popitem(last=False)
        return entry

    def _load(self, uri: str, clock: datetime) -> VerifiedStatusListToken:
        self.fetches += 1
        try:
            raw = self._fetch(uri)
        except StatusListError:
            raise
        except MboVcError as exc:
            raise StatusFetchError(f"cannot obtain {uri}: {exc.message}") from None
        except Exception as exc:  # a caller's fetcher must not crash verification
            raise StatusFetchError(f"cannot obtain {uri}: {type(exc).__name__}") from None
        if not isinstance(raw, str | bytes):
            raise StatusFetchError(f"the fetcher returned no Status List Token for {uri}")
        return verify_status_list_token(
            raw,
            uri,
            now=clock,
            resolver=self.resolver,
            keys=self.keys,
            algorithms=self.algorithms,
            max_list_bytes=self.max_list_bytes,
            skew=self.skew,
        )

    # --- references ----------------------------------------------------------------------
    def check_reference(
        self,
        reference: object,
        *,
        issuer: str | None,
        now: datetime | None = None,
        where: str = "status.status_list",
    ) -> StatusOutcome:
        """Check one reference (``{"idx", "uri"}`` or the ``status`` claim). Never raises."""
        return self.check_entries([(where, reference)], issuer=issuer, now=_aware(now))[0]

    def check_status_list(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """The pipeline's Token Status List step for an SD-JWT VC's ``status.status_list``
        (:class:`~mbo_vc.verification.status.TokenStatusCheck`): as :meth:`check_entries`."""
        return self.check_entries(entries, issuer=issuer, now=now)

    def check_entries(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """One outcome per ``(where, reference)`` (the pipeline's status step). Never raises."""
        clock = _aware(now)
        out = []
        for where, item in entries:
            try:
                out.append(self._check(item, where, issuer, clock))
            except Exception as exc:  # defence in depth: status must fail closed, not crash
                out.append(
                    StatusOutcome(
                        where,
                        purpose=PURPOSE,
                        problem=Problem(
                            "status_unavailable",
                            f"checking this status failed unexpectedly ({type(exc).__name__})",
                            where,
                        ),
                    )
                )
        return out

    def _check(self, item: Any, where: str, issuer: str | None, clock: datetime) -> StatusOutcome:
        try:
            ref = parse_status_reference(item)
        except StatusEntryError as exc:
            return StatusOutcome(
                where, purpose=PURPOSE, problem=Problem(exc.code, exc.message, where)
            )
        base = StatusOutcome(where, PURPOSE, ref.uri, ref.idx, entry=ref)
        warnings: list[str] = []
        try:
            token = self._cached(ref.uri, clock).token
            if issuer is None or token.issuer != issuer:
                if token.issuer not in self.list_issuers:
                    raise StatusListIssuerMismatchError(
                        f"the Status List Token {ref.uri} is signed by {token.issuer!r}, the "
                        f"credential issued by {issuer!r}"
                    )
                warnings.append(
                    f"the Status List Token {ref.uri} is signed by {token.issuer} "
                    "(accepted: list_issuers)"
                )
            if token.expires_at is not None and clock >= token.expires_at + self.skew:
                raise StatusFetchError(f"the Status List Token {ref.uri} has expired")
            stale = token.stale_at
            if stale is not None and clock > stale + self.skew:
                if not self.accept_stale:
                    raise StatusListStaleError(
                        f"the Status List Token {ref.uri} was issued "
                        f"{token.issued_at:%Y-%m-%dT%H:%M:%SZ} with ttl {token.ttl}s: it is stale "
                        f"since {stale:%Y-%m-%dT%H:%M:%SZ}, fetch a fresh one"
                    )
                warnings.append(
                    f"the Status List Token {ref.uri} is stale since "
                    f"{stale:%Y-%m-%dT%H:%M:%SZ} (accepted: accept_stale)"
                )
            value = token.status_list.get(ref.idx)
        except (StatusIndexError, StatusListIssuerMismatchError) as exc:
            return StatusOutcome(
                where,
                PURPOSE,
                ref.uri,
                ref.idx,
                problem=Problem(exc.code, exc.message, where),
                entry=ref,
            )
        except StatusListError as exc:
            detail = (
                exc.message if exc.code == "status_unavailable" else f"{exc.message} ({exc.code})"
            )
            return StatusOutcome(
                where,
                PURPOSE,
                ref.uri,
                ref.idx,
                problem=Problem("status_unavailable", detail, where),
                entry=ref,
            )
        outcome = _outcome(base, ref, value)
        if warnings and outcome.warning is None:
            outcome = StatusOutcome(
                outcome.where,
                outcome.purpose,
                outcome.list_credential,
                outcome.index,
                outcome.status,
                outcome.problem,
                Problem("status_policy_relaxed", "; ".join(warnings), where),
                outcome.message,
                outcome.entry,
            )
        return outcome


def _outcome(base: StatusOutcome, ref: StatusListReference, value: int) -> StatusOutcome:
    where = base.where
    at = f"{ref.uri} idx {ref.idx}"
    names = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}
    problem = None
    if value == INVALID:
        problem = Problem("revoked", f"revoked: status 0x01 INVALID ({at})", where)
    elif value == SUSPENDED:
        problem = Problem("suspended", f"suspended: status 0x02 SUSPENDED ({at})", where)
    elif value != VALID:
        kind = "application-specific" if value == 0x03 or 0x0C <= value <= 0x0F else "reserved"
        problem = Problem(
            "status_value_unknown",
            f"status {value:#04x} ({kind}) is neither VALID, INVALID nor SUSPENDED, so the "
            f"credential is not known to be valid ({at})",
            where,
        )
    return StatusOutcome(
        where, PURPOSE, ref.uri, ref.idx, value, problem, None, names.get(value), ref
    )
