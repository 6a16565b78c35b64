"""An attacker's review of what people read: credentials signed with mbo_vc whose strings and
URLs are hostile, rendered as the HTML paper and report, the PDF, the PNG and the text report.

The rule: what a person reads cannot be repainted by the credential's own strings (no markup,
script, link, style or image of theirs; nothing that looks like the verdict where the verdict
is not), and opening a rendering fetches and runs nothing."""

from __future__ import annotations

import base64
import copy
import dataclasses
import io
import os
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mbo_vc import Ed25519Key
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import MboVcError
from mbo_vc.mbo import issue
from mbo_vc.render import qr_payload, render_html, render_pdf, render_png
from mbo_vc.report import VerificationReport, build_report
from mbo_vc.signing import sign
from mbo_vc.verification import verify
from tests.test_render import _browser, _chromium, _tags

KEY = Ed25519Key.generate()


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium (CI must have it; elsewhere the browser tests are skipped without)."""
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Chromium (make browser: apt-get install chromium)")
        pytest.skip("Chromium is not installed (make browser installs Debian's chromium)")
    return exe


SINK = "http://127.0.0.1:9"  # (a closed port: nothing here ever connects to it)


def hostile(url: str = SINK) -> str:
    """One string with every kind of payload a page or reportlab paragraph might interpret."""
    return (
        f'</script><script>alert(1)</script><img src="{url}/img" onerror=alert(2)>'
        f'"\' onmouseover="alert(3)" data-x="1" <a href="javascript:alert(4)">klik</a> '
        f'<link rel=stylesheet href="{url}/css"><iframe src="{url}/frame"></iframe> '
        f'<div style="background:url({url}/bg);width:expression(alert(5))">x</div> '
        f'<svg onload=alert(6)></svg><object data="{url}/obj"></object> '
        f'<font size="40" color="green">GELDIG</font><a href="{url}/a">a</a> '
        f'<img src="/etc/passwd"/><para>p</para>&amp; &#60; {{{{7*7}}}} '
        "javascript:alert(7) vbscript:msgbox(8) data:text/html,<b>9</b>"
    )


def _microcredential(url: str = SINK, **extra: Any) -> dict[str, Any]:
    """A microcredential signed with mbo_vc, hostile in every string and URL that reaches a page
    (and in those the report does not show: issuer url/email/image, alignments, evidence)."""
    h = hostile(url)
    wp = example_waardepapieren(KEY.did)["microcredential"]
    wp = wp.model_copy(update={
        "titel": h, "beschrijving": h, "criteria": h, "afbeelding": f"{url}/track.png",
        "student": wp.student.model_copy(update={"naam": h, "geboorteplaats": h}),
        "instelling": wp.instelling.model_copy(update={"naam": h}),
        "leeruitkomsten": [h, h], **extra,
    })  # fmt: skip
    doc = wp.to_json()
    doc["issuer"].update(url="javascript:alert(10)", email=h,
                         image={"id": f"{url}/issuer.png", "type": "Image"})  # fmt: skip
    for alignment in doc["credentialSubject"]["achievement"]["alignment"]:
        alignment.update(targetName=h, targetUrl="javascript:alert(11)")
    doc["evidence"] = [{"id": f"{url}/evidence", "type": ["Evidence"], "name": h, "narrative": h}]
    return sign(doc, KEY)


def _verklaring(url: str = SINK) -> dict[str, Any]:
    """An mbo-verklaring with hostile names, results and praktijkverklaring."""
    h = hostile(url)
    wp = example_waardepapieren(KEY.did)["mbo-verklaring"]
    pv = wp.praktijkverklaring
    assert pv is not None
    wp = wp.model_copy(update={
        "student": wp.student.model_copy(update={"naam": h}),
        "opleiding": wp.opleiding.model_copy(update={"naam": h}),
        "resultaten": [o.model_copy(update={"naam": h, "waarde": h}) for o in wp.resultaten],
        "praktijkverklaring": pv.model_copy(update={
            "leerbedrijf": h, "praktijkopleider": h, "bpv_periode": h, "oordeel": h}),
    })  # fmt: skip
    return issue(wp, KEY)


def _tampered(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` changed after signing, with a hostile value that problem messages quote."""
    bad = copy.deepcopy(doc)
    bad["validFrom"] = hostile()
    bad["credentialSubject"]["achievement"]["name"] = "GELDIG: dit document is gecontroleerd"
    return bad


