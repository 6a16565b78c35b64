"""Showing a credential's strings to people: every character that could steer a terminal or
reorder text made visible, never dropped.

A credential is written by someone else. A name holding ``ESC [2K`` (erase the line), a carriage
return (back to column 0) or a right-to-left override (U+202E) could repaint "NIET GELDIG" as
"GELDIG" on a terminal, or reorder a line of an HTML page. :func:`shown` turns each such
character into a visible ``\\uXXXX`` escape: the C0 controls (U+0000 to U+001F), DEL, the C1
controls (U+0080 to U+009F), the bidi marks (U+200E, U+200F, U+061C), embeddings and overrides
(U+202A to U+202E) and isolates (U+2066 to U+2069), and the line and paragraph separators (U+2028,
U+2029). Letters of right-to-left scripts are left alone (an Arabic name stays readable; HTML
isolates each value with ``<bdi>``). The escape is JSON's, so :func:`shown_lines` applied to a
JSON text gives the same JSON value: programs lose nothing. :func:`clipped` also bounds what a
person is shown: a value longer than :data:`SHOWN_LIMIT` characters is cut, with a visible marker
that says how many characters were left out (a 1 MB name cannot bury the page), and a run of
more than :data:`MAX_MARKS` combining marks on one letter shows the rest as escapes (stacked
"zalgo" marks cannot draw over the lines above, the verdict's).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TextIO

__all__ = ["MAX_MARKS", "SHOWN_LIMIT", "UNSAFE", "SafeStream", "clipped", "shown", "shown_lines"]

UNSAFE: frozenset[int] = frozenset(
    [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)  # fmt: skip
"""The code points :func:`shown` escapes."""

_ONE_LINE = {cp: f"\\u{cp:04x}" for cp in UNSAFE}
_LINES = {cp: esc for cp, esc in _ONE_LINE.items() if cp not in (0x09, 0x0A, 0x0D)}
_LONE_CR = re.compile(r"\r(?!\n)")


def shown(text: Any) -> str:
    """``text`` as one line that is safe to show: every character of :data:`UNSAFE` (a newline
    and a tab too) as a visible ``\\uXXXX`` escape."""
    return (text if isinstance(text, str) else str(text)).translate(_ONE_LINE)


SHOWN_LIMIT = 2000
"""How many characters of one value a rendering shows (the rest is cut, visibly)."""

MAX_MARKS = 4
"""How many combining marks in a row :func:`clipped` leaves as they are (Vietnamese stacks two,
pointed Hebrew with cantillation up to four)."""

_LEFT_OUT = {"nl": "tekens", "en": "characters", None: "tekens · characters"}


def clipped(text: Any, limit: int = SHOWN_LIMIT, lang: str | None = None) -> str:
    """:func:`shown` of ``text``, cut after ``limit`` characters with a visible marker
    (``… [+N tekens]``, in ``lang``: ``nl``, ``en``, or None for both) naming how many
    characters were left out."""
    text = text if isinstance(text, str) else str(text)
    if len(text) <= limit:
        return shown(_calm(text))
    words = _LEFT_OUT.get(lang, _LEFT_OUT[None])
    return f"{shown(_calm(text[:limit]))}… [+{len(text) - limit} {words}]"


def _calm(text: str) -> str:
    """``text`` with each combining mark after the first :data:`MAX_MARKS` of a run as an
    escape (JSON's: a surrogate pair beyond the BMP)."""
    if text.isascii():
        return text
    out, run = [], 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > MAX_MARKS:
                cp = ord(ch)
                if cp > 0xFFFF:
                    cp -= 0x10000
                    out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
                else:
                    out.append(f"\\u{cp:04x}")
                continue
        elif unicodedata.category(ch) != "Cf":  # (a joiner between marks does not end the run)
            run = 0
        out.append(ch)
    return "".join(out)


def shown_lines(text: Any) -> str:
    """``text`` safe to show, keeping its line breaks and tabs (our own layout): every other
    character of :data:`UNSAFE` escaped, a carriage return too unless it ends a line (CR LF)."""
    out = (text if isinstance(text, str) else str(text)).translate(_LINES)
    return _LONE_CR.sub(r"\\u000d", out) if "\r" in out else out


class SafeStream:
    """A text stream that writes everything through :func:`shown_lines` (the command line's
    stdout and stderr): whatever reaches a terminal cannot steer it. ``raw`` is the stream
    underneath, for our own control characters (a progress bar's carriage return)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        """Write ``text``, made safe."""
        self.raw.write(shown_lines(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line, made safe."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer, …
        return getattr(self.raw, name)
