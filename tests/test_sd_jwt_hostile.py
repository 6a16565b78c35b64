"""An attacker's cases against the SD-JWT roads: ``dc+sd-jwt`` (RFC 9901 §7, SD-JWT VC) and
``vc+sd-jwt`` / ``vp+sd-jwt`` (VC-JOSE-COSE §3.2). The rule every case holds the verifier to:
what it reads is what the signature and the presented disclosures cover. Each token is signed
by a real issuer key (the attacker is a holder or a man in the middle, so the signed payload is
the issuer's, the disclosures and KB-JWT are whatever the attacker sends); each case gives the
verdict the specs call for, as a typed code, and the verifier never raises. Where the case is
within what @sd-jwt/core and @sd-jwt/sd-jwt-vc check, their verdict is compared."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Callable
from typing import Any

import pytest

from mbo_vc import vocab
from mbo_vc.errors import UsageError
from mbo_vc.jose import envelope, secure_sd_jwt
from mbo_vc.jws import b64url
from mbo_vc.keys import EcKey
from mbo_vc.sd_jwt import Disclosure, digest, present, sign_jwt
from mbo_vc.sd_jwt_vc import issue_sd_jwt_vc
from mbo_vc.verification.pipeline import verify, verify_presentation
from mbo_vc.verification.policy import VerifierPolicy
from tests.helpers import INTEROP_JS, run_js

ISSUER, HOLDER, THIEF = (EcKey.generate("P-256") for _ in range(3))
NOW = int(time.time())
AUD, NONCE = "https://verifier.example", "n-hostile-1"
VCT = "https://types.example/diploma"


def _raw(text: str) -> str:
    """A disclosure from its JSON text as given (for JSON no encoder would write)."""
    return b64url(text.encode("utf-8"))


def _d(name: str | None, value: Any, salt: str = "c2FsdC0x") -> str:
    return Disclosure.create(salt, name, value).encoded


def _token(
    payload: dict[str, Any],
    disclosures: list[str] = (),  # type: ignore[assignment]
    *,
    typ: str = "dc+sd-jwt",
    kb: str = "",
    header: dict[str, Any] | None = None,
) -> str:
    head = {"typ": typ, "kid": ISSUER.verification_method, **(header or {})}
    if typ.startswith("vc+") or typ.startswith("vp+"):
        head.setdefault("cty", typ[:2])
    jwt = sign_jwt(head, {"_sd_alg": "sha-256", **payload}, ISSUER)
    return "~".join([jwt, *disclosures]) + "~" + kb


def _sdvc(**extra: Any) -> dict[str, Any]:
    return {"iss": ISSUER.did, "vct": VCT, "iat": NOW - 10, **extra}


def _vc(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [vocab.VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "validFrom": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "name": "Jan"},
    }
    doc.update(extra)
    return doc


def _codes(token: str, **kw: Any) -> list[str]:
    result = verify(token, **kw)
    assert result.verified == (not result.codes)
    return result.codes


# --- RFC 9901 §7.1: the disclosures against the digests (dc+sd-jwt) --------------------------

NAME = _d("naam", "Jan")
ELEMENT = _d(None, "element")
DUP_KEYS = _raw('["c2FsdA", "adres", {"straat": "A", "straat": "B"}]')
SURROGATE = _raw('["c2FsdA", "naam", "\\ud800"]')
NAN = _raw('["c2FsdA", "cijfer", NaN]')
HUGE = _raw('["c2FsdA", "cijfer", 1e400]')


def _salted(salt: str) -> str:
    return _raw(f'[{salt}, "naam", "Jan"]')


RFC_CASES: dict[str, tuple[Callable[[], str], list[str]]] = {
    # §7.1 step 3.3.1: every digest in _sd is a string
    "sd_holds_a_number": (
        lambda: _token(_sdvc(_sd=[1, digest(NAME)]), [NAME]),
        ["sd_structure_invalid"],
    ),
    "sd_holds_null": (lambda: _token(_sdvc(_sd=[None]), []), ["sd_structure_invalid"]),
    "sd_not_an_array": (lambda: _token(_sdvc(_sd=digest(NAME)), [NAME]), ["sd_structure_invalid"]),
    # §7.1 step 4: a digest occurs at most once (here twice in one _sd)
    "digest_twice_in_sd": (
        lambda: _token(_sdvc(_sd=[digest(NAME), digest(NAME)]), [NAME]),
        ["disclosure_duplicate"],
    ),
    # the same digest in two places (top and nested): one disclosure would fill both
    "digest_in_two_objects": (
        lambda: _token(_sdvc(_sd=[digest(NAME)], sub_obj={"_sd": [digest(NAME)]}), [NAME]),
        ["disclosure_duplicate"],
    ),
    # §7.1 step 4: the same disclosure presented twice
    "disclosure_given_twice": (
        lambda: _token(_sdvc(_sd=[digest(NAME)]), [NAME, NAME]),
        ["disclosure_duplicate"],
    ),
    # §7.1 step 5: a disclosure no digest references (a forged claim)
    "forged_disclosure": (
        lambda: _token(_sdvc(_sd=[digest(NAME)]), [NAME, _d("extra", 1)]),
        ["disclosure_unreferenced"],
    ),
    # §4.2.4.2: "..." only as the one member of an array element
    "ellipsis_member_at_top": (
        lambda: _token({**_sdvc(), "...": digest(ELEMENT)}, [ELEMENT]),
        ["sd_structure_invalid"],
    ),
    "ellipsis_with_other_members": (
        lambda: _token(_sdvc(lijst=[{"...": digest(ELEMENT), "x": 1}]), [ELEMENT]),
        ["sd_structure_invalid"],
    ),
    # §7.1 step 3.3.2.3 / 3.4.2.2: the wrong kind of disclosure for its place
    "element_disclosure_in_sd": (
        lambda: _token(_sdvc(_sd=[digest(ELEMENT)]), [ELEMENT]),
        ["disclosure_misplaced"],
    ),
    "member_disclosure_in_array": (
        lambda: _token(_sdvc(lijst=[{"...": digest(NAME)}]), [NAME]),
        ["disclosure_misplaced"],
    ),
    # §7.1 step 3.3.2.4: a disclosed name that the object already has
    "name_clash": (
        lambda: _token(_sdvc(naam="Piet", _sd=[digest(NAME)]), [NAME]),
        ["disclosure_misplaced"],
    ),
    # §7.1 step 3.3.2.2: a disclosed claim named _sd or ...
    "disclosed_sd_member": (
        lambda: _token(_sdvc(_sd=[digest(_raw('["s", "_sd", []]'))]), [_raw('["s", "_sd", []]')]),
        ["disclosure_malformed"],
    ),
    "disclosed_ellipsis_member": (
        lambda: _token(_sdvc(_sd=[digest(_raw('["s", "...", "x"]'))]), [_raw('["s", "...", "x"]')]),
        ["disclosure_malformed"],
    ),
    # §4.2.1: the salt is a string; a disclosure is an array of 2 or 3
    "salt_number": (
        lambda: _token(_sdvc(_sd=[digest(_salted("1"))]), [_salted("1")]),
        ["disclosure_malformed"],
    ),
    "salt_null": (
        lambda: _token(_sdvc(_sd=[digest(_salted("null"))]), [_salted("null")]),
        ["disclosure_malformed"],
    ),
    "salt_object": (
        lambda: _token(_sdvc(_sd=[digest(_salted("{}"))]), [_salted("{}")]),
        ["disclosure_malformed"],
    ),
    "salt_bool": (
        lambda: _token(_sdvc(_sd=[digest(_salted("true"))]), [_salted("true")]),
        ["disclosure_malformed"],
    ),
    "four_elements": (
        lambda: _token(_sdvc(_sd=[digest(_raw('["s", "a", 1, 2]'))]), [_raw('["s", "a", 1, 2]')]),
        ["disclosure_malformed"],
    ),
    "name_not_a_string": (
        lambda: _token(_sdvc(_sd=[digest(_raw('["s", 5, 1]'))]), [_raw('["s", 5, 1]')]),
        ["disclosure_malformed"],
    ),
    "not_base64url": (
        lambda: _token(_sdvc(_sd=[digest("a+b/")]), ["a+b/"]),
        ["disclosure_malformed"],
    ),
    # strict JSON inside a disclosure: what two parsers could read differently is refused
    "duplicate_keys_in_disclosure": (
        lambda: _token(_sdvc(_sd=[digest(DUP_KEYS)]), [DUP_KEYS]),
        ["disclosure_malformed"],
    ),
    "lone_surrogate_in_disclosure": (
        lambda: _token(_sdvc(_sd=[digest(SURROGATE)]), [SURROGATE]),
        ["disclosure_malformed"],
    ),
    "nan_in_disclosure": (
        lambda: _token(_sdvc(_sd=[digest(NAN)]), [NAN]),
        ["disclosure_malformed"],
    ),
    "number_1e400_in_disclosure": (
        lambda: _token(_sdvc(_sd=[digest(HUGE)]), [HUGE]),
        ["disclosure_malformed"],
    ),
    # §4.1.1: _sd_alg is a hash name this verifier knows, spelled as IANA spells it
    "sd_alg_upper_case": (
        lambda: _token({**_sdvc(), "_sd_alg": "SHA-256"}),
        ["sd_alg_unsupported"],
    ),
    "sd_alg_none": (lambda: _token({**_sdvc(), "_sd_alg": "none"}), ["sd_alg_unsupported"]),
    "sd_alg_md5": (lambda: _token({**_sdvc(), "_sd_alg": "md5"}), ["sd_alg_unsupported"]),
    "sd_alg_number": (lambda: _token({**_sdvc(), "_sd_alg": 256}), ["sd_alg_unsupported"]),
    "sd_alg_nested": (
        lambda: _token(_sdvc(sub_obj={"_sd_alg": "sha-256"})),
        ["sd_structure_invalid"],
    ),
    # the compact form: <JWT>~<D>~…~[<KB-JWT>]
    "two_tildes_in_a_row": (
        lambda: _token(_sdvc(_sd=[digest(NAME)]), [NAME, ""]),
        ["sd_jwt_malformed"],
    ),
    "tilde_after_the_kb_place": (lambda: _token(_sdvc(), [], kb="x.y~"), ["disclosure_malformed"]),
}


@pytest.mark.parametrize("name", sorted(RFC_CASES))
def test_rfc9901_hostile_disclosures(name: str) -> None:
    """Each RFC 9901 §7.1 violation has its own typed code, and nothing else is reported."""
    make, codes = RFC_CASES[name]
    assert _codes(make()) == codes


def test_the_well_formed_base_verifies() -> None:
    """The cases above are refused for what they break: the same token made right verifies."""
    assert _codes(_token(_sdvc(_sd=[digest(NAME)]), [NAME])) == []
    assert _codes(_token(_sdvc(lijst=[{"...": digest(ELEMENT)}]), [ELEMENT])) == []
    assert _codes(_token(_sdvc(_sd=[digest(NAME)]), [])) == []  # withheld: fine


def test_recursive_disclosures_are_bounded() -> None:
    """Disclosures holding disclosures, 200 deep: refused by the nesting limit (limit_exceeded),
    in bounded time; ten deep is read."""

    def chain(depth: int) -> tuple[str, list[str]]:
        inner = _d("x", "leaf", salt="s0")
        out = [inner]
        for i in range(1, depth):
            inner = _d("x", {"_sd": [digest(inner)]}, salt=f"s{i}")
            out.append(inner)
        return digest(inner), out

    top, disclosures = chain(10)
    assert _codes(_token(_sdvc(_sd=[top]), disclosures)) == []
    top, disclosures = chain(200)
    started = time.monotonic()
    assert _codes(_token(_sdvc(_sd=[top]), disclosures)) == ["limit_exceeded"]
    assert time.monotonic() - started < 5


def test_many_decoys_and_disclosures_are_bounded() -> None:
    """50 000 decoy digests or 1 100 disclosures: limit_exceeded, quickly; 500 decoys are fine."""
    decoys = [digest(b64url(secrets.token_bytes(16))) for _ in range(50_000)]
    started = time.monotonic()
    assert _codes(_token(_sdvc(_sd=decoys))) == ["limit_exceeded"]
    assert _codes(_token(_sdvc(_sd=decoys[:500]))) == []
    many = [_d(f"n{i}", i, salt=f"s{i}") for i in range(1100)]
    assert _codes(_token(_sdvc(_sd=[digest(d) for d in many]), many)) == ["limit_exceeded"]
    assert time.monotonic() - started < 10


# --- SD-JWT VC: the claims that stay in the signed payload ------------------------------------


def test_sd_jwt_vc_registered_claims_disclosed_or_withheld() -> None:
    """vct, iss, cnf, exp, status disclosed: sd_jwt_vc_invalid (SD-JWT VC: MUST NOT be
    selectively disclosable), and the claim is still checked as disclosed (exp: expired)."""
    vct = _d("vct", VCT)
    payload = _sdvc(_sd=[digest(vct)])
    del payload["vct"]
    assert _codes(_token(payload, [vct])) == ["sd_jwt_vc_invalid", "sd_jwt_vc_invalid"]
    assert _codes(_token(payload, [])) == ["sd_jwt_vc_invalid"]  # withheld: no vct at all
    cnf = _d("cnf", {"jwk": HOLDER.to_jwk()})
    assert _codes(_token(_sdvc(_sd=[digest(cnf)]), [cnf])) == ["sd_jwt_vc_invalid"]
    exp = _d("exp", NOW - 100)
    assert _codes(_token(_sdvc(_sd=[digest(exp)]), [exp])) == ["sd_jwt_vc_invalid", "expired"]
    status = _d("status", {"status_list": {"idx": 1, "uri": "https://x.example/sl"}})
    assert _codes(_token(_sdvc(_sd=[digest(status)]), [status])) == [
        "sd_jwt_vc_invalid", "status_unavailable"]  # fmt: skip


def test_sd_jwt_vc_member_inside_status_or_cnf_disclosed() -> None:
    """A disclosable member inside status (its idx) or cnf: withheld, the status check fails
    closed (status_unavailable); disclosed, the credential still breaks SD-JWT VC (the status
    claim MUST NOT be selectively disclosable): sd_jwt_vc_invalid. (Failed before: the disclosed
    case read only as status_unavailable, and with a status checker it would pass.)"""
    idx = _d("idx", 1)
    payload = _sdvc(status={"status_list": {"_sd": [digest(idx)], "uri": "https://x.example/sl"}})
    assert _codes(_token(payload, [idx])) == ["sd_jwt_vc_invalid", "status_unavailable"]
    assert _codes(_token(payload, [])) == ["status_unavailable"]
    x = _d("x", HOLDER.to_jwk()["x"])
    jwk = {k: v for k, v in HOLDER.to_jwk().items() if k != "x"}
    assert _codes(_token(_sdvc(cnf={"jwk": {**jwk, "_sd": [digest(x)]}}), [x])) == [
        "sd_jwt_vc_invalid"]  # fmt: skip


def test_sd_jwt_vc_refuses_to_issue_into_status_or_cnf() -> None:
    """The issuer side: a frame that reaches into status (or names a registered claim as a
    frame key) is refused, as a top-level _sd of it always was. (Failed before: issued.)"""
    status = {"status_list": {"idx": 3, "uri": "https://x.example/sl"}}
    with pytest.raises(UsageError):
        issue_sd_jwt_vc({}, {"status": {"status_list": {"_sd": ["idx"]}}}, ISSUER, vct=VCT,
                        issuer=ISSUER.did, status=status)  # fmt: skip
    with pytest.raises(UsageError):
        issue_sd_jwt_vc({}, {"_sd": ["status"]}, ISSUER, vct=VCT, issuer=ISSUER.did,
                        status=status)  # fmt: skip
    issued = issue_sd_jwt_vc({"naam": "Jan"}, {"_sd": ["naam"]}, ISSUER, vct=VCT,
                             issuer=ISSUER.did, status=status)  # fmt: skip
    assert _codes(issued.serialize(), check_status=False) == []


def test_sd_jwt_vc_with_vc_dm_validity_or_status_fails_closed() -> None:
    """A dc+sd-jwt whose claims carry a VC DM validUntil or credentialStatus (a W3C document
    secured with the wrong typ): this road reads exp/nbf/status only, so those would go
    unchecked; refused (sd_jwt_vc_invalid). An @context alone is just a claim. (Failed before:
    an expired validUntil and a revocation entry verified.)"""
    doc = {"@context": [vocab.VC_V2], "type": ["VerifiableCredential"]}
    assert _codes(_token(_sdvc(**doc))) == []
    expired = _sdvc(**doc, validUntil="2020-01-01T00:00:00Z")
    assert _codes(_token(expired)) == ["sd_jwt_vc_invalid"]
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "1", "statusListCredential": "https://x.example/sl"}  # fmt: skip
    assert _codes(_token(_sdvc(credentialStatus=entry))) == ["sd_jwt_vc_invalid"]
    disclosed = _d("validUntil", "2020-01-01T00:00:00Z")
    assert _codes(_token(_sdvc(_sd=[digest(disclosed)]), [disclosed])) == ["sd_jwt_vc_invalid"]


@pytest.mark.parametrize(
    ("typ", "codes"),
    [("dc+sd-jwt", []), ("application/dc+sd-jwt", []), ("vc+sd-jwt", []),
     ("DC+SD-JWT", ["jwt_bad_type"]), ("sd+jwt", ["jwt_bad_type"]), (None, ["jwt_bad_type"]),
     ("kb+jwt", ["jwt_bad_type"])],
)  # fmt: skip
def test_sd_jwt_vc_typ(typ: str | None, codes: list[str]) -> None:
    """The JOSE typ: dc+sd-jwt (and the draft's legacy vc+sd-jwt for a payload with vct and no
    @context); any other spelling is refused, case-sensitively (RFC 8725 §3.11)."""
    head = {"kid": ISSUER.verification_method, **({"typ": typ} if typ else {})}
    token = sign_jwt(head, {"_sd_alg": "sha-256", **_sdvc()}, ISSUER) + "~"
    assert _codes(token) == codes


def test_sd_jwt_vc_issuer_not_the_signer() -> None:
    """iss names another DID than the kid's: the issuer key is not found (the kid is not a key
    of iss), so nothing is read."""
    assert _codes(_token(_sdvc(iss=THIEF.did))) == ["issuer_key_unresolved"]


def test_vct_integrity_hostile() -> None:
    """vct#integrity (SD-JWT VC "Document Integrity", W3C SRI §3.3.5) against the pinned type
    metadata bytes: a digest of other bytes, a weak digest that matches next to a strongest one
    that does not, a value with no usable digest, and the claim made disclosable all fail; with
    no bytes pinned it is a warning (nothing unchecked was used)."""
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions, integrity

    doc = json.dumps({"vct": VCT, "name": "diploma"}).encode()
    pinned = SdJwtVcOptions(type_metadata={VCT: doc})
    good = integrity(doc)
    assert _codes(_token(_sdvc(**{"vct#integrity": good})), sd_jwt=pinned) == []
    mismatch = ["type_metadata_integrity_mismatch"]
    assert _codes(_token(_sdvc(**{"vct#integrity": integrity(doc + b" ")})),
                  sd_jwt=pinned) == mismatch  # fmt: skip
    strongest_other = integrity(b"other", "sha512")
    assert _codes(_token(_sdvc(**{"vct#integrity": f"{good} {strongest_other}"})),
                  sd_jwt=pinned) == mismatch  # fmt: skip
    assert _codes(_token(_sdvc(**{"vct#integrity": "md5-abc"})), sd_jwt=pinned) == [
        "sd_jwt_vc_invalid"]  # fmt: skip
    disclosed = _d("vct#integrity", good)
    assert _codes(_token(_sdvc(_sd=[digest(disclosed)]), [disclosed]), sd_jwt=pinned) == [
        "sd_jwt_vc_invalid"]  # fmt: skip
    unpinned = verify(_token(_sdvc(**{"vct#integrity": good})))
    assert unpinned.verified
    assert [w.code for w in unpinned.warnings] == ["type_metadata_integrity_not_checked"]


# --- RFC 9901 §7.3: key binding --------------------------------------------------------------

A, B = _d("a", 1, "s1"), _d("b", 2, "s2")
BOUND = _sdvc(cnf={"jwk": HOLDER.to_jwk()}, _sd=[digest(A), digest(B)])
BOUND_JWT = _token(BOUND).split("~")[0]  # signed once (ECDSA signatures differ each time)
UNBOUND_JWT = _token(_sdvc(_sd=[digest(A)])).split("~")[0]


def _kb(token_without_kb: str, *, header: dict[str, Any] | None = None, key: EcKey = HOLDER,
        **claims: Any) -> str:  # fmt: skip
    body = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(token_without_kb),
            **claims}  # fmt: skip
    return sign_jwt({"typ": "kb+jwt", **(header or {})}, body, key)


def _unsigned(header: dict[str, Any], body: dict[str, Any]) -> str:
    enc = [b64url(json.dumps(p).encode()) for p in (header, body)]
    return f"{enc[0]}.{enc[1]}."


def _sd(jwt: str, *disclosures: str) -> str:
    """The SD-JWT without a KB-JWT (what sd_hash covers): ends with "~"."""
    return "~".join([jwt, *disclosures]) + "~"


def _bound() -> str:
    return _sd(BOUND_JWT, A, B)


KB_CASES: dict[str, tuple[Callable[[], str], list[str]]] = {
    "good": (lambda: _bound() + _kb(_bound()), []),
    "alg_none": (lambda: _bound() + _unsigned({"alg": "none", "typ": "kb+jwt"}, {
        "iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(_bound())}),
        ["kb_jwt_invalid"]),
    "typ_upper_case": (lambda: _bound() + _kb(_bound(), header={"typ": "KB+JWT"}),
                       ["kb_jwt_invalid"]),
    "signed_by_the_issuer": (lambda: _bound() + _kb(_bound(), key=ISSUER), ["kb_jwt_invalid"]),
    # sd_hash over the same disclosures in another order: the SD-JWT as presented differs
    "sd_hash_other_order": (lambda: _sd(BOUND_JWT, B, A) + _kb(_bound()),
                            ["kb_jwt_sd_hash_mismatch"]),
    "sd_hash_with_fewer_disclosures": (lambda: _bound() + _kb(_sd(BOUND_JWT, A)),
                                       ["kb_jwt_sd_hash_mismatch"]),
    "sd_hash_missing": (lambda: _bound() + _kb(_bound(), sd_hash=None),
                        ["kb_jwt_sd_hash_mismatch"]),
    "iat_far_future": (lambda: _bound() + _kb(_bound(), iat=NOW + 3600), ["kb_jwt_time_invalid"]),
    "iat_far_past": (lambda: _bound() + _kb(_bound(), iat=NOW - 3600), ["kb_jwt_time_invalid"]),
    "iat_string": (lambda: _bound() + _kb(_bound(), iat="now"), ["kb_jwt_time_invalid"]),
    "iat_bool": (lambda: _bound() + _kb(_bound(), iat=True), ["kb_jwt_time_invalid"]),
    "nonce_replayed": (lambda: _bound() + _kb(_bound(), nonce="n-old"),
                       ["kb_jwt_nonce_mismatch"]),
    "aud_other": (lambda: _bound() + _kb(_bound(), aud="https://other.example"),
                  ["kb_jwt_aud_mismatch"]),
    "aud_as_array": (lambda: _bound() + _kb(_bound(), aud=[AUD]), ["kb_jwt_aud_mismatch"]),
    "no_kb_jwt": (_bound, ["kb_jwt_missing"]),
    # the KB-JWT right after the JWT, without the "~" that ends the disclosures
    "kb_without_disclosures": (lambda: _sd(BOUND_JWT) + _kb(_sd(BOUND_JWT)), []),
    # the KB-JWT glued to the last disclosure, without the "~" that ends the disclosures: the
    # glued part is read as the KB-JWT (it has two dots) and is not one
    "kb_without_its_tilde": (lambda: _sd(BOUND_JWT, A)[:-1] + _kb(_sd(BOUND_JWT, A)),
                             ["kb_jwt_invalid"]),
    "kb_then_extra_tilde": (lambda: _bound() + _kb(_bound()) + "~", ["disclosure_malformed"]),
    "cnf_missing": (lambda: _sd(UNBOUND_JWT, A) + _kb(_sd(UNBOUND_JWT, A)), ["kb_jwt_missing"]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(KB_CASES))
def test_key_binding_hostile(name: str) -> None:
    """RFC 9901 §7.3 with the verifier's aud and nonce: each attack its own code."""
    make, codes = KB_CASES[name]
    assert _codes(make(), aud=AUD, nonce=NONCE) == codes