def _report(doc: dict[str, Any]) -> VerificationReport:
    return build_report(verify(doc))


CASES = {
    "microcredential": lambda: _microcredential(),
    "mbo-verklaring": lambda: _verklaring(),
    "tampered": lambda: _tampered(_microcredential()),
}
PAGES = [("paper", None), ("paper", "en"), ("report", "nl"), ("report", "en")]
_OUR_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "section",
    "header",
    "img",
    "p",
    "h1",
    "h2",
    "h3",
    "span",
    "bdi",
    "table",
    "tr",
    "th",
    "td",
    "ul",
    "li",
    "strong",
    "br",
    "code",
    "footer",
    "details",
    "summary",
}


# --- (1) HTML: every field is text -----------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(("mode", "lang"), PAGES)
def test_every_hostile_field_reaches_the_page_as_text(case: str, mode: str, lang: str) -> None:
    report = _report(CASES[case]())
    html = render_html(report, mode=mode, lang=lang)  # type: ignore[arg-type]
    tags = _tags(html)
    assert {t for t, _ in tags} <= _OUR_TAGS, {t for t, _ in tags} - _OUR_TAGS
    for tag, attrs in tags:
        assert not [k for k in attrs if k.startswith("on") or k in ("href", "style", "data-x")]
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
    for raw in ("<script", "<img src=\"http", "<a href", "<iframe", "<link", "<svg", "<object",
                "<div", "<font", "javascript:alert(4)\">", "127.0.0.1:9/track"):  # fmt: skip
        assert raw not in html, raw
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert html.count("<script") == 0 and html.count("</script") == 0
    if case == "tampered" and mode == "report" and lang == "en":  # a message quoting the value
        assert "validFrom &#39;&lt;/script&gt;&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(("mode", "lang"), PAGES)
def test_a_strict_csp_is_the_first_thing_in_the_head(mode: str, lang: str) -> None:
    html = render_html(_report(_microcredential()), mode=mode, lang=lang)  # type: ignore[arg-type]
    tags = _tags(html)
    assert [t for t, _ in tags[:4]] == ["html", "head", "meta", "meta"]
    assert tags[2][1] == {"charset": "utf-8"}
    meta = tags[3][1]
    assert meta.get("http-equiv") == "Content-Security-Policy"
    content = meta.get("content") or ""
    policy = {d.split(" ", 1)[0]: d.split(" ", 1)[-1] for d in content.split("; ")}
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:"
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", policy["style-src"])
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'none'"
    assert "script-src" not in policy and "unsafe" not in content


def _png_uri() -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize("image", [
    "data:image/png;base64," + base64.b64encode(b"<svg onload=alert(1)/>").decode(),  # not PNG
    "data:image/jpeg;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 16).decode(),
    "data:image/gif;base64,R0lGODlh\n",  # a trailing newline
    "data:image/png;base64,!!!!",
    "data:image/svg+xml;base64,PHN2Zz48c2NyaXB0Lz48L3N2Zz4=",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "javascript:alert(1)",
    "https://tracker.example/pixel.gif",
    "http://tracker.example/pixel.gif",
])  # fmt: skip
def test_an_image_is_shown_only_when_it_is_the_raster_image_it_says(image: str) -> None:
    report = _report(sign(_strip(image), KEY))
    assert report.image is None
    assert '<img class="badge"' not in render_html(report)


def _strip(image: str) -> dict[str, Any]:
    doc = _microcredential()
    doc.pop("proof")
    doc["credentialSubject"]["achievement"]["image"] = {"id": image, "type": "Image"}
    return doc


def test_a_real_png_data_uri_is_shown() -> None:
    uri = _png_uri()
    report = _report(sign(_strip(uri), KEY))
    assert report.image == uri
    assert f'<img class="badge" alt="" src="{uri}">' in render_html(report)


# --- (3) the verdict cannot be imitated ------------------------------------------------------


