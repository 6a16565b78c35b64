"""Fuzz targets shared by the quick property tests (tests/test_fuzz.py) and the long run
(tests/fuzz/run_fuzz.py). Each target takes hypothesis-generated input and fails (raises
AssertionError or an unexpected exception) only on a real defect."""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.errors import KeyFormatError, MboVcError, SignatureEncodingError
from mbo_vc.json_input import parse_json
from mbo_vc.jsonld import canonicalize_rdfc
from mbo_vc.keys import (
    CURVES,
    EcKey,
    decode_multibase,
    encode_multibase_base58btc,
    key_from_jwk,
    key_from_multibase,
)
from mbo_vc.proofs.eddsa_jcs_2022 import jcs
from tests.attacks import (
    CLASSES,
    FUZZ_BASES,
    FUZZ_NOISE,
    SLOTS,
    Names,
    NotApplicable,
    reserved_terms,
    respell,
    status_checker,
)
from tests.attacks import NOW as ATTACK_NOW
from tests.attacks import bases as attack_bases
from tests.fixtures import example_diploma
from tests.mutations import get, paths

KEY = Ed25519Key.from_seed(bytes.fromhex("51" * 32))
EC_KEY = EcKey.from_secret_bytes("P-256", bytes.fromhex("52" * 32))
NOW = "2030-01-01T00:00:00Z"
SIGNED = {
    suite: sign(example_diploma(k.did), k, cryptosuite=suite, created="2026-07-01T00:00:00Z")
    for suite, k in (
        ("eddsa-rdfc-2022", KEY),
        ("eddsa-jcs-2022", KEY),
        ("ecdsa-rdfc-2019", EC_KEY),
        ("ecdsa-jcs-2019", EC_KEY),
    )
}
PATHS = {suite: [p for p, _ in paths(doc)] for suite, doc in SIGNED.items()}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | st.sampled_from(
        ["@context", "@id", "@type", "@value", "id", "type", "proof", "issuer", "@graph",
         "@included", "credentialSubject", "validFrom", "name", "@vocab", "@protected"]),
        children, max_size=4),
    max_leaves=25,
)  # fmt: skip


def target_verify_any_json(value: Any) -> None:
    """verify() on arbitrary JSON-like values: never raises, never verifies."""
    result = verify(value if isinstance(value, dict) else {"x": value})
    assert not result.verified
    assert "internal_error" not in result.codes, result.problems
    assert all(p.code for p in result.problems)


def target_verify_bytes(data: bytes) -> None:
    """verify() on arbitrary bytes: never raises, never verifies."""
    result = verify(data)
    assert not result.verified and "internal_error" not in result.codes


def _unsecured_canonical(doc: dict[str, Any], suite: str) -> str:
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    return (
        jcs(unsecured)
        if suite.endswith("-jcs-2022") or suite.endswith("-jcs-2019")
        else (canonicalize_rdfc(unsecured))
    )


def target_mutated_credential(suite: str, path_index: int, op: str, new: Any) -> None:
    """A mutated signed credential verifies only if the mutation did not change what is signed."""
    original = SIGNED[suite]
    doc = copy.deepcopy(original)
    path = PATHS[suite][path_index % len(PATHS[suite])]
    parent, key = get(doc, path[:-1]), path[-1]
    if op == "replace":
        parent[key] = new
    elif op == "delete":
        del parent[key]
    elif op == "add" and isinstance(parent, dict):
        parent[f"{key}_x" if isinstance(key, str) else "x"] = new
    elif op == "append" and isinstance(parent, list):
        parent.append(new)
    elif op == "wrap":
        parent[key] = [parent[key]]
    result = verify(doc, now=NOW)
    assert "internal_error" not in result.codes, result.problems
    if result.verified:
        # Only a neutral change may verify: the signed form and the proof must be unchanged.
        assert _unsecured_canonical(doc, suite) == _unsecured_canonical(original, suite)
        proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
        assert [p["proofValue"] for p in proofs] == [original["proof"]["proofValue"]]