def test_key_binding_without_aud_nonce() -> None:
    """No aud/nonce given: a KB-JWT that cannot be checked fails closed; none is fine unless
    the verifier requires key binding."""
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions

    assert _codes(_bound() + _kb(_bound())) == ["key_binding_not_checked"]
    assert _codes(_bound()) == []
    assert _codes(_bound(), sd_jwt=SdJwtVcOptions(require_key_binding=True)) == ["kb_jwt_missing"]


# --- VC-JOSE-COSE §3.2: vc+sd-jwt, read as JSON-LD --------------------------------------------


def _vcsd(doc: dict[str, Any], disclosures: list[str] = ()) -> str:  # type: ignore[assignment]
    return _token(doc, list(disclosures), typ="vc+sd-jwt")


def test_vc_sd_jwt_base_verifies() -> None:
    assert _codes(_vcsd(_vc())) == []


def test_vc_sd_jwt_context_element_withheld_fails_closed() -> None:
    """An @context array element made selectively disclosable: withheld, the other claims would
    be read under other term definitions than the issuer signed (here an @vocab that gives
    every undefined term its meaning): sd_member_withheld; disclosed, it is read, with the
    sd_member_disclosable warning. (Failed before: both verified without a word.)"""
    extra = _d(None, {"@vocab": "https://issuer.example/vocab#"})
    doc = _vc(**{"@context": [vocab.VC_V2, {"...": digest(extra)}]})
    assert _codes(_vcsd(doc, [])) == ["sd_member_withheld"]
    shown = verify(_vcsd(doc, [extra]))
    assert shown.verified and [w.code for w in shown.warnings] == ["sd_member_disclosable"]
    assert [w.where for w in shown.warnings] == ["@context.1"]


