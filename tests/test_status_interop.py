"""Bitstring Status List interop with @digitalbazaar/vc-bitstring-status-list (status.mjs).

Runs when Node.js and interop/js/node_modules are present (CI installs them); skips otherwise.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.status import MIN_ENTRIES, Bitstring, MappingFetcher, StatusChecker, StatusRegistry
from tests.fixtures import example_diploma
from tests.helpers import js_stack_missing, run_js

JS_MISSING = js_stack_missing("@digitalbazaar/vc", "@digitalbazaar/vc-bitstring-status-list")

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(JS_MISSING is not None, reason=str(JS_MISSING)),
]

SEED = "6a" * 32
KEY = Ed25519Key.from_seed(bytes.fromhex(SEED))
CREATED = "2026-07-01T00:00:00Z"
NOW = "2026-07-02T00:00:00Z"


def _indexes() -> list[int]:
    rng = random.Random(4)
    return sorted({0, 23, MIN_ENTRIES - 1, *(rng.randrange(MIN_ENTRIES) for _ in range(300))})


def test_list_made_here_decodes_there_and_byte_identical_encoding() -> None:
    bits = Bitstring(MIN_ENTRIES)
    for i in _indexes():
        bits.set(i, 1)
    code, out = run_js("status.mjs", "decode", payload={"encodedList": bits.encode()})
    assert code == 0, out
    assert out == {"length": MIN_ENTRIES, "set": _indexes()}
    code, out = run_js("status.mjs", "encode", payload={"length": MIN_ENTRIES, "set": _indexes()})
    assert code == 0, out
    assert out["encodedList"] == bits.encode()  # same GZIP bytes as pako's default


def test_list_made_there_decodes_here() -> None:
    wanted = _indexes()[::3]
    code, out = run_js("status.mjs", "encode", payload={"length": 2 * MIN_ENTRIES, "set": wanted})
    assert code == 0, out
    bits = Bitstring.decode(out["encodedList"])
    assert bits.length == 2 * MIN_ENTRIES
    assert list(bits.set_bits()) == wanted


def test_registry_lists_pass_the_reference_check_status(tmp_path: Path) -> None:
    with StatusRegistry(tmp_path / "r.db") as reg:
        info = reg.create_list("https://roc.example/status/rev", list_id="rev")
        docs = [
            sign(reg.attach(example_diploma(KEY.did), ["rev"]), KEY, created=CREATED)
            for _ in range(2)
        ]
        reg.revoke("rev", int(docs[1]["credentialStatus"]["statusListIndex"]))
        status_list, _ = reg.status_list_credential("rev", KEY, now=None)
    for doc, revoked in ((docs[0], False), (docs[1], True)):
        code, out = run_js(
            "status.mjs", "check", payload={"credential": doc, "lists": {info.url: status_list}}
        )
        assert code == 0, out
        assert out["verified"] is True
        assert out["results"] == [{"statusPurpose": "revocation", "status": revoked}]
    # The reference refuses a list signed by someone else, as we do.
    forger = Ed25519Key.generate()  # the same list, made and signed by someone else
    unsigned = {k: v for k, v in status_list.items() if k != "proof"}
    other = sign({**unsigned, "issuer": forger.did}, forger, created=CREATED)
    code, out = run_js(
        "status.mjs", "check", payload={"credential": docs[1], "lists": {info.url: other}}
    )
    assert code == 1 and out["verified"] is False


def test_reference_status_list_credential_is_read_here() -> None:
    url = "https://roc.example/status/js-made"
    payload: dict[str, Any] = {
        "id": url,
        "statusPurpose": "revocation",
        "length": MIN_ENTRIES,
        "set": [7, 4242],
        "validFrom": CREATED,
    }
    code, js_list = run_js(
        "status.mjs", "make-list", "--seed", SEED, "--created", CREATED, payload=payload
    )
    assert code == 0, js_list
    assert verify(js_list, now=NOW).verified
    checker = StatusChecker(MappingFetcher({url: js_list}))
    for index, want in ((7, ["revoked"]), (4242, ["revoked"]), (8, [])):
        entry = {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
        doc = sign({**example_diploma(KEY.did), "credentialStatus": entry}, KEY, created=CREATED)
        assert verify(doc, now=NOW, status=checker).codes == want
    assert checker.fetches == 1
