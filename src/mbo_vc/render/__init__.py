"""The waardepapier as a person expects to see it, and the verification report as a page.

:func:`render_html` (Jinja2, autoescaped) writes one self-contained HTML page: no script, no
remote resource (a strict Content-Security-Policy ``<meta>`` allows only the page's own style,
by its hash, and ``data:`` images), every credential value escaped, its control and bidi
characters shown as escapes (:func:`mbo_vc.display.shown`) and isolated (``<bdi>``). The paper
shows Dutch with English beside it; the report page (``mode="report"``) is in one language, with
its technical part folded away at the end. :func:`render_pdf` lays out
the same content with reportlab (its bundled Bitstream Vera font; every value escaped for
reportlab's paragraph markup), and :func:`render_png` rasterises that PDF's first page with
pypdfium2, so the PDF and the PNG show the same page. Each shows the verdict and a QR code
(segno) holding the credential's ``id`` as signed (see :data:`QR_WHAT` for why not a link, and
:func:`qr_payload` for an id that is not a ``urn:uuid:`` or DID). Every value is cut, visibly,
after :data:`~mbo_vc.display.SHOWN_LIMIT` characters; the page's and the PDF's title begin with
the verdict.
Jinja2 and segno come with the base install (the HTML report is what a verifier reads);
reportlab and pypdfium2 are the optional extra ``mbo_vc[render]``: without it :func:`render_pdf`
and :func:`render_png` raise :class:`~mbo_vc.errors.RenderUnavailableError`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from mbo_vc.display import clipped
from mbo_vc.errors import RenderUnavailableError, UsageError
from mbo_vc.report import VerificationReport
from mbo_vc.report.texts import Text

__all__ = ["QR_WHAT", "qr_payload", "render", "render_html", "render_pdf", "render_png"]

QR_WHAT = Text(
    "het id van het document, zoals ondertekend (geen link: mbo_vc werkt zonder server, en een "
    "link naar een website kan worden nagemaakt; controleer het bestand zelf met mbo-vc verify)",
    "the document's id as signed (not a link: mbo_vc needs no server, and a link to a website "
    "can be faked; verify the file itself with mbo-vc verify)",
)
"""What the QR code holds, and why: the credential's ``id``. A verification link would send a
reader to a website (that the paper cannot vouch for and that could be spoofed) and needs a
service the school may not run; the whole credential does not fit in a QR code (several kB).
The id lets a verifier match this paper to the credential file the holder presents."""

_QR_AS_IS = re.compile(
    r"urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}"
)
_QR_TEXT = "mbo_vc id "
"""What precedes any other id in the QR code: a phone's scanner then reads text, not a link to
open (``mbo_vc`` cannot begin a URI: a scheme has no underscore)."""


def _need(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise RenderUnavailableError(
            f"this rendering needs {module!r}: pip install 'mbo_vc[render]'"
        ) from None


def qr_payload(report: VerificationReport) -> str:
    """What the QR code holds: the credential's id as signed (see :data:`QR_WHAT`) when it is a
    ``urn:uuid:`` (as mbo_vc issues) or a DID; any other id (a web address, a ``javascript:``
    URL: the credential's choice) as text behind ``mbo_vc id``, so that no scanner offers to open
    it, with its control characters as escapes and cut after 200 characters."""
    cid = report.credential_id
    if not cid:
        return "(no id)"
    if _QR_AS_IS.fullmatch(cid):
        return cid
    return _QR_TEXT + clipped(cid, 200)


def _qr(report: VerificationReport, kind: Literal["svg", "png"]) -> bytes:
    segno = _need("segno")
    code = segno.make(qr_payload(report), error="m")
    out = io.BytesIO()
    code.save(out, kind=kind, scale=6 if kind == "png" else 4, border=2)
    return out.getvalue()


def _data_uri(media: str, data: bytes) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def _kind_label(report: VerificationReport, lang: str | None = None) -> str:
    for fact in report.certifies:
        if fact.key == "soort":
            return fact.get(lang) if lang else fact.value
    return "Verifiable Credential"


def _name(report: VerificationReport) -> str | None:
    for fact in report.subject:
        if fact.key == "naam":
            return fact.value
    return None


_LABELS = {
    "reason": Text("Reden", "Reason"),
    "awarded": Text("Uitgereikt aan", "Awarded to"),
    "results": Text("Resultaten", "Results"),
    "component": Text("Onderdeel", "Component"),
    "result": Text("Resultaat", "Result"),
    "passed": Text("behaald", "passed"),
    "not_passed": Text("niet behaald", "not passed"),
    "signed_by": Text("Ondertekend door", "Signed by"),
    "sig_ok": Text("handtekening klopt", "signature verifies"),
    "sig_bad": Text("handtekening klopt NIET", "signature does NOT verify"),
    "verification": Text("Controle", "Verification"),
    "issuer": Text("Uitgever", "Issuer"),
    "qr_holds": Text("De QR-code bevat", "The QR code holds"),
}


class _Ours(str):
    """A string mbo_vc made or checked (the QR code's and the badge's ``data:`` URI, the CSP):
    still escaped by the template, but neither clipped nor re-shown."""


def _finalizer(lang: str | None) -> Any:
    def finalize(value: Any) -> Any:
        """Every value the template prints: a string from the report (the credential's) shown
        with its control and bidi characters as escapes and cut, visibly, after
        :data:`~mbo_vc.display.SHOWN_LIMIT` characters; our own markup (``Markup``) as it is."""
        if (
            isinstance(value, str)
            and not isinstance(value, _Ours)
            and not hasattr(value, "__html__")
        ):
            return clipped(value, lang=lang)
        return value

    return finalize


def render_html(
    report: VerificationReport,
    *,
    mode: Literal["paper", "report"] = "paper",
    lang: Literal["nl", "en"] | None = None,
) -> str:
    """One self-contained HTML page: the waardepapier with its verdict and QR code
    (``paper``: Dutch with English beside it, unless ``lang`` names one), or the verification
    report (``report``: in ``lang`` only, Dutch by default, with its technical part)."""
    if mode == "report" and lang is None:
        lang = "nl"
    env = _environment(lang)
    css = _template("page.css")
    style_hash = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    csp = (
        "default-src 'none'; img-src data:; style-src "
        f"'sha256-{style_hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    name = _name(report)
    # the tab and bookmark say the verdict before anything the credential says
    title = " — ".join(x for x in (_verdict_word(report, lang or "nl"), report.title, name) if x)
    return str(
        env.get_template("page.html.j2").render(
            r=report, mode=mode, css=css, csp=_Ours(csp), page_title=title, name=name,
            image=_Ours(report.image) if report.image else None,
            kind_label=_kind_label(report, lang),
            qr=_Ours(_data_uri("image/svg+xml", _qr(report, "svg"))),
            qr_text=qr_payload(report), qr_what=QR_WHAT, lang=lang, L=_LABELS,
            technical=report.technical_lines(lang or "nl"),
        )
    )  # fmt: skip


@functools.cache
def _environment(lang: str | None) -> Any:
    """The Jinja2 environment for a page in ``lang`` (made once each: it compiles and keeps the
    page template)."""
    jinja2 = _need("jinja2")
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_template), autoescape=True,
        undefined=jinja2.StrictUndefined, finalize=_finalizer(lang),
    )  # fmt: skip


def _verdict_word(report: VerificationReport, lang: str) -> str:
    """The verdict's first words: GELDIG, NIET GELDIG (VALID, NOT VALID)."""
    return report.verdict.get(lang).split(":", 1)[0]


@functools.cache
def _template(name: str) -> str:
    return resources.files("mbo_vc.render").joinpath("templates", name).read_text("utf-8")


def render_pdf(report: VerificationReport) -> bytes:
    """The waardepapier as a one-page A4 PDF (reportlab), with verdict, signers, checks, QR."""
    _need("reportlab")
    from mbo_vc.render.pdf import build_pdf

    return build_pdf(report, _qr(report, "png"), QR_WHAT, qr_payload(report))


def render_png(report: VerificationReport, *, scale: float = 1.5) -> bytes:
    """The PDF's first page as a PNG (pypdfium2 renders it; ``scale`` 1 = 72 dpi)."""
    pdfium = _need("pypdfium2")
    pdf = pdfium.PdfDocument(render_pdf(report))
    try:
        image = pdf[0].render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        pdf.close()


def render(report: VerificationReport, out: Path | str) -> Path:
    """Write the waardepapier to ``out``; the format follows the suffix (.html, .pdf, .png)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(render_html(report), encoding="utf-8")
    elif suffix == ".pdf":
        path.write_bytes(render_pdf(report))
    elif suffix == ".png":
        path.write_bytes(render_png(report))
    else:
        raise UsageError(f"cannot render to {path.name}: use .html, .pdf or .png")
    return path
