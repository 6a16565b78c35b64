"""Trust chains (OpenID Federation 1.0 §10): from an entity up its ``authority_hints`` to the
trust anchor the verifier pins, validated statement by statement, with the metadata the chain
resolves and the trust marks it carries.

Resolution is bounded: at most :data:`MAX_INTERMEDIATES` intermediates, at most
:data:`MAX_FETCHES` statements per resolution, an entity visited twice on one path is a loop (the
path is dropped, never followed). Validation follows §10.2: every statement's ``iat``/``exp``
window holds at the verifier's clock; ``ES[j].iss == ES[j+1].sub``; ``ES[j]`` is signed by a key
in ``ES[j+1].jwks``; the trust anchor's entity configuration is signed by a key the verifier pinned;
the ``constraints`` of each subordinate statement (``max_path_length``, ``naming_constraints``,
``allowed_entity_types``, §6.2) hold. Trust marks (§7) are verified against the trust anchor's
``trust_mark_issuers``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mbo_vc.errors import (
    FederationError,
    FederationPolicyError,
    FederationUnavailableError,
    FederationUntrustedError,
    MboVcError,
    TrustMarkInvalidError,
    TrustMarkMissingError,
)
from mbo_vc.federation.policy import resolve_metadata
from mbo_vc.federation.sources import StatementSource
from mbo_vc.federation.statements import (
    EntityStatement,
    _jwks_of,
    check_entity_id,
    decode_statement,
    decode_trust_mark,
    verify_with_jwks,
)
from mbo_vc.json_input import parse_json
from mbo_vc.limits import DEFAULT_LIMITS

__all__ = [
    "MAX_FETCHES",
    "MAX_INTERMEDIATES",
    "ChainResolver",
    "TrustAnchor",
    "TrustChain",
]

MAX_INTERMEDIATES = 4
"""At most this many intermediates between an entity and the trust anchor."""
MAX_FETCHES = 40
"""At most this many statements are obtained for one resolution (loops and fan-out stay cheap)."""


@dataclass(frozen=True)
class TrustAnchor:
    """The trust anchor the verifier pins: its entity id and its federation keys (a JWK Set).

    ``configuration`` is the anchor's entity configuration when the verifier pinned one (used
    when no newer one can be obtained, and only while its ``exp`` holds).
    """

    entity_id: str
    jwks: tuple[dict[str, Any], ...]
    configuration: str | None = None

    def __post_init__(self) -> None:
        check_entity_id(self.entity_id, "the trust anchor")
        _jwks_of({"jwks": {"keys": list(self.jwks)}}, "the trust anchor's pinned keys")

    def __repr__(self) -> str:
        return f"TrustAnchor({self.entity_id!r}, {len(self.jwks)} keys)"

    @classmethod
    def from_configuration(cls, token: str | bytes) -> TrustAnchor:
        """Pin the anchor of an entity configuration JWT: its ``sub`` and ``jwks`` (it must be
        self-signed by one of them; its dates are checked when the chain uses it)."""
        statement = decode_statement(token, "the trust anchor's entity configuration")
        if not statement.is_configuration:
            raise FederationError(
                "the trust anchor file is not an entity configuration (iss ≠ sub)"
            )
        statement.verify(statement.jwks, "its own")
        return cls(statement.sub, statement.jwks, statement.token)

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> TrustAnchor:
        """Pin an anchor from ``{"entity_id": "https://…", "jwks": {"keys": [...]}}``."""
        entity_id = document.get("entity_id", document.get("sub"))
        jwks = _jwks_of(document, "the trust anchor file")
        return cls(check_entity_id(entity_id, "the trust anchor's entity_id"), jwks)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrustAnchor:
        """Read a pinned anchor: a file holding its entity configuration JWT, or a JSON object
        with its ``entity_id`` and ``jwks``."""
        path = Path(path)
        try:
            if path.stat().st_size > DEFAULT_LIMITS.max_document_bytes:
                raise FederationError(f"{path} is larger than the document size limit")
            data = path.read_bytes()
        except OSError as exc:
            raise FederationError(f"cannot read the trust anchor {path}: {exc.strerror}") from None
        text = data.strip()
        if text.startswith(b"{"):
            try:
                document = parse_json(text)
            except MboVcError as exc:
                raise FederationError(f"{path} is not a trust anchor: {exc.message}") from None
            return cls.from_json(document)
        return cls.from_configuration(text)


@dataclass(frozen=True)
class TrustChain:
    """A validated trust chain: the leaf's entity configuration, the subordinate statements up
    to the anchor, and the anchor's entity configuration; the leaf's resolved metadata."""

    statements: tuple[EntityStatement, ...]
    metadata: dict[str, Any]
    expires: datetime
    trust_marks: tuple[str, ...] = field(default=())

    @property
    def entity_id(self) -> str:
        """The chain's subject (the leaf)."""
        return self.statements[0].sub

    @property
    def anchor(self) -> str:
        """The trust anchor's entity id."""
        return self.statements[-1].sub

    @property
    def path(self) -> tuple[str, ...]:
        """Entity ids from the leaf up to the anchor."""
        return (self.statements[0].sub, *(s.iss for s in self.statements[1:-1]))


