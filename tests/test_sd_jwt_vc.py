"""SD-JWT VC on the one verification road: the waardepapieren as dc+sd-jwt, selective
presentation with key binding, replay, issuer keys (DID, x5c, jwt-vc-issuer), the status hook,
type metadata, the CLI."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mbo_vc import verify
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import TypeMetadataError
from mbo_vc.keys import EcKey
from mbo_vc.mbo.sd_jwt_vc import (
    VCT,
    claims_of,
    issue_sd_jwt,
    type_metadata,
    waardepapier_from_claims,
)
from mbo_vc.result import StatusOutcome
from mbo_vc.sd_jwt import present
from mbo_vc.sd_jwt_vc import SdJwtVcOptions, check_type_metadata, issue_sd_jwt_vc

ISSUER = EcKey.generate("P-256")
HOLDER = EcKey.generate("P-256")
PAPERS = example_waardepapieren(ISSUER.did)
AUD, NONCE = "https://werkgever.example", "n-0001"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _diploma() -> str:
    return issue_sd_jwt(PAPERS["mbo-diploma"], ISSUER, holder=HOLDER.public_only()).serialize()


def test_diploma_selective_presentation_and_replay() -> None:
    """The issue's done-criterion: only qualification + school disclosed, verified with nonce
    and audience; a replay with another nonce or audience fails."""
    shown = present(_diploma(), ["opleiding", "instelling"], holder_key=HOLDER, aud=AUD,
                    nonce=NONCE).serialize()  # fmt: skip
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    assert result.format == "dc+sd-jwt"
    claims = result.document or {}
    assert claims["opleiding"]["crebo"] == "25491"
    assert claims["instelling"]["naam"].startswith("ROC")
    assert claims["student"] == {} and claims["resultaten"] == []
    assert "sub" not in claims and "leerweg" not in claims
    assert "key_binding" in result.checks and len(result.proofs) == 2
    # the key binding's time reads like every other proof's (not a raw NumericDate)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.proofs[1].created or "")
    assert verify(shown, aud=AUD, nonce="n-0002").codes == ["kb_jwt_nonce_mismatch"]
    assert verify(shown, aud="https://other.example", nonce=NONCE).codes == ["kb_jwt_aud_mismatch"]
    assert verify(shown).codes == ["key_binding_not_checked"]


def test_presented_grades_and_name_only_when_chosen() -> None:
    shown = present(_diploma(), ["student.naam", "resultaten.2"], holder_key=HOLDER, aud=AUD,
                    nonce=NONCE).serialize()  # fmt: skip
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    claims = result.document or {}
    assert claims["student"] == {"naam": "Jan Pieter de Vries"}
    assert [r["code"] for r in claims["resultaten"]] == ["NE"]
    assert sorted(result.disclosed) == ["resultaten.0", "student.naam"]


def test_issued_token_without_kb_needs_no_nonce_but_refuses_missing_binding() -> None:
    token = _diploma()
    assert verify(token).verified
    assert verify(token, aud=AUD, nonce=NONCE).codes == ["kb_jwt_missing"]


@pytest.mark.parametrize("kind", list(PAPERS))
def test_every_waardepapier_round_trips_and_has_valid_type_metadata(kind: str) -> None:
    paper = PAPERS[kind]
    result = verify(issue_sd_jwt(paper, ISSUER, holder=HOLDER.public_only()).serialize())
    assert result.verified, result.codes
    claims = result.document or {}
    assert claims["vct"] == VCT[kind]
    back = waardepapier_from_claims(claims)
    assert back.model_dump(exclude={"student"}) == paper.model_dump(exclude={"student"})
    assert back.student.naam == paper.student.naam
    registered = ("iss", "vct", "vct#integrity", "iat", "cnf", "_sd_alg")
    body = {k: v for k, v in claims.items() if k not in registered}
    meta = type_metadata(kind, claims)
    check_type_metadata(meta, example_claims=body)
    labels = {tuple(c["path"]): c for c in meta["claims"]}
    assert labels[("student", "naam")]["sd"] == "always"  # the issuer makes it disclosable
    assert labels[("instelling",)]["sd"] == "never"  # kept in clear
    # a verifier that knows the type checks the claims against the embedded schema
    opts = SdJwtVcOptions(type_metadata={VCT[kind]: meta})
    assert verify(issue_sd_jwt(paper, ISSUER, holder=None).serialize(), sd_jwt=opts).verified
    assert "salt" not in json.dumps(claims_of(paper))


def test_type_metadata_profile_violations() -> None:
    claims = verify(_diploma()).document or {}
    good = type_metadata("mbo-diploma", claims)
    for change in (
        {"display": [{"locale": "nl-NL", "name": "x"}]},
        {"schema_uri": "https://example.org/s.json"},
        {"claims": []},
        {
            "display": [
                {
                    "locale": "nl-NL",
                    "name": "x",
                    "rendering": {"simple": {"logo": {"uri": "https://example.org/logo.png"}}},
                },
                {"locale": "en-US", "name": "y"},
            ]
        },
    ):
        with pytest.raises(TypeMetadataError):
            check_type_metadata({**good, **change})
    with pytest.raises(TypeMetadataError):
        check_type_metadata(good, example_claims={"onbekend": 1})


def test_alg_none_typ_and_tampering_are_refused() -> None:
    token = _diploma()
    jwt, rest = token.split("~", 1)
    head, payload, _sig = jwt.split(".")
    import base64

    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"dc+sd-jwt"}').rstrip(b"=").decode()
    assert verify(f"{none}.{payload}.~{rest}").codes == ["jwt_alg_not_allowed"]
    plain = base64.urlsafe_b64encode(b'{"alg":"ES256","typ":"JWT"}').rstrip(b"=").decode()
    assert verify(f"{plain}.{payload}.{_sig}~{rest}").codes == ["jwt_bad_type"]
    forged = _sig[:-3] + ("AAA" if not _sig.endswith("AAA") else "BBB")
    assert "invalid_signature" in verify(f"{head}.{payload}.{forged}~{rest}").codes
    assert verify(token + "garbage").verified is False
    assert verify("a.b.c~" * 3).verified is False


def test_expiry_and_future_tokens() -> None:
    token = issue_sd_jwt_vc({"a": 1}, None, ISSUER, vct="urn:t", issuer=ISSUER.did,
                            exp=NOW - timedelta(days=1), iat=NOW - timedelta(days=10))  # fmt: skip
    assert verify(token.serialize(), now=NOW).codes == ["expired"]
    later = issue_sd_jwt_vc({"a": 1}, None, ISSUER, vct="urn:t", issuer=ISSUER.did,
                            iat=NOW + timedelta(days=1))  # fmt: skip
    assert verify(later.serialize(), now=NOW).codes == ["not_yet_valid"]


class _TokenStatus:
    def __init__(self, value: int) -> None:
        self.value = value

    def check_status_list(self, entries: Any, *, issuer: str | None, now: datetime) -> Any:
        from mbo_vc.result import Problem

        problem = Problem("revoked", "revoked") if self.value else None
        return [StatusOutcome(where, "revocation", status=self.value, problem=problem)
                for where, _ in entries]  # fmt: skip


def test_status_list_fails_closed_without_a_checker() -> None:
    status = {"status_list": {"idx": 7, "uri": "https://roc.example/status/1"}}
    token = issue_sd_jwt(PAPERS["mbo-diploma"], ISSUER, holder=None, status=status).serialize()
    assert verify(token).codes == ["status_unavailable"]
    off = verify(token, check_status=False)
    assert off.verified and [w.code for w in off.warnings] == [
        "status_not_checked",
        "mbo_rules_not_checked",  # (one signature: the examencommissie's cannot be shown)
    ]
    assert verify(token, status=_TokenStatus(0)).verified  # type: ignore[arg-type]
    assert verify(token, status=_TokenStatus(1)).codes == ["revoked"]  # type: ignore[arg-type]


def _ca_and_leaf(issuer_url: str) -> tuple[x509.Certificate, Any, EcKey]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    start = NOW - timedelta(days=1)
    ca = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(ca_key.public_key()).serial_number(1)
        .not_valid_before(start).not_valid_after(NOW + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                     False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    return ca, ca_key, EcKey.generate("P-256")


def _leaf(ca: x509.Certificate, ca_key: Any, leaf_key: EcKey, san: str) -> x509.Certificate:
    jwk = leaf_key.to_jwk()
    from mbo_vc.jws import b64url_decode

    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(b64url_decode(jwk["x"], "x"), "big"),
        int.from_bytes(b64url_decode(jwk["y"], "y"), "big"), ec.SECP256R1(),
    ).public_key()  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ROC Voorbeeld")]))
        .issuer_name(ca.subject).public_key(public).serial_number(2)
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip


def test_x5c_issuer_key_to_a_trust_anchor() -> None:
    url = "https://roc.example"
    ca, ca_key, leaf_key = _ca_and_leaf(url)
    leaf = _leaf(ca, ca_key, leaf_key, url)
    token = issue_sd_jwt_vc({"a": 1}, None, leaf_key, vct="urn:t", issuer=url, x5c=[leaf],
                            iat=NOW).serialize()  # fmt: skip
    anchor = ca.public_bytes(serialization.Encoding.PEM)
    ok = verify(token, now=NOW, sd_jwt=SdJwtVcOptions(trust_anchors=[anchor]))
    assert ok.verified, ok.codes
    assert verify(token, now=NOW).codes == ["issuer_key_unresolved"]
    other, _, _ = _ca_and_leaf(url)
    assert verify(token, now=NOW, sd_jwt=SdJwtVcOptions(trust_anchors=[other])).codes == [
        "certificate_chain_untrusted"
    ]
    wrong = _leaf(ca, ca_key, leaf_key, "https://evil.example")
    bad = issue_sd_jwt_vc({"a": 1}, None, leaf_key, vct="urn:t", issuer=url, x5c=[wrong],
                          iat=NOW).serialize()  # fmt: skip
    assert verify(bad, now=NOW, sd_jwt=SdJwtVcOptions(trust_anchors=[ca])).codes == [
        "certificate_chain_untrusted"
    ]


def test_jwt_vc_issuer_metadata_pinned_offline() -> None:
    url = "https://roc.example/tenant"
    jwk = {**ISSUER.to_jwk(), "kid": "k1"}
    token = issue_sd_jwt_vc({"a": 1}, None, ISSUER, vct="urn:t", issuer=url, kid="k1").serialize()
    meta = {"issuer": url, "jwks": {"keys": [jwk]}}
    assert verify(token, sd_jwt=SdJwtVcOptions(issuer_metadata={url: meta})).verified
    assert verify(token).codes == ["issuer_key_unresolved"]
    other = {"issuer": "https://elsewhere.example", "jwks": {"keys": [jwk]}}
    assert verify(token, sd_jwt=SdJwtVcOptions(issuer_metadata={url: other})).codes == [
        "issuer_metadata_invalid"
    ]


def test_non_disclosable_claims_and_foreign_kid() -> None:
    from mbo_vc.sd_jwt import issue

    token = issue({"iss": ISSUER.did, "vct": "urn:t", "exp": 2000000000}, {"_sd": ["exp"]},
                  ISSUER, typ="dc+sd-jwt", header={"kid": ISSUER.verification_method})  # fmt: skip
    shown = present(token, ["exp"]).serialize()
    assert "sd_jwt_vc_invalid" in verify(shown).codes
    other = EcKey.generate("P-256")
    foreign = issue({"iss": ISSUER.did, "vct": "urn:t"}, None, other, typ="dc+sd-jwt",
                    header={"kid": other.verification_method}).serialize()  # fmt: skip
    assert verify(foreign).codes == ["issuer_key_unresolved"]


def test_cli_issue_present_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    issuer_file, holder_file = tmp_path / "iss.json", tmp_path / "holder.json"
    ISSUER.save(issuer_file)
    HOLDER.save(holder_file)
    out = tmp_path / "out"
    main(["issue", "--format", "sd-jwt-vc", "--type", "mbo-diploma", "--data",
          str(root / "test_vectors" / "sis" / "diplomas.csv"), "--key", str(issuer_file),
          "--holder-did", HOLDER.did, "--out", str(out)])  # fmt: skip

    def payload(path: Path) -> str:  # outputs are named by credential id: find the row's one
        body = path.read_text().split("~")[0].split(".")[1]
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()

    token = next(p for p in sorted(out.glob("*.sd-jwt")) if "Verzorgende-IG" in payload(p))
    pres = tmp_path / "pres.txt"
    assert main(["sd-jwt", "present", str(token), "--holder-key", str(holder_file),
                 "--disclose", "opleiding,instelling", "--aud", AUD, "--nonce", NONCE,
                 "-o", str(pres)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["verify", str(pres), "--aud", AUD, "--nonce", NONCE]) == 0
    printed = capsys.readouterr().out
    assert "dc+sd-jwt" in printed and "Verzorgende-IG" in printed
    assert main(["verify", str(pres), "--aud", AUD, "--nonce", "replayed"]) == 1
    assert "kb_jwt_nonce_mismatch" in capsys.readouterr().out
