"""OpenID Federation 1.0 trust under attack (mbo_vc.federation): spoofed subjects, statements
signed by the wrong party, keys the superior does not vouch for, inconsistent dates, foreign trust
marks, weak algorithms, ambiguous kids, private keys in a JWK Set, oversized statements, and the
issuer → entity id mapping. Built on the three-level federation of tests/test_federation.py."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mbo_vc.errors import FederationError, TrustMarkInvalidError
from mbo_vc.federation import (
    FederationTrust,
    FolderSource,
    decode_statement,
    issuer_entity_id,
    public_jwks,
    sign_entity_statement,
    sign_trust_mark,
)
from mbo_vc.federation.chain import ChainResolver
from mbo_vc.federation.statements import decode_trust_mark
from mbo_vc.keys import EcKey
from tests.test_federation import MARK, MBO, NOW, NOW_TS, SCHOOL, TA, Federation, _verify


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _resolver(fed: Federation, folder: Path, skew: timedelta = timedelta(0)) -> ChainResolver:
    return ChainResolver(fed.anchor(), FolderSource(fed.folder(folder)), clock_skew=skew)


# --- who says what about whom --------------------------------------------------------------


class _Served:
    """A source that serves whatever token a test puts under a URL-like key (a hostile server:
    the folder source indexes files by their own iss and sub, so it cannot lie this way)."""

    def __init__(self, fed: Federation, **overrides: str) -> None:
        self.tokens = {f"{iss}~{sub}": fed.token(iss, sub) for iss, sub in fed.claims}
        self.tokens.update(overrides)

    def entity_configuration(self, entity_id: str) -> str:
        return self.tokens[f"{entity_id}~{entity_id}"]

    def subordinate_statement(self, superior: Any, sub: str) -> str:
        return self.tokens[f"{superior.sub}~{sub}"]


def test_a_configuration_naming_another_subject_is_refused() -> None:
    """The server of roc.example hands out a configuration about MBO Raad (sub spoofing), or
    about itself but issued by MBO Raad."""
    fed = Federation()
    for iss, sub in ((SCHOOL, MBO), (MBO, SCHOOL)):
        claims = {**fed.claims[(SCHOOL, SCHOOL)], "iss": iss, "sub": sub}
        if iss != sub:
            del claims["authority_hints"]  # (only a configuration may carry them)
        fed.claims[("x", "y")] = claims
        fed.keys["x"] = fed.keys[iss]
        fed.keys["y"] = fed.keys[sub]
        served = _Served(fed, **{f"{SCHOOL}~{SCHOOL}": fed.token("x", "y")})
        del fed.claims[("x", "y")]
        with pytest.raises(FederationError, match="names iss"):
            ChainResolver(fed.anchor(), served).resolve(SCHOOL, NOW)


def test_a_subordinate_statement_about_another_subject_is_refused() -> None:
    """MBO Raad's fetch endpoint answers for the school with a statement about another."""
    fed = Federation()
    other = "https://other.example"
    fed.keys[other] = fed.keys[SCHOOL]
    fed.claims[(MBO, other)] = {**fed.claims[(MBO, SCHOOL)], "sub": other}
    served = _Served(fed, **{f"{MBO}~{SCHOOL}": fed.token(MBO, other)})
    assert ChainResolver(fed.anchor(), _Served(fed)).resolve(SCHOOL, NOW)
    with pytest.raises(FederationError, match="names iss"):
        ChainResolver(fed.anchor(), served).resolve(SCHOOL, NOW)


def test_a_subordinate_statement_signed_by_the_subject_is_refused(tmp_path: Path) -> None:
    fed = Federation()
    fed.signers[(MBO, SCHOOL)] = fed.keys[SCHOOL]
    with pytest.raises(FederationError):
        _resolver(fed, tmp_path).resolve(SCHOOL, NOW)


def test_the_superiors_jwks_not_the_leafs_own_verifies_the_leaf(tmp_path: Path) -> None:
    """The leaf's configuration lists (and is signed by) a key the superior does not list."""
    fed = Federation()
    rogue = EcKey.generate()
    fed.claims[(SCHOOL, SCHOOL)]["jwks"] = public_jwks(rogue)
    fed.signers[(SCHOOL, SCHOOL)] = rogue
    with pytest.raises(FederationError, match=r"not in|does not verify"):
        _resolver(fed, tmp_path).resolve(SCHOOL, NOW)


