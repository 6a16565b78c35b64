"""Property-based tests over the public entry points (quick; the long run is tests/fuzz/)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_targets as t

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SD_QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(t.json_values)
def test_verify_any_json(value: Any) -> None:
    t.target_verify_any_json(value)


@QUICK
@given(st.binary(max_size=300))
def test_verify_bytes(data: bytes) -> None:
    t.target_verify_bytes(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(t.SIGNED)),
    st.integers(0, 10_000),
    st.sampled_from(["replace", "delete", "add", "append", "wrap"]),
    t.json_values,
)
def test_mutated_credential_never_falsely_accepted(suite: str, i: int, op: str, new: Any) -> None:
    t.target_mutated_credential(suite, i, op, new)


@QUICK
@given(st.text(max_size=80) | st.from_regex(r"did:(key|web|jwk|example):[A-Za-z0-9.%:_-]{0,60}"))
def test_did_resolution(text: str) -> None:
    t.target_did_resolution(text)


@QUICK
@given(st.text(max_size=80) | st.from_regex(r"z[1-9A-HJ-NP-Za-km-z]{0,60}"))
def test_multibase(text: str) -> None:
    t.target_multibase(text)


@QUICK
@given(st.sampled_from(["P-256", "P-384"]), st.booleans(), st.binary(max_size=100))
def test_ec_point(curve: str, header: bool, raw: bytes) -> None:
    t.target_ec_point(curve, header, raw)


@QUICK
@given(t.json_values)
def test_ec_jwk(value: Any) -> None:
    t.target_ec_jwk(value)


@QUICK
@given(st.binary(min_size=60, max_size=72) | st.binary(max_size=100))
def test_ecdsa_signature(signature: bytes) -> None:
    t.target_ecdsa_signature(signature)


@QUICK
@given(st.binary(max_size=200))
def test_parse_json_bytes(data: bytes) -> None:
    t.target_parse_json(data)


@QUICK
@given(t.json_values)
def test_parse_json_text(value: Any) -> None:
    t.target_json_text(value)


@QUICK
@given(t.json_values)
def test_presentation_any_json(value: Any) -> None:
    t.target_presentation(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), t.json_values)
def test_mutated_presentation(i: int, new: Any) -> None:
    t.target_mutated_presentation(i, new)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t.context_append_plans)
def test_context_append_never_accepts_expired_or_revoked(plan: t.ContextAppendPlan) -> None:
    t.fuzz_context_append(plan)


@QUICK
@given(st.text(max_size=120) | st.from_regex(r"u?H4sI[A-Za-z0-9_-]{0,80}=?"))
def test_status_decode(text: str) -> None:
    t.target_status_decode(text)


@QUICK
@given(st.binary(max_size=200))
def test_status_gzip(data: bytes) -> None:
    t.target_status_gzip(data)


@QUICK
@given(
    st.text(max_size=200)
    | st.from_regex(r"[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,40}")
)
def test_jwt(text: str) -> None:
    t.target_jwt(text)


FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(
    st.text(max_size=200)
    | st.from_regex(r"eyJ[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,40}")
)
def test_token_status_list(text: str) -> None:
    t.target_token_status_list(text)


@FEW
@given(st.binary(max_size=300), st.sampled_from([1, 2, 4, 8]))
def test_token_lst(data: bytes, bits: int) -> None:
    t.target_token_lst(data, bits)


@FEW
@given(t.json_values)
def test_status_reference(value: Any) -> None:
    t.target_status_reference(value)


@FEW
@given(t.json_values)
def test_dcql(value: Any) -> None:
    t.target_dcql(value)


@FEW
@given(t.json_values)
def test_credential_request(value: Any) -> None:
    t.target_credential_request(value)


@FEW
@given(t.json_values)
def test_vp_response(value: Any) -> None:
    t.target_vp_response(value)


@SD_QUICK
@given(
    st.text(max_size=200)
    | st.from_regex(
        r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,20}(~[A-Za-z0-9_.-]{0,30}){1,4}"
    )
)
def test_sd_jwt_text(text: str) -> None:
    t.target_sd_jwt_text(text)


@SD_QUICK
@given(st.lists(st.integers(0, 20), max_size=8), t.json_values, st.sampled_from(["", "a.b.c"]))
def test_sd_jwt_disclosures(order: list[int], extra: object, kb: str) -> None:
    t.target_sd_jwt_disclosures(order, extra, kb)


_CHUNK_KINDS = st.sampled_from([b"IHDR", b"iTXt", b"zTXt", b"tEXt", b"IDAT", b"IEND", b"abcd"])
_ITXT = st.builds(
    lambda key, comp, text: key + b"\x00" + comp + b"\x00\x00\x00" + text,
    st.sampled_from([b"openbadgecredential", b"openbadges", b"x"]),
    st.sampled_from([b"\x00\x00", b"\x01\x00", b"\x01\x01"]),
    st.binary(max_size=120),
)


@QUICK
@given(
    st.lists(st.tuples(_CHUNK_KINDS, _ITXT | st.binary(max_size=80)), max_size=6),
    st.binary(max_size=20),
    st.booleans(),
)
def test_unbake_png(chunks: list[tuple[bytes, bytes]], tail: bytes, fix_crc: bool) -> None:
    t.target_unbake_png(chunks, tail, fix_crc)


_SVG = st.builds(
    lambda pre, inner, post: (
        f'{pre}<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges='
        f'"https://purl.imsglobal.org/ob/v3p0">{inner}</svg>{post}'
    ),
    st.sampled_from(["", '<?xml version="1.0"?>', '<!DOCTYPE svg [<!ENTITY a "b">]>']),
    st.text(max_size=80)
    | st.sampled_from(
        [
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            '<openbadges:credential verify="a.b.c"/>',
            "<openbadges:credential/><openbadges:credential/>",
            "<openbadges:credential>&a;</openbadges:credential>",
        ]
    ),
    st.text(max_size=10),
)


@QUICK
@given(_SVG | st.text(max_size=200))
def test_unbake_svg(text: str) -> None:
    t.target_unbake_svg(text)
