"""``mbo-vc verify FILE FILE … --jobs N`` and ``mbo-vc issue … --jobs N``: one line per file
and the totals, exit 0 only when all verified, a progress bar only on a terminal."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.cli import main
from mbo_vc.cli._io import Progress
from mbo_vc.cli.mbo import run_issue
from tests.fixtures import example_diploma
from tests.helpers import VECTORS

KEY = Ed25519Key.from_seed(bytes(range(2, 34)))
EXAMENCOMMISSIE = Ed25519Key.from_seed(bytes(range(3, 35)))
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but \t and \n


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("creds")
    out = []
    for i in range(4):
        doc = sign(example_diploma(KEY.did), KEY)
        if i == 2:
            doc["name"] = "tampered"
        path = folder / f"c{i}.json"
        path.write_text(json.dumps(doc))
        out.append(path)
    return out


def test_verify_many_files(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    names = [str(p) for p in files]
    junk = files[0].parent / "junk.json"
    junk.write_text("not json")
    code = main(["verify", *names, str(junk), str(files[0].parent / "missing.json"),
                 "--jobs", "2"])  # fmt: skip
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 2  # junk.json and missing.json are no documents: the operator's mistake
    assert lines[0] == f"verified: {names[0]}" and lines[1] == f"verified: {names[1]}"
    assert lines[2].startswith(f"NOT verified: {names[2]}: invalid_signature")
    assert lines[3] == f"verified: {names[3]}"
    assert lines[4].startswith(f"NOT verified: {junk}: malformed_document")
    assert lines[5].startswith("NOT verified: ") and "missing.json" in lines[5]
    assert lines[6] == "6 file(s): 3 verified, 3 NOT verified" and len(lines) == 7
    assert not CONTROL.search(err) and not CONTROL.search(out)  # not a terminal: no bar
    good = [names[0], names[1], names[3]]
    assert main(["verify", *good, "--jobs", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 file(s): 3 verified, 0 NOT verified"


def test_verify_many_files_json_and_single_file_output(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(files[0]), str(files[2]), "--json"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == [str(files[0]), str(files[2])]
    assert rows[0] == {"file": str(files[0]), **verify(files[0].read_bytes()).to_json()}
    assert main(["verify", str(files[0]), "--jobs", "2"]) == 0  # one file: the full report
    out = capsys.readouterr().out
    assert out.startswith("GELDIG: ") and "\n  formaat: data-integrity\n" in out


def test_verify_many_files_usage(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    names = [str(p) for p in files]
    assert main(["verify", *names, "--jobs", "0"]) == 2
    assert main(["verify", names[0], "-"]) == 2
    assert main(["verify", *names, "--challenge", "c"]) == 2
    assert main(["verify", *names, "--ca-bundle", "x.pem"]) == 2  # checked before any worker
    assert "--ca-bundle" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal() -> None:
    plain, tty = io.StringIO(), _Terminal()
    for stream in (plain, tty):
        bar = Progress(2, stream)
        bar.step()
        bar.note("line 3: bad row")
        bar.step()
    assert plain.getvalue() == "line 3: bad row\n"
    assert "\r[###############...............] 1/2" in tty.getvalue()
    assert tty.getvalue().endswith("2/2\n") and "line 3: bad row\n" in tty.getvalue()


def test_issue_jobs_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keyfile, ec_file = tmp_path / "bg.json", tmp_path / "ec.json"
    KEY.save(keyfile)
    EXAMENCOMMISSIE.save(ec_file)
    args = ["issue", "--key", str(keyfile), "--examencommissie-key", str(ec_file),
            "--type", "mbo-diploma", "--data", str(VECTORS / "sis" / "diplomas.csv")]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "one"), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "line 3: invalid_field [crebo]" in err and not CONTROL.search(err)
    two = sorted(p.name for p in (tmp_path / "one").glob("*.json"))  # (and index.csv)
    written, failed = run_issue("mbo-diploma", VECTORS / "sis" / "diplomas.csv", KEY,
                                tmp_path / "inline", examencommissie=EXAMENCOMMISSIE,
                                stream=_Terminal())  # fmt: skip
    # (outputs are named by credential id, a fresh uuid per run: the same rows, not names)
    assert len(written) == len(two) and [line for line, _ in failed] == [3]
    for name in two:
        assert verify(json.loads((tmp_path / "one" / name).read_text())).verified
    assert main([*args, "--out", str(tmp_path / "x"), "--jobs", "0"]) == 2
