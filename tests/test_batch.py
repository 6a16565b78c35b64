"""Batches (mbo_vc.batch): in order, identical to one call at a time, lazy and bounded, a bad
item is that item's result, keys cross process boundaries only sealed, any executor works."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import (
    EcKey,
    Ed25519Key,
    Problem,
    SignResult,
    issue_many,
    sign,
    sign_many,
    verify,
    verify_many,
)
from mbo_vc.batch import _SealedKey
from mbo_vc.errors import BatchWorkerError, MboVcError, RelativeIriError, UsageError
from mbo_vc.mbo import issue, verify_waardepapier
from mbo_vc.status import DirectoryFetcher, StatusChecker
from tests.fixtures import example_diploma, example_waardepapieren

KEY = Ed25519Key.from_seed(bytes(range(32)))
EC = EcKey.generate("P-256")
CREATED = "2026-01-01T00:00:00Z"
NOW = "2027-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    """One caller-owned process pool for the module (forkserver: safe with threads)."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as ex:
        yield ex


@pytest.fixture(scope="module")
def signed() -> list[dict[str, Any]]:
    return [sign(example_diploma(KEY.did), KEY, created=CREATED) for _ in range(6)]


def _tampered(doc: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(doc))
    out["credentialSubject"]["achievement"]["name"] = "Arts (crebo 99999)"
    return out


def _mixed(signed: list[dict[str, Any]], tmp_path: Path) -> list[Any]:
    good_file = tmp_path / "good.json"
    good_file.write_text(json.dumps(signed[0]))
    return [
        signed[0],
        _tampered(signed[1]),
        b"\xff not json",
        json.dumps(signed[2]),
        good_file,
        tmp_path / "missing.json",
        {"@context": "https://www.w3.org/ns/credentials/v2"},
        *signed[3:],
    ]


