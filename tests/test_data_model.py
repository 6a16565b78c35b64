"""The VC Data Model rules: each broken rule is refused on signing and on verifying, with its own
code; the spec's valid examples still sign and verify; VC 1.1 documents get the Data Integrity
context that their proof needs."""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DocumentLoader, Ed25519Key, sign, verify, verify_presentation
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import default_loader, read_pinned_folder
from mbo_vc.presentation import create_presentation
from mbo_vc.proofs import Canonicalizer, create_proof, suite_named
from mbo_vc.signing import with_suite_context
from tests.helpers import ROOT, load_vector

KEY = Ed25519Key.from_seed(bytes([51]) * 32)
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
DI2 = "https://w3id.org/security/data-integrity/v2"
NOW = "2026-01-01T00:00:00Z"
EX = {"ex": "https://example.org/vocab#"}
V2_BYTES = (ROOT / "contexts" / "credentials-v2.jsonld").read_bytes()


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2, EX],
        "id": "urn:uuid:0d9b2b4e-0000-4000-8000-000000000011",
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "ex:name": "Sam"},
    }
    for name, value in changes.items():
        if value is _DELETE:
            doc.pop(name, None)
        else:
            doc[name] = value
    return doc


_DELETE = object()


def _sri(data: bytes, algo: str = "sha384") -> str:
    return f"{algo}-" + base64.b64encode(hashlib.new(algo, data).digest()).decode()


def _mb(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(b"\x12\x20" + hashlib.sha256(data).digest()).decode()


def _typed(member: str, value: Any) -> dict[str, Any]:
    return _doc(**{member: value})


# (rule, a document that breaks it, the code) — one document per rule, codes all distinct
RULES: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("first context", lambda: _doc(**{"@context": [EX, VC2]}), "invalid_context"),
    (
        "type",  # (without the VC type, the VC terms are undefined: only non-VC claims here)
        lambda: {"@context": [VC2, EX], "type": ["ex:Thing"], "ex:name": "x"},
        "not_a_credential",
    ),
    ("id null", lambda: _doc(id=None), "invalid_id"),
    ("issuer null", lambda: _doc(issuer=None), "missing_issuer"),
    ("no subject", lambda: _doc(credentialSubject=_DELETE), "missing_subject"),
    ("validFrom format", lambda: _doc(validFrom="Sat 25 Feb 2023 07:16:31 PM CST"), "invalid_date"),
    (
        "validFrom after validUntil",
        lambda: _doc(validUntil="2024-01-01T00:00:00Z"),
        "invalid_validity_period",
    ),
    (
        "VC 1.1 without issuanceDate",
        lambda: _doc(**{"@context": [VC1, EX], "validFrom": _DELETE}),
        "missing_issuance_date",
    ),
    (
        "credentialStatus without type",
        lambda: _typed("credentialStatus", {"id": "https://example.org/status/1"}),
        "missing_object_type",
    ),
    (
        "credentialSchema without id",
        lambda: _typed("credentialSchema", {"type": "JsonSchema"}),
        "missing_object_id",
    ),
    (
        "relatedResource without digest",
        lambda: _typed("relatedResource", [{"id": VC2}]),
        "invalid_related_resource",
    ),
    (
        "relatedResource digest mismatch",
        lambda: _typed("relatedResource", [{"id": VC2, "digestSRI": _sri(b"other bytes")}]),
        "related_resource_digest_mismatch",
    ),
]


def _force_signed(doc: dict[str, Any]) -> dict[str, Any]:
    """What an issuer that does not check the data model would produce (a document JSON-LD
    itself cannot sign, e.g. ``"id": null``, gets the proof of the valid base)."""
    suite = suite_named("eddsa-rdfc-2022")
    try:
        return create_proof(with_suite_context(doc, suite), KEY, suite,
                            canon=Canonicalizer(default_loader()), created=NOW)  # fmt: skip
    except MboVcError:
        return {**doc, "proof": sign(_doc(), KEY, created=NOW)["proof"]}


def test_the_rules_have_distinct_codes() -> None:
    codes = [code for _, _, code in RULES]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize(("rule", "make", "code"), RULES, ids=[r for r, _, _ in RULES])
