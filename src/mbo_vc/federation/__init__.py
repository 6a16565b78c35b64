"""OpenID Federation 1.0 trust for credential issuers (docs/trust-federation.md).

A verifier pins a trust anchor (:class:`TrustAnchor`: its entity id and keys), gets entity
statements from a folder (:class:`FolderSource`) or over HTTPS (:class:`HttpsSource`), and
plugs :class:`FederationTrust` into ``VerifierPolicy(federation=…)``: the credential's issuer is
trusted when a valid trust chain leads from its entity to the anchor, its resolved metadata
(after every ``metadata_policy`` of the chain) describes a credential issuer, and it carries the
trust marks the verifier requires.

This is the subset of OpenID Federation 1.0 a verifier of credentials needs, implemented here
because no maintained Python library for OpenID Federation 1.0 is on PyPI (README, "Dependencies
and why"): entity statements and trust chains (§3, §10), metadata policies with the seven
standard operators and ``metadata_policy_crit`` (§6.1), constraints (§6.2), trust marks (§7)
without delegation, the fetch endpoint (§8.1) and entity configuration discovery (§9). Not
implemented: the resolve, list and trust mark status endpoints, explicit registration, delegated
trust marks, and ``crit`` extensions (any ``crit`` claim is refused).
"""

from mbo_vc.federation.chain import ChainResolver, TrustAnchor, TrustChain
from mbo_vc.federation.policy import apply_policy, merge_policies, resolve_metadata
from mbo_vc.federation.sources import FolderSource, HttpsSource, StatementSource, write_statements
from mbo_vc.federation.statements import (
    EntityStatement,
    TrustMark,
    decode_statement,
    decode_trust_mark,
    public_jwks,
    sign_entity_statement,
    sign_trust_mark,
)
from mbo_vc.federation.trust import FederationTrust, issuer_entity_id

__all__ = [
    "ChainResolver",
    "EntityStatement",
    "FederationTrust",
    "FolderSource",
    "HttpsSource",
    "StatementSource",
    "TrustAnchor",
    "TrustChain",
    "TrustMark",
    "apply_policy",
    "decode_statement",
    "decode_trust_mark",
    "issuer_entity_id",
    "merge_policies",
    "public_jwks",
    "resolve_metadata",
    "sign_entity_statement",
    "sign_trust_mark",
    "write_statements",
]
