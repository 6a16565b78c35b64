"""The waardepapier as a PDF page, laid out with reportlab's Platypus.

reportlab's paragraphs read a small markup (``<b>``, ``<font>``, ``<img src=…>``, ``<a>``): every
credential value is escaped before it reaches one, so a name cannot add markup, an image or a
link, and its control and bidi characters are shown as escapes (:func:`mbo_vc.display.shown`);
a value longer than 1500 characters is cut with a visible marker. The document's title (a
viewer's title bar) begins with the verdict.
The font is Bitstream Vera, which ships inside reportlab (Latin, Latin Extended-A, €).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mbo_vc.display import clipped
from mbo_vc.report import VerificationReport
from mbo_vc.report.texts import Text

__all__ = ["build_pdf"]

_FONT, _BOLD = "MboVera", "MboVeraBd"
_GREEN, _RED, _INK = (
    colors.HexColor("#2d6a4f"),
    colors.HexColor("#9d0208"),
    colors.HexColor("#1d3557"),
)


def _fonts() -> None:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(_BOLD, "VeraBd.ttf"))


def _style(size: float, *, bold: bool = False, color: colors.Color = colors.black,
           align: int = 0, leading: float | None = None) -> ParagraphStyle:  # fmt: skip
    return ParagraphStyle(
        f"s{size}{bold}{align}", fontName=_BOLD if bold else _FONT, fontSize=size,
        leading=leading or size * 1.25, textColor=color, alignment=align,
    )  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(clipped(text, 1500)), style)


def _bi(t: Text, style: ParagraphStyle) -> Paragraph:
    return _p(f"{t.nl} · {t.en}", style)


def build_pdf(report: VerificationReport, qr_png: bytes, qr_what: Text, qr_text: str) -> bytes:
    """One A4 page (more when the results are long): verdict, the paper, signers, checks, QR."""
    _fonts()
    small, body = _style(7.5), _style(9)
    ok = report.verified
    story: list = []
    qr = Image(io.BytesIO(qr_png), width=26 * mm, height=26 * mm)
    verdict = Table(
        [
            [
                [
                    _p(report.verdict.nl, _style(11, bold=True)),
                    _p(report.verdict.en, body),
                    *[_p(f"{t.nl} · {t.en}", body) for t in report.reasons],
                ],
                qr,
            ]
        ],
        colWidths=[144 * mm, 30 * mm],
    )
    verdict.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#d8f3dc" if ok else "#ffd6d6")),
        ("BOX", (0, 0), (0, 0), 1.5, _GREEN if ok else _RED),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))  # fmt: skip
    story += [verdict, Spacer(1, 4 * mm)]
    kind = next((f.value for f in report.certifies if f.key == "soort"), "Verifiable Credential")
    name = next((f.value for f in report.subject if f.key == "naam"), None)
    story.append(_p(kind.upper(), _style(9, color=_INK, align=1)))
    story.append(_p(report.title or "—", _style(18, bold=True, align=1, leading=22)))
    if name:
        story.append(_p("Uitgereikt aan · Awarded to", _style(8, align=1, color=colors.grey)))
        story.append(_p(name, _style(15, bold=True, align=1, leading=19)))
    story.append(Spacer(1, 4 * mm))
    rows = [[_bi(f.label, small), _p(f.value, body)] for f in report.certifies + report.dates]
    if rows:
        facts = Table(rows, colWidths=[62 * mm, 112 * mm])
        facts.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))  # fmt: skip
        story.append(facts)
    if report.results:
        story += [Spacer(1, 3 * mm), _p("Resultaten · Results", _style(10, bold=True, color=_INK))]
        res = [[_p(r.naam, body), _p(r.code, small),
                _p(r.waarde or ("behaald" if r.behaald else "niet behaald"), body)]
               for r in report.results]  # fmt: skip
        table = Table(res, colWidths=[110 * mm, 28 * mm, 36 * mm])
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
        story.append(table)
    story += [
        Spacer(1, 3 * mm),
        _p("Ondertekend door · Signed by", _style(10, bold=True, color=_INK)),
    ]
    for s in report.signers:
        state = ("handtekening klopt · signature verifies" if s.verified
                 else "handtekening klopt NIET · signature does NOT verify")  # fmt: skip
        story.append(_p(f"{s.role.nl} · {s.role.en}: {s.controller or s.verification_method} "
                        f"({s.cryptosuite}, {s.created or '—'}) — {state}",
                        _style(7.5, color=_GREEN if s.verified else _RED)))  # fmt: skip
    if report.issuer is not None:
        story += [Spacer(1, 2 * mm), _p(f"Uitgever · Issuer: {report.issuer.text.nl}", small),
                  _p(report.issuer.text.en, small)]  # fmt: skip
    story += [Spacer(1, 3 * mm), _p("Controle · Verification", _style(10, bold=True, color=_INK))]
    mark = {"pass": "ok", "fail": "X", "warning": "!"}  # Vera has no check-mark glyphs
    shade = {"pass": _GREEN, "fail": _RED, "warning": colors.HexColor("#b36b00")}
    checks = [[_p(mark[c.outcome], _style(9, bold=True, color=shade[c.outcome])),
               _bi(c.title, small), _p(f"{c.text.nl} / {c.text.en}", small)]
              for c in report.checks]  # fmt: skip
    if checks:
        story.append(Table(checks, colWidths=[11 * mm, 46 * mm, 117 * mm]))
    note = f"QR: {qr_text}. De QR-code bevat {qr_what.nl}. The QR code holds {qr_what.en}."
    story += [Spacer(1, 3 * mm), _p(note, _style(6.5, color=colors.grey))]
    verdict_word = report.verdict.nl.split(":", 1)[0]  # (the viewer's title bar: verdict first)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=14 * mm,
        bottomMargin=14 * mm, title=clipped(f"{verdict_word} — {report.title or 'waardepapier'}",
                                            200), author="mbo_vc",
        invariant=1,
    )  # fmt: skip
    doc.build(story)
    return out.getvalue()
