"""SD-JWT VC rules a wallet or verifier relies on: the holder key in ``cnf`` is public, a
disclosure never names ``_sd``/``...``/``_sd_alg`` nor a claim its object already has (RFC 9901
§7.1), type metadata says ``always`` for what the issuer makes selectively disclosable and
``never`` for what it keeps in clear, and no student identifier (nor its salt) is in clear."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from mbo_vc import verify
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import CnfPrivateKeyError, MboVcError, UsageError
from mbo_vc.jws import b64url, decode_jwt
from mbo_vc.keys import PRIVATE_JWK_MEMBERS, EcKey, Ed25519Key
from mbo_vc.mbo.sd_jwt_vc import VCT, issue_sd_jwt, type_metadata
from mbo_vc.sd_jwt import (
    Disclosure,
    SdJwt,
    check_key_binding,
    issue,
    parse,
    present,
    sign_jwt,
    unpack,
)
from mbo_vc.sd_jwt_vc import SdJwtVcOptions, issue_sd_jwt_vc

ISSUER = EcKey.generate("P-256")
HOLDER = EcKey.generate("P-256")
AUD, NONCE = "https://werkgever.example", "n-rules-1"
PAPERS = example_waardepapieren(ISSUER.did)


def _resigned(token: str, change: Any) -> str:
    """The token with its issuer-signed payload changed by ``change`` and signed again by the
    issuer (so the signature is valid and only the rule under test is broken)."""
    sd = parse(token)
    header, payload = decode_jwt(sd.jwt)
    change(payload)
    return SdJwt(sign_jwt(header, payload, ISSUER), sd.disclosures).serialize()


def _simple(holder: Any = None) -> str:
    return issue_sd_jwt_vc({"naam": "Jan", "crebo": "25491"}, {"_sd": ["naam"]}, ISSUER,
                           vct="urn:mbo-vc:test", issuer=ISSUER.did,
                           holder=holder).serialize()  # fmt: skip


# --- item 7: a cnf.jwk with private key members ----------------------------------------------

_RSA_PUBLIC = {"kty": "RSA", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl"
               "UzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZm"
               "dTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84"
               "-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1"
               "VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"}  # fmt: skip
_PRIVATE_HOLDER_JWKS = {
    "EC d": HOLDER.to_jwk(private=True),
    "OKP d": Ed25519Key.generate().to_jwk(private=True),
    **{f"RSA {m}": {**_RSA_PUBLIC, m: "c2VjcmV0"} for m in ("d", "p", "q", "dp", "dq", "qi")},
    "RSA oth": {**_RSA_PUBLIC, "oth": [{"r": "c2VjcmV0", "d": "c2VjcmV0", "t": "c2VjcmV0"}]},
    "oct k": {"kty": "oct", "k": "c2VjcmV0LXN5bW1ldHJpYy1rZXk"},
}


def test_the_private_members_are_those_of_every_kty() -> None:
    """RFC 7518 §6.2.2 (EC d), §6.3.2 (RSA d p q dp dq qi oth), §6.4.1 (oct k), RFC 8037 §2
    (OKP d)."""
    assert frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) == PRIVATE_JWK_MEMBERS


@pytest.mark.parametrize("jwk", list(_PRIVATE_HOLDER_JWKS.values()), ids=list(_PRIVATE_HOLDER_JWKS))
def test_a_private_cnf_key_is_refused_on_verify(jwk: dict[str, Any]) -> None:
    """Anyone holding such a token can make its key binding: refused with its own code,
    whether or not the verifier asked for key binding; the message names no key value."""
    token = _resigned(_simple(), lambda p: p.__setitem__("cnf", {"jwk": jwk}))
    result = verify(token)
    assert result.codes == ["cnf_private_key"] and not result.verified
    message = result.problems[0].message
    for value in jwk.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in message


def test_a_private_cnf_key_is_refused_in_the_kb_jwt_path() -> None:
    """With key binding asked for: a KB-JWT made with the leaked key (as anyone could) is
    refused, the code once, the KB-JWT proof not counted as verified; check_key_binding itself
    refuses it too."""
    token = _resigned(
        _simple(), lambda p: p.__setitem__("cnf", {"jwk": HOLDER.to_jwk(private=True)})
    )
    shown = present(token, ["naam"], holder_key=HOLDER, aud=AUD, nonce=NONCE)
    result = verify(shown.serialize(), aud=AUD, nonce=NONCE)
    assert result.codes == ["cnf_private_key"]
    assert [p.verified for p in result.proofs] == [True, False]
    _, payload = decode_jwt(shown.jwt)
    with pytest.raises(CnfPrivateKeyError):
        check_key_binding(shown, payload["cnf"], aud=AUD, nonce=NONCE, now=datetime.now(UTC))


def test_a_private_cnf_key_is_refused_in_the_oid4vp_path() -> None:
    from mbo_vc.oid4vc import mbo_vc_sd_jwt_verifier
    from mbo_vc.oid4vc.presentation import PresentationContext

    token = _resigned(
        _simple(), lambda p: p.__setitem__("cnf", {"jwk": HOLDER.to_jwk(private=True)})
    )
    shown = present(token, ["naam"], holder_key=HOLDER, aud=AUD, nonce=NONCE).serialize()
    ctx = PresentationContext(nonce=NONCE, client_id=AUD, query={}, now=datetime.now(UTC))
    check = mbo_vc_sd_jwt_verifier()(shown, ctx)
    assert not check.verified and [p.code for p in check.problems] == ["cnf_private_key"]
    assert check.nonce is None and check.audience is None


@pytest.mark.parametrize("jwk", list(_PRIVATE_HOLDER_JWKS.values()), ids=list(_PRIVATE_HOLDER_JWKS))
def test_no_token_is_issued_to_a_private_holder_jwk(jwk: dict[str, Any]) -> None:
    with pytest.raises(CnfPrivateKeyError) as err:
        _simple(holder=jwk)
    assert isinstance(err.value, UsageError)  # the caller's mistake on issue (exit 2 in the CLI)
    with pytest.raises(CnfPrivateKeyError):
        issue({"a": 1}, None, ISSUER, holder=jwk)
    with pytest.raises(CnfPrivateKeyError):
        issue_sd_jwt(PAPERS["mbo-diploma"], ISSUER, holder=jwk)
    # a key object is bound by its public half
    token = _simple(holder=HOLDER)
    _, payload = decode_jwt(parse(token).jwt)
    assert payload["cnf"]["jwk"] == HOLDER.to_jwk()


# --- item 8: disclosure names (RFC 9901 §7.1 step 3.3) ----------------------------------------
# §7.1 step 3.3.2 (a digest found in an object's _sd): "2. If the claim name is _sd or ..., the
# SD-JWT MUST be rejected. 3. If the claim name already exists at the level of the _sd key, the
# SD-JWT MUST be rejected." Step 3.3.3 (a digest in an array element): "If the contents of the
# respective Disclosure is not a JSON array of two elements (salt, value), the SD-JWT MUST be
# rejected." Step 4: "If any digest value is encountered more than once in the Issuer-signed JWT
# payload (directly or recursively via other Disclosures), the SD-JWT MUST be rejected."
# _sd_alg: §4.1.1 allows it only as the top-level hash claim ("MUST NOT be used in any object
# nested within the payload"), so a disclosure of it is refused like _sd and ... are.


def _forged(change: Any, *disclosures: Disclosure) -> str:
    """An issuer-signed SD-JWT VC whose payload ``change`` edits (adding digests), presented with
    ``disclosures``; the signature is valid, only the disclosure rule under test is broken."""
    token = _resigned(_simple(), change)
    sd = parse(token)
    return SdJwt(sd.jwt, (*sd.disclosures, *(d.encoded for d in disclosures))).serialize()


def _add_sd(*path: str, digests: list[str]) -> Any:
    def change(payload: dict[str, Any]) -> None:
        node = payload
        for step in path:
            node = node.setdefault(step, {})
        node["_sd"] = [*node.get("_sd", []), *digests]

    return change


def test_the_base_token_verifies() -> None:
    assert verify(_forged(lambda p: None)).verified


def test_a_disclosed_name_the_object_already_has_is_refused() -> None:
    # top level: crebo is in clear, an issuer-signed digest discloses another crebo
    clash = Disclosure.create("salt-clash-1", "crebo", "99999")
    token = _forged(_add_sd(digests=[clash.digest()]), clash)
    assert verify(token).codes == ["disclosure_misplaced"]
    # nested: student.naam in clear and disclosed
    nested = Disclosure.create("salt-clash-2", "naam", "Mallory")
    token = _forged(
        lambda p: p.__setitem__("student", {"naam": "Jan", "_sd": [nested.digest()]}), nested
    )
    assert verify(token).codes == ["disclosure_misplaced"]
    # two disclosures of one name at one level (the second clashes with the first)
    first = Disclosure.create("salt-clash-3", "geboorteplaats", "Utrecht")
    second = Disclosure.create("salt-clash-4", "geboorteplaats", "Zwolle")
    token = _forged(_add_sd(digests=[first.digest(), second.digest()]), first, second)
    assert verify(token).codes == ["disclosure_misplaced"]
    # inside a recursive disclosure: its value has the name in clear and as a digest
    inner = Disclosure.create("salt-clash-5", "naam", "Mallory")
    outer = Disclosure.create("salt-clash-6", "student", {"naam": "Jan", "_sd": [inner.digest()]})
    token = _forged(_add_sd(digests=[outer.digest()]), outer, inner)
    assert verify(token).codes == ["disclosure_misplaced"]
    # the holder cannot even present such a token
    with pytest.raises(MboVcError) as err:
        present(token, ["student"])
    assert err.value.code == "disclosure_misplaced"


@pytest.mark.parametrize("name", ["_sd", "...", "_sd_alg"])
@pytest.mark.parametrize("where", [(), ("student",)], ids=["top", "nested"])
def test_a_disclosure_named_sd_dots_or_sd_alg_is_refused(name: str, where: tuple[str, ...]) -> None:
    # built by hand: Disclosure.create refuses these names
    encoded = b64url(json.dumps(["salt-name", name, "sha-256"]).encode())
    bad = Disclosure(encoded, "salt-name", name, "sha-256")
    token = _forged(_add_sd(*where, digests=[bad.digest()]), bad)
    assert verify(token).codes == ["disclosure_malformed"]
    with pytest.raises(MboVcError) as err:
        Disclosure.decode(encoded)
    assert err.value.code == "disclosure_malformed"
    with pytest.raises(UsageError):
        Disclosure.create("salt", name, 1)


def test_array_element_disclosures_fit_only_their_place() -> None:
    element = Disclosure.create("salt-el-1", None, "NL")
    member = Disclosure.create("salt-el-2", "land", "NL")
    # a two-element (array) disclosure referenced from an object's _sd
    assert verify(_forged(_add_sd(digests=[element.digest()]), element)).codes == [
        "disclosure_misplaced"
    ]
    # a three-element (object property) disclosure referenced from a {"...": digest} entry
    token = _forged(lambda p: p.__setitem__("landen", [{"...": member.digest()}]), member)
    assert verify(token).codes == ["disclosure_misplaced"]
    # a {"...": digest} entry with another member
    token = _forged(lambda p: p.__setitem__("landen", [{"...": element.digest(), "x": 1}]), element)
    assert verify(token).codes == ["sd_structure_invalid"]
    # the right place: accepted, and in place
    token = _forged(lambda p: p.__setitem__("landen", ["BE", {"...": element.digest()}]), element)
    result = verify(token)
    assert result.verified and (result.document or {})["landen"] == ["BE", "NL"]


def test_a_digest_twice_is_refused() -> None:
    d = Disclosure.create("salt-dup-1", "geboorteplaats", "Utrecht")
    element = Disclosure.create("salt-dup-2", None, "NL")
    assert verify(_forged(_add_sd(digests=[d.digest(), d.digest()]), d)).codes == [
        "disclosure_duplicate"
    ]

    # once in _sd, once as an array entry, even with no disclosure presented for it (a decoy)
    def both(p: dict[str, Any]) -> None:
        _add_sd(digests=[element.digest()])(p)
        p["landen"] = [{"...": element.digest()}]

    assert verify(_forged(both)).codes == ["disclosure_duplicate"]
    # once at the top, once inside a disclosed value
    outer = Disclosure.create("salt-dup-3", "adres", {"_sd": [d.digest()]})
    token = _forged(_add_sd(digests=[d.digest(), outer.digest()]), outer, d)
    assert verify(token).codes == ["disclosure_duplicate"]
    # the same disclosure presented twice
    assert verify(_forged(_add_sd(digests=[d.digest()]), d, d)).codes == ["disclosure_duplicate"]


# --- item 9: type metadata sd = always for what is disclosable, never for what is in clear -----
# SD-JWT VC, "Claim Selective Disclosure Metadata" (draft-ietf-oauth-sd-jwt-vc-13 §9.4):
# "always: The Issuer MUST make the claim selectively disclosable. allowed: The Issuer MAY make
# the claim selectively disclosable. never: The Issuer MUST NOT make the claim selectively
# disclosable."

EMAIL = "jan.de.vries@example.org"


def _with_email(kind: str) -> Any:
    """The demo waardepapier of ``kind`` for a student whose SIS row has an e-mail address."""
    from mbo_vc.mbo.sis import _student

    paper = PAPERS[kind]
    student = _student({"naam": paper.student.naam, "studentnummer": "100234", "email": EMAIL,
                        "geboortedatum": "2005-03-14"})  # fmt: skip
    return paper.model_copy(update={"student": student})


def _element_paths(unpacked_disclosed: list[tuple[tuple[Any, ...], Disclosure]]) -> set[Any]:
    return {
        tuple(None if isinstance(p, int) else p for p in path) for path, _ in unpacked_disclosed
    }


@pytest.mark.parametrize("kind", list(PAPERS))
def test_type_metadata_sd_is_what_the_issuer_does(kind: str) -> None:
    """For every type: the claims the issued token carries as disclosures are exactly the
    ``always`` ones; every other described claim is ``never`` (in clear, or in clear inside a
    disclosed value); ``allowed`` is not used (mbo_vc's issuer decides, the same every time)."""
    from mbo_vc.sd_jwt_vc import check_type_metadata

    token = issue_sd_jwt(_with_email(kind), ISSUER, holder=HOLDER.public_only())
    _, payload = decode_jwt(token.jwt)
    full = unpack(payload, token.disclosures)
    disclosed = _element_paths(full.disclosed)
    meta = type_metadata(kind, full.claims)
    rules = {tuple(c["path"]): c["sd"] for c in meta["claims"]}
    assert {p for p, rule in rules.items() if rule == "always"} == disclosed
    assert set(rules.values()) == {"always", "never"}
    assert rules[("instelling",)] == "never" and rules[("student", "naam")] == "always"
    for name in ("jti", "exp"):
        if (name,) in rules:
            assert rules[(name,)] == "never"
    body = {
        k: v
        for k, v in full.claims.items()
        if k not in ("iss", "vct", "vct#integrity", "iat", "cnf")
    }
    check_type_metadata(meta, example_claims=body)
    assert verify(
        token.serialize(), sd_jwt=SdJwtVcOptions(type_metadata={VCT[kind]: meta})
    ).verified


# --- item 10: student identifiers are selectively disclosable, their salt never in clear -------


@pytest.mark.parametrize("kind", list(PAPERS))
def test_student_identifiers_are_withheld_unless_chosen(kind: str) -> None:
    from mbo_vc.mbo.model import hash_identifier
    from mbo_vc.mbo.sd_jwt_vc import waardepapier_from_claims

    paper = _with_email(kind)
    (ident,) = paper.student.identifiers
    assert ident.salt and ident.identity_hash
    token = issue_sd_jwt(paper, ISSUER, holder=HOLDER.public_only())
    _, payload = decode_jwt(token.jwt)
    signed = json.dumps(payload)
    # neither the hashed e-mail nor its salt (nor the student number's) is in clear
    assert ident.salt not in signed and ident.identity_hash not in signed
    assert paper.student.studentnummer_hash not in signed and "salt" not in signed
    assert "identifiers" not in payload.get("student", {})
    # presented without choosing them: the verifier sees no identifier at all
    keep = "instelling"
    shown = present(token, [keep], holder_key=HOLDER, aud=AUD, nonce=NONCE).serialize()
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    assert "identifiers" not in (result.document or {}).get("student", {})
    for encoded in parse(shown).disclosures:
        assert ident.salt not in json.dumps(Disclosure.decode(encoded).value)
    # chosen: the hashed e-mail and its salt, which check against the address
    shown = present(token, ["student.identifiers"], holder_key=HOLDER, aud=AUD, nonce=NONCE)
    result = verify(shown.serialize(), aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    (got,) = (result.document or {})["student"]["identifiers"]
    assert got["identity_hash"] == hash_identifier(EMAIL, got["salt"]) == ident.identity_hash
    assert sorted(result.disclosed) == ["student.identifiers", "student.identifiers.0"]
    # fully disclosed, the model comes back with its identifiers
    back = waardepapier_from_claims(verify(token.serialize()).document or {})
    assert back.student.identifiers == paper.student.identifiers
