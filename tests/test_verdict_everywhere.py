"""One verdict everywhere: a differential test over a corpus of files (issue 20, item 1).

The promise: the Python API, the command line, batches, reports and renderings give the same
verdict for the same file. The corpus is every credential, presentation, JWT and SD-JWT in the
fixture files under ``test_vectors/`` (walked; documents only, not keys), the four waardepapieren
``mbo-vc demo`` issues in every format mbo_vc issues (Data Integrity, ``vc+jwt``, ``dc+sd-jwt``,
``vc+sd-jwt``), a tampered copy of each (one claim changed), a one-signer diploma, an expired
one, one whose status cannot be checked, baked PNG/SVG images and files that are no document.
Each file goes through ``mbo_vc.verify`` (its bytes and its text), ``mbo_vc.verify_many`` (in
process and in a pool of two), the report and its HTML renderings, ``mbo-vc verify``
(``--json``, plain with its exit code, ``--format html``, many files at once) and ``mbo-vc
render``; each must say the same ``verified``, the same problem codes (as a multiset) and the
same warning codes, with the same options everywhere: one clock, and either the demo's status
folder or the explicit opt-out (``--no-status`` / ``check_status=False``).

Differences by design, and how they are held: a presentation is verified against a challenge
(``verify_presentation`` and ``verify --challenge``), so it is not given to ``verify_many`` or
the credential report; a key-bound SD-JWT VC is verified for its ``aud`` and ``nonce``
(``verify``, ``verify --aud --nonce``), not in the batch (one set of options) nor by
``render`` (which takes a credential, not a showing of one); a file that is no document is the
operator's mistake (exit 2, the API's ``not_a_document``), never a verdict.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import mbo_vc
from mbo_vc.baking import bake
from mbo_vc.cli import main
from mbo_vc.jose import secure_jwt
from mbo_vc.keys import load_key
from mbo_vc.mbo import issue, waardepapier_from_credential
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt
from mbo_vc.mbo.vc_sd_jwt import issue_vc_sd_jwt
from mbo_vc.render import render_html
from mbo_vc.report import build_report
from mbo_vc.status import DirectoryFetcher, StatusChecker
from mbo_vc.status.token_checker import TokenStatusListChecker
from mbo_vc.verification import is_presentation
from mbo_vc.verification.status import StatusCheckers

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "test_vectors"
NOW = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # after signing
KINDS = ("mbo-diploma", "mbo-certificaat", "mbo-verklaring", "microcredential")
MODES = ("status-dir", "no-status")
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(~[A-Za-z0-9_.~-]*)?$")


class Verdict(NamedTuple):
    verified: bool
    problems: tuple[str, ...]  # sorted: a multiset
    warnings: tuple[str, ...]


def _verdict(verified: bool, problems: Any, warnings: Any) -> Verdict:
    return Verdict(verified, tuple(sorted(problems)), tuple(sorted(warnings)))


def _of(result: Any) -> Verdict:
    return _verdict(result.verified, [p.code for p in result.problems],
                    [w.code for w in result.warnings])  # fmt: skip


@dataclass(frozen=True)
class Item:
    name: str
    path: Path
    challenge: str | None = None  # a presentation's (the one its proof was made for)
    domain: str | None = None
    not_a_document: bool = False
    key_binding: tuple[str, str] | None = None  # an SD-JWT VC's KB-JWT: (aud, nonce)

    @property
    def in_batch(self) -> bool:
        """One set of options for the whole batch: a presentation (its challenge) and a
        key-bound SD-JWT VC (its nonce) are verified on their own."""
        return self.challenge is None and self.key_binding is None and not self.not_a_document


# --- the corpus --------------------------------------------------------------------------------


def _vector_documents() -> list[tuple[str, str | dict[str, Any]]]:
    """Every secured document in the fixture files: JSON objects with ``@context``, a
    ``proof`` and a ``type`` of strings, and compact JWS / SD-JWT strings (keys are skipped:
    they are neither)."""
    found: list[tuple[str, str | dict[str, Any]]] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            types = value.get("type")
            types = types if isinstance(types, list) else [types]
            if ("@context" in value and isinstance(value.get("proof"), dict | list)
                    and types and all(isinstance(t, str) for t in types)):  # fmt: skip
                found.append((where, value))
            for key, inner in value.items():
                walk(inner, f"{where}/{key}")
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(inner, f"{where}/{i}")
        elif isinstance(value, str) and len(value) > 60 and _JWS.match(value.strip()):
            found.append((where, value.strip()))

    for path in sorted(VECTORS.rglob("*.json")):
        walk(json.loads(path.read_text("utf-8")), str(path.relative_to(VECTORS)))
    return found


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _change_a_claim(value: Any) -> bool:
    """Change the first string under ``credentialSubject`` (or, without one, the first string
    claim): one claim, in place. True when one was changed."""
    if isinstance(value, dict):
        if "credentialSubject" in value:
            return _change_a_claim(value["credentialSubject"])
        for key, inner in value.items():
            if key in ("@context", "type", "id", "proof", "cnf", "_sd", "_sd_alg", "vct",
                       "vct#integrity"):  # fmt: skip
                continue
            if isinstance(inner, str):
                value[key] = inner + " (gewijzigd)"
                return True
            if _change_a_claim(inner):
                return True
    elif isinstance(value, list):
        return any(_change_a_claim(inner) for inner in value)
    return False


def _tampered_token(token: str) -> str:
    """One claim changed: an SD-JWT's first disclosure with a string value, else a JWT
    payload's claim (the signature left as it was)."""
    jwt, *disclosures = token.split("~")
    for i, disclosure in enumerate(disclosures):
        if not disclosure:
            continue
        decoded = json.loads(_unb64(disclosure))
        if len(decoded) == 3 and isinstance(decoded[2], str):
            decoded[2] += " (gewijzigd)"
            disclosures[i] = _b64(json.dumps(decoded).encode())
            return "~".join([jwt, *disclosures])
    header, payload, signature = jwt.split(".")
    claims = json.loads(_unb64(payload))
    assert _change_a_claim(claims)
    return "~".join([f"{header}.{_b64(json.dumps(claims).encode())}.{signature}", *disclosures])


