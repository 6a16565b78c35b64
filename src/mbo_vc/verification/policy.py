"""Verifier policy: what a verifier accepts beyond "the signature is valid".

A :class:`VerifierPolicy` names the issuers the verifier trusts (e.g. the schools registered with
DUO), the cryptosuites and JWS algorithms it accepts, its clock and the clock skew it tolerates,
the credential types it requires, the signers a credential must carry (the examencommissie and
the bevoegd gezag of an mbo-diploma), and how credentials in a presentation are bound to the
holder. The pipeline (:mod:`mbo_vc.verification.pipeline`) applies it to the verified view.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jsonld import DocumentLoader, default_loader, expand
from mbo_vc.jws import DEFAULT_JWT_ALGORITHMS
from mbo_vc.result import ProofResult, VerificationResult
from mbo_vc.timestamps import parse_timestamp
from mbo_vc.verification.trust import TrustCheck

__all__ = [
    "DEFAULT_JWT_ALGORITHMS",
    "HOLDER_BINDINGS",
    "RequiredSigner",
    "VerifierPolicy",
    "apply_policy",
    "apply_signers",
    "type_iris",
]

HOLDER_BINDINGS = ("subject", "required", "none")
"""``subject`` (default): when a presentation names a holder, each credential must have a
``credentialSubject.id`` equal to it. ``required``: the presentation must name a holder, and
each credential must be bound to it. ``none``: the verifier binds credentials to the holder by
other means (e.g. an OBv3 ``identifier`` checked out of band)."""


@dataclass(frozen=True)
class RequiredSigner:
    """A signer a credential must carry a valid proof of: its role and DID (or method URL).

    ``id`` None stands for the credential's issuer.
    """

    role: str
    id: str | None = None

    def made(self, proof: ProofResult, issuer: str | None) -> bool:
        """True when ``proof`` was made by this signer's key (by DID or by method URL)."""
        wanted = self.id if self.id is not None else issuer
        if not wanted:
            return False
        vm = proof.verification_method or ""
        return proof.controller == wanted or vm == wanted or vm.split("#")[0] == wanted


@dataclass(frozen=True)
class VerifierPolicy:
    """What the verifier accepts. Every field is optional; the defaults accept what the
    library can verify.

    ``trusted_issuers``: issuer ids (DIDs) that are accepted (None: any issuer).
    ``accepted_cryptosuites``: Data Integrity cryptosuite names or legacy proof types.
    ``jwt_algorithms``: JWS ``alg`` values accepted for JWT-secured credentials.
    ``now``: a fixed verifier clock (None: the current time). ``clock_skew``: tolerance
    applied to validity periods, JWT ``exp``/``nbf`` and proof ``expires``.
    ``required_types``: credential types that must be present (term names of the bundled
    contexts, e.g. ``OpenBadgeCredential``, or absolute IRIs): on a single credential each type
    must be among its signed types; in a presentation each must be carried by at least one
    verified credential. ``required_signers``: proofs that must be present and valid
    (:class:`RequiredSigner`); ``chain_signers``: each required signer's proof must name the
    previous one's in ``previousProof``. ``holder_binding``: see :data:`HOLDER_BINDINGS`.
    ``trust_list``: a trust list (:class:`mbo_vc.mbo.trust_list.TrustList`, or any
    :class:`~mbo_vc.verification.trust.TrustCheck`) that must name the issuer and let it issue
    the credential's kind of waardepapier; its entry becomes ``result.trusted_issuer``.
    ``federation``: OpenID Federation trust (:class:`mbo_vc.federation.FederationTrust`, or any
    ``TrustCheck``): a trust chain must lead from the issuer to the pinned trust anchor (the
    ``federation`` check, docs/trust-federation.md); it can stand next to ``trust_list``.
    """

    trusted_issuers: frozenset[str] | None = None
    accepted_cryptosuites: frozenset[str] | None = None
    jwt_algorithms: frozenset[str] = DEFAULT_JWT_ALGORITHMS
    now: datetime | str | None = None
    clock_skew: timedelta = timedelta(0)
    required_types: frozenset[str] = field(default_factory=frozenset)
    holder_binding: str = "subject"
    required_signers: tuple[RequiredSigner, ...] = ()
    chain_signers: bool = False
    trust_list: TrustCheck | None = None
    federation: TrustCheck | None = None

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
        signers = tuple(self.required_signers)
        if not all(isinstance(s, RequiredSigner) for s in signers):
            raise UsageError("policy required_signers must be RequiredSigner objects")
        object.__setattr__(self, "required_signers", signers)
        if self.trust_list is not None:
            if not isinstance(self.trust_list, TrustCheck):
                raise UsageError("policy trust_list must be a trust list (e.g. TrustList.load)")
        if self.federation is not None and not isinstance(self.federation, TrustCheck):
            raise UsageError("policy federation must be a TrustCheck (e.g. FederationTrust)")
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
        if not isinstance(value, datetime):
            raise UsageError("now must be a datetime or an ISO 8601 string")
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- type names --------------------------------------------------------------------------------

