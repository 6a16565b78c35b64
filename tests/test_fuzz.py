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