def _tampered_json(doc: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(doc))
    assert _change_a_claim(copy)
    return copy


def _png() -> bytes:
    """A one-pixel grey PNG (no credential in it)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))  # fmt: skip


def _unsigned(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "proof"}


@dataclass(frozen=True)
class Corpus:
    items: list[Item]
    status_dir: Path
    out: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    base = tmp_path_factory.mktemp("verdict-everywhere")
    demo = base / "demo"
    assert main(["demo", "--out", str(demo)]) == 0
    files = base / "corpus"
    files.mkdir()
    items: list[Item] = []

    def add(name: str, content: str | bytes | dict[str, Any], **extra: Any) -> None:
        path = files / name
        if isinstance(content, dict):
            content = json.dumps(content, ensure_ascii=False)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        items.append(Item(name, path, **extra))

    seen: set[str] = set()
    for i, (where, doc) in enumerate(_vector_documents()):
        text = doc if isinstance(doc, str) else json.dumps(doc, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        stem = f"vector-{i:03d}-" + re.sub(r"[^A-Za-z0-9]+", "-", where)[-60:]
        if isinstance(doc, str):
            add(f"{stem}.jwt", doc, challenge="no-challenge-known" if is_presentation(doc)
                else None)  # fmt: skip
            continue
        proof = doc["proof"][0] if isinstance(doc["proof"], list) else doc["proof"]
        if not is_presentation(doc):
            add(f"{stem}.json", doc)
            continue
        proof = proof if isinstance(proof, dict) else {}
        add(
            f"{stem}.json",
            doc,
            challenge=str(proof.get("challenge", "no-challenge-known")),
            domain=proof.get("domain") if isinstance(proof.get("domain"), str) else None,
        )

    bg = load_key(str(demo / "keys" / "bevoegd-gezag.secret.json"))
    ec = load_key(str(demo / "keys" / "examencommissie.secret.json"))
    wallet = load_key(str(demo / "keys" / "student.secret.json")).public_only()
    for kind in KINDS:
        signed = json.loads((demo / "waardepapieren" / f"{kind}.json").read_text("utf-8"))
        unsigned = _unsigned(signed)
        paper = waardepapier_from_credential(signed)
        secured: dict[str, str | dict[str, Any]] = {
            "di.json": signed,
            "vc-jwt.jwt": secure_jwt(unsigned, bg),
            "dc-sd-jwt.sd-jwt": issue_sd_jwt(paper, bg, holder=wallet).serialize(),
            "vc-sd-jwt.sd-jwt": issue_vc_sd_jwt(unsigned, bg, holder=wallet).serialize(),
        }
        for suffix, content in secured.items():
            add(f"{kind}.{suffix}", content)
            tampered = (_tampered_json(content) if isinstance(content, dict)
                        else _tampered_token(content))  # fmt: skip
            add(f"{kind}.tampered.{suffix}", tampered)

    diploma = _unsigned(json.loads((demo / "waardepapieren" / "mbo-diploma.json").read_text()))
    add("diploma.one-signer.json", issue(diploma, bg))
    expired = {**diploma, "validUntil": "2026-08-01T00:00:00Z"}
    add("diploma.expired.json", issue(expired, bg, examencommissie=ec))
    elsewhere = {
        **diploma["credentialStatus"],
        "statusListCredential": "https://roc-voorbeeld.example/status/elders-9",
    }
    elsewhere["id"] = elsewhere["statusListCredential"] + "#7"  # fmt: skip
    add("diploma.status-unknown.json", issue({**diploma, "credentialStatus": elsewhere}, bg,
                                              examencommissie=ec))  # fmt: skip

    people = demo / "for-people"
    add("diploma.baked.png", (people / "mbo-diploma.baked.png").read_bytes())
    add("diploma.baked.svg", (people / "mbo-diploma.baked.svg").read_bytes())
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    jwt = (files / "mbo-diploma.vc-jwt.jwt").read_text("utf-8")
    add("diploma.vc-jwt.baked.svg", bake(jwt, svg))
    add("demo.tampered.json", (demo / "mbo-diploma.eddsa-rdfc-2022.tampered.json").read_bytes())

    vp = demo / "wallet" / "presentation.json"
    asked = json.loads((demo / "wallet" / "presentation.challenge.json").read_text("utf-8"))
    add("demo.presentation.json", vp.read_bytes(), challenge=asked["challenge"],
        domain=asked["domain"])  # fmt: skip

    shown = demo / "sd-jwt-vc" / "presentation.sd-jwt"
    asked = json.loads((demo / "sd-jwt-vc" / "presentation.request.json").read_text("utf-8"))
    add("demo.key-bound.sd-jwt", shown.read_bytes(), key_binding=(asked["aud"], asked["nonce"]))
    add("demo.replayed.sd-jwt", shown.read_bytes(), key_binding=(asked["aud"], "another-nonce"))

    add("notes.txt", "dit is geen diploma\n", not_a_document=True)
    add("empty.json", b"", not_a_document=True)
    add("binary.bin", bytes(range(256)), not_a_document=True)
    add("unbaked.png", _png(), not_a_document=True)  # an image with no credential
    add("unbaked.svg", svg, not_a_document=True)
    return Corpus(items, demo / "status" / "lists", base / "out")


# --- the entry points --------------------------------------------------------------------------


def status_setup(folder: str) -> dict[str, Any]:
    """The status checkers of ``--status-dir FOLDER`` (built in each batch worker)."""
    return {"status": _checkers(folder)}


def _checkers(folder: str | Path) -> StatusCheckers:
    fetcher = DirectoryFetcher(str(folder))
    return StatusCheckers(StatusChecker(fetcher), TokenStatusListChecker(fetcher))


def _api_options(mode: str, corpus: Corpus) -> dict[str, Any]:
    if mode == "status-dir":
        return {"now": NOW, "status": _checkers(corpus.status_dir)}
    return {"now": NOW, "check_status": False}


def _cli_options(mode: str, corpus: Corpus) -> list[str]:
    flags = ["--now", NOW]
    return flags + (["--status-dir", str(corpus.status_dir)] if mode == "status-dir"
                    else ["--no-status"])  # fmt: skip


def _presentation_flags(item: Item) -> list[str]:
    flags = ["--challenge", item.challenge or "no-challenge"]
    return flags + (["--domain", item.domain] if item.domain else [])


def _verdict_of_cli_json(out: dict[str, Any]) -> Verdict:
    if "credentials" in out:  # a presentation
        problems = [p["code"] for p in out["problems"]]
        warnings = [w["code"] for w in out.get("warnings", [])]
        for c in out["credentials"]:
            warnings += [w["code"] for w in c.get("warnings", [])]
        return _verdict(out["verified"], problems, warnings)
    return _verdict(out["verified"], [p["code"] for p in out["problems"]],
                    [w["code"] for w in out["warnings"]])  # fmt: skip


def _verdict_of_presentation(result: Any) -> Verdict:
    warnings = [w.code for w in result.warnings]
    for c in result.credentials:
        warnings += [w.code for w in c.result.warnings]
    return _verdict(result.verified, [p.code for p in result.problems], warnings)


def _shown_verdict(html: str) -> bool:
    """The verdict a page shows: its verdict section's ``data-verified`` and its words."""
    match = re.search(r'<section id="verdict" class="verdict (ok|bad)" '
                      r'data-verified="(true|false)">\s*(.*?)</section>', html, re.S)  # fmt: skip
    assert match, "the page states no verdict"
    ok = match.group(1) == "ok"
    assert ok == (match.group(2) == "true")
    words = re.sub(r"<[^>]+>", " ", match.group(3))
    assert ("NIET GELDIG" in words or "NOT VALID" in words) == (not ok), words
    return ok


