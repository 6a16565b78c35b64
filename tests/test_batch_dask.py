"""Batches on an existing distributed engine: a local Dask cluster (two worker processes),
through its concurrent.futures executor, with no change to mbo_vc's batch API."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbo_vc import Ed25519Key, sign, sign_many, verify, verify_many
from tests.fixtures import example_diploma

distributed = pytest.importorskip("dask.distributed")

KEY = Ed25519Key.from_seed(bytes(range(1, 33)))
CREATED = "2026-01-01T00:00:00Z"


def test_verify_and_sign_many_on_a_local_dask_cluster(tmp_path: Path) -> None:
    docs = [example_diploma(KEY.did) for _ in range(8)]
    keyfile = tmp_path / "issuer.json"
    KEY.save(keyfile)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        signed = [r.unwrap() for r in sign_many(docs, KEY, executor=executor, created=CREATED,
                                                 chunk_size=3)]  # fmt: skip
        assert signed == [sign(d, KEY, created=CREATED) for d in docs]
        by_path = list(sign_many(docs[:2], keyfile, executor=executor, created=CREATED))
        assert [r.unwrap() for r in by_path] == signed[:2]
        signed[3]["name"] = "tampered"
        results = list(verify_many([*signed, b"nonsense"], executor=executor, chunk_size=2))
        assert [r.verified for r in results] == [True] * 3 + [False] + [True] * 4 + [False]
        assert [r.to_json() for r in results[:8]] == [verify(d).to_json() for d in signed]
        workers = client.run(lambda: __import__("os").getpid())
        assert len(set(workers.values())) == 2  # a cluster of two worker processes
