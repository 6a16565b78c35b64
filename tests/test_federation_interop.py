"""OpenID Federation against independent implementations from PyPI (development dependencies):

- pygrindvakt (Rust ``grindvakt``, PyO3): it verifies the entity statements mbo_vc signs, and
  mbo_vc resolves a chain whose leaf entity configuration pygrindvakt built and signed;
- oidfpolicy (SUNET, Rust ``oidfed_metadata_policy``): it applies metadata policies, and mbo_vc's
  results must be its results for every operator alone and for the combinations the
  specification allows.

Where the two disagree with the specification (documented in docs/trust-federation.md), the
case is not compared: pygrindvakt treats ``subset_of`` as a check and keeps ``value: null`` as a
null member; oidfpolicy does not refuse the operator combinations the specification forbids.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mbo_vc.errors import FederationError, FederationPolicyError
from mbo_vc.federation import (
    FederationTrust,
    FolderSource,
    apply_policy,
    merge_policies,
    public_jwks,
    write_statements,
)
from tests.test_federation import MARK, SCHOOL, Federation

gv = pytest.importorskip("pygrindvakt", reason="pygrindvakt (dev dependency) is not installed")
oidfpolicy = pytest.importorskip("oidfpolicy", reason="oidfpolicy (dev dependency) is missing")
from pygrindvakt import federation as gv_federation  # noqa: E402
from pygrindvakt import keys as gv_keys  # noqa: E402


def _now_federation() -> tuple[Federation, datetime]:
    t = int(time.time())
    return Federation(t=t), datetime.fromtimestamp(t, UTC)


def test_pygrindvakt_verifies_the_statements_mbo_vc_signs() -> None:
    fed, _ = _now_federation()
    for iss, sub in fed.claims:
        token = fed.token(iss, sub)
        statement = gv_federation.verify(token, public_jwks(fed.keys[iss]))
        assert statement.iss() == iss and statement.sub() == sub
        if iss == sub:
            assert gv_federation.verify_self_signed(token).sub() == sub
        assert statement.claims["jwks"] == public_jwks(fed.keys[sub])
    with pytest.raises(Exception):  # noqa: B017 - its own error types
        gv_federation.verify(fed.token(fed.mbo, fed.school), public_jwks(fed.keys[fed.school]))


def test_mbo_vc_resolves_a_chain_whose_leaf_pygrindvakt_signed(tmp_path: Path) -> None:
    fed, now = _now_federation()
    private = fed.keys[SCHOOL].to_jwk(private=True)
    key = gv_keys.signing_key_from_jwk(private, alg="ES256", kid=public_jwks(fed.keys[SCHOOL])[
        "keys"][0]["kid"])  # fmt: skip
    claims = fed.claims[(SCHOOL, SCHOOL)]
    leaf = gv_federation.build_entity_configuration(
        key, SCHOOL, public_jwks(fed.keys[SCHOOL]), claims["authority_hints"], claims["metadata"],
    )  # fmt: skip
    others = [fed.token(i, s) for i, s in fed.claims if (i, s) != (SCHOOL, SCHOOL)]
    write_statements(tmp_path, [*others, leaf])
    chain = FederationTrust(fed.anchor(), FolderSource(tmp_path)).resolve(SCHOOL, now)
    assert chain.path == (SCHOOL, fed.mbo, fed.ta)
    assert chain.statements[0].token == leaf.strip()
    assert chain.metadata["openid_credential_issuer"]["credential_issuer"] == SCHOOL
    # without the trust mark pygrindvakt's leaf does not carry, the required mark is missing
    with pytest.raises(FederationError) as info:
        FederationTrust(fed.anchor(), FolderSource(tmp_path), trust_marks=[MARK]).resolve(
            SCHOOL, now
        )
    assert info.value.code == "trust_mark_missing"


T = "openid_relying_party"
METADATA = {
    "contacts": ["ict@roc.example"],
    "grant_types": ["authorization_code", "refresh_token"],
    "token_endpoint_auth_method": "private_key_jwt",
    "client_name": "ROC Voorbeeld",
}
POLICIES: list[dict[str, Any]] = [
    {"contacts": {"add": ["federatie@mbo-raad.example"]}},
    {"contacts": {"add": ["ict@roc.example"]}},
    {"scope": {"add": ["openid"]}},
    {"grant_types": {"subset_of": ["authorization_code"]}},
    {"grant_types": {"subset_of": ["implicit"]}},
    {"grant_types": {"subset_of": ["implicit"], "essential": True}},
    {"scope": {"default": "openid"}},
    {"client_name": {"default": "Andere naam"}},
    {"scope": {"essential": True}},
    {"contacts": {"value": None}},
    {"client_name": {"value": "ROC Voorbeeld (erkend)"}},
    {"grant_types": {"superset_of": ["authorization_code"]}},
    {"grant_types": {"superset_of": ["client_credentials"]}},
    {"token_endpoint_auth_method": {"one_of": ["private_key_jwt", "none"]}},
    {"token_endpoint_auth_method": {"one_of": ["client_secret_basic"]}},
    {"grant_types": {"value": ["authorization_code"],
                     "subset_of": ["authorization_code", "refresh_token"]}},
    {"grant_types": {"subset_of": ["authorization_code"],
                     "superset_of": ["authorization_code", "x"]}},
    {"grant_types": {"default": ["authorization_code"], "essential": True}},
    {"contacts": {"add": ["a@roc.example"], "superset_of": ["ict@roc.example"]}},
]  # fmt: skip


def _theirs(policy: dict[str, Any]) -> Any:
    try:
        out = oidfpolicy.apply_policy(
            json.dumps({"metadata_policy": {T: policy}}), json.dumps({T: METADATA})
        )
    except Exception:  # its one error type for a policy that refuses the metadata
        return "refused"
    return json.loads(out)


def _ours(policy: dict[str, Any]) -> Any:
    try:
        return apply_policy({T: METADATA}, merge_policies([{T: policy}]))
    except FederationPolicyError:
        return "refused"


@pytest.mark.parametrize("policy", POLICIES, ids=[json.dumps(p)[:60] for p in POLICIES])
def test_metadata_policies_agree_with_oidfpolicy(policy: dict[str, Any]) -> None:
    assert _ours(policy) == _theirs(policy)


def test_the_comparison_sees_both_outcomes() -> None:
    outcomes = [_theirs(p) for p in POLICIES]
    assert "refused" in outcomes and any(o != "refused" for o in outcomes)