_TYPE_CACHE: dict[tuple[int, str], frozenset[str]] = {}
_TYPE_LOCK = threading.Lock()


def type_iris(name: str, loader: DocumentLoader | None = None) -> frozenset[str]:
    """The type IRIs ``name`` stands for: itself when it is an absolute IRI, else the IRI it
    is a term for in any bundled (pinned) context. A document's own contexts never take part, so
    a context added to a credential cannot make it look like another type."""
    if ":" in name:
        return frozenset({name})
    loader = loader or default_loader()
    key = (id(loader), name)
    with _TYPE_LOCK:
        if key in _TYPE_CACHE:
            return _TYPE_CACHE[key]
    found = {iri for iri, term in vocab.TYPE_NAMES.items() if term == name}
    for pin in loader.pinned():
        try:
            expanded = expand({"@context": pin.url, "@type": name}, loader, safe=False)
        except MboVcError:
            continue
        for node in expanded:
            for iri in node.get("@type", []) if isinstance(node, dict) else []:
                if isinstance(iri, str) and ":" in iri:
                    found.add(iri)
    result = frozenset(found)
    with _TYPE_LOCK:
        _TYPE_CACHE[key] = result
    return result


def has_required_type(view: CredentialView, name: str, loader: DocumentLoader | None) -> bool:
    """True when the credential (as signed) is of the type ``name`` stands for."""
    return bool(type_iris(name, loader) & set(view.types))


# --- applying the policy -----------------------------------------------------------------------


def apply_policy(
    view: CredentialView,
    result: VerificationResult,
    policy: VerifierPolicy,
    *,
    loader: DocumentLoader | None = None,
    check_types: bool = True,
) -> None:
    """Add the policy's checks on one credential (read from its verified view) to ``result``:
    trusted issuer (``untrusted_issuer``), required types (``missing_type``) and required
    signers (``missing_signer``, ``proof_chain_broken``)."""
    issuer = view.issuer
    if policy.trusted_issuers is not None and issuer not in policy.trusted_issuers:
        result.add(
            "untrusted_issuer",
            f"the issuer {str(issuer)[:120]} is not on the verifier's list of trusted issuers",
            "issuer",
        )
    if check_types:
        for wanted in sorted(policy.required_types):
            if not has_required_type(view, wanted, loader):
                result.add("missing_type", f"the credential is not of the required type {wanted}")
    if policy.required_signers:
        apply_signers(result, policy.required_signers, issuer, chain=policy.chain_signers)
    result.check("policy")


def apply_signers(
    result: VerificationResult,
    signers: Sequence[RequiredSigner],
    issuer: str | None,
    *,
    chain: bool,
) -> None:
    """Require a valid proof by each signer; with ``chain``, each signer's proof must name the
    previous signer's proof in ``previousProof`` (both read from the signed proof
    configurations)."""
    found: list[list[ProofResult]] = []
    for signer in signers:
        mine = [p for p in result.proofs if p.verified and signer.made(p, issuer)]
        found.append(mine)
        if not mine:
            who = signer.id if signer.id is not None else (issuer or "the issuer")
            result.add("missing_signer", f"no valid proof by the {signer.role} ({who})", "proof")
    if chain and all(found):
        for i in range(1, len(signers)):
            ids = {p.id for p in found[i - 1] if p.id is not None}
            if not any(ids & set(p.previous_proof) for p in found[i]):
                result.add(
                    "proof_chain_broken",
                    f"the {signers[i].role}'s proof does not name the {signers[i - 1].role}'s "
                    "proof in previousProof (the issuance must cover the decision)",
                    "proof",
                )
    result.check("signers")
