"""Demo step "for people": each waardepapier's verification report (text, JSON, HTML), its
rendering (HTML, PDF, PNG) and a baked badge (PNG and SVG) that unbakes and verifies.

On the base install (without the extra ``mbo_vc[render]``) the PDF and PNG renderings are
skipped, with one line saying how to get them; every other step runs."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from mbo_vc.baking import bake_png, bake_svg, unbake
from mbo_vc.errors import RenderUnavailableError
from mbo_vc.render import render, render_html
from mbo_vc.report import build_report
from mbo_vc.result import VerificationResult
from mbo_vc.verification import RequiredSigner

__all__ = ["people_demo"]

_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    'viewBox="0 0 120 120" width="120" height="120"><circle cx="60" cy="60" r="56" '
    'fill="#1d3557"/><text x="60" y="68" font-size="22" fill="#fff" text-anchor="middle">mbo</text>'
    "</svg>\n"
)


def _badge_png() -> bytes:
    image = Image.new("RGB", (120, 120), "white")
    ImageDraw.Draw(image).ellipse((4, 4, 116, 116), fill="#1d3557")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def people_demo(
    out: Path,
    papers: dict[str, dict[str, Any]],
    check: Callable[[str, Any], VerificationResult],
    signers: dict[str, tuple[RequiredSigner, ...]],
) -> bool:
    """Write the reports, renderings and baked badges to ``out``; True when all behaved."""
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    skipped: dict[str, str] = {}  # renderings the installed extras cannot make, and why
    for kind, doc in papers.items():
        result = check(kind, doc)
        report = build_report(result, signers=signers.get(kind, ()))
        (out / f"{kind}.report.txt").write_text(
            report.to_text("nl") + "\n\n" + report.to_text("en") + "\n", encoding="utf-8"
        )
        (out / f"{kind}.report.json").write_text(
            json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out / f"{kind}.report.html").write_text(render_html(report, mode="report"), "utf-8")
        took = []
        for suffix in ("html", "pdf", "png"):
            if suffix in skipped:
                continue
            start = time.perf_counter()
            try:
                render(report, out / f"{kind}.{suffix}")
            except RenderUnavailableError as exc:  # the base install: no PDF/PNG extra
                skipped[suffix] = exc.message
                continue
            took.append(f"{suffix} {(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"{kind:<16} verified={report.verified}; report + {', '.join(took)}")
        ok &= report.verified
    for suffix, reason in skipped.items():
        print(f"skipped: the {suffix.upper()} renderings ({reason})")
    diploma = json.dumps(papers["mbo-diploma"], ensure_ascii=False)
    for name, baked in (
        ("mbo-diploma.baked.png", bake_png(diploma, _badge_png())),
        ("mbo-diploma.baked.svg", bake_svg(diploma, _SVG.encode("utf-8"))),
    ):
        (out / name).write_bytes(baked)
        again = check("mbo-diploma", unbake(baked).text)
        print(f"{name}: unbaked and verified={again.verified}")
        ok &= again.verified
    print(f"  try: mbo-vc verify {out / 'mbo-diploma.baked.png'} --no-status")
    return ok