class UsageExit(Exception):
    """``mbo-vc`` exited 2 (the operator's mistake) where a verdict was expected."""


def _run(capsys: pytest.CaptureFixture[str], argv: list[str], *, verdict: bool = True
         ) -> tuple[int, str]:  # fmt: skip
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    if verdict and code not in (0, 1):
        raise UsageExit(f"exit {code}: {captured.err.strip()[:300]}")
    return code, captured.out


@pytest.fixture(scope="module")
def batches(corpus: Corpus) -> dict[tuple[str, int | str], list[Verdict]]:
    """``verify_many`` over the whole corpus (its credentials), once per mode and per jobs, and
    ``mbo-vc verify FILE FILE … --json`` (one line per file)."""
    paths = [i.path for i in corpus.items if i.in_batch]
    out: dict[tuple[str, int | str], list[Verdict]] = {}
    for mode in MODES:
        argv = ["verify", *map(str, paths), "--json", "--jobs", "1", *_cli_options(mode, corpus)]
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            code = main(argv)
        lines = [json.loads(line) for line in printed.getvalue().splitlines()]
        assert [line["file"] for line in lines] == list(map(str, paths))
        out[mode, "cli"] = [_verdict_of_cli_json(line) for line in lines]
        assert code == (0 if all(v.verified for v in out[mode, "cli"]) else 1)
        for jobs in (1, 2):
            options: dict[str, Any] = {"now": NOW}
            if mode == "status-dir":
                import functools

                options["setup"] = functools.partial(status_setup, str(corpus.status_dir))
            else:
                options["check_status"] = False
            out[mode, jobs] = [_of(r) for r in mbo_vc.verify_many(paths, jobs=jobs, **options)]
    return out