def test_trust_marks_need_a_key_the_superior_vouches_for(tmp_path: Path) -> None:
    """MBO Raad's own configuration still lists a key that the anchor's statement about MBO Raad
    no longer lists (rotated out, or compromised): a trust mark signed with it is refused. The
    keys of a trust mark issuer are those its trust chain vouches for (the superior's
    statement), not the ones the issuer lists about itself."""
    fed = Federation()
    dropped = EcKey.generate()
    fed.claims[(MBO, MBO)]["jwks"] = public_jwks(fed.keys[MBO], dropped)
    fed.claims[(TA, MBO)]["jwks"] = public_jwks(fed.keys[MBO])
    fed.mark_key = dropped
    result = _verify(fed, tmp_path)
    assert result.codes == ["trust_mark_invalid"], result.codes
    # with the anchor still vouching for it, the same mark verifies
    fed.claims[(TA, MBO)]["jwks"] = public_jwks(fed.keys[MBO], dropped)
    assert _verify(fed, tmp_path / "2").verified


def test_a_trust_mark_about_another_entity_is_refused(tmp_path: Path) -> None:
    fed = Federation()
    fed.mark_claims["sub"] = MBO
    assert _verify(fed, tmp_path).codes == ["trust_mark_invalid"]


# --- dates -------------------------------------------------------------------------------


def test_exp_before_iat_is_refused_even_within_the_skew(tmp_path: Path) -> None:
    """A statement whose ``exp`` precedes its ``iat`` is no statement (RFC 7519 §4.1.4 and
    §10.2's window); with 60 s of skew both ends can still pass the clock check."""
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["iat"] = NOW_TS + 30
    fed.claims[(MBO, SCHOOL)]["exp"] = NOW_TS - 30
    with pytest.raises(FederationError, match="exp"):
        _resolver(fed, tmp_path, timedelta(seconds=60)).resolve(SCHOOL, NOW)
    token = fed.token(MBO, SCHOOL)
    with pytest.raises(FederationError, match="exp"):
        decode_statement(token)


def test_a_trust_mark_whose_exp_precedes_its_iat_is_refused() -> None:
    key = EcKey.generate()
    claims = {"iss": MBO, "sub": SCHOOL, "trust_mark_type": MARK, "iat": NOW_TS, "exp": NOW_TS - 1}
    with pytest.raises(TrustMarkInvalidError, match="exp"):
        decode_trust_mark(sign_trust_mark(claims, key))