def test_vc_sd_jwt_nested_context_and_type_elements() -> None:
    """The same one level down: a withheld element of credentialSubject's own @context or type
    array fails closed; a nested member named @context disclosed is warned about (withheld, it
    cannot be told from a decoy, which is why the issuer refuses to make it disclosable)."""
    element = _d(None, {"naam": "https://schema.org/name"})
    subject = {"id": "did:example:s", "@context": [{"...": digest(element)}], "naam": "Jan"}
    assert _codes(_vcsd(_vc(credentialSubject=subject), [])) == ["sd_member_withheld"]
    kind = _d(None, "Person")
    subject = {"id": "did:example:s", "type": [{"...": digest(kind)}]}
    assert _codes(_vcsd(_vc(credentialSubject=subject), [])) == ["sd_member_withheld"]
    context = _d("@context", {"naam": "https://schema.org/name"})
    subject = {"id": "did:example:s", "naam": "Jan", "_sd": [digest(context)]}
    shown = verify(_vcsd(_vc(credentialSubject=subject), [context]))
    assert shown.verified and [w.where for w in shown.warnings] == ["credentialSubject.@context"]


def test_vc_sd_jwt_always_disclosed_members_withheld_or_disclosed() -> None:
    """The members VC-JOSE-COSE says SHOULD NOT be selectively disclosable, made so by another
    issuer: disclosed, read and checked (an expired validUntil: expired; a status entry with no
    checker: status_unavailable) with a warning; the issuer withheld: missing_issuer."""
    until = _d("validUntil", "2021-01-01T00:00:00Z")
    result = verify(_vcsd(_vc(_sd=[digest(until)]), [until]))
    assert result.codes == ["expired"]
    assert [w.code for w in result.warnings] == ["sd_member_disclosable"]
    entry = _d("credentialStatus", {"type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation", "statusListIndex": "1",
                                    "statusListCredential": "https://x.example/sl"})  # fmt: skip
    assert _codes(_vcsd(_vc(_sd=[digest(entry)]), [entry])) == ["status_unavailable"]
    inner = _d("statusListIndex", "1")
    status = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListCredential": "https://x.example/sl",
        "_sd": [digest(inner)],
    }
    assert _codes(_vcsd(_vc(credentialStatus=status), [])) == ["status_unavailable"]
    issuer = _d("issuer", ISSUER.did)
    doc = _vc(_sd=[digest(issuer)])
    del doc["issuer"]
    assert set(_codes(_vcsd(doc, []))) >= {"missing_issuer"}