def target_did_resolution(text: str) -> None:
    """Resolving any string gives a DID document with that id or a typed DidError."""
    try:
        doc = DidResolver().resolve(text)
    except MboVcError:
        return
    assert doc["id"] == text


def target_multibase(text: str) -> None:
    """Multibase / Multikey decoding gives bytes / a key or a typed error."""
    try:
        decode_multibase(text)
        Ed25519Key.from_multibase(text)
    except MboVcError:
        pass
    try:
        key_from_multibase(text)
    except MboVcError:
        pass


def target_ec_point(curve: str, header: bool, raw: bytes) -> None:
    """Any bytes as a P-256/P-384 public key: a key on the curve, or a typed invalid_key."""
    value = (CURVES[curve].pub_header if header else b"") + raw
    try:
        key = EcKey.from_multibase(encode_multibase_base58btc(value))
    except KeyFormatError:
        return
    assert key.curve == curve and key.public_bytes == raw  # only compressed, on-curve points
    assert EcKey.from_jwk(key.to_jwk()) == key


def target_ec_jwk(value: Any) -> None:
    """Any JSON object as a JWK: a key or a typed error, never another exception."""
    if not isinstance(value, dict):
        value = {"kty": "EC", "crv": "P-256", "x": value, "y": value}
    try:
        key_from_jwk(value)
    except MboVcError:
        pass


_EC_DATA = b"fuzzed message"
_EC_SIG = EC_KEY.sign(_EC_DATA)
_EC_TWIN = _EC_SIG[:32] + (CURVES["P-256"].order - int.from_bytes(_EC_SIG[32:], "big")).to_bytes(
    32, "big"
)


def target_ecdsa_signature(signature: bytes) -> None:
    """Any bytes as an ECDSA P-256 signature: valid only when it is the real one (or its high-S
    twin); malformed encodings are a typed invalid_signature_encoding."""
    try:
        valid = EC_KEY.verify(signature, _EC_DATA)
    except SignatureEncodingError:
        assert len(signature) != 64 or not (
            0 < int.from_bytes(signature[:32], "big") < CURVES["P-256"].order
            and 0 < int.from_bytes(signature[32:], "big") < CURVES["P-256"].order
        )
        return
    assert valid == (signature in (_EC_SIG, _EC_TWIN))
    doc = copy.deepcopy(SIGNED["ecdsa-rdfc-2019"])
    doc["proof"]["proofValue"] = encode_multibase_base58btc(signature)
    result = verify(doc, now=NOW)
    assert not result.verified and "internal_error" not in result.codes


def target_parse_json(data: bytes) -> None:
    """Strict JSON parsing gives a dict or a typed error."""
    try:
        assert isinstance(parse_json(data), dict)
    except MboVcError:
        pass


