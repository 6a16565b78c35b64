"""Verifier policy: what a verifier accepts beyond "the signature is valid".

A :class:`VerifierPolicy` names the issuers the verifier trusts (e.g. the schools registered
with DUO), the cryptosuites and JWS algorithms it accepts, its clock and the clock skew it
tolerates, the credential types it requires, and how credentials in a presentation must be
bound to the holder. ``mbo_vc.verify(..., policy=)``, :func:`mbo_vc.jose.verify_jwt` and
:func:`mbo_vc.presentation.verify_presentation` apply it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mbo_vc.document import issuer_id, types_of
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.result import VerificationResult
from mbo_vc.timestamps import parse_timestamp

__all__ = ["DEFAULT_JWT_ALGORITHMS", "HOLDER_BINDINGS", "VerifierPolicy", "apply_policy"]

DEFAULT_JWT_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256"})
"""JWS algorithms accepted by default (asymmetric only; ``none`` and HMAC never)."""

HOLDER_BINDINGS = ("subject", "none")
"""``subject``: a credential in a presentation must have a ``credentialSubject.id`` equal to
the holder. ``none``: the verifier binds credentials to the holder by other means (e.g. an
OBv3 ``identifier`` checked out of band), so no holder binding is checked here."""

_VALIDITY_NAMES = {
    "expired": ("validUntil", "expirationDate", "exp"),
    "not_yet_valid": ("validFrom", "issuanceDate", "nbf"),
}


@dataclass(frozen=True)
class VerifierPolicy:
    """What the verifier accepts. Every field is optional; the defaults accept what the
    library can verify.

    ``trusted_issuers``: issuer ids (DIDs) that are accepted (None: any issuer).
    ``accepted_cryptosuites``: Data Integrity cryptosuite names or legacy proof types.
    ``jwt_algorithms``: JWS ``alg`` values accepted for JWT-secured credentials.
    ``now``: a fixed verifier clock (None: the current time). ``clock_skew``: tolerance
    applied to validity periods, JWT ``exp``/``nbf`` and the holder proof's ``expires``.
    ``required_types``: credential types that must be present: on a single credential each
    type must be among its ``type`` values; in a presentation each type must be carried by at
    least one verified credential. ``holder_binding``: see :data:`HOLDER_BINDINGS`.
    """

    trusted_issuers: frozenset[str] | None = None
    accepted_cryptosuites: frozenset[str] | None = None
    jwt_algorithms: frozenset[str] = DEFAULT_JWT_ALGORITHMS
    now: datetime | str | None = None
    clock_skew: timedelta = timedelta(0)
    required_types: frozenset[str] = field(default_factory=frozenset)
    holder_binding: str = "subject"

    def __post_init__(self) -> None:
        for name in ("trusted_issuers", "accepted_cryptosuites", "jwt_algorithms"):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, str) or not isinstance(value, Collection):
                    raise UsageError(f"policy {name} must be a collection of strings")
                object.__setattr__(self, name, frozenset(value))
        if isinstance(self.required_types, str) or not isinstance(self.required_types, Collection):
            raise UsageError("policy required_types must be a collection of strings")
        object.__setattr__(self, "required_types", frozenset(self.required_types))
        if "none" in {a.lower() for a in self.jwt_algorithms}:
            raise UsageError("alg 'none' can never be accepted")
        if not isinstance(self.clock_skew, timedelta) or self.clock_skew < timedelta(0):
            raise UsageError("policy clock_skew must be a non-negative timedelta")
        if self.holder_binding not in HOLDER_BINDINGS:
            raise UsageError(f"policy holder_binding must be one of {', '.join(HOLDER_BINDINGS)}")
        if self.now is not None:
            self.clock()

    def clock(self, now: datetime | str | None = None) -> datetime:
        """The verifier's time: ``now`` if given, else the policy's fixed clock, else the
        current time (always timezone-aware)."""
        value = now if now is not None else self.now
        if value is None:
            return datetime.now(UTC)
        if isinstance(value, str):
            return parse_timestamp(value, "now")
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def apply_policy(
    document: Mapping[str, Any],
    result: VerificationResult,
    clock: datetime,
    policy: VerifierPolicy,
) -> None:
    """Add the policy's checks on one credential to ``result``.

    Trusted issuer (``untrusted_issuer``), required types (``missing_type``), and the clock
    skew: an ``expired`` / ``not_yet_valid`` problem whose date lies within the skew of the
    verifier's clock is withdrawn.
    """
    if policy.clock_skew:
        _relax_validity(document, result, clock, policy.clock_skew)
    issuer = issuer_id(document)
    if policy.trusted_issuers is not None and issuer is not None:
        if issuer not in policy.trusted_issuers:
            result.add(
                "untrusted_issuer",
                f"the issuer {issuer[:120]} is not on the verifier's list of trusted issuers",
                "issuer",
            )
    types = types_of(document)
    for wanted in sorted(policy.required_types):
        if wanted not in types:
            result.add("missing_type", f"the credential is not of the required type {wanted}")
    result.checks.append("policy")


def _relax_validity(
    document: Mapping[str, Any], result: VerificationResult, clock: datetime, skew: timedelta
) -> None:
    kept = []
    for problem in result.problems:
        names = _VALIDITY_NAMES.get(problem.code, ())
        if problem.where in names:
            when = _date_of(document, problem.where)
            if when is not None:
                within = when >= clock - skew if problem.code == "expired" else when <= clock + skew
                if within:
                    continue
        kept.append(problem)
    result.problems[:] = kept


def _date_of(document: Mapping[str, Any], name: str) -> datetime | None:
    value = document.get(name)
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        return parse_timestamp(value, name)
    except (MboVcError, ValueError, OverflowError, OSError):
        return None