@pytest.mark.parametrize(
    "frame",
    [{"credentialStatus": {"_sd": ["statusListIndex"]}}, {"@context": {"_sd": [1]}},
     {"type": {"_sd": [0]}}, {"credentialSubject": {"_sd": ["@context"]}},
     {"credentialSubject": {"_sd": ["type"]}}, {"credentialSubject": {"type": {"_sd": [0]}}},
     {"issuer": {"_sd": ["id"]}}, {"_sd": ["credentialStatus"]}, {"_sd": ["validUntil"]}],
    ids=lambda f: json.dumps(f),
)  # fmt: skip
def test_vc_sd_jwt_issuing_refuses_to_hide_what_a_verifier_needs(frame: dict[str, Any]) -> None:
    """secure_sd_jwt refuses every frame that makes part of an always-disclosed member, or an
    @context / type at any level, selectively disclosable: a holder who withheld it would change
    what the rest means, or dodge revocation, unseen. (Failed before, but for the last two:
    issued.)"""
    doc = _vc(
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                          "statusListIndex": "1", "statusListCredential": "https://x.example/sl"},
        credentialSubject={"id": "did:example:s", "@context": {"n": "https://schema.org/name"},
                           "type": ["Person"], "n": "Jan"},
        issuer={"id": ISSUER.did, "name": "ROC"}, validUntil="2030-01-01T00:00:00Z",
    )  # fmt: skip
    doc["@context"] = [vocab.VC_V2, {"p": "https://schema.org/p"}]
    with pytest.raises(UsageError):
        secure_sd_jwt(doc, ISSUER, frame=frame)


