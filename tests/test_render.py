"""Rendering: the waardepapier as HTML (escaped, self-contained, strict CSP), PDF and PNG; the HTML
in a real headless browser (Debian's Chromium), compared for structure, not pixels."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.mbo import issue
from mbo_vc.mbo.signers import signers_policy
from mbo_vc.render import render, render_html, render_pdf, render_png
from mbo_vc.report import build_report
from mbo_vc.verification import verify

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"></td>"\'&{{7*7}}'
MARKUP = '<img src="https://evil.example/x.png"/><font size="40">BIG</font>'


def _paper(kind: str, naam: str = "Jan Pieter de Vries", **extra: object) -> dict:
    key, ec = Ed25519Key.generate(), Ed25519Key.generate()
    wp = example_waardepapieren(key.did)[kind]
    wp = wp.model_copy(update={"student": wp.student.model_copy(update={"naam": naam}), **extra})
    return issue(
        wp, key, examencommissie=ec if kind in ("mbo-diploma", "mbo-certificaat") else None
    )


def _report(doc: dict):  # type: ignore[no-untyped-def]
    return build_report(verify(doc))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_html_escapes_an_xss_payload_and_loads_nothing_remote() -> None:
    html = render_html(_report(_paper("microcredential", naam=XSS,
                                      afbeelding="https://evil.example/track.png")))  # fmt: skip
    tags = _tags(html)
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "link")]
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    for tag, attrs in tags:
        if tag == "img":
            assert (attrs.get("src") or "").startswith(("data:image/svg+xml;base64,",
                                                        "data:image/png;base64,"))  # fmt: skip
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{7*7}}" in html
    assert "evil.example" not in html
    csp = next(a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "img-src data:" in csp
    assert "script-src" not in csp and "'unsafe-inline'" not in csp


def test_only_raster_data_uri_images_are_shown() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zz48c2NyaXB0Lz48L3N2Zz4="
    assert build_report(verify(_paper("microcredential", afbeelding=png))).image == png
    assert build_report(verify(_paper("microcredential", afbeelding=svg))).image is None


def test_pdf_and_png_show_the_paper_and_escape_reportlab_markup(tmp_path: Path) -> None:
    import pypdfium2

    report = _report(_paper("mbo-diploma", naam=MARKUP))
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF-")
    doc = pypdfium2.PdfDocument(pdf)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "GELDIG" in text and "Verzorgende-IG" in text and "25491" in text
    assert '<img src="https://evil.example/x.png"/>' in text.replace("\r\n", "").replace("\n", "")
    with Image.open(io.BytesIO(render_png(report))) as im:
        assert im.format == "PNG" and im.size[1] > im.size[0] > 800  # an A4 page
    for suffix in ("html", "pdf", "png"):
        assert render(report, tmp_path / f"p.{suffix}").stat().st_size > 1000


def test_render_cli_picks_the_format_from_the_suffix(tmp_path: Path) -> None:
    cred = tmp_path / "c.json"
    import json

    cred.write_text(json.dumps(_paper("mbo-certificaat")), encoding="utf-8")
    for suffix, magic in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF-"), ("png", b"\x89PNG")):
        out = tmp_path / f"w.{suffix}"
        assert main(["render", str(cred), "--out", str(out), "--no-status"]) == 0
        assert out.read_bytes().startswith(magic)
    assert main(["render", str(cred), "--out", str(tmp_path / "w.gif")]) == 2


# --- a real browser -----------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser(html_path: Path, *flags: str) -> subprocess.CompletedProcess[bytes]:
    exe = _chromium()
    assert exe is not None
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", "--blink-settings=imagesEnabled=true",
         f"--user-data-dir={html_path.parent / 'profile'}", *flags, html_path.as_uri()],
        capture_output=True, timeout=90, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> str:
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Chromium (make browser: apt-get install chromium)")
        pytest.skip("Chromium is not installed (make browser installs Debian's chromium)")
    return exe


def _band(image: Image.Image, y0: int, y1: int) -> tuple[float, float, float]:
    """The mean colour of the page's middle column between y0 and y1."""
    w = image.width
    r, g, b = ImageStat.Stat(image.convert("RGB").crop((w // 4, y0, 3 * w // 4, y1))).mean
    return r, g, b


@pytest.mark.parametrize("valid", [True, False])
def test_the_page_in_headless_chromium(browser: str, tmp_path: Path, valid: bool) -> None:
    doc = _paper("mbo-diploma", naam=XSS)
    if not valid:
        doc["credentialSubject"]["achievement"]["name"] = "Arts"
    policy = signers_policy(doc["proof"][0]["verificationMethod"].split("#")[0])
    report = build_report(verify(doc, policy=policy), signers=policy.required_signers)
    page = tmp_path / "paper.html"
    page.write_text(render_html(report), encoding="utf-8")
    # the DOM as the browser built it: structure, no script ran, the payload is text
    dom = _browser(page, "--dump-dom").stdout.decode("utf-8")
    ids = re.findall(r'\sid="([a-z]+)"', dom)
    for wanted in ("verdict", "title", "name", "facts", "results", "signers", "qr", "checks"):
        assert wanted in ids, wanted
    assert f'data-verified="{str(valid).lower()}"' in dom
    tags = _tags(dom)
    assert not [t for t, _ in tags if t == "script"]
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text
    # the screenshot: the verdict band on top is green (valid) or red (not), a white paper
    # below it, and the QR code's black and white modules near its foot
    shot = tmp_path / "paper.png"
    done = _browser(page, f"--screenshot={shot}", "--window-size=900,1700")
    assert shot.exists(), done.stderr.decode("utf-8", "replace")[-500:]
    with Image.open(shot) as im:
        assert im.size == (900, 1700)
        r, g, b = _band(im, 30, 80)
        assert (g > r + 15) if valid else (r > g + 15), (r, g, b)
        assert min(_band(im, 300, 320)) > 200  # the paper is white (with some text)
        dark = sum(im.convert("L").histogram()[:60])
        assert dark > 2000  # text and the QR code rendered