def _expected(items: list[Any]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if isinstance(item, Path):
            item = item.read_bytes() if item.exists() else None
        out.append(verify(item, now=NOW).to_json() if item is not None else None)
    return out


# --- verify_many -----------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["inline", "threads", "caller_pool"])
def test_verify_many_in_order_and_identical_to_verify(
    how: str, signed: list[dict[str, Any]], tmp_path: Path, pool: ProcessPoolExecutor
) -> None:
    items = _mixed(signed, tmp_path)
    if how == "inline":
        results = list(verify_many(items, jobs=1, now=NOW, chunk_size=2))
    elif how == "threads":
        with ThreadPoolExecutor(3) as ex:
            results = list(verify_many(items, executor=ex, now=NOW, chunk_size=2))
    else:
        results = list(verify_many(items, executor=pool, now=NOW, chunk_size=2))
    expected = _expected(items)
    assert len(results) == len(items)
    for got, want, item in zip(results, expected, items, strict=True):
        if want is None:  # the missing file: the item's own result, not an exception
            assert got.not_a_document and got.codes == ["malformed_document"] and not got.verified
            assert "missing.json" in got.problems[0].message
        else:
            assert got.to_json() == want, item if not isinstance(item, dict) else item.get("id")
    assert [r.verified for r in results] == [True, False, False, True, True, False, False,
                                             True, True, True]  # fmt: skip
    assert "invalid_signature" in results[1].codes


def test_owned_process_pool_two_workers(signed: list[dict[str, Any]]) -> None:
    results = list(verify_many(signed * 3, jobs=2, chunk_size=2, now=NOW))
    assert [r.to_json() for r in results] == [verify(d, now=NOW).to_json() for d in signed * 3]
    assert results[0].view is not None and results[0].view.issuer == KEY.did  # the full result


def test_generator_consumed_lazily_with_bounded_read_ahead() -> None:
    pulled = 0

    def items() -> Iterator[bytes]:
        nonlocal pulled
        for _ in range(500):
            pulled += 1
            yield b"not a document"

    with ThreadPoolExecutor(2) as ex:
        stream = verify_many(items(), executor=ex, chunk_size=4, window=2)
        assert pulled == 0  # nothing is read before the first result is asked for
        first = next(stream)
        assert first.codes == ["malformed_document"]
        assert pulled <= (2 + 1) * 4
        for _ in range(20):
            next(stream)
        assert pulled <= 21 + (2 + 1) * 4
        assert sum(1 for _ in stream) == 500 - 21
    inline = verify_many(items(), jobs=1, chunk_size=5)
    pulled = 0
    next(inline)
    assert pulled == 5
    inline.close()


def _not_yet_valid_clock() -> Mapping[str, Any]:
    return {"now": "2020-01-01T00:00:00Z"}


def _raises_with_secret() -> Mapping[str, Any]:
    raise ValueError(f"cannot open the vault {KEY.secret_key_multibase()}")


def _unknown_option() -> Mapping[str, Any]:
    return {"speed": "ludicrous"}


def test_setup_builds_options_in_each_worker(
    signed: list[dict[str, Any]], pool: ProcessPoolExecutor
) -> None:
    results = list(verify_many(signed[:3], executor=pool, setup=_not_yet_valid_clock))
    assert all(r.codes == ["not_yet_valid"] for r in results)
    # a status checker cannot be pickled: refused up front, with the way out in the message
    checker = StatusChecker(DirectoryFetcher("."))
    with pytest.raises(UsageError, match="setup="):
        verify_many(signed, executor=pool, status=checker)
    with ThreadPoolExecutor(2) as ex:  # in one process it needs no pickling
        assert all(r.verified for r in verify_many(signed, executor=ex, status=checker))


def test_setup_failure_is_every_items_result_and_never_shows_a_secret(
    signed: list[dict[str, Any]], pool: ProcessPoolExecutor
) -> None:
    secret = KEY.secret_key_multibase()
    results = list(verify_many(signed[:3], executor=pool, setup=_raises_with_secret))
    assert [r.codes for r in results] == [["batch_worker_failed"]] * 3
    assert all(secret not in json.dumps(r.to_json()) for r in results)
    signs = list(sign_many(signed[:2], KEY, executor=pool, setup=_raises_with_secret))
    assert all(s.problem and s.problem.code == "batch_worker_failed" for s in signs)
    assert all(secret not in s.problem.message for s in signs if s.problem)
    unknown = list(verify_many(signed[:1], executor=pool, setup=_unknown_option))
    assert unknown[0].codes == ["bad_usage"] and "speed" in unknown[0].problems[0].message


class _KillsTheWorker:
    """Unpickling this in a worker ends the worker process (a crash, as hostile input might)."""

    def __reduce__(self) -> Any:
        return (os._exit, (3,))


def test_a_crashing_worker_fails_only_as_items_results(signed: list[dict[str, Any]]) -> None:
    items: list[Any] = [signed[0], signed[1], _KillsTheWorker(), signed[2]]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as ex:
        results = list(verify_many(items, executor=ex, chunk_size=2, window=1))
    assert [r.verified for r in results[:2]] == [True, True]
    assert [r.codes for r in results[2:]] == [["batch_worker_failed"]] * 2
    assert "BrokenProcessPool" in results[2].problems[0].message


def test_usage_errors_are_raised_at_once(signed: list[dict[str, Any]]) -> None:
    bad: list[tuple[Any, dict[str, Any]]] = [
        (signed, {"chunk_size": 0}),
        (signed, {"jobs": 0}),
        (signed, {"window": 0}),
        (signed, {"jobs": True}),
        (signed, {"executor": "pool"}),
        (signed, {"executor": ThreadPoolExecutor(1), "jobs": 2}),
        (signed, {"speed": "ludicrous"}),
        (signed, {"setup": "not callable"}),
        ("a string is not a batch", {}),
        (signed[0], {}),
    ]
    for items, kwargs in bad:
        with pytest.raises(UsageError):
            verify_many(items, **kwargs)


# --- sign_many and issue_many ----------------------------------------------------------------


def test_sign_many_byte_identical_to_sign(pool: ProcessPoolExecutor) -> None:
    docs = [example_diploma(KEY.did) for _ in range(5)]
    with ThreadPoolExecutor(2) as ex:
        for executor in (ex, pool):
            results = list(sign_many(docs, KEY, executor=executor, created=CREATED, chunk_size=2))
            assert [r.index for r in results] == list(range(5))
            for r, doc in zip(results, docs, strict=True):
                assert r.ok and r.unwrap() == sign(doc, KEY, created=CREATED)
    ec_docs = [example_diploma(EC.did) for _ in range(2)]
    ec_results = list(sign_many(ec_docs, EC, executor=pool, cryptosuite="ecdsa-jcs-2019"))
    for r in ec_results:
        assert r.document and r.document["proof"]["cryptosuite"] == "ecdsa-jcs-2019"
        assert verify(r.document).verified


def test_sign_many_bad_item_is_its_result(tmp_path: Path) -> None:
    good = example_diploma(KEY.did)
    not_a_credential = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["Thing"]}
    with pytest.raises(MboVcError) as single:
        sign(not_a_credential, KEY, created=CREATED)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(good))
    items: list[Any] = [good, not_a_credential, path, tmp_path / "nope.json", good]
    results = list(sign_many(items, KEY, jobs=1, created=CREATED))
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert results[1].problem and results[1].problem.code == single.value.code
    assert results[2].document == sign(good, KEY, created=CREATED)
    with pytest.raises(type(single.value)):
        results[1].unwrap()
    assert isinstance(single.value, RelativeIriError)
    with pytest.raises(BatchWorkerError):
        SignResult(0, problem=Problem("batch_worker_failed", "lost")).unwrap()


