"""What people read: a credential's strings cannot steer a terminal or reorder a page (every
control and bidi character is shown as an escape, mbo_vc.display), a closed pipe is no
traceback, and the report speaks one language and says first why a credential is refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.display import UNSAFE, shown, shown_lines
from mbo_vc.errors import CODES
from mbo_vc.mbo import issue
from mbo_vc.report import build_report
from mbo_vc.status import StatusRegistry
from mbo_vc.verification import verify

ROOT = Path(__file__).resolve().parents[1]
BG, EC = Ed25519Key.generate(), Ed25519Key.generate()

# a name that, printed raw, erases the line, returns to column 0 and writes GELDIG over the
# verdict, reverses text (RLO), isolates, rings the bell and sends an 8-bit CSI (C1)
HOSTILE = "Jan\x1b[2K\r\x1b[32mGELDIG\x1b[0m\u202eGIDLEG\u2066x\u2069\u200f\x07\x9b31m\nGELDIG"
HOSTILE_ESCAPED = "Jan\\u001b[2K\\u000d\\u001b[32mGELDIG"
STATUS_URL = "https://roc.example/st/revocation-1"


def _raw_unsafe(text: str, *, keep: str = "\n") -> list[str]:
    return sorted({hex(ord(c)) for c in text if ord(c) in UNSAFE and c not in keep})


def _diploma(naam: str = "Jan Pieter de Vries", opleiding: str | None = None,
             status: bool = False) -> tuple[dict, Path | None]:  # fmt: skip
    wp = example_waardepapieren(BG.did)["mbo-diploma"]
    update: dict = {"student": wp.student.model_copy(update={"naam": naam})}
    if opleiding is not None:
        update["opleiding"] = wp.opleiding.model_copy(update={"naam": opleiding})
    wp = wp.model_copy(update=update)
    if not status:
        return issue(wp, BG, examencommissie=EC), None
    return _revoked(wp.to_json())


def _revoked(doc: dict) -> tuple[dict, Path]:
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="mbo-vc-output-"))
    with StatusRegistry(tmp / "registry.db") as registry:
        registry.create_list(STATUS_URL, purpose="revocation", list_id="revocation-1")
        attached = registry.attach(doc, ["revocation-1"])
        signed = issue(attached, BG, examencommissie=EC)
        [(_, entry)] = registry.entries_of(attached)
        assert registry.revoke("revocation-1", entry.index, reason="issued in error")
        lists = tmp / "lists"
        lists.mkdir()
        registry.publish_all(BG, lists)
    return signed, lists


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "diploma.json"
    doc, _ = _diploma(naam=HOSTILE, opleiding="Verzorgende\u202e-IG\x1b]0;pwned\x07")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def revoked() -> tuple[Path, Path]:
    doc, lists = _diploma(status=True)
    assert lists is not None
    path = lists.parent / "revoked.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, lists


# --- the one escaping function ---------------------------------------------------------------


def test_shown_makes_every_control_and_bidi_character_visible() -> None:
    expected = {*range(0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
                *range(0x202A, 0x202F), *range(0x2066, 0x206A)}  # fmt: skip
    assert set(UNSAFE) == expected
    for cp in expected:
        assert shown(f"a{chr(cp)}b") == f"a\\u{cp:04x}b"  # visible, never dropped
    arabic = "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"  # a right-to-left name stays readable
    assert shown(arabic) == arabic and shown("Zoë Ĳsselmeer €") == "Zoë Ĳsselmeer €"
    assert shown_lines("a\nb\tc\r\nd\re\x1b") == "a\nb\tc\r\nd\\u000de\\u001b"
    # on a JSON text the escapes are JSON's own: the same value
    value = {"naam": HOSTILE}
    assert json.loads(shown_lines(json.dumps(value, ensure_ascii=False))) == value


# --- the terminal ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_hostile_name_cannot_steer_the_terminal(
    hostile_file: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(hostile_file), "--no-status", "--lang", lang]) == 0
    out, err = capsys.readouterr()
    assert _raw_unsafe(out) == [] and _raw_unsafe(err) == []
    assert HOSTILE_ESCAPED in out and "\\u202eGIDLEG\\u2066x\\u2069\\u200f\\u0007\\u009b31m" in out
    assert "\\u000aGELDIG" in out  # the newline too: no line of its own
    assert not any(line.startswith("GELDIG") for line in out.splitlines()[1:])
    assert "Verzorgende\\u202e-IG\\u001b]0;pwned\\u0007" in out


def test_json_output_keeps_the_value_and_escapes_c1_and_bidi(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(hostile_file), "--no-status", "--json"]) == 0
    out = capsys.readouterr().out
    assert _raw_unsafe(out) == []
    subject = json.loads(out)["report"]["subject"]
    assert next(f["value"] for f in subject if f["key"] == "naam") == HOSTILE


def test_problem_messages_and_usage_errors_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, _ = _diploma()
    doc["@context"].append("https://evil.example/\u202egnp.exe\x1b[2J")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["verify", str(path), "--no-status", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert _raw_unsafe(out) == [] and "\\u202egnp.exe\\u001b[2J" in out
    for argv in (["verify", str(tmp_path / "x\x1b[2J\u202e.json")],
                 ["verify", str(path), "--now", "\x1b[31mtomorrow"]):  # fmt: skip
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert _raw_unsafe(err) == [] and ("\\u001b" in err or "\\x1b" in err)


def test_many_files_lines_are_escaped(
    hostile_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(hostile_file.read_text(encoding="utf-8"))
    doc["credentialSubject"]["name"] = "x"  # tampered: the summary quotes a message
    bad = tmp_path / "bad\x1b[2K.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["verify", str(hostile_file), str(bad), "--no-status"]) == 1
    out = capsys.readouterr().out
    assert _raw_unsafe(out) == [] and "bad\\u001b[2K.json" in out


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mbo_vc.cli", *args]


def test_a_closed_pipe_is_no_traceback(hostile_file: Path) -> None:
    """The reader goes away before mbo-vc writes (``mbo-vc verify X | head -3``): no
    traceback, and a non-zero exit (141, as a shell reports SIGPIPE)."""
    for args in (["verify", str(hostile_file), "--no-status"], ["--help"],
                 ["verify", str(hostile_file), str(hostile_file), "--no-status"]):  # fmt: skip
        proc = subprocess.Popen(_cli(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=ROOT)  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # nobody reads: every write gets EPIPE
        err = proc.stderr.read().decode()
        # (argparse itself swallows the error of writing --help: exit 0)
        assert proc.wait(timeout=120) == (0 if args == ["--help"] else 141), err
        assert "Traceback" not in err and "BrokenPipeError" not in err and err == "", err


def test_verify_piped_into_head(hostile_file: Path) -> None:
    files = " ".join([str(hostile_file)] * 40)
    shell = f"{sys.executable} -m mbo_vc.cli verify {files} --no-status | head -3"
    for cmd in (shell, f"{sys.executable} -m mbo_vc.cli verify {hostile_file} --no-status"
                       " | head -3"):  # fmt: skip
        proc = subprocess.run(["sh", "-c", cmd], capture_output=True, cwd=ROOT, timeout=300)
        assert proc.stdout.count(b"\n") == 3
        assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr, proc.stderr


# --- the HTML and PDF renderings --------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.bdi = 0
        self.in_bdi: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.bdi += tag == "bdi"

    def handle_endtag(self, tag: str) -> None:
        self.bdi -= tag == "bdi"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self.bdi:
            self.in_bdi.append(data)


def _html_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("mode", ["paper", "report"])
def test_html_shows_hostile_characters_as_escapes_in_isolates(
    hostile_file: Path, mode: str
) -> None:
    from mbo_vc.render import render_html

    report = build_report(verify(hostile_file.read_bytes(), check_status=False))
    html = render_html(report, mode=mode)  # type: ignore[arg-type]
    assert _raw_unsafe(html) == []
    text = _html_text(html)
    assert any(HOSTILE_ESCAPED in part for part in text.in_bdi)  # escaped, and in a <bdi>
    assert any("Verzorgende\\u202e-IG" in part for part in text.in_bdi)


def test_pdf_text_shows_hostile_characters_as_escapes(hostile_file: Path) -> None:
    pypdfium2 = pytest.importorskip("pypdfium2")
    from mbo_vc.render import render_pdf

    report = build_report(verify(hostile_file.read_bytes(), check_status=False))
    doc = pypdfium2.PdfDocument(render_pdf(report))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    flat = re.sub(r"\s+", "", text)
    assert "Jan\\u001b[2K\\u000d\\u001b[32mGELDIG" in flat and "\\u202eGIDLEG" in flat
    assert [c for c in text if ord(c) in UNSAFE - {0x0A, 0x0D, 0x09}] == []


# --- one language, the reason first, no row saying a refused credential is valid --------------

# English words that are not Dutch words
_ENGLISH = {"the", "was", "has", "been", "not", "and", "by", "with", "this", "that", "which",
            "could", "should", "checked", "verified", "revoked", "suspended", "passed",
            "failed", "signature", "valid", "warning", "issuer", "signed", "found", "checks",
            "format", "technical", "details", "name", "date", "birth", "place", "kind",
            "certifies", "about", "dates", "results", "status:", "school has", "in order",
            "passed.", "pass", "switch", "off", "explicitly", "yourself", "shipped",
            "never"}  # fmt: skip
_WORD = re.compile(r"(?<![\w/.:-])[A-Za-z]+(?![\w/:-])")


def _english_words(text: str) -> set[str]:
    """The English words of ``text``, leaving out the problem codes (codes, not words)."""
    text = re.sub(r"\b(" + "|".join(sorted(CODES, key=len, reverse=True)) + r")\b", "", text)
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w in _ENGLISH}


def _says_valid(line: str, lang: str) -> bool:
    low = line.lower()
    if lang == "nl":
        return "geldig" in low.replace("niet geldig", "").replace(
            "ongeldig", ""
        ) or "in orde" in low.replace("niet in orde", "")
    return bool(re.search(r"\bvalid\b", low.replace("not valid", ""))) or "in order" in low


def _verify_text(path: Path, *args: str) -> str:
    proc = subprocess.run(_cli("verify", str(path), *args), capture_output=True, cwd=ROOT,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return proc.stdout.decode()


def test_the_dutch_report_of_a_revoked_diploma(revoked: tuple[Path, Path]) -> None:
    path, lists = revoked
    out = _verify_text(path, "--status-dir", str(lists))
    lines = out.splitlines()
    assert lines[0] == "NIET GELDIG: vertrouw de inhoud van dit document niet."
    assert lines[1] == "Reden: Dit diploma is ingetrokken door de school."
    assert _english_words(out) == set(), (_english_words(out), out)
    assert [line for line in lines if _says_valid(line, "nl")] == [], out
    assert "mbo_rules:" not in out and "In orde." not in out
    technical = out.index("Technische gegevens")
    assert out.index("fout revoked") > technical  # codes only in the technical part


def test_the_english_report_of_a_revoked_diploma(revoked: tuple[Path, Path]) -> None:
    path, lists = revoked
    out = _verify_text(path, "--status-dir", str(lists), "--lang", "en")
    lines = out.splitlines()
    assert lines[:2] == ["NOT VALID: do not rely on the content of this document.",
                         "Reason: This diploma has been revoked by the school."]  # fmt: skip
    people = out[: out.index("Technical details")]
    assert not re.search(r"\b(Naam|Geboortedatum|Controles|Ondertekend|Reden)\b", people)
    assert [line for line in lines if _says_valid(line, "en")] == [], out


def test_developer_advice_only_in_the_technical_part(revoked: tuple[Path, Path]) -> None:
    path, _ = revoked
    for lang, heading in (("nl", "Technische gegevens"), ("en", "Technical details")):
        out = _verify_text(path, "--lang", lang)  # no status source: status_unavailable
        people, technical = out.split(heading)
        assert out.splitlines()[1] in (
            "Reden: Of dit diploma is ingetrokken, kon niet worden nagegaan; daarom is het "
            "niet goedgekeurd.",
            "Reason: Whether this diploma was revoked could not be checked, so it is not accepted.",
        )
        for advice in ("StatusChecker", "--no-status", "--status-dir", "status_unavailable"):
            assert advice not in people and advice in technical, (lang, advice)
        if lang == "nl":
            assert _english_words(out) == set(), out


def test_the_html_report_is_in_one_language(revoked: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("jinja2")
    path, lists = revoked
    pages = {}
    for lang in ("nl", "en"):
        out = tmp_path / f"r.{lang}.html"
        assert main(["verify", str(path), "--status-dir", str(lists), "--format", "html",
                     "--lang", lang, "--out", str(out)]) == 1  # fmt: skip
        pages[lang] = "\n".join(_html_text(out.read_text(encoding="utf-8")).parts)
    nl, en = pages["nl"], pages["en"]
    assert _english_words(nl) == set(), nl
    assert "Dit diploma is ingetrokken door de school." in nl
    assert "This diploma has been revoked by the school." in en and "Reden" not in en
    for lang, page in pages.items():
        assert [line for line in page.splitlines() if _says_valid(line, lang)] == [], page


def test_every_report_sentence_exists_in_both_languages() -> None:
    from mbo_vc.render import _LABELS
    from mbo_vc.report import _REASONS, _WORDS
    from mbo_vc.report.facts import _LABELS as FACT_LABELS
    from mbo_vc.report.texts import ADVICE, CHECK_NAMES, CHECK_TEXTS, CODE_TEXTS

    texts = [*CHECK_NAMES.values(), *(t for pair in CHECK_TEXTS.values() for t in pair),
             *CODE_TEXTS.values(), *ADVICE.values(), *_REASONS.values(), *_LABELS.values(),
             *FACT_LABELS.values()]  # fmt: skip
    same = {"BRIN", "OIN", "ECTS", "Cohort", "Crebo", "Criteria", "Microcredential", "Status"}
    for t in texts:
        assert t.nl and t.en and (t.nl != t.en or t.nl in same), t
        assert _english_words(t.nl) == set(), t.nl
    assert set(_WORDS["nl"]) == set(_WORDS["en"])
    assert all(_english_words(w) == set() for w in _WORDS["nl"].values())