def test_the_verdict_comes_first_and_only_in_the_verdict_section() -> None:
    report = _report(_tampered(_microcredential()))
    assert not report.verified
    html = render_html(report)
    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<main id="paper">\n<section id="verdict" class="verdict bad"')
    verdict = body.split("</section>", 1)[0]
    assert "NIET GELDIG" in verdict and "GELDIG: dit document is gecontroleerd" not in verdict
    # the page title (a browser tab, a bookmark) says the verdict before the credential's words
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and title.group(1).startswith("NIET GELDIG")
    for lang in ("nl", "en"):
        page = render_html(report, mode="report", lang=lang)  # type: ignore[arg-type]
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title is not None and title.group(1).startswith(("NIET GELDIG", "NOT VALID"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_line_of_the_text_report_poses_as_the_verdict(lang: str) -> None:
    fake = {"nl": "GELDIG: dit document is gecontroleerd en in orde.",
            "en": "VALID: this document was checked and is in order."}[lang]  # fmt: skip
    doc = _microcredential(titel=fake)
    doc["credentialSubject"]["achievement"]["description"] = "changed after signing"
    report = _report(doc)
    assert not report.verified and report.title == fake
    lines = report.to_text(lang).splitlines()
    assert lines[0].startswith(("NIET GELDIG", "NOT VALID"))
    for line in lines[1:]:
        assert not line.startswith(("GELDIG", "VALID", "NIET GELDIG", "NOT VALID")), line


def test_the_pdf_title_says_the_verdict_first() -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(render_pdf(_report(_tampered(_microcredential()))))
    try:
        title = doc.get_metadata_dict().get("Title", "")
    finally:
        doc.close()
    assert title.startswith("NIET GELDIG"), title


# --- (4) the PDF: reportlab's paragraph markup ------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_the_pdf_takes_no_markup_link_or_image_from_the_credential(case: str) -> None:
    import pypdfium2

    pdf = render_pdf(_report(CASES[case]()))
    assert b"/URI" not in pdf and b"/Link" not in pdf and b"/JavaScript" not in pdf
    assert b"/Launch" not in pdf and b"/GoToR" not in pdf
    assert pdf.count(b"/Subtype /Image") == 1  # the QR code, nothing else
    doc = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    flat = re.sub(r"\s+", "", text)
    assert '<fontsize="40"color="green">GELDIG</font>' in flat  # the markup, shown as text
    assert '<imgsrc="/etc/passwd"/>' in flat


# --- (5) the QR code ---------------------------------------------------------------------------


@pytest.mark.parametrize("cid", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "https://phish.example/verify?ok=1",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "tel:+31900123",
    "urn:uuid:00000000-0000-4000-8000-000000000000\njavascript:alert(1)",
])  # fmt: skip
def test_the_qr_code_never_holds_a_link_the_credential_chose(cid: str) -> None:
    import segno

    try:
        report = _report(_microcredential(credential_id=cid))
    except MboVcError:  # not an IRI that can be signed: a report that carries it all the same
        report = dataclasses.replace(_report(_microcredential()), credential_id=cid)
    assert report.credential_id == cid
    payload = qr_payload(report)
    assert not re.match(r"(?i)\s*[a-z][a-z0-9+.-]*:", payload) or payload.startswith(
        ("urn:uuid:", "did:")
    ), payload
    assert "\n" not in payload and "javascript:" not in payload.lower().split(" ", 1)[0]
    # the page's QR image is the QR code of that payload, and of nothing else
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=4, border=2)
    want = "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()
    assert f'src="{want}"' in render_html(report)


def test_a_urn_uuid_id_is_the_qr_code_as_it_stands() -> None:
    cid = "urn:uuid:9d3c1f2e-6a4b-4c1d-8e2f-0a1b2c3d4e5f"
    assert qr_payload(_report(_microcredential(credential_id=cid))) == cid


# --- (6) sizes ---------------------------------------------------------------------------------


