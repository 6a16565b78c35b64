"""Each status list belongs to one issuer, on both backends (SQLite and a real PostgreSQL,
tests/pg_server.py): the store records it (``bind_issuer``), a list that rolls over hands it to
its successor, publishing with another issuer's key is refused before anything is written, and
registries made before lists knew their issuer are upgraded."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.errors import StatusRegistryError
from mbo_vc.keys import EcKey
from mbo_vc.status.registry import ListInfo, StatusRegistry, open_store
from tests.helpers import ROOT

BASE = "https://roc.example/status"
SCHOOL = Ed25519Key.from_seed(bytes(range(32)))
OTHER = EcKey.generate("P-256")


def _small(db: str, list_id: str = "r-1", length: int = 256) -> None:
    """A store-level list smaller than the registry allows (to fill it in a test)."""
    with contextlib.closing(open_store(db)) as store:
        store.create_list(ListInfo(list_id, f"{BASE}/{list_id}", "revocation", length, 1, (), "x"))


def test_bind_issuer_on_each_backend(status_db: str) -> None:
    with StatusRegistry(status_db) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        made = reg.create_list(f"{BASE}/sus", purpose="suspension", list_id="sus", issuer="did:x")
        assert made.issuer == "did:x"
        store = reg.store
        # the issuer is read back from its own column (not a neighbour's: the column order)
        assert store.get_list("sus") == made
        assert (store.get_list("rev").issuer, store.get_list("rev").series) == (None, "rev")
        assert store.bind_issuer("rev", SCHOOL.did) == SCHOOL.did
        assert store.bind_issuer("rev", OTHER.did) == SCHOOL.did  # the first one stays
        assert store.bind_issuer("sus", SCHOOL.did) == "did:x"
        assert [i.issuer for i in store.lists()] == [SCHOOL.did, "did:x"]
        with pytest.raises(StatusRegistryError, match="no status list"):
            store.bind_issuer("nope", SCHOOL.did)
        with pytest.raises(StatusRegistryError, match="belongs to issuer"):
            reg.bind_issuer("rev", OTHER.did)
        reg.bind_issuer("rev", SCHOOL.did)  # the same issuer again: fine


def test_publish_with_another_key_is_refused_on_each_backend(
    status_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "lists"
    with StatusRegistry(status_db) as reg:
        reg.create_list(f"{BASE}/sus", purpose="suspension", list_id="sus")  # the first list
        reg.create_list(f"{BASE}/rev", list_id="rev")
        reg.attach({"issuer": {"id": SCHOOL.did}}, ["rev"])  # binds rev only
        assert reg.store.get_list("rev").issuer == SCHOOL.did
        for publish in (reg.publish, reg.publish_token):
            with pytest.raises(StatusRegistryError, match="'rev' belongs to issuer"):
                publish("rev", OTHER, out)
        # all lists are checked before any is written: sus (unbound) is not published either
        for formats in (["bitstring"], ["token-status-list"], ["bitstring", "token-status-list"]):
            with pytest.raises(StatusRegistryError, match="'rev' belongs to issuer"):
                reg.publish_lists(OTHER, out, formats=formats)
        # nor when the signer is named explicitly as another issuer
        with pytest.raises(StatusRegistryError):
            reg.publish_lists(SCHOOL, out, bitstring={"issuer": OTHER.did})
        assert not out.exists()
        assert reg.store.get_list("sus").issuer is None  # a refused run binds nothing
        assert reg.store.published("rev", "bitstring") is None
        results = reg.publish_lists(SCHOOL, out, formats=["bitstring", "token-status-list"])
        assert len(results) == 4 and all(r.written for r in results)
        assert reg.store.get_list("sus").issuer == SCHOOL.did


def test_status_publish_and_issue_with_another_key_on_postgres(
    postgres_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school, other, lists = tmp_path / "school.json", tmp_path / "other.json", tmp_path / "lists"
    SCHOOL.save(school)
    Ed25519Key.generate().save(other)
    db = ["--db", postgres_dsn]
    assert main(["status", "init", *db, "--base-url", BASE]) == 0
    data = ROOT / "test_vectors" / "sis" / "diplomas.csv"
    issue = ["issue", "--type", "mbo-diploma", "--data", str(data), "--status-db", postgres_dsn]
    assert main([*issue, "--key", str(school), "--out", str(tmp_path / "out")]) == 1  # line 3 bad
    capsys.readouterr()
    for fmt in ("bitstring", "token-status-list", "both"):
        publish = ["status", "publish", *db, "--key", str(other), "--out", str(lists)]
        assert main([*publish, "--format", fmt]) == 2
        err = capsys.readouterr().err
        assert "status_registry" in err and "revocation-1" in err and SCHOOL.did in err
    assert not lists.exists()
    assert main([*issue, "--key", str(other), "--out", str(tmp_path / "other")]) == 2
    assert "status_registry" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()  # refused before the output folder is made
    assert main(["status", "publish", *db, "--key", str(school), "--out", str(lists)]) == 0
    assert sorted(p.name for p in lists.iterdir()) == ["revocation-1.json", "suspension-1.json"]


def test_a_rolled_over_list_keeps_the_issuer(status_db: str, tmp_path: Path) -> None:
    _small(status_db)
    with StatusRegistry(status_db) as reg:
        for _ in range(256):  # fill r-1 through attach: it binds r-1
            reg.attach({"issuer": SCHOOL.did}, ["r-1"])
        entry = reg.attach({"issuer": SCHOOL.did}, ["r-1"])["credentialStatus"]
        assert entry["statusListCredential"] == f"{BASE}/r-2"
        assert [(i.list_id, i.issuer) for i in reg.lists()] == [
            ("r-1", SCHOOL.did), ("r-2", SCHOOL.did),
        ]  # fmt: skip
        reg.allocate_many("r-1", 256)  # no credential, no attach: r-3 opens by roll-over
        assert reg.store.get_list("r-3").issuer == SCHOOL.did
        with pytest.raises(StatusRegistryError, match="'r-3' belongs to issuer"):
            reg.publish("r-3", OTHER, tmp_path)
        with pytest.raises(StatusRegistryError, match="'r-1' belongs to issuer"):
            reg.attach({"issuer": OTHER.did}, ["r-1"])
        assert reg.store.allocated("r-3") == 1  # the refused attach handed out nothing


def test_a_list_opened_before_the_series_was_bound_is_bound_by_attach(status_db: str) -> None:
    _small(status_db)
    with StatusRegistry(status_db) as reg:
        reg.allocate_many("r-1", 257)  # r-2 opens unbound: r-1 had no issuer yet
        assert reg.store.get_list("r-2").issuer is None
        entry = reg.attach({"issuer": SCHOOL.did}, ["r-1"])["credentialStatus"]
        assert entry["statusListCredential"] == f"{BASE}/r-2"
        assert reg.store.get_list("r-2").issuer == SCHOOL.did  # where the entry went
        with pytest.raises(StatusRegistryError):
            reg.check_issuer("r-1", OTHER.did)  # r-1 and its newest list are SCHOOL's


def test_attach_checks_the_newest_list_before_handing_out_an_entry(status_db: str) -> None:
    _small(status_db)
    with StatusRegistry(status_db) as reg:
        reg.allocate_many("r-1", 257)  # r-2 opens unbound
        assert reg.store.bind_issuer("r-2", OTHER.did) == OTHER.did
        with pytest.raises(StatusRegistryError, match="'r-2' belongs to issuer"):
            reg.attach({"issuer": SCHOOL.did}, ["r-1"])
        assert reg.store.allocated("r-2") == 1  # nothing handed out
        with pytest.raises(StatusRegistryError, match="'r-2' belongs to issuer"):
            reg.check_issuer("r-1", SCHOOL.did)  # what issue --status-db asks first


def test_a_successor_inherits_the_issuer_bound_meanwhile(status_db: str) -> None:
    """The successor takes the full list's issuer as the store has it when the successor is
    created, not as the caller read it before (another writer may have bound it since)."""
    _small(status_db)
    with contextlib.closing(open_store(status_db)) as store:
        stale = store.get_list("r-1")  # read before the list was bound
        assert store.bind_issuer("r-1", SCHOOL.did) == SCHOOL.did
        new = ListInfo("r-2", f"{BASE}/r-2", "revocation", 256, 1, (), "x", None, "r-1", 2)
        made = store.successor(stale, new)
        assert (made.list_id, made.issuer, made.generation) == ("r-2", SCHOOL.did, 2)
        assert store.successor(stale, new) == made  # the next writer finds the same one


# --- registries made before lists knew their issuer ------------------------------------------
def _schema_1_file(db: Path, *, issuer_column: bool) -> None:
    from mbo_vc.status.store import _SQLITE_V1

    schema = _SQLITE_V1
    if issuer_column:  # as the registry of the issuer-aware schema 1 made it
        schema = schema.replace(
            "created TEXT NOT NULL\n", "created TEXT NOT NULL,\n    issuer TEXT\n"
        )
        assert schema != _SQLITE_V1
    conn = sqlite3.connect(db)
    conn.executescript(schema + ";")
    values = f"'old', '{BASE}/old', 'revocation', 131072, 1, NULL, 'x'"
    if issuer_column:
        values += f", '{SCHOOL.did}'"
    conn.executescript(
        "INSERT INTO meta VALUES ('schema', '1');"
        f"INSERT INTO lists VALUES ({values});"
        "INSERT INTO entries VALUES ('old', 7, NULL, 'x', 1);"
        "INSERT INTO events (list_id, idx, action, status, reason, at) VALUES "
        "('old', 7, 'allocate', 0, NULL, 'x'), ('old', 7, 'revoke', 1, NULL, 'x');"
    )
    conn.close()


@pytest.mark.parametrize("issuer_column", [True, False])
def test_a_schema_1_file_is_upgraded_with_its_issuers(tmp_path: Path, issuer_column: bool) -> None:
    db = tmp_path / "old.db"
    _schema_1_file(db, issuer_column=issuer_column)
    with StatusRegistry(db) as reg:
        [info] = reg.lists()
        assert info.issuer == (SCHOOL.did if issuer_column else None)
        assert (info.series, info.generation, reg.store.version("old")) == ("old", 1, 1)
        assert reg.store.snapshot("old") == ({7: 1}, 1)
        if not issuer_column:
            reg.attach({"issuer": SCHOOL.did}, ["old"])
        with pytest.raises(StatusRegistryError, match="belongs to issuer"):
            reg.publish("old", OTHER, tmp_path / "lists")
        assert reg.publish("old", SCHOOL, tmp_path / "lists").is_file()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("2",)
    assert [r[1] for r in conn.execute("PRAGMA table_info(lists)")].count("issuer") == 1
    conn.close()


def test_a_postgres_database_without_the_issuer_column_gains_it(postgres_dsn: str) -> None:
    with StatusRegistry(postgres_dsn) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as conn:  # as the registry made it before
        conn.execute("ALTER TABLE lists DROP COLUMN issuer")
    with StatusRegistry(postgres_dsn) as reg:
        assert reg.store.get_list("rev").issuer is None
        reg.attach({"issuer": SCHOOL.did}, ["rev"])
        assert reg.store.get_list("rev").issuer == SCHOOL.did
    with StatusRegistry(postgres_dsn) as reg:  # and keeps it: no DDL when it is there
        assert reg.store.get_list("rev").issuer == SCHOOL.did


def test_attach_binds_a_list_another_writer_opened_meanwhile(
    status_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer rolled the series over (from its older, unbound view of the full list)
    while this attach allocated: the list the entry landed in is bound all the same."""
    _small(status_db)
    with StatusRegistry(status_db) as reg:
        reg.allocate_many("r-1", 256)  # r-1 full, unbound, no successor yet
        roll_over = reg._roll_over

        def raced(full: ListInfo) -> ListInfo:
            with contextlib.closing(open_store(status_db)) as other_writer:
                other_writer.create_list(
                    ListInfo("r-2", f"{BASE}/r-2", "revocation", 256, 1, (), "x", None, "r-1", 2)
                )
            return roll_over(full)

        monkeypatch.setattr(reg, "_roll_over", raced)
        entry = reg.attach({"issuer": SCHOOL.did}, ["r-1"])["credentialStatus"]
        assert entry["statusListCredential"] == f"{BASE}/r-2"
        assert reg.store.get_list("r-2").issuer == SCHOOL.did