def test_iat_beyond_the_skew_is_refused_and_within_it_accepted(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["iat"] = NOW_TS + 30
    assert _resolver(fed, tmp_path / "a", timedelta(seconds=60)).resolve(SCHOOL, NOW)
    fed.claims[(MBO, SCHOOL)]["iat"] = NOW_TS + 120
    with pytest.raises(FederationError, match="future"):
        _resolver(fed, tmp_path / "b", timedelta(seconds=60)).resolve(SCHOOL, NOW)


# --- algorithms and keys -----------------------------------------------------------------


def _unsigned(claims: dict[str, Any], alg: str, kid: str = "k") -> str:
    header = {"alg": alg, "typ": "entity-statement+jwt", "kid": kid}
    return f"{_b64(header)}.{_b64(claims)}."


@pytest.mark.parametrize("alg", ["none", "HS256", "None", "ES256K", ""])
def test_weak_or_unknown_algorithms_are_refused(alg: str) -> None:
    claims = {"iss": SCHOOL, "sub": SCHOOL, "iat": NOW_TS, "exp": NOW_TS + 60,
              "jwks": public_jwks(EcKey.generate())}  # fmt: skip
    with pytest.raises(FederationError, match=r"alg|JWS"):
        decode_statement(_unsigned(claims, alg))


def test_hs256_with_a_symmetric_key_in_jwks_is_refused() -> None:
    """The classic confusion: an ``oct`` key in jwks and an HMAC signature."""
    claims = {"iss": SCHOOL, "sub": SCHOOL, "iat": NOW_TS, "exp": NOW_TS + 60,
              "jwks": {"keys": [{"kty": "oct", "kid": "k", "k": "c2VjcmV0"}]}}  # fmt: skip
    with pytest.raises(FederationError):
        decode_statement(_unsigned(claims, "HS256") + "c2ln")


def test_a_kid_that_names_two_keys_is_refused(tmp_path: Path) -> None:
    """Which of two keys with one ``kid`` is meant is ambiguous: the JWK Set is refused."""
    fed = Federation()
    real = public_jwks(fed.keys[SCHOOL])["keys"][0]
    twin = {**public_jwks(EcKey.generate())["keys"][0], "kid": real["kid"]}
    fed.claims[(MBO, SCHOOL)]["jwks"] = {"keys": [twin, real]}
    with pytest.raises(FederationError, match="kid"):
        decode_statement(fed.token(MBO, SCHOOL))
    fed.claims[(MBO, SCHOOL)]["jwks"] = {"keys": [real, twin]}
    with pytest.raises(FederationError, match="kid"):
        decode_statement(fed.token(MBO, SCHOOL))


@pytest.mark.parametrize("member", ["d", "p", "k"])
def test_a_jwks_with_private_members_is_refused(member: str) -> None:
    key = EcKey.generate()
    jwk = {**public_jwks(key)["keys"][0], member: "AAAA"}
    claims = {"iss": SCHOOL, "sub": SCHOOL, "iat": NOW_TS, "exp": NOW_TS + 60,
              "jwks": {"keys": [jwk]}}  # fmt: skip
    with pytest.raises(FederationError, match="private"):
        decode_statement(sign_entity_statement(claims, key))


def test_an_oversized_statement_is_refused_quickly(tmp_path: Path) -> None:
    key = EcKey.generate()
    claims = {"iss": SCHOOL, "sub": SCHOOL, "iat": NOW_TS, "exp": NOW_TS + 60,
              "jwks": public_jwks(key), "metadata": {"x": {"pad": "a" * 5_000_000}}}  # fmt: skip
    token = sign_entity_statement(claims, key)
    with pytest.raises(FederationError):
        decode_statement(token)
    # a folder file that large is skipped as unreadable, never loaded
    (tmp_path / "big.jwt").write_text(token)
    fed = Federation()
    trust = FederationTrust(fed.anchor(), FolderSource(tmp_path), trust_marks=[MARK])
    with pytest.raises(FederationError):
        trust.resolve(SCHOOL, NOW)


# --- issuer → entity id ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "entity_id"),
    [
        ("did:web:roc.example", "https://roc.example"),
        ("did:web:ROC.Example", "https://roc.example"),  # DNS names are case-insensitive
        ("did:web:roc.example%3A443", "https://roc.example"),  # the default port: same origin
        ("did:web:roc.example%3a8443", "https://roc.example:8443"),
        ("did:web:roc.example%3A8443:mbo", "https://roc.example:8443/mbo"),
        ("did:web:roc.example:mbo", "https://roc.example/mbo"),
        ("did:web:roc.example:MBO", "https://roc.example/MBO"),  # paths are case-sensitive
        ("did:web:roc.example:a%3Ab", "https://roc.example/a%3Ab"),
    ],
)
def test_did_web_entity_ids(did: str, entity_id: str) -> None:
    assert issuer_entity_id(did) == entity_id


def test_did_web_spellings_of_different_resources_map_to_different_entities() -> None:
    """Two DIDs map to one entity id only when they name one origin and path (the DID documents
    at the same URL); another port, path or path case is another entity."""
    distinct = [
        "did:web:roc.example",
        "did:web:roc.example%3A8443",
        "did:web:roc.example:mbo",
        "did:web:roc.example:MBO",
        "did:web:roc.example:mbo:a",
        "did:web:roc.example%3A8443:mbo",
        "did:web:roc.example:a%3Ab",
    ]
    ids = [issuer_entity_id(d) for d in distinct]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "did",
    [
        "did:web:roc.example:a%2Fb",  # an encoded slash: one segment or two?
        "did:web:roc.example:%2e%2e",  # an encoded dot-dot
        "did:web:roc.example:..",
        "did:web:roc.example%3A0443",  # a port with a leading zero
        "did:web:roc.example::a",
        "did:web:roc.example.",
        "did:web:roc.example%40evil.example",  # user info
    ],
)
def test_did_web_spellings_that_could_alias_are_refused(did: str) -> None:
    with pytest.raises(FederationError):
        issuer_entity_id(did)


def test_https_issuers_are_compared_as_they_are_spelled(tmp_path: Path) -> None:
    """An https issuer is its own entity id, unnormalised: another spelling (upper case, an
    explicit port, a trailing slash) finds no statements and fails closed."""
    fed = Federation()
    trust = FederationTrust(fed.anchor(), FolderSource(fed.folder(tmp_path)), trust_marks=[MARK])
    assert trust.resolve(SCHOOL, NOW).entity_id == SCHOOL
    for spelling in ("https://ROC.example", "https://roc.example:443", "https://roc.example/"):
        with pytest.raises(FederationError):
            trust.resolve(issuer_entity_id(spelling), NOW)