def test_vc_sd_jwt_issuing_allows_the_subjects_claims() -> None:
    """What the waardepapieren make disclosable stays allowed: the subject's id and claims, the
    issuer's name."""
    doc = _vc(issuer={"id": ISSUER.did, "name": "ROC"})
    issued = secure_sd_jwt(
        doc,
        ISSUER,
        frame={"issuer": {"_sd": ["name"]}, "credentialSubject": {"_sd": ["id", "name"]}},
    )
    assert _codes(issued.serialize()) == []


def test_vc_sd_jwt_disclosed_nested_id_and_type_members() -> None:
    """A nested member named @id / id disclosed is an ordinary claim (its node's identity);
    disclosed type/@type members below the top are warned about (sd_member_disclosable)."""
    for name in ("id", "@id"):
        member = _d(name, "did:example:other")
        subject = {"name": "Jan", "_sd": [digest(member)]}
        assert _codes(_vcsd(_vc(credentialSubject=subject), [member])) == []
    kind = _d("type", "https://schema.org/Person")
    subject = {"id": "did:example:s", "_sd": [digest(kind)]}
    shown = verify(_vcsd(_vc(credentialSubject=subject), [kind]))
    assert shown.verified and [w.where for w in shown.warnings] == ["credentialSubject.type"]


