"""Published issuer metadata (issue 22 item 2): ``mbo-vc issuer metadata`` writes the
jwt-vc-issuer document, the OID4VCI Credential Issuer Metadata and the type metadata; issuing
commits to the type metadata (``vct#integrity``, W3C SRI); a verifier pins the metadata from the
command line or Python, offline, and a tampered document or a foreign issuer is refused."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import verify
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import SdJwtVcError, TypeMetadataIntegrityError, UsageError
from mbo_vc.keys import EcKey, Ed25519Key
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.mbo.sd_jwt_vc import (
    VCT,
    claims_of,
    issue_sd_jwt,
    published_type_metadata,
    type_metadata,
    type_metadata_bytes,
    vct_integrity,
)
from mbo_vc.oid4vc import validate_issuer_metadata
from mbo_vc.oid4vc.publish import issuer_metadata_documents, well_known_path, write_documents
from mbo_vc.sd_jwt_vc import (
    SdJwtVcOptions,
    check_integrity,
    check_type_metadata,
    integrity,
    issue_sd_jwt_vc,
    issuer_kid,
    jwt_vc_issuer_metadata,
    read_metadata,
)
from tests.helpers import ROOT

SCHOOL = EcKey.generate("P-256")
HOLDER = EcKey.generate("P-256")
ISSUER_URL = "https://roc.example/mbo"
PAPERS = example_waardepapieren(SCHOOL.did)
SRI = json.loads((ROOT / "test_vectors" / "sri" / "examples.json").read_text())


def _payload(token: str) -> dict[str, Any]:
    body = token.split("~")[0].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


# --- W3C Subresource Integrity ---------------------------------------------------------------


@pytest.mark.parametrize("case", SRI["cases"])
def test_integrity_strings_are_the_sri_examples(case: dict[str, str]) -> None:
    data = case["resource"].encode()
    assert integrity(data) == case["sha256"]
    assert integrity(data, "sha384") == case["sha384"]
    check_integrity(data, case["sha256"])
    # SRI §3.3.5: only the strongest algorithm present is compared
    check_integrity(data, f"sha256-{'A' * 43}= {case['sha384']}")
    with pytest.raises(TypeMetadataIntegrityError):
        check_integrity(data, f"{case['sha256']} sha384-{'A' * 64}")
    with pytest.raises(TypeMetadataIntegrityError):
        check_integrity(data + b" ", case["sha256"])
    # unpadded and base64url spellings of the same digest are read too; options are ignored
    check_integrity(data, case["sha256"].rstrip("=") + "?ct=application/json")


@pytest.mark.parametrize(
    "value", ["", "sha256", "md5-1B2M2Y8AsgTpgAmY7PhCfg==", "sha256-abc", 42, "sha1-" + "A" * 28]
)
def test_a_value_with_nothing_to_check_is_refused(value: Any) -> None:
    with pytest.raises(SdJwtVcError):
        check_integrity(b"{}", value)
    with pytest.raises(UsageError):
        issue_sd_jwt_vc({"a": 1}, None, SCHOOL, vct="urn:t", issuer=SCHOOL.did, vct_integrity=value)


# --- the published type metadata -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(VCT))
def test_published_type_metadata_are_current_and_valid(kind: str) -> None:
    """The shipped file is what the generator writes (python scripts/generate_type_metadata.py)
    and holds to the profile."""
    paper = example_waardepapieren("did:example:instelling")[kind]
    generated = type_metadata_bytes(type_metadata(kind, claims_of(paper)))
    assert published_type_metadata(kind) == generated, "run scripts/generate_type_metadata.py"
    doc = json.loads(generated)
    assert doc["vct"] == VCT[kind]
    check_type_metadata(doc, example_claims=claims_of(paper))


# Computed with `openssl dgst -sha256 -binary src/mbo_vc/type_metadata/<kind>.json | base64`.
# Every issued token's vct#integrity commits to these bytes: a published .../v1 document never
# changes. A change here (labels, schema) breaks every credential issued before it: publish it
# under a new vct (…/v2) instead of editing this table.
ONE_SIGNATURE = "mbo_rules_not_checked"
"""A diploma's or certificaat's two signers cannot be shown in an SD-JWT VC (one signature)."""
PUBLISHED_DIGESTS = {
    "mbo-diploma": "sha256-7qlB0tWl3ULKJishPjLxIIgnh5zWNfWYrq9gDnFXE+s=",
    "mbo-certificaat": "sha256-M0zSfkY5YOsXAsaYcZvxy2AloEGxmZDNjzqJ7yw9cCY=",
    "mbo-verklaring": "sha256-AHv54bxUya325SluvXSEbzZTAbaT6D0Ddh+dkqD3r90=",
    "microcredential": "sha256-+nVudYYHjEykGEvNFTMriQO59hJM3VDdnKNNCGqlxgg=",
}


@pytest.mark.parametrize("kind", list(VCT))
def test_published_type_metadata_never_change(kind: str) -> None:
    assert vct_integrity(kind) == PUBLISHED_DIGESTS[kind]
    token = issue_sd_jwt(PAPERS[kind], SCHOOL, holder=None).serialize()
    assert _payload(token)["vct#integrity"] == PUBLISHED_DIGESTS[kind]


def test_the_schema_requires_only_what_every_credential_of_the_type_has() -> None:
    """A certificaat of a qualification unit (crebo, no keuzedeel_code) fits the published
    metadata made from the keuzedeel example: only always-disclosed members the model requires
    are required (before, keuzedeel_code, kwalificatie_crebo and niveau were)."""
    data = PAPERS["mbo-certificaat"].model_dump(mode="json", exclude_none=True)
    for name in ("keuzedeel_code", "kwalificatie_crebo", "niveau"):
        data.pop(name, None)
    unit = WAARDEPAPIEREN["mbo-certificaat"].create(**{**data, "crebo": "25491"})
    token = issue_sd_jwt(unit, SCHOOL, holder=None).serialize()
    pinned = SdJwtVcOptions(type_metadata={VCT["mbo-certificaat"]:
                                           published_type_metadata("mbo-certificaat")})  # fmt: skip
    result = verify(token, sd_jwt=pinned)
    assert result.verified, result.problems
    assert "credential_schema" in result.checks
    assert [w.code for w in result.warnings] == [ONE_SIGNATURE]


# --- the verifier: vct#integrity -------------------------------------------------------------


def test_integrity_checked_against_pinned_bytes() -> None:
    token = issue_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=None).serialize()
    served = published_type_metadata("mbo-diploma")
    vct = VCT["mbo-diploma"]
    ok = verify(token, sd_jwt=SdJwtVcOptions(type_metadata={vct: served}))
    assert ok.verified and "credential_schema" in ok.checks
    assert [w.code for w in ok.warnings] == [ONE_SIGNATURE]
    # one byte more (the same JSON): not the document the issuer committed to
    tampered = verify(token, sd_jwt=SdJwtVcOptions(type_metadata={vct: served + b"\n"}))
    assert tampered.codes == ["type_metadata_integrity_mismatch"]
    # parsed JSON: the bytes are unknown, so the integrity is not checked (a warning)
    parsed = verify(token, sd_jwt=SdJwtVcOptions(type_metadata={vct: json.loads(served)}))
    assert parsed.verified
    assert [w.code for w in parsed.warnings] == ["type_metadata_integrity_not_checked",
                                                 ONE_SIGNATURE]  # fmt: skip
    # mbo_vc.verify pins the shipped document itself
    shipped = verify(token)
    assert shipped.verified and "credential_schema" in shipped.checks
    assert [w.code for w in shipped.warnings] == [ONE_SIGNATURE]
    # no type metadata at all (the bare pipeline): nothing consumed, nothing to check (a
    # warning, not a failure)
    from mbo_vc.verification import verify as pipeline

    none = pipeline(token)
    assert none.verified
    assert [w.code for w in none.warnings] == ["type_metadata_integrity_not_checked"]
    # a token without vct#integrity and pinned bytes: the schema is checked, no warning
    plain = issue_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=None, vct_integrity=False)
    assert "vct#integrity" not in _payload(plain.serialize())
    plain_result = verify(plain.serialize(), sd_jwt=SdJwtVcOptions(type_metadata={vct: served}))
    assert [w.code for w in plain_result.warnings] == [ONE_SIGNATURE]


def test_type_metadata_of_another_vct_is_refused() -> None:
    token = issue_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=None, vct_integrity=False)
    other = published_type_metadata("mbo-certificaat")
    result = verify(token.serialize(),
                    sd_jwt=SdJwtVcOptions(type_metadata={VCT["mbo-diploma"]: other}))  # fmt: skip
    assert result.codes == ["type_metadata_invalid"]


def test_a_malformed_vct_integrity_fails_closed() -> None:
    from mbo_vc.sd_jwt import issue

    token = issue({"iss": SCHOOL.did, "vct": "urn:t", "vct#integrity": "sha256-nothex"}, None,
                  SCHOOL, typ="dc+sd-jwt",
                  header={"kid": SCHOOL.verification_method}).serialize()  # fmt: skip
    assert verify(token).codes == ["sd_jwt_vc_invalid"]


# --- jwt-vc-issuer metadata -------------------------------------------------------------------


def test_jwt_vc_issuer_metadata_document() -> None:
    ed = Ed25519Key.generate()
    doc = jwt_vc_issuer_metadata(ISSUER_URL, [SCHOOL, ed])
    assert doc["issuer"] == ISSUER_URL
    keys = doc["jwks"]["keys"]
    assert [k["alg"] for k in keys] == ["ES256", "EdDSA"]
    assert all("d" not in k and k["use"] == "sig" for k in keys)
    # RFC 7638 thumbprint as kid: recomputed here from the required members only
    import hashlib

    ec = SCHOOL.to_jwk()
    canonical = json.dumps({m: ec[m] for m in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=")
    assert keys[0]["kid"] == expected.decode() == issuer_kid(ec)
    for bad in (["https://roc.example?x=1"], ["http://roc.example"], ["did:web:roc.example"]):
        with pytest.raises(UsageError):
            jwt_vc_issuer_metadata(bad[0], [SCHOOL])
    with pytest.raises(UsageError):
        jwt_vc_issuer_metadata(ISSUER_URL, [SCHOOL.to_jwk(private=True)])


def test_jwks_and_jwks_uri_together_are_refused() -> None:
    kid = issuer_kid(SCHOOL.to_jwk())
    token = issue_sd_jwt_vc({"a": 1}, None, SCHOOL, vct="urn:t", issuer=ISSUER_URL, kid=kid)
    doc = jwt_vc_issuer_metadata(ISSUER_URL, [SCHOOL])
    assert verify(token.serialize(),
                  sd_jwt=SdJwtVcOptions(issuer_metadata={ISSUER_URL: doc})).verified  # fmt: skip
    both = {**doc, "jwks_uri": "https://roc.example/jwks.json"}
    result = verify(token.serialize(), sd_jwt=SdJwtVcOptions(issuer_metadata={ISSUER_URL: both}))
    assert result.codes == ["issuer_metadata_invalid"]


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("https://roc.example", ".well-known/jwt-vc-issuer"),
        ("https://roc.example/", ".well-known/jwt-vc-issuer"),
        ("https://roc.example/tenant/1234", ".well-known/jwt-vc-issuer/tenant/1234"),
        ("https://roc.example/tenant/1234/", ".well-known/jwt-vc-issuer/tenant/1234"),
        ("https://roc.example:8443/t", ".well-known/jwt-vc-issuer/t"),
    ],
)
def test_well_known_path_inserted_between_host_and_path(issuer: str, expected: str) -> None:
    """SD-JWT VC §"JWT VC Issuer Metadata": the well-known string between host and path, a
    terminating ``/`` removed (the spec's examples: ``https://example.com/tenant/1234``)."""
    assert well_known_path(issuer, "jwt-vc-issuer") == expected


@pytest.mark.parametrize(
    "issuer", ["https://roc.example/../etc", "https://roc.example/a%2Fb", "https://roc.example/a?b",
               "https://roc.example/a#b", "http://roc.example"],
)  # fmt: skip
def test_unpublishable_issuer_paths_are_refused(issuer: str) -> None:
    with pytest.raises(UsageError):
        well_known_path(issuer, "jwt-vc-issuer")


# --- the published folder --------------------------------------------------------------------


def test_documents_are_deterministic_and_written_atomically(tmp_path: Path) -> None:
    first = issuer_metadata_documents(ISSUER_URL, [SCHOOL])
    assert first == issuer_metadata_documents(ISSUER_URL, [SCHOOL])
    assert sorted(first) == sorted([
        ".well-known/jwt-vc-issuer/mbo", ".well-known/openid-credential-issuer/mbo",
        *(f"w3id.org/mbo-vc/vct/{kind}/v1" for kind in VCT),
    ])  # fmt: skip
    write_documents(tmp_path, first)
    write_documents(tmp_path, first)
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(first)  # no temporary files left behind
    for rel, data in first.items():
        assert (tmp_path / rel).read_bytes() == data
    for kind in VCT:
        assert first[f"w3id.org/mbo-vc/vct/{kind}/v1"] == published_type_metadata(kind)


def test_credential_issuer_metadata_configure_every_waardepapier_in_every_format() -> None:
    """OID4VCI 1.0 §12.2.4 and Appendix A.1: dc+sd-jwt with its vct, ldp_vc with the @context
    and type a waardepapier is issued with, jwt_vc_json with its type."""
    docs = issuer_metadata_documents(ISSUER_URL, [SCHOOL])
    meta = validate_issuer_metadata(
        json.loads(docs[".well-known/openid-credential-issuer/mbo"]), expected_issuer=ISSUER_URL
    )
    assert meta["credential_endpoint"] == f"{ISSUER_URL}/credential"
    configs = meta["credential_configurations_supported"]
    assert len(configs) == 3 * len(VCT)
    for kind, paper in PAPERS.items():
        credential = paper.to_json()  # what the Data Integrity issuer signs
        assert configs[f"{kind}-sd-jwt"]["format"] == "dc+sd-jwt"
        assert configs[f"{kind}-sd-jwt"]["vct"] == VCT[kind]
        ldp = configs[f"{kind}-ldp"]
        assert ldp["format"] == "ldp_vc"
        assert ldp["credential_definition"] == {"@context": credential["@context"],
                                                "type": credential["type"]}  # fmt: skip
        assert configs[f"{kind}-jwt"]["credential_definition"] == {"type": credential["type"]}
        names = {d["locale"]: d["name"] for d in ldp["credential_metadata"]["display"]}
        assert set(names) == {"nl-NL", "en-US"}
    broken = json.loads(docs[".well-known/openid-credential-issuer/mbo"])
    del broken["credential_configurations_supported"]["mbo-diploma-ldp"]["credential_definition"]
    from mbo_vc.errors import CredentialIssuerMetadataError

    with pytest.raises(CredentialIssuerMetadataError):
        validate_issuer_metadata(broken)


def test_read_metadata_sorts_the_folder_by_kind(tmp_path: Path) -> None:
    write_documents(tmp_path, issuer_metadata_documents(ISSUER_URL, [SCHOOL]))
    found = read_metadata([tmp_path])
    assert list(found.issuer_metadata) == [ISSUER_URL]
    assert sorted(found.type_metadata) == sorted(VCT.values())
    assert found.type_metadata[VCT["mbo-diploma"]] == published_type_metadata("mbo-diploma")
    with pytest.raises(UsageError):  # a named file of neither kind
        read_metadata([tmp_path / ".well-known" / "openid-credential-issuer" / "mbo"])
    with pytest.raises(UsageError):
        read_metadata([tmp_path / "missing"])


# --- the command line: publish, issue with integrity, verify pinned offline -------------------


def _cli_setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    key = tmp_path / "school.json"
    SCHOOL.save(key)
    site = tmp_path / "site"
    assert main(["issuer", "metadata", "--key", str(key), "--issuer", ISSUER_URL,
                 "--out", str(site)]) == 0  # fmt: skip
    out = tmp_path / "out"
    assert (
        main(
            [
                "issue",
                "--format",
                "sd-jwt-vc",
                "--type",
                "mbo-diploma",
                "--data",
                str(ROOT / "test_vectors" / "sis" / "diplomas.csv"),
                "--key",
                str(key),
                "--holder-did",
                HOLDER.did,
                "--issuer",
                ISSUER_URL,
                "--type-metadata",
                str(site),
                "--out",
                str(out),
            ]
        )
        == 1
    )  # fmt: skip  (line 3 is bad on purpose)
    token = sorted(out.glob("*.sd-jwt"))[0]
    return site, token, key


def test_cli_publish_issue_and_verify_pinned_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, token, _ = _cli_setup(tmp_path)
    payload = _payload(token.read_text().strip())
    assert payload["iss"] == ISSUER_URL
    assert payload["vct#integrity"] == PUBLISHED_DIGESTS["mbo-diploma"]
    header = json.loads(base64.urlsafe_b64decode(token.read_text().split(".")[0] + "=="))
    assert header["kid"] == issuer_kid(SCHOOL.to_jwk())
    capsys.readouterr()
    # the pinned jwt-vc-issuer document gives the key: no network
    assert main(["verify", str(token), "--issuer-metadata", str(site), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verified"] and [w["code"] for w in result["warnings"]] == [ONE_SIGNATURE]
    assert "credential_schema" in result["checks"]  # the published type metadata, pinned
    assert result["proofs"][0]["verificationMethod"].startswith(
        f"https://roc.example/.well-known/jwt-vc-issuer/mbo kid={header['kid']}"
    )
    # the file itself can be pinned, and the type metadata folder too
    file = site / ".well-known" / "jwt-vc-issuer" / "mbo"
    assert main(["verify", str(token), "--issuer-metadata", str(file),
                 "--type-metadata", str(site)]) == 0  # fmt: skip
    # without it, the key is not found (and nothing is fetched)
    capsys.readouterr()
    assert main(["verify", str(token), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"][0]["code"] == "issuer_key_unresolved"


def test_cli_tampered_type_metadata_is_an_integrity_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, token, _ = _cli_setup(tmp_path)
    doc = site / "w3id.org" / "mbo-vc" / "vct" / "mbo-diploma" / "v1"
    doc.write_bytes(doc.read_bytes().replace(b'"Diploma van een', b'"Getuigschrift van een'))
    capsys.readouterr()
    assert main(["verify", str(token), "--issuer-metadata", str(site), "--type-metadata",
                 str(site), "--json"]) == 1  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in result["problems"]] == ["type_metadata_integrity_mismatch"]


def test_cli_metadata_of_another_issuer_or_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, token, _ = _cli_setup(tmp_path)
    doc = json.loads((site / ".well-known" / "jwt-vc-issuer" / "mbo").read_bytes())
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({**doc, "issuer": "https://evil.example/mbo"}))
    capsys.readouterr()
    assert main(["verify", str(token), "--issuer-metadata", str(foreign), "--json"]) == 1
    problem = json.loads(capsys.readouterr().out)["problems"][0]
    assert problem["code"] == "issuer_key_unresolved"
    assert "https://evil.example/mbo" in problem["message"]
    other_key = tmp_path / "other.json"
    other_key.write_text(json.dumps(jwt_vc_issuer_metadata(ISSUER_URL, [EcKey.generate()])))
    assert main(["verify", str(token), "--issuer-metadata", str(other_key), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"][0]["code"] == "issuer_key_unresolved"


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, token, key = _cli_setup(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["verify", str(token), "--issuer-metadata", str(empty)]) == 2
    assert main(["verify", str(token), "--type-metadata", str(tmp_path / "nope")]) == 2
    assert main(["issuer", "metadata", "--key", str(key), "--issuer", "http://roc.example",
                 "--out", str(tmp_path / "x")]) == 2  # fmt: skip
    assert main(["issue", "--type", "mbo-diploma", "--data",
                 str(ROOT / "test_vectors" / "sis" / "diplomas.csv"), "--key", str(key),
                 "--issuer", ISSUER_URL, "--out", str(tmp_path / "di")]) == 2  # fmt: skip
    assert "apply to --format sd-jwt-vc" in capsys.readouterr().err
