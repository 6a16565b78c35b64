"""OpenID Federation 1.0 trust (mbo_vc.federation): a small federation built here, with generated
keys and signed statements: trust anchor (DUO) → intermediate (MBO Raad) → school (ROC), and a
trust mark MBO Raad issues. Offline from a folder, online from a loopback HTTPS server, and
from the command line."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.cli import main
from mbo_vc.did.documents import bind_key, did_web_document, write_did_web_site
from mbo_vc.errors import FederationError, UsageError
from mbo_vc.federation import (
    FederationTrust,
    FolderSource,
    HttpsSource,
    TrustAnchor,
    decode_statement,
    issuer_entity_id,
    public_jwks,
    sign_entity_statement,
    sign_trust_mark,
    write_statements,
)
from mbo_vc.keys import EcKey
from mbo_vc.verification import VerifierPolicy
from tests.fixtures import example_diploma
from tests.https_server import LocalHttpsServer, make_ca_and_server_cert

NOW_TS = 1_900_000_000  # 2030-03-17
NOW = datetime.fromtimestamp(NOW_TS, UTC)
NOW_TEXT = "2030-03-17T17:46:40Z"
TA = "https://federatie.duo.example"
MBO = "https://mbo-raad.example"
SCHOOL = "https://roc.example"
SCHOOL_DID = "did:web:roc.example"
MARK = "https://mbo-raad.example/trust-marks/erkende-mbo-instelling"
SIGNER = bind_key(Ed25519Key.from_seed(bytes.fromhex("5e" * 32)), SCHOOL_DID, "key-1")


class Federation:
    """Keys and claims of a three-level federation; every statement can be altered by a test."""

    def __init__(self, ta: str = TA, mbo: str = MBO, school: str = SCHOOL, t: int = NOW_TS) -> None:
        self.ta, self.mbo, self.school = ta, mbo, school
        self.keys = {ta: EcKey.generate(), mbo: EcKey.generate(), school: EcKey.generate()}
        self.mark_claims: dict[str, Any] = {
            "iss": mbo, "sub": school, "trust_mark_type": MARK, "iat": t - 60, "exp": t + 86400,
        }  # fmt: skip
        self.mark_key = self.keys[mbo]
        self.claims: dict[tuple[str, str], dict[str, Any]] = {
            (ta, ta): {
                "iss": ta, "sub": ta, "iat": t - 3600, "exp": t + 86400,
                "metadata": {"federation_entity": {
                    "organization_name": "DUO", "federation_fetch_endpoint": f"{ta}/fetch"}},
                "trust_mark_issuers": {MARK: [mbo]},
            },
            (mbo, mbo): {
                "iss": mbo, "sub": mbo, "iat": t - 3600, "exp": t + 86400,
                "authority_hints": [ta],
                "metadata": {"federation_entity": {
                    "organization_name": "MBO Raad", "federation_fetch_endpoint": f"{mbo}/fetch"}},
            },
            (school, school): {
                "iss": school, "sub": school, "iat": t - 3600, "exp": t + 86400,
                "authority_hints": [mbo],
                "metadata": {
                    "federation_entity": {"organization_name": "ROC Voorbeeld"},
                    "openid_credential_issuer": {
                        "credential_issuer": school,
                        "credential_endpoint": f"{school}/credential",
                        "display": [{"name": "ROC Voorbeeld", "locale": "nl"}],
                    },
                },
            },
            (ta, mbo): {
                "iss": ta, "sub": mbo, "iat": t - 3600, "exp": t + 86400,
                "metadata_policy": {"openid_credential_issuer": {"display": {"essential": True}}},
                "constraints": {"max_path_length": 1},
            },
            (mbo, school): {
                "iss": mbo, "sub": school, "iat": t - 3600, "exp": t + 86400,
                "metadata_policy": {"federation_entity": {
                    "contacts": {"add": ["federatie@mbo-raad.example"]}}},
                "constraints": {"naming_constraints": {"permitted": [".example", "localhost"]}},
            },
        }  # fmt: skip
        self.signers: dict[tuple[str, str], EcKey] = {}

    def subject_key(self, iss: str, sub: str) -> EcKey:
        """The key whose public part the statement's jwks carries (the subject's)."""
        return self.keys[sub]

    def token(self, iss: str, sub: str) -> str:
        claims = dict(self.claims[(iss, sub)])
        claims.setdefault("jwks", public_jwks(self.subject_key(iss, sub)))
        if (iss, sub) == (self.school, self.school):
            mark = sign_trust_mark(self.mark_claims, self.mark_key)
            claims.setdefault("trust_marks", [{"trust_mark_type": MARK, "trust_mark": mark}])
        return sign_entity_statement(claims, self.signers.get((iss, sub), self.keys[iss]))

    def tokens(self) -> list[str]:
        return [self.token(iss, sub) for iss, sub in self.claims]

    def anchor(self) -> TrustAnchor:
        return TrustAnchor(self.ta, tuple(public_jwks(self.keys[self.ta])["keys"]))

    def folder(self, path: Path) -> Path:
        write_statements(path, self.tokens())
        return path


def _credential(issuer: str = SCHOOL_DID, signer: Ed25519Key = SIGNER) -> dict[str, Any]:
    return sign(example_diploma(issuer), signer, created="2026-07-01T12:00:00Z")


RESOLVER = DidResolver(documents={SCHOOL_DID: did_web_document(SCHOOL_DID, [SIGNER])})


def _verify(fed: Federation, folder: Path, marks: tuple[str, ...] = (MARK,), **kw: Any) -> Any:
    trust = FederationTrust(fed.anchor(), FolderSource(fed.folder(folder)), trust_marks=marks)
    policy = VerifierPolicy(federation=trust)
    return verify(_credential(**kw), now=NOW_TEXT, resolver=RESOLVER, policy=policy)


# --- the chain --------------------------------------------------------------------------------


def test_a_school_in_the_federation_is_trusted(tmp_path: Path) -> None:
    fed = Federation()
    trust = FederationTrust(fed.anchor(), FolderSource(fed.folder(tmp_path)), trust_marks=[MARK])
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.verified, result.problems
    assert "federation" in result.checks
    assert result.trusted_issuer is not None and result.trusted_issuer.name == "ROC Voorbeeld"
    chain = trust.resolve(SCHOOL, NOW)
    assert chain.path == (SCHOOL, MBO, TA)
    assert chain.trust_marks == (MARK,)
    # the intermediate's policy added its contact; the anchor's essential display holds
    assert chain.metadata["federation_entity"]["contacts"] == ["federatie@mbo-raad.example"]
    assert chain.metadata["openid_credential_issuer"]["display"][0]["name"] == "ROC Voorbeeld"


def test_without_a_federation_policy_there_is_no_federation_check(tmp_path: Path) -> None:
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER)
    assert result.verified and "federation" not in result.checks


def test_an_expired_statement_breaks_the_chain(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["exp"] = NOW_TS - 1
    result = _verify(fed, tmp_path)
    assert result.codes == ["federation_chain_invalid"]
    assert "expired" in result.problems[0].message


def test_a_statement_from_the_future_breaks_the_chain(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, MBO)]["iat"] = NOW_TS + 600
    assert _verify(fed, tmp_path).codes == ["federation_chain_invalid"]


def test_a_wrong_signature_breaks_the_chain(tmp_path: Path) -> None:
    fed = Federation()
    fed.signers[(MBO, SCHOOL)] = fed.keys[SCHOOL]  # the school vouches for itself
    result = _verify(fed, tmp_path)
    assert result.codes == ["federation_chain_invalid"]
    assert "not in" in result.problems[0].message or "does not verify" in result.problems[0].message


def test_a_school_key_the_superior_does_not_vouch_for_breaks_the_chain(tmp_path: Path) -> None:
    fed = Federation()
    other = EcKey.generate()
    fed.claims[(MBO, SCHOOL)]["jwks"] = public_jwks(other)  # MBO Raad lists another key
    assert _verify(fed, tmp_path).codes == ["federation_chain_invalid"]


def test_a_tampered_statement_breaks_the_chain(tmp_path: Path) -> None:
    fed = Federation()
    fed.folder(tmp_path)
    path = tmp_path / (quote(MBO, safe="") + "~" + quote(SCHOOL, safe="") + ".jwt")
    head, payload, sig = path.read_text().strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["exp"] += 10**6  # a longer life, under the old signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    path.write_text(f"{head}.{forged}.{sig}")
    result = _verify_folder(fed, tmp_path)
    assert result.codes == ["federation_chain_invalid"]
    assert "does not verify" in result.problems[0].message


def test_a_chain_to_another_anchor_is_not_trusted(tmp_path: Path) -> None:
    fed = Federation()
    other = Federation("https://elders.example", "https://ander.example", "https://x.example")
    tokens = fed.tokens() + other.tokens()
    write_statements(tmp_path, tokens)
    # pinned: the other federation's anchor; the school's hints lead to DUO only
    trust = FederationTrust(other.anchor(), FolderSource(tmp_path))
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.codes == ["federation_untrusted"]
    assert "https://elders.example" in result.problems[0].message


def test_the_anchor_pinned_with_other_keys_trusts_nobody(tmp_path: Path) -> None:
    fed = Federation()
    impostor = TrustAnchor(TA, tuple(public_jwks(EcKey.generate())["keys"]))
    trust = FederationTrust(impostor, FolderSource(fed.folder(tmp_path)))
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.codes == ["federation_chain_invalid"]
    assert "pinned trust anchor" in result.problems[0].message


def test_hints_that_never_reach_the_anchor_are_untrusted(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(SCHOOL, SCHOOL)]["authority_hints"] = ["https://elsewhere.example"]
    assert _verify(fed, tmp_path).codes == ["federation_unavailable"]
    fed.claims[(SCHOOL, SCHOOL)]["authority_hints"] = []
    result = _verify(fed, tmp_path / "none")
    assert result.codes == ["federation_untrusted"]


def test_an_authority_hints_loop_ends_quickly(tmp_path: Path) -> None:
    fed = Federation()
    loop = "https://lus.example"
    fed.keys[loop] = EcKey.generate()
    # MBO Raad points to the loop entity, which points back to MBO Raad (and never to DUO)
    fed.claims[(MBO, MBO)]["authority_hints"] = [loop]
    fed.claims[(loop, loop)] = {
        "iss": loop, "sub": loop, "iat": NOW_TS - 60, "exp": NOW_TS + 600,
        "authority_hints": [MBO],
        "metadata": {"federation_entity": {"federation_fetch_endpoint": f"{loop}/fetch"}},
    }  # fmt: skip
    fed.claims[(loop, MBO)] = {"iss": loop, "sub": MBO, "iat": NOW_TS - 60, "exp": NOW_TS + 600}
    fed.claims[(MBO, loop)] = {"iss": MBO, "sub": loop, "iat": NOW_TS - 60, "exp": NOW_TS + 600}
    start = time.monotonic()
    result = _verify(fed, tmp_path)
    assert time.monotonic() - start < 5
    assert result.codes == ["federation_untrusted"]
    assert "loop" in result.problems[0].message


def test_too_long_a_path_is_refused(tmp_path: Path) -> None:
    """Ten intermediates in a row: resolution stops at the limit, it does not walk them all."""
    fed = Federation()
    names = [f"https://laag{i}.example" for i in range(10)]
    below = SCHOOL
    fed.claims[(MBO, SCHOOL)]["constraints"] = {}
    del fed.claims[(MBO, SCHOOL)]
    for name in names:
        fed.keys[name] = EcKey.generate()
        fed.claims[(name, name)] = {
            "iss": name, "sub": name, "iat": NOW_TS - 60, "exp": NOW_TS + 600,
            "authority_hints": [names[names.index(name) + 1]] if name != names[-1] else [TA],
            "metadata": {"federation_entity": {"federation_fetch_endpoint": f"{name}/fetch"}},
        }  # fmt: skip
        fed.claims[(name, below)] = {"iss": name, "sub": below, "iat": NOW_TS - 60,
                                     "exp": NOW_TS + 600}  # fmt: skip
        below = name
    fed.claims[(TA, names[-1])] = {"iss": TA, "sub": names[-1], "iat": NOW_TS - 60,
                                   "exp": NOW_TS + 600}  # fmt: skip
    fed.claims[(SCHOOL, SCHOOL)]["authority_hints"] = [names[0]]
    result = _verify(fed, tmp_path, marks=())
    assert result.codes == ["federation_untrusted"]
    assert "more than 4 intermediates" in result.problems[0].message


def test_max_path_length_and_naming_constraints_are_enforced(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, MBO)]["constraints"] = {"max_path_length": 0}
    result = _verify(fed, tmp_path / "a")
    assert (
        result.codes == ["federation_chain_invalid"]
        and "intermediates" in result.problems[0].message
    )
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["constraints"] = {"naming_constraints": {"excluded": ["roc.example"]}}
    assert _verify(fed, tmp_path / "b").codes == ["federation_chain_invalid"]
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["constraints"] = {"naming_constraints": {"permitted": [".nl"]}}
    assert _verify(fed, tmp_path / "c").codes == ["federation_chain_invalid"]


def test_an_entity_that_is_not_a_credential_issuer_is_not_trusted(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, MBO)]["constraints"] = {"allowed_entity_types": ["openid_relying_party"]}
    result = _verify(fed, tmp_path)
    assert result.codes == ["federation_untrusted"]
    assert "openid_credential_issuer" in result.problems[0].message


def test_a_missing_statement_fails_closed(tmp_path: Path) -> None:
    fed = Federation()
    del fed.claims[(MBO, SCHOOL)]
    result = _verify(fed, tmp_path)
    assert result.codes == ["federation_unavailable"]
    trust = FederationTrust(fed.anchor(), FolderSource(tmp_path / "missing"))
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.codes == ["federation_unavailable"]


def test_garbage_in_the_folder_never_raises(tmp_path: Path) -> None:
    fed = Federation()
    fed.folder(tmp_path)
    (tmp_path / "junk.jwt").write_text("not a jwt")
    (tmp_path / "bin.jwt").write_bytes(b"\xff\xfe\x00")
    for path in tmp_path.iterdir():
        if path.name.startswith("https%3A%2F%2Froc"):
            path.write_text(path.read_text()[:-20] + "A" * 20)
    result = _verify_folder(fed, tmp_path)
    assert not result.verified and result.codes[0].startswith("federation_")


def _verify_folder(fed: Federation, folder: Path) -> Any:
    trust = FederationTrust(fed.anchor(), FolderSource(folder), trust_marks=[MARK])
    return verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                  policy=VerifierPolicy(federation=trust))  # fmt: skip


def test_an_issuer_without_an_entity_id_is_not_trusted(tmp_path: Path) -> None:
    key = Ed25519Key.from_seed(bytes.fromhex("6f" * 32))
    fed = Federation()
    trust = FederationTrust(fed.anchor(), FolderSource(fed.folder(tmp_path)))
    result = verify(sign(example_diploma(key.did), key), now=NOW_TEXT,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.codes == ["federation_untrusted"]


@pytest.mark.parametrize(
    ("issuer", "entity_id"),
    [
        ("https://roc.example", "https://roc.example"),
        ("https://roc.example/mbo", "https://roc.example/mbo"),
        ("did:web:roc.example", "https://roc.example"),
        ("did:web:roc.example:mbo:issuer", "https://roc.example/mbo/issuer"),
        ("did:web:localhost%3A8443", "https://localhost:8443"),
    ],
)
def test_the_issuer_entity_id(issuer: str, entity_id: str) -> None:
    assert issuer_entity_id(issuer) == entity_id


@pytest.mark.parametrize(
    "issuer", ["did:key:z6Mk", "http://roc.example", "https://roc.example?x=1"]
)
def test_issuers_without_an_entity_id(issuer: str) -> None:
    with pytest.raises(FederationError) as info:
        issuer_entity_id(issuer)
    assert info.value.code == "federation_untrusted"


# --- metadata policy --------------------------------------------------------------------------


def test_metadata_that_breaks_the_policy_is_refused(tmp_path: Path) -> None:
    fed = Federation()
    del fed.claims[(SCHOOL, SCHOOL)]["metadata"]["openid_credential_issuer"]["display"]
    result = _verify(fed, tmp_path / "a")
    assert result.codes == ["federation_policy_violation"]
    assert "essential" in result.problems[0].message
    fed = Federation()
    fed.claims[(TA, MBO)]["metadata_policy"] = {
        "openid_credential_issuer": {"credential_endpoint": {"one_of": ["https://x.example/c"]}}
    }
    assert _verify(fed, tmp_path / "b").codes == ["federation_policy_violation"]


def test_contradicting_policies_are_refused(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, MBO)]["metadata_policy"] = {
        "federation_entity": {"organization_name": {"value": "A"}}
    }
    fed.claims[(MBO, SCHOOL)]["metadata_policy"] = {
        "federation_entity": {"organization_name": {"value": "B"}}
    }
    assert _verify(fed, tmp_path).codes == ["federation_policy_violation"]


def test_unknown_policy_operators_fail_only_when_critical(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, MBO)]["metadata_policy"] = {
        "federation_entity": {"organization_name": {"regexp": "^ROC"}}
    }
    assert _verify(fed, tmp_path / "a").verified
    fed.claims[(TA, MBO)]["metadata_policy_crit"] = ["regexp"]
    result = _verify(fed, tmp_path / "b")
    assert result.codes == ["federation_policy_violation"]
    assert "regexp" in result.problems[0].message


def test_a_critical_claim_is_refused(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["crit"] = ["jti_policy"]
    fed.claims[(MBO, SCHOOL)]["jti_policy"] = "strict"
    assert _verify(fed, tmp_path).codes == ["federation_chain_invalid"]


def test_the_superiors_metadata_claim_overrides_the_leaf(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(MBO, SCHOOL)]["metadata"] = {
        "federation_entity": {"organization_name": "ROC Voorbeeld (erkend)"}
    }
    result = _verify(fed, tmp_path)
    assert result.verified and result.trusted_issuer.name == "ROC Voorbeeld (erkend)"


# --- trust marks ------------------------------------------------------------------------------


def test_a_missing_trust_mark(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(SCHOOL, SCHOOL)]["trust_marks"] = []
    assert _verify(fed, tmp_path / "a").codes == ["trust_mark_missing"]
    assert _verify(fed, tmp_path / "b", marks=()).verified


def test_an_expired_trust_mark(tmp_path: Path) -> None:
    fed = Federation()
    fed.mark_claims["exp"] = NOW_TS - 1
    result = _verify(fed, tmp_path)
    assert result.codes == ["trust_mark_invalid"] and "expired" in result.problems[0].message


def test_a_trust_mark_from_an_unlisted_issuer(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, TA)]["trust_mark_issuers"] = {MARK: ["https://keurmerk.example"]}
    result = _verify(fed, tmp_path / "a")
    assert result.codes == ["trust_mark_invalid"] and "does not list" in result.problems[0].message
    fed = Federation()
    del fed.claims[(TA, TA)]["trust_mark_issuers"]
    assert _verify(fed, tmp_path / "b").codes == ["trust_mark_invalid"]


def test_a_trust_mark_with_a_forged_signature_or_for_another_school(tmp_path: Path) -> None:
    fed = Federation()
    fed.mark_key = fed.keys[SCHOOL]  # the school makes its own mark, in MBO Raad's name
    assert _verify(fed, tmp_path / "a").codes == ["trust_mark_invalid"]
    fed = Federation()
    fed.mark_claims["sub"] = "https://andere-school.example"
    assert _verify(fed, tmp_path / "b").codes == ["trust_mark_invalid"]


def test_a_trust_mark_the_anchor_issues_itself(tmp_path: Path) -> None:
    fed = Federation()
    fed.mark_claims["iss"] = TA
    fed.mark_key = fed.keys[TA]
    del fed.claims[(TA, TA)]["trust_mark_issuers"]
    assert _verify(fed, tmp_path).verified


def test_delegated_trust_marks_fail_closed(tmp_path: Path) -> None:
    fed = Federation()
    fed.claims[(TA, TA)]["trust_mark_owners"] = {MARK: {"sub": MBO, "jwks": public_jwks(
        fed.keys[MBO])}}  # fmt: skip
    result = _verify(fed, tmp_path)
    assert result.codes == ["trust_mark_invalid"] and "delegat" in result.problems[0].message


# --- the anchor file and the command line -----------------------------------------------------


def test_the_anchor_loads_from_its_entity_configuration_or_json(tmp_path: Path) -> None:
    fed = Federation()
    (tmp_path / "ta.jwt").write_text(fed.token(TA, TA))
    anchor = TrustAnchor.load(tmp_path / "ta.jwt")
    assert anchor.entity_id == TA and anchor.configuration is not None
    (tmp_path / "ta.json").write_text(json.dumps({"entity_id": TA,
                                                  "jwks": public_jwks(fed.keys[TA])}))  # fmt: skip
    assert TrustAnchor.load(tmp_path / "ta.json").jwks == anchor.jwks
    fed.signers[(TA, TA)] = fed.keys[MBO]
    (tmp_path / "bad.jwt").write_text(fed.token(TA, TA))
    with pytest.raises(FederationError):
        TrustAnchor.load(tmp_path / "bad.jwt")
    with pytest.raises(FederationError):
        TrustAnchor.load(tmp_path / "nothing.jwt")


def test_the_pinned_configuration_stands_in_when_the_folder_lacks_it(tmp_path: Path) -> None:
    fed = Federation()
    anchor = TrustAnchor.from_configuration(fed.token(TA, TA))
    tokens = [fed.token(i, s) for i, s in fed.claims if (i, s) != (TA, TA)]
    write_statements(tmp_path, tokens)
    trust = FederationTrust(anchor, FolderSource(tmp_path), trust_marks=[MARK])
    result = verify(_credential(), now=NOW_TEXT, resolver=RESOLVER,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.verified, result.problems


def _cli_setup(tmp_path: Path, fed: Federation) -> list[str]:
    fed.folder(tmp_path / "fed")
    (tmp_path / "anchor.jwt").write_text(fed.token(TA, TA))
    write_did_web_site(tmp_path / "site", SCHOOL_DID, [SIGNER])
    (tmp_path / "cred.json").write_text(json.dumps(_credential()))
    return [
        "verify", str(tmp_path / "cred.json"), "--now", NOW_TEXT, "--json",
        "--pinned-dir", str(tmp_path / "site"),
        "--trust-anchor-federation", str(tmp_path / "anchor.jwt"),
        "--federation-dir", str(tmp_path / "fed"), "--trust-mark", MARK,
    ]  # fmt: skip


def test_cli_verify_with_a_federation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _cli_setup(tmp_path, Federation())
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert "federation" in out["checks"]
    fed = Federation()
    fed.mark_claims["exp"] = NOW_TS - 5
    args = _cli_setup(tmp_path / "expired", fed)
    assert main(args) == 1
    out = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in out["problems"]] == ["trust_mark_invalid"]


def test_cli_federation_needs_a_source_and_an_anchor(tmp_path: Path) -> None:
    args = _cli_setup(tmp_path, Federation())
    i = args.index("--federation-dir")
    no_source = args[:i] + args[i + 2 :]
    assert main(no_source) == 2
    j = args.index("--trust-anchor-federation")
    no_anchor = args[:j] + args[j + 2 :]
    assert main(no_anchor) == 2


# --- online, from a loopback HTTPS server -----------------------------------------------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_ca_and_server_cert(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(pki: tuple[Path, Path, Path]) -> Iterator[LocalHttpsServer]:
    srv = LocalHttpsServer(pki[1], pki[2])
    yield srv
    srv.stop()


def _jwt(token: str, content_type: str = "application/entity-statement+jwt") -> Any:
    body = token.encode()

    def run(h: Any) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return run


def _online(server: LocalHttpsServer, prefix: str) -> Federation:
    base = f"https://localhost:{server.port}/{prefix}"
    fed = Federation(ta=f"{base}/ta", mbo=f"{base}/mbo", school=f"{base}/roc")
    for (iss, sub), _ in fed.claims.items():
        if iss == sub:
            path = iss.removeprefix(f"https://localhost:{server.port}")
            server.route(f"{path}/.well-known/openid-federation", _jwt(fed.token(iss, sub)))
        else:
            path = f"{iss}/fetch?sub={quote(sub, safe='')}"
            server.route(path.removeprefix(f"https://localhost:{server.port}"),
                         _jwt(fed.token(iss, sub)))  # fmt: skip
    return fed


FAST = {"connect_timeout": 0.5, "read_timeout": 0.5, "total_timeout": 3.0}


def test_online_resolution_over_loopback_https(
    server: LocalHttpsServer, pki: tuple[Path, Path, Path]
) -> None:
    fed = _online(server, "ok")
    did = f"did:web:localhost%3A{server.port}:ok:roc"
    assert issuer_entity_id(did) == fed.school
    signer = bind_key(Ed25519Key.from_seed(bytes.fromhex("7a" * 32)), did, "key-1")
    resolver = DidResolver(documents={did: did_web_document(did, [signer])})
    source = HttpsSource(ca_bundle=pki[0], allow_private=True, **FAST)
    trust = FederationTrust(fed.anchor(), source, trust_marks=[MARK])
    result = verify(_credential(did, signer), now=NOW_TEXT, resolver=resolver,
                    policy=VerifierPolicy(federation=trust))  # fmt: skip
    assert result.verified, result.problems
    assert "/ok/roc/.well-known/openid-federation" in server.requests
    # without permission for loopback addresses, nothing is fetched and nothing is trusted
    strict = FederationTrust(fed.anchor(), HttpsSource(ca_bundle=pki[0], **FAST))
    result = verify(_credential(did, signer), now=NOW_TEXT, resolver=resolver,
                    policy=VerifierPolicy(federation=strict))  # fmt: skip
    assert result.codes == ["federation_unavailable"]


def test_online_statements_of_the_wrong_media_type_are_refused(
    server: LocalHttpsServer, pki: tuple[Path, Path, Path]
) -> None:
    fed = _online(server, "typ")
    server.route("/typ/roc/.well-known/openid-federation",
                 _jwt(fed.token(fed.school, fed.school), "application/json"))  # fmt: skip
    source = HttpsSource(ca_bundle=pki[0], allow_private=True, **FAST)
    with pytest.raises(FederationError) as info:
        FederationTrust(fed.anchor(), source).resolve(fed.school, NOW)
    assert info.value.code == "federation_unavailable"


def test_online_cli(server: LocalHttpsServer, pki: tuple[Path, Path, Path], tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    fed = _online(server, "cli")
    did = f"did:web:localhost%3A{server.port}:cli:roc"
    signer = bind_key(Ed25519Key.from_seed(bytes.fromhex("7b" * 32)), did, "key-1")
    write_did_web_site(tmp_path / "site", did, [signer])
    (tmp_path / "cred.json").write_text(json.dumps(_credential(did, signer)))
    (tmp_path / "anchor.json").write_text(
        json.dumps({"entity_id": fed.ta, "jwks": public_jwks(fed.keys[fed.ta])})
    )
    args = ["verify", str(tmp_path / "cred.json"), "--now", NOW_TEXT, "--json",
            "--pinned-dir", str(tmp_path / "site"), "--online", "--allow-private",
            "--ca-bundle", str(pki[0]), "--timeout", "1", "--trust-mark", MARK,
            "--trust-anchor-federation", str(tmp_path / "anchor.json")]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().out
    assert "federation" in json.loads(capsys.readouterr().out)["checks"]


def test_decode_refuses_what_is_not_an_entity_statement() -> None:
    fed = Federation()
    good = fed.token(TA, TA)
    assert decode_statement(good).is_configuration
    for bad in ["", "a.b.c", good.replace(".", "", 1), 42, None]:
        with pytest.raises(FederationError):
            decode_statement(bad)
    mark = sign_trust_mark(fed.mark_claims, fed.keys[MBO])
    with pytest.raises(FederationError):
        decode_statement(mark)  # typ trust-mark+jwt is not an entity statement


def test_policy_objects_are_checked(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        VerifierPolicy(federation="https://federatie.duo.example")  # type: ignore[arg-type]


def test_mutated_statements_never_raise_and_never_verify(tmp_path: Path) -> None:
    """Every statement of the folder, one character changed at a time (header, payload and
    signature): verification returns a typed federation code, it never raises or succeeds."""
    fed = Federation()
    fed.folder(tmp_path / "good")
    files = sorted((tmp_path / "good").iterdir())
    seen: set[str] = set()
    for n, path in enumerate(files):
        token = path.read_text().strip()
        for at in (3, len(token) // 3, len(token) // 2, len(token) - 3):
            folder = tmp_path / f"m{n}-{at}"
            folder.mkdir()
            for other in files:
                (folder / other.name).write_text(other.read_text())
            swapped = "B" if token[at] != "B" else "C"
            (folder / path.name).write_text(token[:at] + swapped + token[at + 1 :])
            result = _verify_folder(fed, folder)
            assert not result.verified, (path.name, at)
            seen.update(result.codes)
    assert seen and all(c.startswith(("federation_", "trust_mark_")) for c in seen), seen