def test_vc_sd_jwt_number_and_structure_in_the_signed_payload() -> None:
    """1e400 and NaN cannot even be signed by our encoder; a payload member _sd that is not an
    array, and ... at the top, are refused like in any SD-JWT."""
    assert _codes(_vcsd(_vc(_sd="x"))) == ["sd_structure_invalid"]
    assert _codes(_vcsd({**_vc(), "...": digest(ELEMENT)}, [ELEMENT])) == ["sd_structure_invalid"]


def test_vc_sd_jwt_typ_mismatch() -> None:
    """vc+sd-jwt over a payload without @context and without vct: the VC-JOSE road reads it and
    finds no context; a vp+sd-jwt payload verified as a credential: refused (jwt_bad_type)."""
    payload = {"iss": ISSUER.did, "type": ["VerifiableCredential"]}
    assert "invalid_context" in _codes(_vcsd(payload))
    vp = {"@context": [vocab.VC_V2], "type": ["VerifiablePresentation"]}
    assert _codes(_token(vp, [], typ="vp+sd-jwt")) == ["jwt_bad_type"]


def test_vp_sd_jwt_carrying_a_stolen_bound_credential() -> None:
    """A thief wraps a cnf-bound vc+sd-jwt (without its KB-JWT, or with one made for another
    verifier) in a vp+sd-jwt signed with the thief's own key: never verified under the default
    policy (holder_mismatch: the credential is not the thief's; no holder: the presentation has
    no key to check; a KB-JWT no aud/nonce reaches fails closed: key_binding_not_checked)."""
    doc = _vc(credentialSubject={"id": HOLDER.did, "name": "Jan"})
    issued = secure_sd_jwt(doc, ISSUER, disclosable=["credentialSubject.id"],
                           holder=HOLDER.public_only())  # fmt: skip
    bare = present(issued, ["credentialSubject.id"]).serialize()
    elsewhere = present(issued, ["credentialSubject.id"], holder_key=HOLDER,
                        aud="https://other.example", nonce="n-other").serialize()  # fmt: skip
    for credential, codes in (
        (bare, ["holder_mismatch"]),
        (elsewhere, ["key_binding_not_checked", "holder_mismatch"]),
    ):
        for holder in (THIEF.did, None):
            vp: dict[str, Any] = {"@context": [vocab.VC_V2], "type": ["VerifiablePresentation"],
                                  "verifiableCredential": [envelope(credential)]}  # fmt: skip
            if holder:
                vp["holder"] = holder
            token = secure_sd_jwt(vp, THIEF, challenge="c-1", domain=AUD).serialize()
            result = verify_presentation(token, challenge="c-1", domain=AUD)
            assert not result.verified
            if holder:
                assert result.codes == codes
            else:
                assert "vm_unresolvable" in result.codes
    # the holder's own presentation of the same credential verifies
    vp = {"@context": [vocab.VC_V2], "type": ["VerifiablePresentation"], "holder": HOLDER.did,
          "verifiableCredential": [envelope(bare)]}  # fmt: skip
    token = secure_sd_jwt(vp, HOLDER, challenge="c-1", domain=AUD).serialize()
    assert verify_presentation(token, challenge="c-1", domain=AUD).codes == []
    # and with holder binding switched off by the verifier, the thief's is read (documented)
    vp = {"@context": [vocab.VC_V2], "type": ["VerifiablePresentation"], "holder": THIEF.did,
          "verifiableCredential": [envelope(bare)]}  # fmt: skip
    token = secure_sd_jwt(vp, THIEF, challenge="c-1", domain=AUD).serialize()
    off = verify_presentation(token, challenge="c-1", domain=AUD,
                              policy=VerifierPolicy(holder_binding="none"))  # fmt: skip
    assert off.codes == []