def _entry_points(item: Item, mode: str, corpus: Corpus,
                  capsys: pytest.CaptureFixture[str]) -> dict[str, Verdict]:  # fmt: skip
    """The verdict of each entry point on ``item``."""
    data = item.path.read_bytes()
    opts = _api_options(mode, corpus)
    flags = _cli_options(mode, corpus)
    seen: dict[str, Verdict] = {}
    if item.challenge is not None:
        result = mbo_vc.verify_presentation(data, challenge=item.challenge,
                                            domain=item.domain, **opts)  # fmt: skip
        seen["verify_presentation"] = _verdict_of_presentation(result)
        code, out = _run(capsys, ["verify", str(item.path), "--json", *flags,
                                  *_presentation_flags(item)])  # fmt: skip
        seen["cli --json"] = _verdict_of_cli_json(json.loads(out))
        assert code == (0 if seen["cli --json"].verified else 1)
        code, _ = _run(capsys, ["verify", str(item.path), *flags, *_presentation_flags(item)])
        assert code in (0, 1)
        seen["cli exit code"] = seen["cli --json"]._replace(verified=code == 0)
        return seen

    if item.key_binding is not None:
        aud, nonce = item.key_binding
        opts = {**opts, "aud": aud, "nonce": nonce}
        flags = [*flags, "--aud", aud, "--nonce", nonce]
    result = mbo_vc.verify(data, **opts)
    seen["verify"] = _of(result)
    try:  # the file read as text (open(path).read()): the same verdict
        seen["verify(text)"] = _of(mbo_vc.verify(data.decode("utf-8"), **opts))
    except UnicodeDecodeError:
        pass
    report = build_report(result)
    seen["report"] = _verdict(report.verified, [p.code for p in report.problems],
                              [w.code for w in report.warnings])  # fmt: skip
    for page_mode in ("report", "paper"):
        shown = _shown_verdict(render_html(report, mode=page_mode))  # type: ignore[arg-type]
        seen[f"render_html({page_mode})"] = seen["report"]._replace(verified=shown)

    code, out = _run(capsys, ["verify", str(item.path), "--json", *flags])
    cli = json.loads(out)
    seen["cli --json"] = _verdict_of_cli_json(cli)
    assert code == (0 if cli["verified"] else 1)
    assert cli["report"]["verified"] == cli["verified"]
    seen["cli --json report"] = seen["cli --json"]._replace(verified=cli["report"]["verified"])

    code, out = _run(capsys, ["verify", str(item.path), *flags])
    assert code in (0, 1)
    seen["cli exit code"] = seen["cli --json"]._replace(verified=code == 0)
    first = out.splitlines()[0]
    seen["cli text"] = seen["cli --json"]._replace(verified=not first.startswith("NIET GELDIG"))

    page = corpus.out / f"{item.name}.{mode}.html"
    page.parent.mkdir(exist_ok=True)
    code, _ = _run(capsys, ["verify", str(item.path), "--format", "html", "--out", str(page),
                            *flags])  # fmt: skip
    assert code in (0, 1)
    shown = _shown_verdict(page.read_text("utf-8"))
    assert shown == (code == 0)
    seen["cli --format html"] = seen["cli --json"]._replace(verified=shown)

    if item.key_binding is not None:  # render takes a credential, not a key-bound showing
        return seen
    paper = corpus.out / f"{item.name}.{mode}.paper.html"
    code, _ = _run(capsys, ["render", str(item.path), "--out", str(paper), *flags])
    shown = _shown_verdict(paper.read_text("utf-8"))
    assert shown == (code == 0)
    seen["cli render"] = seen["cli --json"]._replace(verified=shown)
    return seen