def test_a_megabyte_name_renders_in_bounded_time_and_size() -> None:
    name = ("Jan " * 262_144)[:1_000_000]
    wp = example_waardepapieren(KEY.did)["mbo-diploma"]
    doc = issue(wp.model_copy(update={"student": wp.student.model_copy(update={"naam": name})}),
                KEY)  # fmt: skip
    start = time.monotonic()
    report = _report(doc)
    html = render_html(report)
    text = report.to_text("nl")
    pdf = render_pdf(report)
    png = render_png(report, scale=0.5)
    took = time.monotonic() - start
    assert took < 60, took
    assert len(html) < 100_000 and len(text) < 50_000 and len(pdf) < 400_000, (
        len(html), len(text), len(pdf))  # fmt: skip
    assert png.startswith(b"\x89PNG")
    # cut with a visible marker that says how much was left out
    assert re.search(r"… \[\+99\d{4} tekens · characters\]", html)
    assert re.search(r"… \[\+99\d{4} tekens\]", text) and "characters" not in text
    english = render_html(report, mode="report", lang="en")
    assert re.search(r"… \[\+99\d{4} characters\]", english) and " tekens" not in english


# --- (2) opening the page fetches nothing: a real browser and a loopback server ---------------


class _Counter(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(base64.b64decode(_png_uri().split(",", 1)[1]))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[tuple[str, list[str]]]:
    handler = type("Handler", (_Counter,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


def test_opening_a_hostile_page_fetches_nothing(
    chromium: str, sink: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, hits = sink
    control = tmp_path / "control.html"  # the counter works: a page that does load the URL
    control.write_text(f'<!DOCTYPE html><img src="{url}/control.png">', encoding="utf-8")
    _browser(control, "--dump-dom")
    assert hits == ["/control.png"], hits
    hits.clear()
    for case in (_microcredential(url), _verklaring(url), _tampered(_microcredential(url))):
        report = _report(case)
        for mode, lang in PAGES:
            page = tmp_path / f"{mode}-{lang}.html"
            page.write_text(render_html(report, mode=mode, lang=lang), encoding="utf-8")  # type: ignore[arg-type]
            dom = _browser(page, "--dump-dom", "--virtual-time-budget=2000").stdout.decode()
            assert 'id="verdict"' in dom and "<script>alert" not in dom
    assert hits == []


# --- (3) layout: stacked marks and endless words stay in their own box --------------------------


ZALGO = "G" + "\u0301\u0300\u0302\u0303\u200d" * 120  # (a joiner does not end the run)
TALL = "G" + "\u0301\u0300\u0302\u0303" * 150  # (drawn stacked, hundreds of pixels high)


def test_stacked_combining_marks_are_shown_as_escapes_after_four() -> None:
    from mbo_vc.display import clipped

    assert clipped("Tiếng Việt, שָׁלוֹם") == "Tiếng Việt, שָׁלוֹם"  # (left as they are)
    calm = clipped(ZALGO)
    assert calm.startswith("G\u0301\u0300\u0302\u0303\u200d\\u0301\\u0300") and len(calm) < 3000
    assert clipped("a" + "\U0001e016" * 6) == "a" + "\U0001e016" * 4 + "\\ud838\\udc16" * 2


def _shot(tmp_path: Path, name: str, titel: str) -> Image.Image:
    doc = _tampered(_microcredential(titel=titel))
    doc["credentialSubject"]["achievement"]["name"] = titel
    page = tmp_path / f"{name}.html"
    page.write_text(render_html(_report(doc)), encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    _browser(
        page,
        f"--screenshot={shot}",
        "--window-size=900,900",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=3000",
    )
    with Image.open(shot) as im:
        return im.convert("RGB")


def test_nothing_of_the_credential_draws_over_the_verdict_or_off_the_paper(
    chromium: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import ImageChops

    import mbo_vc.display

    monkeypatch.setattr(mbo_vc.display, "MAX_MARKS", 10_000)  # the page's own layout holds too
    plain = _shot(tmp_path, "plain", "Tillen")
    hostile_page = _shot(tmp_path, "zalgo", TALL * 3 + " " + "W" * 1500)
    top = (0, 0, 900, 245)  # the verdict and the margin around it
    assert ImageChops.difference(plain.crop(top), hostile_page.crop(top)).getbbox() is None
    right = hostile_page.crop((862, 245, 900, 900))  # the margin right of the paper
    other = [y for y in range(right.height) if right.getpixel((19, y)) != (0xEE, 0xF1, 0xF4)]
    assert right.getcolors() == [(38 * 655, (0xEE, 0xF1, 0xF4))], (right.getcolors(8), other[:3])