def _host(entity_id: str) -> str:
    return (urlsplit(entity_id).hostname or "").lower()


def _name_matches(host: str, constraint: str) -> bool:
    constraint = constraint.lower()
    if constraint.startswith("."):
        return host.endswith(constraint)
    return host == constraint


class ChainResolver:
    """Builds and validates trust chains to one pinned anchor from one statement source."""

    def __init__(
        self,
        anchor: TrustAnchor,
        source: StatementSource,
        *,
        max_intermediates: int = MAX_INTERMEDIATES,
        clock_skew: timedelta = timedelta(0),
    ) -> None:
        if not isinstance(anchor, TrustAnchor):
            raise FederationError("the anchor must be a TrustAnchor")
        if not isinstance(source, StatementSource):
            raise FederationError("the source must be a StatementSource (folder or HTTPS)")
        self.anchor = anchor
        self.source = source
        self.max_intermediates = max_intermediates
        self.skew = clock_skew

    def __repr__(self) -> str:
        return f"ChainResolver({self.anchor!r}, {self.source!r})"

    # --- obtaining statements ---------------------------------------------------------------
    def _spend(self, budget: list[int]) -> None:
        if budget[0] <= 0:
            raise FederationUntrustedError(
                f"gave up after {MAX_FETCHES} statements without reaching {self.anchor.entity_id}"
            )
        budget[0] -= 1

    def _configuration(self, entity_id: str, now: datetime, budget: list[int]) -> EntityStatement:
        self._spend(budget)
        token = self.source.entity_configuration(entity_id)
        statement = decode_statement(token, f"the entity configuration of {entity_id[:120]}")
        if statement.iss != entity_id or statement.sub != entity_id:
            raise FederationError(
                f"the entity configuration of {entity_id[:120]} names iss {statement.iss[:120]} "
                f"and sub {statement.sub[:120]}"
            )
        statement.verify(statement.jwks, "its own")
        statement.check_time(now, self.skew)
        return statement

    def _anchor_configuration(self, now: datetime, budget: list[int]) -> EntityStatement:
        anchor = self.anchor
        self._spend(budget)
        try:
            token = self.source.entity_configuration(anchor.entity_id)
        except FederationUnavailableError:
            if anchor.configuration is None:
                raise
            token = anchor.configuration
        statement = decode_statement(token, "the trust anchor's entity configuration")
        if statement.iss != anchor.entity_id or statement.sub != anchor.entity_id:
            raise FederationError(
                f"the trust anchor's entity configuration is that of {statement.sub[:120]}, not "
                f"of the pinned anchor {anchor.entity_id[:120]}"
            )
        statement.verify(anchor.jwks, "the pinned trust anchor's")
        statement.check_time(now, self.skew)
        return statement

    def _subordinate(
        self, superior: EntityStatement, sub: str, budget: list[int]
    ) -> EntityStatement:
        self._spend(budget)
        token = self.source.subordinate_statement(superior, sub)
        statement = decode_statement(
            token, f"the statement of {superior.sub[:120]} about {sub[:120]}"
        )
        if statement.iss != superior.sub or statement.sub != sub:
            raise FederationError(
                f"the statement fetched from {superior.sub[:120]} about {sub[:120]} names iss "
                f"{statement.iss[:120]} and sub {statement.sub[:120]}"
            )
        return statement

    # --- resolving --------------------------------------------------------------------------
    def resolve(self, entity_id: str, now: datetime) -> TrustChain:
        """The validated trust chain of ``entity_id`` to the pinned anchor at ``now``, or the
        most telling :class:`~mbo_vc.errors.FederationError` of every path tried."""
        check_entity_id(entity_id, "the issuer's entity id")
        budget = [MAX_FETCHES]
        if entity_id == self.anchor.entity_id:
            raise FederationUntrustedError("the issuer is the trust anchor itself, not a member")
        leaf = self._configuration(entity_id, now, budget)
        errors: list[FederationError] = []
        anchor: list[EntityStatement] = []  # the anchor's configuration, once a hint names it
        chain = self._up(leaf, [leaf], {entity_id}, anchor, now, budget, errors)
        if chain is None:
            raise self._most_telling(entity_id, errors)
        return chain

    def _up(
        self,
        current: EntityStatement,
        so_far: list[EntityStatement],
        visited: set[str],
        anchor: list[EntityStatement],
        now: datetime,
        budget: list[int],
        errors: list[FederationError],
    ) -> TrustChain | None:
        if not current.authority_hints:
            errors.append(FederationUntrustedError(
                f"{current.sub[:120]} names no authority_hints and is not the trust anchor "
                f"{self.anchor.entity_id[:120]}"
            ))  # fmt: skip
            return None
        for hint in current.authority_hints:
            try:
                if hint == self.anchor.entity_id:
                    if not anchor:
                        anchor.append(self._anchor_configuration(now, budget))
                    statement = self._subordinate(anchor[0], current.sub, budget)
                    return self._validate([*so_far, statement, anchor[0]], now)
                if hint in visited:
                    raise FederationUntrustedError(
                        f"the authority_hints loop back to {hint[:120]} (path "
                        f"{' → '.join(s.sub[:60] for s in so_far)})"
                    )
                if len(so_far) > self.max_intermediates:
                    raise FederationUntrustedError(
                        f"more than {self.max_intermediates} intermediates between "
                        f"{so_far[0].sub[:120]} and the trust anchor"
                    )
                superior = self._configuration(hint, now, budget)
                statement = self._subordinate(superior, current.sub, budget)
                found = self._up(
                    superior, [*so_far, statement], visited | {hint}, anchor, now, budget, errors
                )
                if found is not None:
                    return found
            except FederationError as exc:
                errors.append(exc)
                if isinstance(exc, FederationUntrustedError) and exc.message.startswith("gave up"):
                    break
        return None

    def _most_telling(self, entity_id: str, errors: Sequence[FederationError]) -> FederationError:
        for kind in (FederationPolicyError, FederationError):
            for exc in errors:
                if type(exc) is kind:
                    return exc
        for exc in errors:
            if isinstance(exc, FederationUnavailableError):
                return exc
        reasons = "; ".join(dict.fromkeys(e.message for e in errors))
        return FederationUntrustedError(
            f"no trust chain from {entity_id[:120]} to the trust anchor "
            f"{self.anchor.entity_id[:120]}" + (f" ({reasons[:400]})" if reasons else "")
        )

    def _validate(self, chain: Sequence[EntityStatement], now: datetime) -> TrustChain:
        """§10.2 on a complete chain [leaf configuration, subordinate statements…, anchor
        configuration]; the leaf's resolved metadata."""
        for statement in chain:
            statement.check_time(now, self.skew)
        for j in range(len(chain) - 1):
            lower, upper = chain[j], chain[j + 1]
            if lower.iss != upper.sub:
                raise FederationError(
                    f"{lower.describe()} is not followed by a statement about its issuer"
                )
            lower.verify(upper.jwks, f"{upper.describe()}'s")
        leaf = chain[0]
        subordinates = list(chain[1:-1])
        allowed_types: set[str] | None = None
        for j, statement in enumerate(subordinates, start=1):
            constraints = statement.constraints or {}
            limit = constraints.get("max_path_length")
            if limit is not None:
                if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                    raise FederationError(f"{statement.describe()}: max_path_length is not a "
                                          "non-negative integer")  # fmt: skip
                if j - 1 > limit:
                    raise FederationError(
                        f"{statement.describe()} allows {limit} intermediates below "
                        f"{statement.iss[:120]}; the chain has {j - 1}"
                    )
            naming = constraints.get("naming_constraints")
            if naming is not None:
                self._check_naming(naming, [s.sub for s in chain[:j]], statement)
            types = constraints.get("allowed_entity_types")
            if types is not None:
                if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
                    raise FederationError(f"{statement.describe()}: allowed_entity_types is not "
                                          "an array of strings")  # fmt: skip
                allowed_types = set(types) if allowed_types is None else allowed_types & set(types)
        policies = [s.metadata_policy for s in reversed(subordinates)]
        crit = [op for s in subordinates for op in s.metadata_policy_crit]
        superior = subordinates[0].metadata if subordinates else None
        metadata = resolve_metadata(leaf.metadata, superior, policies, crit)
        if allowed_types is not None:
            metadata = {
                k: v for k, v in metadata.items() if k == "federation_entity" or k in allowed_types
            }
        return TrustChain(tuple(chain), metadata, min(s.exp for s in chain))

    @staticmethod
    def _check_naming(naming: Any, below: Sequence[str], statement: EntityStatement) -> None:
        if not isinstance(naming, Mapping):
            raise FederationError(f"{statement.describe()}: naming_constraints is not an object")
        permitted, excluded = naming.get("permitted"), naming.get("excluded")
        for name, value in (("permitted", permitted), ("excluded", excluded)):
            if value is not None and (
                not isinstance(value, list) or not all(isinstance(v, str) for v in value)
            ):
                raise FederationError(f"{statement.describe()}: naming_constraints.{name} is not "
                                      "an array of strings")  # fmt: skip
        for entity_id in below:
            host = _host(entity_id)
            if permitted is not None and not any(_name_matches(host, c) for c in permitted):
                raise FederationError(
                    f"{entity_id[:120]} is outside the names {statement.iss[:120]} permits"
                )
            if excluded is not None and any(_name_matches(host, c) for c in excluded):
                raise FederationError(
                    f"{entity_id[:120]} is in a name {statement.iss[:120]} excludes"
                )

    # --- trust marks ------------------------------------------------------------------------
    def check_trust_marks(
        self, chain: TrustChain, required: Iterable[str], now: datetime
    ) -> tuple[str, ...]:
        """Each ``required`` trust mark type must be carried by the chain's leaf and verify
        (§7.3): ``typ``, ``sub`` = the leaf, ``iat``/``exp``, issued by the anchor or by an
        issuer the anchor lists for that type in ``trust_mark_issuers`` (whose keys come from
        its own trust chain to the same anchor). Delegated trust marks (``trust_mark_owners``)
        are refused. Returns the verified types."""
        leaf, anchor = chain.statements[0], chain.statements[-1]
        out: list[str] = []
        for kind in required:
            entries = [m for m in leaf.trust_marks if m.get("trust_mark_type") == kind]
            if not entries:
                raise TrustMarkMissingError(
                    f"{leaf.sub[:120]} carries no trust mark of type {kind[:120]}"
                )
            failure: TrustMarkInvalidError | None = None
            for entry in entries[:5]:
                try:
                    self._verify_trust_mark(entry.get("trust_mark"), kind, leaf.sub, anchor, now)
                    break
                except TrustMarkInvalidError as exc:
                    failure = failure or exc
            else:
                assert failure is not None
                raise failure
            out.append(kind)
        return tuple(out)

    def _verify_trust_mark(
        self, token: Any, kind: str, sub: str, anchor: EntityStatement, now: datetime
    ) -> None:
        mark = decode_trust_mark(token)
        what = f"the trust mark {kind[:120]} of {sub[:120]} issued by {mark.iss[:120]}"
        if mark.trust_mark_type != kind:
            raise TrustMarkInvalidError(f"{what} is of type {mark.trust_mark_type[:120]}")
        if mark.sub != sub:
            raise TrustMarkInvalidError(f"{what} is about {mark.sub[:120]}")
        if mark.iat > now + self.skew:
            raise TrustMarkInvalidError(f"{what} is issued in the future (iat)")
        if mark.exp is not None and mark.exp <= now - self.skew:
            raise TrustMarkInvalidError(f"{what} has expired (exp)")
        if anchor.trust_mark_owners and kind in anchor.trust_mark_owners:
            raise TrustMarkInvalidError(
                f"{what}: the trust anchor delegates this type (trust_mark_owners), and delegated "
                "trust marks are not supported"
            )
        if mark.iss == anchor.sub:
            keys: Sequence[Mapping[str, Any]] = anchor.jwks
            whose = "the trust anchor's"
        else:
            listed = (anchor.trust_mark_issuers or {}).get(kind)
            if not isinstance(listed, list) or mark.iss not in listed:
                raise TrustMarkInvalidError(
                    f"{what}: the trust anchor does not list {mark.iss[:120]} in "
                    f"trust_mark_issuers for this type"
                )
            try:
                # the keys its superior vouches for (the statement about it, §10.2), not the
                # ones its own configuration lists: a key the superior dropped must not sign
                keys = self.resolve(mark.iss, now).statements[1].jwks
            except FederationError as exc:
                raise TrustMarkInvalidError(
                    f"{what}: its issuer has no trust chain to the anchor ({exc.message[:300]})"
                ) from None
            whose = f"{mark.iss[:120]}'s"
        verify_with_jwks(mark.token, mark.header, keys, what, whose, TrustMarkInvalidError)