# --- the tests ---------------------------------------------------------------------------------


def test_the_corpus_holds_what_it_promises(corpus: Corpus) -> None:
    names = [i.name for i in corpus.items]
    print(f"corpus: {len(names)} files, {sum(i.not_a_document for i in corpus.items)} no document")
    assert sum(n.startswith("vector-") for n in names) >= 60
    assert sum(n.endswith(".jwt") and n.startswith("vector-") for n in names) >= 10
    for kind in KINDS:
        for fmt in ("di.json", "vc-jwt.jwt", "dc-sd-jwt.sd-jwt", "vc-sd-jwt.sd-jwt"):
            assert f"{kind}.{fmt}" in names and f"{kind}.tampered.{fmt}" in names
    assert any(i.challenge for i in corpus.items)


@pytest.mark.parametrize("mode", MODES)
def test_every_entry_point_gives_one_verdict(
    corpus: Corpus,
    batches: dict[tuple[str, int | str], list[Verdict]],
    mode: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    credentials = [i for i in corpus.items if i.in_batch]
    batch = {i.name: n for n, i in enumerate(credentials)}
    disagreements: list[str] = []
    verdicts: dict[str, Verdict] = {}
    for item in corpus.items:
        if item.not_a_document:
            continue
        try:
            seen = _entry_points(item, mode, corpus, capsys)
        except UsageExit as exc:
            disagreements.append(f"{item.name}: the command line says {exc}")
            continue
        if item.name in batch:
            for jobs in (1, 2):
                seen[f"verify_many(jobs={jobs})"] = batches[mode, jobs][batch[item.name]]
            seen["cli FILE FILE … --json"] = batches[mode, "cli"][batch[item.name]]
        first = next(iter(seen.values()))
        verdicts[item.name] = first
        if len(set(seen.values())) != 1:
            table = "\n    ".join(f"{k}: {v}" for k, v in seen.items())
            disagreements.append(f"{item.name}:\n    {table}")
    assert not disagreements, "\n".join(disagreements)
    # the corpus is not one-sided: mbo_vc's own output verifies, its tampered copies do not
    for kind in KINDS:
        for fmt in ("di.json", "vc-jwt.jwt", "vc-sd-jwt.sd-jwt"):
            assert not verdicts[f"{kind}.tampered.{fmt}"].verified
        assert not verdicts[f"{kind}.tampered.dc-sd-jwt.sd-jwt"].verified
    for kind in KINDS:  # (the demo revokes the microcredential in its status list)
        revoked = kind == "microcredential" and mode == "status-dir"
        assert verdicts[f"{kind}.di.json"].verified != revoked, verdicts[f"{kind}.di.json"]
    assert "missing_signer" in verdicts["diploma.one-signer.json"].problems
    assert "kb_jwt_nonce_mismatch" in verdicts["demo.replayed.sd-jwt"].problems
    assert "expired" in verdicts["diploma.expired.json"].problems
    unknown = verdicts["diploma.status-unknown.json"]
    assert unknown.verified == (mode == "no-status")
    assert verdicts["diploma.baked.png"] == verdicts["mbo-diploma.di.json"]
    assert verdicts["diploma.baked.svg"] == verdicts["mbo-diploma.di.json"]


def test_a_file_that_is_no_document_is_the_operators_mistake_everywhere(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text, an empty file, binary junk, an image without a credential, a missing file, a
    folder: ``not_a_document`` from the API and the batch, exit 2 from every command (one file
    or many), never a verdict and never exit 0."""
    mistakes = [i for i in corpus.items if i.not_a_document]
    missing, folder = corpus.out / "missing.json", corpus.out
    folder.mkdir(exist_ok=True)
    for item in mistakes:
        data = item.path.read_bytes()
        for mode in MODES:
            opts = _api_options(mode, corpus)
            assert mbo_vc.verify(data, **opts).not_a_document, item.name
            try:
                assert mbo_vc.verify(data.decode("utf-8"), **opts).not_a_document, item.name
            except UnicodeDecodeError:
                pass
    for path in [*(i.path for i in mistakes), missing, folder]:
        for mode in MODES:
            flags = _cli_options(mode, corpus)
            page = str(corpus.out / "mistake.html")
            for argv in (["verify", "--json"], ["verify"], ["verify", "--format", "html",
                         "--out", page], ["render", "--out", page]):  # fmt: skip
                code, out = _run(capsys, [*argv, str(path), *flags], verdict=False)
                assert code == 2, (path.name, argv, out)
    paths = [*(i.path for i in mistakes), missing, folder]
    for many in mbo_vc.verify_many(paths, jobs=1, now=NOW, check_status=False):
        assert many.not_a_document and not many.verified
    good = next(i for i in corpus.items if i.name == "mbo-diploma.di.json")
    for bad in (mistakes[0].path, mistakes[-1].path, missing):  # among credentials too
        for extra in ([], ["--json"]):
            argv = ["verify", str(good.path), str(bad), "--now", NOW, "--no-status"]
            code, out = _run(capsys, [*argv, "--jobs", "1", *extra], verdict=False)
            assert code == 2, (argv, out)


def test_the_installed_command_gives_the_api_verdict(corpus: Corpus) -> None:
    """One subprocess: the ``mbo-vc`` a user runs, not only ``main`` in this process."""
    item = next(i for i in corpus.items if i.name == "mbo-diploma.dc-sd-jwt.sd-jwt")
    exe = shutil.which("mbo-vc", path=str(Path(sys.executable).parent)) or "mbo-vc"
    run = subprocess.run([exe, "verify", str(item.path), "--json",
                          *_cli_options("status-dir", corpus)],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    out = json.loads(run.stdout)
    api = _of(mbo_vc.verify(item.path.read_bytes(), **_api_options("status-dir", corpus)))
    assert _verdict_of_cli_json(out) == api
    assert run.returncode == (0 if api.verified else 1)


def test_an_image_too_large_to_read_is_one_verdict_everywhere(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beyond the image limit the command line and the batch stop reading (``limit_exceeded``,
    not verified, exit 1); ``mbo_vc.verify`` given all the bytes says the same."""
    path = corpus.out / "huge.png"
    path.parent.mkdir(exist_ok=True)
    huge = _png() + b"\0" * mbo_vc.Limits().max_image_bytes
    path.write_bytes(huge)
    api = _of(mbo_vc.verify(huge, now=NOW, check_status=False))
    assert api == Verdict(False, ("limit_exceeded",), ())
    (many,) = mbo_vc.verify_many([path], jobs=1, now=NOW, check_status=False)
    assert _of(many) == api and not many.not_a_document
    code, out = _run(capsys, ["verify", str(path), "--json", *_cli_options("no-status", corpus)])
    assert code == 1 and _verdict_of_cli_json(json.loads(out)) == api