def test_sign_refuses_and_verify_reports(rule: str, make: Callable[[], Any], code: str) -> None:
    doc = make()
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY)
    assert exc.value.code == code, exc.value.message
    assert "§" in exc.value.message  # the section of the rule
    result = verify(_force_signed(doc), now=NOW)
    assert not result.verified
    assert code in result.codes, result.codes


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"credentialSubject": {}}, "missing_subject"),
        ({"credentialSubject": [{"id": "did:example:1"}, {}]}, "missing_subject"),
        ({"issuer": {"name": "no id"}}, "missing_issuer"),
        ({"issuer": {"id": None}}, "invalid_id"),
        ({"termsOfUse": {"id": "https://example.org/tou"}}, "missing_object_type"),
        ({"evidence": [{"id": "https://example.org/ev"}]}, "missing_object_type"),
        ({"refreshService": {"id": "https://example.org/refresh"}}, "missing_object_type"),
        ({"credentialSchema": {"id": "https://example.org/s.json"}}, "missing_object_type"),
        ({"relatedResource": [VC2]}, "invalid_related_resource"),  # a string, not an object
        ({"relatedResource": [{"digestSRI": _sri(V2_BYTES)}]}, "invalid_related_resource"),
        (
            {
                "relatedResource": [
                    {"id": VC2, "digestSRI": _sri(V2_BYTES)},
                    {"id": VC2, "digestMultibase": _mb(V2_BYTES)},
                ]
            },
            "invalid_related_resource",
        ),  # the same id twice
        (
            {"relatedResource": [{"id": VC2, "digestMultibase": "uAAAA"}]},
            "invalid_related_resource",
        ),
        ({"validUntil": "2030-13-01T00:00:00Z"}, "invalid_date"),
        ({"validFrom": "2025-01-01"}, "invalid_date"),  # a date, not a dateTimeStamp
        ({"proof": {"proofValue": "z1"}}, "missing_object_type"),
    ],
)
def test_more_shapes_of_each_rule(change: dict[str, Any], code: str) -> None:
    doc = _doc(**change)
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY)
    assert exc.value.code == code, exc.value.message
    if "proof" not in change:
        assert code in verify(_force_signed(doc), now=NOW).codes


@pytest.mark.parametrize(
    "related",
    [
        [{"id": VC2, "digestSRI": _sri(V2_BYTES)}],
        [{"id": VC2, "digestSRI": _sri(V2_BYTES, "sha256")}],
        [{"id": VC2, "digestMultibase": _mb(V2_BYTES)}],
        [{"id": VC2, "digestSRI": _sri(V2_BYTES), "mediaType": "application/ld+json"}],
    ],
)
def test_related_resources_whose_digest_matches_are_signed_and_verify(
    related: list[dict[str, Any]],
) -> None:
    signed = sign(_doc(relatedResource=related), KEY, created=NOW)
    result = verify(signed, now=NOW)
    assert result.verified, result.problems
    assert not result.warnings


def test_a_related_resource_mbo_vc_does_not_hold_is_a_warning_never_a_fetch() -> None:
    related = [{"id": "https://example.org/picture.png", "digestSRI": _sri(b"png")}]
    result = verify(sign(_doc(relatedResource=related), KEY, created=NOW), now=NOW)
    assert result.verified
    assert [w.code for w in result.warnings] == ["related_resource_not_checked"]


def test_json_ld_shapes_the_processor_refuses() -> None:
    """What the test suite also checks, refused by JSON-LD processing itself."""
    cases: list[tuple[dict[str, Any], str]] = [
        (_doc(id=["https://a.example/1", "https://b.example/1"]), "invalid_jsonld"),
        (_doc(**{"@context": [VC2, {"VerifiableCredential": "https://evil.example/#VC"}]}),
         "protected_term_redefinition"),
        (_doc(name={"@value": "x", "@language": "en", "url": "did:example:1"}), "dropped_term"),
        (_doc(**{"@context": [VC2, 123]}), "invalid_jsonld"),
        (_doc(**{"@context": [VC2, {"@vocab": None}]}, type=["VerifiableCredential", "Extra"]),
         "invalid_jsonld"),
    ]  # fmt: skip
    for doc, code in cases:
        with pytest.raises(MboVcError) as exc:
            sign(doc, KEY)
        assert exc.value.code == code, (doc, exc.value.code)


# --- presentations -----------------------------------------------------------------------------


