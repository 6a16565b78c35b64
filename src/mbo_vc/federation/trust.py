"""OpenID Federation as a trust check of the verifier (``VerifierPolicy(federation=…)``).

:class:`FederationTrust` maps the credential's signed issuer to a federation entity, resolves
and validates its trust chain to the pinned anchor, requires the resolved metadata to describe a
credential issuer (``openid_credential_issuer``), and checks the trust marks the verifier
requires. It fails closed: every failure becomes a problem with the failure's code
(``federation_chain_invalid``, ``federation_untrusted``, ``federation_unavailable``,
``federation_policy_violation``, ``trust_mark_missing``, ``trust_mark_invalid``).

The issuer's entity id (docs/trust-federation.md): an ``https`` issuer is its own entity id (the
DIIP v5 federation profile makes the OID4VCI ``credential_issuer`` the entity id); a did:web
issuer maps to the ``https`` origin and path of its DID (``did:web:roc.example`` →
``https://roc.example``, ``did:web:host%3A8443:mbo`` → ``https://host:8443/mbo``), so the
federation vouches for the same HTTPS origin that serves the DID document. Other DIDs have no
entity id unless the caller maps them (``entity_id_for=``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mbo_vc.data_model.view import CredentialView
from mbo_vc.did.web import parse_did_web
from mbo_vc.errors import FederationError, FederationUntrustedError, MboVcError
from mbo_vc.federation.chain import ChainResolver, TrustAnchor, TrustChain
from mbo_vc.federation.sources import StatementSource
from mbo_vc.federation.statements import check_entity_id
from mbo_vc.result import Problem, TrustedIssuer
from mbo_vc.verification.trust import TrustOutcome

if TYPE_CHECKING:
    from mbo_vc.did import DidResolver
    from mbo_vc.jsonld import DocumentLoader
    from mbo_vc.verification.status import StatusCheck

__all__ = ["CREDENTIAL_ISSUER_TYPE", "REVERIFY_AFTER", "FederationTrust", "issuer_entity_id"]

CREDENTIAL_ISSUER_TYPE = "openid_credential_issuer"
"""The entity type a credential issuer's resolved metadata must have (OID4VCI 1.0 §12.2.4)."""
REVERIFY_AFTER = timedelta(seconds=60)
"""A resolved chain is reused for verifier clocks at most this far apart (and before its exp)."""


def issuer_entity_id(issuer: str) -> str:
    """The federation entity id of a credential issuer: an ``https`` issuer itself, a did:web
    its ``https`` origin and path; :class:`~mbo_vc.errors.FederationUntrustedError` otherwise."""
    if isinstance(issuer, str) and issuer.startswith("https://"):
        try:
            return check_entity_id(issuer, "the issuer")
        except FederationError as exc:
            raise FederationUntrustedError(exc.message) from None
    if isinstance(issuer, str) and issuer.startswith("did:web:"):
        try:
            location = parse_did_web(issuer)
        except MboVcError as exc:
            raise FederationUntrustedError(exc.message) from None
        path = location.path.removesuffix("/did.json")
        path = "" if path == "/.well-known" else path
        netloc = location.host if location.port == 443 else f"{location.host}:{location.port}"
        return f"https://{netloc}{path}"
    raise FederationUntrustedError(
        f"the issuer {str(issuer)[:120]} has no federation entity id (an https URL or a did:web)"
    )


@dataclass(frozen=True)
class _Verdict:
    when: datetime
    since: datetime
    until: datetime
    chain: TrustChain | None
    error: FederationError | None


class FederationTrust:
    """A :class:`~mbo_vc.verification.TrustCheck` by OpenID Federation 1.0 to a pinned anchor.

    ``source`` hands over the statements (:class:`~mbo_vc.federation.FolderSource` offline,
    :class:`~mbo_vc.federation.HttpsSource` online); ``trust_marks`` are the trust mark types the
    issuer must carry; ``entity_type`` the entity type its resolved metadata must have (None: any).
    """

    def __init__(
        self,
        anchor: TrustAnchor,
        source: StatementSource,
        *,
        trust_marks: Iterable[str] = (),
        entity_type: str | None = CREDENTIAL_ISSUER_TYPE,
        entity_id_for: Callable[[str], str] = issuer_entity_id,
        max_intermediates: int = 4,
        clock_skew: timedelta = timedelta(0),
    ) -> None:
        self.resolver = ChainResolver(
            anchor, source, max_intermediates=max_intermediates, clock_skew=clock_skew
        )
        self.trust_marks = tuple(dict.fromkeys(trust_marks))
        if not all(isinstance(t, str) and t for t in self.trust_marks):
            raise FederationError("trust mark types must be non-empty strings")
        self.entity_type = entity_type
        self.entity_id_for = entity_id_for
        self._cache: dict[str, _Verdict] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FederationTrust({self.resolver.anchor!r}, trust_marks={list(self.trust_marks)})"

    @property
    def anchor(self) -> TrustAnchor:
        """The pinned trust anchor."""
        return self.resolver.anchor

    def resolve(self, entity_id: str, now: datetime) -> TrustChain:
        """The entity's validated chain with its required trust marks checked (cached for
        :data:`REVERIFY_AFTER` of verifier clock, never past the chain's ``exp``)."""
        with self._lock:
            last = self._cache.get(entity_id)
        if (
            last is not None
            and abs(now - last.when) <= REVERIFY_AFTER
            and last.since <= now < last.until
        ):
            if last.error is not None:
                raise last.error
            assert last.chain is not None
            return last.chain
        try:
            chain = self.resolver.resolve(entity_id, now)
            if self.entity_type is not None and self.entity_type not in chain.metadata:
                raise FederationUntrustedError(
                    f"{entity_id[:120]} is not a {self.entity_type} in the federation of "
                    f"{self.anchor.entity_id[:120]} (its resolved metadata has "
                    f"{', '.join(sorted(chain.metadata))[:200] or 'no entity types'})"
                )
            marks = self.resolver.check_trust_marks(chain, self.trust_marks, now)
            chain = TrustChain(chain.statements, chain.metadata, chain.expires, marks)
            since = max(s.iat for s in chain.statements) - self.resolver.skew
            verdict = _Verdict(now, since, chain.expires, chain, None)
        except FederationError as exc:
            verdict = _Verdict(now, now - REVERIFY_AFTER, now + REVERIFY_AFTER, None, exc)
        with self._lock:
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[entity_id] = verdict
        if verdict.error is not None:
            raise verdict.error
        assert verdict.chain is not None
        return verdict.chain

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
        """Whether the credential's signed issuer is a credential issuer of the federation."""
        issuer = view.issuer
        try:
            entity_id = self.entity_id_for(issuer or "")
            chain = self.resolve(entity_id, now)
        except FederationError as exc:
            return TrustOutcome(problems=(Problem(exc.code, exc.message, "issuer"),))
        entity: Any = chain.metadata.get("federation_entity", {})
        name = entity.get("organization_name") if isinstance(entity, dict) else None
        return TrustOutcome(
            TrustedIssuer(id=issuer or entity_id, name=name if isinstance(name, str) else None)
        )