@pytest.mark.parametrize("value", ["", "~", "~~", "a~b", "a.b.c~", "x" * 10, "\ud800~"])
def test_garbage_never_raises(value: str) -> None:
    """Whatever the string, a typed verdict (never an exception)."""
    result = verify(value)
    assert not result.verified and result.codes


# --- the JS libraries on the same tokens ------------------------------------------------------


def _js_missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (INTEROP_JS / "node_modules" / "@sd-jwt" / "sd-jwt-vc").is_dir():
        return "interop/js/node_modules/@sd-jwt missing: run `npm ci --prefix interop/js`"
    return None


THEIRS_REFUSE = {"four_elements", "nan_in_disclosure", "not_base64url",
                 "tilde_after_the_kb_place", "two_tildes_in_a_row"}  # fmt: skip
"""What @sd-jwt/sd-jwt-vc 0.19.0's ``verify`` refuses of RFC_CASES: only a disclosure it cannot
parse (JSON.parse) or that is not an array of 2 or 3. Every other RFC 9901 §7.1 check is a gap
there: a digest twice, a disclosure given twice or referenced by no digest (it is dropped, not
refused), non-string digests and salts, ``...`` misplaced, a disclosure of the wrong kind, a
claim named ``_sd``/``...``, an unknown ``_sd_alg`` (its hasher is fixed by the caller), and a
disclosed name that the object already has: there the disclosed value replaces the signed one.
Strict JSON (duplicate keys, lone surrogates, 1e400) is ours alone (RFC 8259 §4, RFC 7493)."""


@pytest.mark.interop
@pytest.mark.skipif(_js_missing() is not None, reason=str(_js_missing()))
def test_their_verifier_on_the_rfc_cases() -> None:
    """The same tokens through @sd-jwt/sd-jwt-vc: it refuses THEIRS_REFUSE and accepts the
    rest (its documented gaps, above); ours refuses every one. The clash case shows what the
    gap means: their claims hold the disclosed naam, not the signed one."""
    refused = set()
    for name, (make, _) in sorted(RFC_CASES.items()):
        code, out = run_js("sd-jwt.mjs", "verify",
                           payload={"token": make(), "issuer_jwk": ISSUER.to_jwk()})  # fmt: skip
        if code != 0:
            refused.add(name)
        elif name == "name_clash":
            assert out["payload"]["naam"] == "Jan", out
    assert refused == THEIRS_REFUSE