def test_presentation_rules() -> None:
    good = sign(_doc(), KEY, created=NOW)
    vp = create_presentation([good], holder=KEY.did)
    bad_holder = {**vp, "holder": {"name": "Acme"}}
    with pytest.raises(MboVcError) as exc:
        sign(bad_holder, KEY, proof_purpose="authentication", challenge="c")
    assert exc.value.code == "invalid_holder"
    bad_context = {**vp, "@context": [EX, VC2]}
    with pytest.raises(MboVcError) as exc:
        sign(bad_context, KEY, proof_purpose="authentication", challenge="c")
    assert exc.value.code == "invalid_context"
    forced = create_proof(bad_holder, KEY, suite_named("eddsa-rdfc-2022"),
                          canon=Canonicalizer(default_loader()), proof_purpose="authentication",
                          challenge="c")  # fmt: skip
    assert "invalid_holder" in verify_presentation(forced, challenge="c").codes
    untyped = {**vp, "type": ["ex:Thing"]}
    with pytest.raises(MboVcError) as exc:
        sign(untyped, KEY, proof_purpose="authentication", challenge="c")
    assert exc.value.code == "dropped_term"  # without the VP type, holder is an undefined term


# --- VC 1.1 ------------------------------------------------------------------------------------


def _v11() -> dict[str, Any]:
    return {
        "@context": [VC1, EX],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "ex:AlumniCredential"],
        "issuer": KEY.did,
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "ex:alumniOf": "X"},
    }


def _test_loader() -> DocumentLoader:
    return DocumentLoader(extra=read_pinned_folder(ROOT / "test_vectors" / "contexts"))


def test_vc11_gets_the_data_integrity_context_its_proof_needs() -> None:
    loader = _test_loader()
    signed = sign(_v11(), KEY, loader=loader, created=NOW)
    assert signed["@context"][-1] == DI2
    assert verify(signed, loader=loader, now=NOW).verified
    # already there: nothing is added; and a VC 2.0 document is signed as it is
    again = sign({**_v11(), "@context": [*_v11()["@context"], DI2]}, KEY, loader=loader)
    assert again["@context"].count(DI2) == 1
    v2 = sign(_doc(), KEY)
    assert v2["@context"] == _doc()["@context"]
    # the legacy suite brings its own context requirement instead
    with pytest.raises(MboVcError) as exc:
        sign(_v11(), KEY, loader=loader, cryptosuite="Ed25519Signature2020")
    assert exc.value.code == "context_mismatch"


# --- the published valid examples still sign and verify -------------------------------------------

SPEC = load_vector("vc-data-model-2.0/spec-examples.json")


def _spec_loader() -> DocumentLoader:
    extra = read_pinned_folder(ROOT / "test_vectors" / "contexts")
    extra.update(SPEC["contexts"])
    return DocumentLoader(extra=extra)


UNBUNDLED = {"example-27", "example-30", "example-40"}  # contexts no registry package holds


@pytest.mark.parametrize("name", sorted(SPEC["examples"]), ids=lambda n: n[:10])
def test_vc_data_model_examples_sign_and_verify(name: str) -> None:
    doc = copy.deepcopy(SPEC["examples"][name])
    types = doc.get("type") if isinstance(doc.get("type"), list) else [doc.get("type")]
    if "VerifiableCredential" not in types:
        pytest.skip("a presentation or an envelope: covered by the presentation tests")
    if name[:10] in UNBUNDLED:
        with pytest.raises(MboVcError) as exc:
            sign(doc, KEY, loader=_spec_loader())
        assert exc.value.code == "unknown_context"
        return
    doc.pop("proof", None)
    if isinstance(doc.get("issuer"), dict):
        doc["issuer"]["id"] = KEY.did
    else:
        doc["issuer"] = KEY.did
    loader = _spec_loader()
    when = doc.get("validFrom") or doc.get("issuanceDate") or "2010-01-01T00:00:00Z"
    signed = sign(doc, KEY, loader=loader, created=when)
    result = verify(signed, loader=loader, now=when, check_status=False)
    assert result.verified, result.problems


def test_spec_examples_fixture_has_provenance() -> None:
    assert "f3732fdf" in SPEC["source"] and SPEC["licence"]
    assert Path(ROOT / "test_vectors" / "vc-data-model-2.0" / "spec-examples.json").exists()