def target_json_text(value: Any) -> None:
    """Round-trip through JSON text: parse_json accepts or refuses with a typed error."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (ValueError, TypeError):
        return
    target_parse_json(text.encode())


# --- presentations, status lists, JWTs ---------------------------------------------------------

HOLDER = Ed25519Key.from_seed(bytes.fromhex("52" * 32))
_HELD = copy.deepcopy(SIGNED["eddsa-rdfc-2022"])


def _presentation() -> dict[str, Any]:
    from mbo_vc.presentation import present

    held = example_diploma(KEY.did)
    held["credentialSubject"]["id"] = HOLDER.did
    signed = sign(held, KEY, created="2026-07-01T00:00:00Z")
    vp = present([signed], HOLDER, challenge="c-1", domain="d.example",
                 created="2026-07-01T00:00:00Z")  # fmt: skip
    assert isinstance(vp, dict)
    return vp


PRESENTATION = _presentation()
PRESENTATION_PATHS = [p for p, _ in paths(PRESENTATION)]


def target_presentation(value: Any) -> None:
    """verify_presentation() on arbitrary JSON: never raises, never verifies."""
    from mbo_vc import verify_presentation

    result = verify_presentation(value if isinstance(value, dict) else {"x": value},
                                 challenge="c-1", domain="d.example", now=NOW)  # fmt: skip
    assert not result.verified
    assert "internal_error" not in result.codes


def target_mutated_presentation(path_index: int, new: Any) -> None:
    """A presentation with one value replaced verifies only if nothing signed changed."""
    from mbo_vc import verify_presentation

    doc = copy.deepcopy(PRESENTATION)
    path = PRESENTATION_PATHS[path_index % len(PRESENTATION_PATHS)]
    get(doc, path[:-1])[path[-1]] = new
    result = verify_presentation(doc, challenge="c-1", domain="d.example", now=NOW)
    assert "internal_error" not in result.codes
    if result.verified:
        assert canonicalize_rdfc({k: v for k, v in doc.items() if k != "proof"}) == (
            canonicalize_rdfc({k: v for k, v in PRESENTATION.items() if k != "proof"})
        )
        assert doc["proof"]["proofValue"] == PRESENTATION["proof"]["proofValue"]


def target_status_decode(text: str) -> None:
    """Status list decoding gives bytes or a typed error (bounded memory)."""
    from mbo_vc.status.codec import decode_list

    for legacy in (False, True):
        try:
            decode_list(text, legacy=legacy, max_bytes=1 << 20)
        except MboVcError:
            pass


def target_status_gzip(data: bytes) -> None:
    """Arbitrary bytes as a gzip payload: decoded within the bound or a typed error."""
    import base64

    target_status_decode("u" + base64.urlsafe_b64encode(data).decode().rstrip("="))


def target_jwt(text: str) -> None:
    """JWT parsing and verification of arbitrary text: a typed error or a failed result."""
    from mbo_vc import verify_jwt
    from mbo_vc.jose import decode_jwt

    try:
        decode_jwt(text)
    except MboVcError:
        pass
    result = verify_jwt(text, now=NOW)
    assert not result.verified and "internal_error" not in result.codes


# --- context-append attacks (tests/attacks.py) -------------------------------------------------


@dataclass(frozen=True)
class ContextAppendPlan:
    """Which signed base to attack and the re-spellings to apply, in order."""

    base: str
    steps: tuple[tuple[str, str, Names], ...]


# Term names: varied first letters and case (type-scoped contexts apply in lexicographic order
# of the type terms), never one the VC / data-integrity contexts define. The prefix may also be
# a URI scheme that ids use ("did", "urn"): redefining it changes the RDF of every such id.
_WORDS = [
    w for w in ("aa", "Alpha", "b", "meta", "info", "data", "Zeta", "zz", "vc", "cred", "sec",
                "extra", "Until", "q", "Node", "rev", "inc", "nest", "_u", "ZZtop")
    if w not in reserved_terms()
]  # fmt: skip
_PREFIXES = [*_WORDS, "did", "urn", "https"]


@st.composite
def _names(draw: st.DrawFn, step: int) -> Names:
    def word(i: int) -> str:
        return f"{draw(st.sampled_from(_WORDS))}{step}x{i}"  # distinct within and across steps

    depth = draw(st.integers(1, 3))
    return Names(
        alias=word(0), prefix=draw(st.sampled_from(_PREFIXES)),
        nest=tuple(word(10 + d) for d in range(depth)), ident=word(1), kind=word(2),
        included=word(3), value=word(4), vtype=word(5), reverse=word(6),
        extra_type=word(7), index_key=draw(st.sampled_from(["x", "", "@none", "0", "é"])),
        blank=f"_:{word(8)}",
    )  # fmt: skip


@st.composite
def _context_append_plans(draw: st.DrawFn) -> ContextAppendPlan:
    base = draw(st.sampled_from(sorted(FUZZ_BASES)))
    member, classes = FUZZ_BASES[base]
    steps = [(member, draw(st.sampled_from(classes)), draw(_names(0)))]
    for i in range(draw(st.integers(0, 2))):
        slot = draw(st.sampled_from([member, *FUZZ_NOISE]))
        steps.insert(
            draw(st.integers(0, len(steps))),
            (slot, draw(st.sampled_from(sorted(CLASSES))), draw(_names(i + 1))),
        )
    return ContextAppendPlan(base, tuple(steps))


context_append_plans = _context_append_plans()
"""Hypothesis strategy for :func:`fuzz_context_append`."""


def fuzz_context_append(plan: ContextAppendPlan) -> None:
    """An expired or revoked credential re-spelled by any combination of the context-append
    attacks (alias, full / compact IRI, @nest, containers, reverse, @included, keyword aliases,
    scoped contexts …; random term names and nesting) is never verified, and never crashes."""
    base = attack_bases()[plan.base]
    doc = base.doc
    for slot, cls, names in plan.steps:
        try:
            doc = respell(doc, SLOTS[slot], cls, names)
        except NotApplicable:
            continue
    result = verify(doc, now=ATTACK_NOW, status=_revoked_checker() if base.status else None)
    assert "internal_error" not in result.codes, result.problems
    assert not result.verified, f"{plan.base} verified after {[s[:2] for s in plan.steps]}"


@functools.cache
def _revoked_checker() -> Any:
    return status_checker(revoked=True)


# --- Token Status List, OID4VCI, OID4VP (issue 14) -------------------------------------------


def target_token_status_list(text: str) -> None:
    """A Status List Token of arbitrary text: a typed error, never a verified list."""
    from mbo_vc.status.token_status_list import verify_status_list_token

    try:
        verify_status_list_token(text, "https://roc.example/status/1", now=NOW)
    except MboVcError:
        return
    raise AssertionError("an arbitrary string verified as a Status List Token")


def target_token_lst(data: bytes, bits: int) -> None:
    """``lst`` of arbitrary (or arbitrary zlib) bytes: decoded within the bound or a typed error."""
    import base64
    import zlib

    from mbo_vc.status.token_status_list import parse_status_list

    for raw in (data, zlib.compress(data)):
        lst = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        try:
            status_list, _ = parse_status_list({"bits": bits, "lst": lst}, max_bytes=1 << 16)
        except MboVcError:
            continue
        assert status_list.size * bits == len(status_list.to_bytes()) * 8


def target_status_reference(value: Any) -> None:
    """The Token Status List checker on an arbitrary reference: an outcome, never a pass."""
    from mbo_vc.status.token_checker import TokenStatusListChecker

    checker = TokenStatusListChecker(lambda url: "x.y.z")
    outcome = checker.check_reference(value, issuer="did:key:z6Mk", now=None)
    assert outcome.problem is not None and not outcome.ok


def target_dcql(value: Any) -> None:
    """DCQL validation of arbitrary JSON: the query or a typed error."""
    from mbo_vc.oid4vc import validate_dcql_query

    try:
        validate_dcql_query(value if isinstance(value, dict) else {"credentials": value})
    except MboVcError:
        pass


_OID4VCI_META: dict[str, Any] = {}


def target_credential_request(value: Any) -> None:
    """A Credential Request of arbitrary JSON: a refusal, never an accepted key proof."""
    from mbo_vc.oid4vc import (
        MemoryNonceStore,
        credential_configuration,
        credential_issuer_metadata,
        validate_credential_request,
    )

    if not _OID4VCI_META:
        _OID4VCI_META.update(credential_issuer_metadata(
            "https://roc.example", "https://roc.example/credential",
            {"c": credential_configuration(vct="https://w3id.org/mbo-vc/vct/mbo-diploma")},
            nonce_endpoint="https://roc.example/nonce",
        ))  # fmt: skip
    request = value if isinstance(value, dict) else {"credential_configuration_id": "c",
                                                     "proofs": {"jwt": [value]}}  # fmt: skip
    result = validate_credential_request(request, metadata=_OID4VCI_META, nonces=MemoryNonceStore())
    assert not result.ok and "internal_error" not in [p.code for p in result.problems]


def target_vp_response(value: Any) -> None:
    """An OID4VP response of arbitrary JSON: never verified, never raises."""
    from mbo_vc.oid4vc import (
        authorization_request,
        validate_authorization_response,
        waardepapier_query,
    )

    request = authorization_request(
        client_id="x509_san_dns:werkgever.example", nonce="n", state="s",
        dcql_query=waardepapier_query("mbo-diploma", [["niveau"]], credential_id="diploma"),
        response_uri="https://werkgever.example/r",
    )  # fmt: skip
    response = value if isinstance(value, dict) else {"vp_token": value, "state": "s"}
    result = validate_authorization_response(
        response, request, {"dc+sd-jwt": lambda p, ctx: (_ for _ in ()).throw(ValueError())}
    )
    assert not result.verified


# --- SD-JWT (RFC 9901) -------------------------------------------------------------------------


@functools.cache
def _sd_jwt_parts() -> tuple[str, tuple[str, ...]]:
    from mbo_vc.sd_jwt import issue

    token = issue(
        {"a": 1, "b": {"c": [1, 2, {"d": "e"}]}, "n": [1, 2]},
        {"_sd": ["a", "b"], "b": {"c": {"_sd": [0, 2]}}, "n": {"_sd": [1], "_sd_decoy": 1}},
        EC_KEY,
        typ="dc+sd-jwt",
        header={"kid": EC_KEY.verification_method},
    )
    return token.jwt, token.disclosures


def target_sd_jwt_text(text: str) -> None:
    """SD-JWT parsing and verification of arbitrary text: a typed error or a failed result."""
    from mbo_vc.sd_jwt import parse

    try:
        parse(text)
    except MboVcError:
        pass
    result = verify(text, now=NOW)
    assert not result.verified and "internal_error" not in result.codes


def target_sd_jwt_disclosures(order: list[int], extra: Any, kb: str) -> None:
    """A real issuer JWT with its disclosures reordered, repeated or dropped plus one
    attacker-made disclosure: verified only without the foreign one, never an internal error."""
    from mbo_vc.jws import b64url, decode_jwt
    from mbo_vc.sd_jwt import Disclosure, unpack

    jwt, disclosures = _sd_jwt_parts()
    chosen = [disclosures[i % len(disclosures)] for i in order]
    foreign = b64url(json.dumps(extra).encode())
    for parts in (chosen, [*chosen, foreign]):
        token = "~".join([jwt, *parts]) + "~" + kb
        result = verify(token, now=NOW)
        assert "internal_error" not in result.codes, result.codes
        try:
            unpack(decode_jwt(jwt)[1], parts)
        except MboVcError:
            pass
        if parts is not chosen and result.verified:
            # the foreign disclosure can only verify if it is a real one (never, by digest)
            assert foreign in disclosures or Disclosure.decode(foreign).encoded in disclosures


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def target_unbake_png(chunks: list[tuple[bytes, bytes]], tail: bytes, fix_crc: bool) -> None:
    """A PNG of arbitrary chunks (valid CRCs or not, iTXt/zTXt with anything inside): the
    credential, or a typed error (never an untyped exception, bounded inflation)."""
    from mbo_vc.baking import unbake

    body = b"".join(
        _png_chunk(k, b) if fix_crc else _png_chunk(k, b)[:-1] + b"\x00" for k, b in chunks
    )
    try:
        baked = unbake(_PNG_SIGNATURE + body + tail)
    except MboVcError:
        return
    assert isinstance(baked.text, str)


def target_unbake_svg(text: str) -> None:
    """An SVG-ish document (DTDs, entities, nested credential elements, CDATA): the credential
    or a typed error."""
    from mbo_vc.baking import unbake

    try:
        unbake(text.encode("utf-8", "surrogatepass"))
    except MboVcError:
        return
    except UnicodeError:
        return