def test_sign_many_key_from_a_file_in_the_owned_pool(tmp_path: Path) -> None:
    keyfile = tmp_path / "issuer.json"
    KEY.save(keyfile)
    docs = [example_diploma(KEY.did) for _ in range(4)]
    results = list(sign_many(docs, keyfile, jobs=2, chunk_size=1, created=CREATED))
    assert [r.unwrap() for r in results] == [sign(d, KEY, created=CREATED) for d in docs]


def test_sign_many_key_from_a_file_in_process(tmp_path: Path) -> None:
    """A key file's path works in-process too (jobs=1, a thread pool): opened once, here."""
    keyfile = tmp_path / "issuer.json"
    KEY.save(keyfile)
    docs = [example_diploma(KEY.did) for _ in range(3)]
    want = [sign(d, KEY, created=CREATED) for d in docs]
    for ref in (keyfile, str(keyfile)):
        inline = list(sign_many(docs, ref, jobs=1, created=CREATED))
        assert [r.unwrap() for r in inline] == want
        with ThreadPoolExecutor(2) as threads:
            threaded = list(sign_many(docs, ref, executor=threads, created=CREATED))
        assert [r.unwrap() for r in threaded] == want
    with pytest.raises(UsageError, match="public key"):
        public = tmp_path / "public.json"
        KEY.public_only().save(public)
        sign_many(docs, public, jobs=1)


def test_sign_many_refuses_what_cannot_sign() -> None:
    docs = [example_diploma(KEY.did)]
    with pytest.raises(UsageError, match="public key"):
        sign_many(docs, KEY.public_only())
    with pytest.raises(MboVcError, match="cryptosuite"):
        sign_many(docs, KEY, cryptosuite="rot13-2024")
    with pytest.raises(MboVcError):
        sign_many(docs, "/nonexistent/key.json")


def test_issue_many_both_signers(pool: ProcessPoolExecutor) -> None:
    papers = list(example_waardepapieren(KEY.did).values())
    results = list(issue_many(papers, KEY, examencommissie=EC, executor=pool, chunk_size=1))
    assert [r.index for r in results] == list(range(len(papers)))
    for r, paper in zip(results, papers, strict=True):
        doc = r.unwrap()
        assert doc["id"] == paper.to_json()["id"]
        assert len(doc["proof"]) == 2
        assert verify_waardepapier(doc, examencommissie=EC.did, now=NOW).verified
    one = next(iter(issue_many(papers[:1], KEY, jobs=1, created=CREATED))).unwrap()
    assert one == issue(papers[0], KEY, created=CREATED)
    bad = next(iter(issue_many([{"not": "a waardepapier"}], KEY, jobs=1)))
    assert not bad.ok and bad.problem is not None


# --- keys crossing process boundaries --------------------------------------------------------


def test_keys_cross_only_sealed_and_never_show_their_secret(tmp_path: Path) -> None:
    for key in (KEY, EC, EC.with_controller("did:web:roc.example", "did:web:roc.example#k-1")):
        with pytest.raises(TypeError):
            pickle.dumps(key)  # the key classes still refuse to be pickled
        sealed = _SealedKey.of(key)
        opened = pickle.loads(pickle.dumps(sealed)).open()
        assert opened == key and opened.verification_method == key.verification_method
        secret = key.secret_key_multibase()
        assert secret not in repr(sealed) and secret not in str(sealed)
    keyfile = tmp_path / "k.json"
    KEY.save(keyfile)
    by_path = pickle.dumps(_SealedKey.of(keyfile))
    assert KEY.secret_key_multibase().encode() not in by_path  # only the path travels
    with pytest.raises(UsageError) as exc:
        _SealedKey.of(KEY.public_only())
    assert KEY.secret_key_multibase() not in str(exc.value)
