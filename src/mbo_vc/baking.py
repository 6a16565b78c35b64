"""Open Badges 3.0 baking (OBv3 §5.3 "Baked Badge"): a credential carried inside its image.

PNG: one ``iTXt`` chunk with keyword ``openbadgecredential``, uncompressed, whose text is the
credential's JSON (embedded proof) or its compact JWS (VC-JWT). SVG: one
``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) directly
after the ``<svg>`` start tag, holding the JSON in CDATA or the JWS in its ``verify`` attribute.

Baking inserts the chunk or element and leaves every other byte of the image as it was (Pillow
could only write a text chunk by re-encoding the whole image); Pillow checks that a PNG is one
before baking. Unbaking is strict and bounded: the image and the credential have size limits,
every chunk's CRC is checked, an SVG with a DTD or entity declaration is refused (defusedxml),
and an image with more than one credential is refused (the spec allows exactly one). Every
refusal is a typed :class:`~mbo_vc.errors.BakingError`.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Literal
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from mbo_vc.errors import (
    BakedTooLargeError,
    BakingError,
    ImageAlreadyBakedError,
    ImageNotBakedError,
    LimitExceededError,
    MboVcError,
    MultipleBakedCredentialsError,
)
from mbo_vc.json_input import parse_json
from mbo_vc.jws import is_compact_jws
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "OB3_SVG_NAMESPACE",
    "PNG_KEYWORD",
    "BakedCredential",
    "bake",
    "bake_png",
    "bake_svg",
    "credential_bytes",
    "image_kind",
    "unbake",
    "unbake_png",
    "unbake_svg",
]

PNG_KEYWORD = "openbadgecredential"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_OB2_PNG_KEYWORD = "openbadges"
_OB2_SVG_NAMESPACE = "http://openbadges.org"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHUNK_TYPE = re.compile(rb"^[A-Za-z]{4}$")
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
_SVG_TAG = f"{{{OB3_SVG_NAMESPACE}}}credential"

_MAX_PIXELS = 50_000_000

ImageKind = Literal["png", "svg"]


@dataclass(frozen=True)
class BakedCredential:
    """What an image carries: the credential's text (JSON or compact JWS) and where it was."""

    text: str
    image: ImageKind
    encoding: Literal["json", "jws"]


def image_kind(data: bytes) -> ImageKind | None:
    """``png`` or ``svg`` when ``data`` starts like one (XML markup counts as SVG), else None."""
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if _SVG_START.match(data[:1024]):
        return "svg"
    return None


def _credential_text(credential: str | bytes | dict[str, Any], limits: Limits) -> str:
    """The text to bake: a JSON object (kept as given, checked strictly) or a compact JWS."""
    if isinstance(credential, dict):
        text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    elif isinstance(credential, bytes):
        try:
            text = credential.decode("utf-8")
        except UnicodeDecodeError:
            raise BakingError("the credential to bake is not UTF-8") from None
    else:
        text = credential
    text = text.strip()
    if len(text.encode("utf-8")) > limits.max_document_bytes:
        raise BakedTooLargeError(f"the credential is larger than {limits.max_document_bytes} bytes")
    if is_compact_jws(text):
        return text
    try:
        parse_json(text, limits=limits)
    except MboVcError as exc:
        raise BakingError(
            f"the credential to bake is neither JSON nor a JWS: {exc.message}"
        ) from None
    return text


def _encoding(text: str) -> Literal["json", "jws"]:
    return "jws" if is_compact_jws(text) else "json"


# --- PNG ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes
    start: int
    """Offset of the chunk's length field in the image."""


def _chunks(data: bytes, limits: Limits) -> list[_Chunk]:
    """Every chunk of a PNG, each CRC checked; IHDR first, IEND last, nothing after it."""
    if len(data) > limits.max_image_bytes:
        raise BakedTooLargeError(f"the image is larger than {limits.max_image_bytes} bytes")
    if not data.startswith(_PNG_SIGNATURE):
        raise BakingError("not a PNG image (no PNG signature)")
    out: list[_Chunk] = []
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise BakingError(f"the PNG ends inside a chunk header at byte {pos}")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        if length > 0x7FFFFFFF or not _CHUNK_TYPE.match(ctype):
            raise BakingError(f"malformed PNG chunk at byte {pos}")
        end = pos + 12 + length
        if end > len(data):
            raise BakingError(f"the PNG chunk {ctype!r} at byte {pos} runs past the end")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(ctype + body) != crc:
            raise BakingError(f"the PNG chunk {ctype!r} at byte {pos} has a wrong CRC")
        out.append(_Chunk(ctype, body, pos))
        pos = end
        if ctype == b"IEND":
            break
    if not out or out[0].type != b"IHDR":
        raise BakingError("the PNG does not start with an IHDR chunk")
    if out[-1].type != b"IEND" or pos != len(data):
        raise BakingError("the PNG does not end with its IEND chunk")
    return out


def _itxt(chunk: _Chunk, limits: Limits) -> tuple[str, str]:
    """An iTXt chunk's keyword and text (decompressed within the size limit if compressed)."""
    body = chunk.data
    nul = body.find(b"\0")
    if not 1 <= nul <= 79 or len(body) < nul + 3:
        raise BakingError(f"malformed iTXt chunk at byte {chunk.start}")
    keyword = body[:nul].decode("latin-1")
    flag, method = body[nul + 1], body[nul + 2]
    rest = body[nul + 3 :]
    lang_end = rest.find(b"\0")
    trans_end = rest.find(b"\0", lang_end + 1) if lang_end >= 0 else -1
    if lang_end < 0 or trans_end < 0 or flag not in (0, 1):
        raise BakingError(f"malformed iTXt chunk at byte {chunk.start}")
    raw = rest[trans_end + 1 :]
    if flag == 1:  # the spec says MUST NOT compress; read it anyway, within the limit
        if method != 0:
            raise BakingError(f"iTXt chunk at byte {chunk.start}: unknown compression method")
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(raw, limits.max_document_bytes + 1)
        except zlib.error:
            raise BakingError(f"iTXt chunk at byte {chunk.start}: bad zlib data") from None
        if len(raw) > limits.max_document_bytes or inflater.unconsumed_tail:
            raise BakedTooLargeError(
                f"the baked credential is larger than {limits.max_document_bytes} bytes"
            )
    try:
        return keyword, raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError(f"iTXt chunk at byte {chunk.start}: the text is not UTF-8") from None


def _png_credentials(chunks: list[_Chunk], limits: Limits) -> tuple[list[str], bool]:
    """The texts of the ``openbadgecredential`` chunks, and whether an OB 2.0 one is present."""
    found: list[str] = []
    ob2 = False
    for chunk in chunks:
        if chunk.type != b"iTXt":
            continue
        if len(chunk.data) > limits.max_document_bytes + 200 and chunk.data.startswith(
            PNG_KEYWORD.encode() + b"\0"
        ):
            raise BakedTooLargeError(
                f"the baked credential is larger than {limits.max_document_bytes} bytes"
            )
        if not chunk.data.startswith((PNG_KEYWORD.encode() + b"\0", b"openbadges\0")):
            continue
        keyword, text = _itxt(chunk, limits)
        if keyword == PNG_KEYWORD:
            found.append(text)
        elif keyword == _OB2_PNG_KEYWORD:
            ob2 = True
    return found, ob2


def _check_png_with_pillow(data: bytes) -> None:
    """Pillow (a well-kept PNG reader) must decode the image too (at most 50 megapixels)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as im:
            if im.size[0] * im.size[1] > _MAX_PIXELS:
                raise BakedTooLargeError(f"the image has more than {_MAX_PIXELS} pixels")
            im.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise BakingError("Pillow does not read the image as a PNG") from None


def unbake_png(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> BakedCredential:
    """The credential baked into a PNG; refuses a malformed PNG, none or several credentials."""
    chunks = _chunks(data, limits)
    found, ob2 = _png_credentials(chunks, limits)
    if len(found) > 1:
        raise MultipleBakedCredentialsError(
            f"the PNG has {len(found)} iTXt chunks with keyword {PNG_KEYWORD!r}; OBv3 allows one"
        )
    if not found:
        extra = " (it has an Open Badges 2.0 'openbadges' chunk)" if ob2 else ""
        raise ImageNotBakedError(f"the PNG has no iTXt chunk {PNG_KEYWORD!r}{extra}")
    text = found[0].strip()
    if len(text.encode("utf-8")) > limits.max_document_bytes:
        raise BakedTooLargeError(
            f"the baked credential is larger than {limits.max_document_bytes} bytes"
        )
    return BakedCredential(text, "png", _encoding(text))


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def bake_png(
    credential: str | bytes | dict[str, Any], image: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """``image`` with the credential in an uncompressed iTXt chunk right after IHDR."""
    text = _credential_text(credential, limits)
    chunks = _chunks(image, limits)
    _check_png_with_pillow(image)
    found, _ = _png_credentials(chunks, limits)
    if found:
        raise ImageAlreadyBakedError(f"the PNG already has an iTXt chunk {PNG_KEYWORD!r}")
    body = PNG_KEYWORD.encode("latin-1") + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    after_ihdr = chunks[1].start
    return image[:after_ihdr] + _png_chunk(b"iTXt", body) + image[after_ihdr:]


# --- SVG ------------------------------------------------------------------------------------


def _parse_svg(data: bytes, limits: Limits) -> Element:
    """The SVG's element tree, parsed by defusedxml: no DTD, no entities, no external refs."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(data) > limits.max_image_bytes:
        raise BakedTooLargeError(f"the image is larger than {limits.max_image_bytes} bytes")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BakingError(f"the SVG is refused: {type(exc).__name__} (DTDs and entities are "
                          "not allowed)") from None  # fmt: skip
    except (ParseError, ValueError) as exc:
        raise BakingError(f"the SVG is not well-formed XML: {str(exc)[:120]}") from None
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        raise BakingError("the image is XML but its root element is not <svg>")
    return root


def unbake_svg(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> BakedCredential:
    """The credential baked into an SVG (its one ``<openbadges:credential>`` element)."""
    root = _parse_svg(data, limits)
    found = list(root.iter(_SVG_TAG))
    if len(found) > 1:
        raise MultipleBakedCredentialsError(
            f"the SVG has {len(found)} <openbadges:credential> elements; OBv3 allows one"
        )
    if not found:
        ob2 = any(True for _ in root.iter(f"{{{_OB2_SVG_NAMESPACE}}}assertion"))
        extra = " (it has an Open Badges 2.0 <openbadges:assertion>)" if ob2 else ""
        raise ImageNotBakedError(f"the SVG has no <openbadges:credential> element{extra}")
    element = found[0]
    verify_attr = element.get("verify")
    body = "".join(element.itertext()).strip()
    if verify_attr is not None and body:
        raise MultipleBakedCredentialsError(
            "the SVG's <openbadges:credential> carries both a verify= attribute and a body; "
            "OBv3 allows one credential"
        )
    text = (verify_attr if verify_attr is not None else body).strip()
    if not text:
        raise ImageNotBakedError("the SVG's <openbadges:credential> element is empty")
    if len(text.encode("utf-8")) > limits.max_document_bytes:
        raise BakedTooLargeError(
            f"the baked credential is larger than {limits.max_document_bytes} bytes"
        )
    return BakedCredential(text, "svg", _encoding(text))


def _root_start_tag_end(data: bytes) -> int:
    """The byte offset just after the root element's start tag (expat finds where it begins;
    run only on a document defusedxml already accepted, so it has no DTD)."""
    starts: list[int] = []
    parser = expat.ParserCreate()

    def start(_name: str, _attrs: Any) -> None:
        if not starts:
            starts.append(parser.CurrentByteIndex)

    parser.StartElementHandler = start
    parser.Parse(data, True)
    pos, quote = starts[0], b""
    while pos < len(data):
        ch = data[pos : pos + 1]
        if quote:
            quote = b"" if ch == quote else quote
        elif ch in (b'"', b"'"):
            quote = ch
        elif ch == b">":
            return pos + 1
        pos += 1
    raise BakingError("the SVG's root start tag does not end")


def bake_svg(
    credential: str | bytes | dict[str, Any], image: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """``image`` with an ``<openbadges:credential>`` element right after the ``<svg>`` tag: the
    JWS in its ``verify`` attribute, or the JSON in CDATA (OBv3 §5.3.2)."""
    text = _credential_text(credential, limits)
    root = _parse_svg(image, limits)
    if any(True for _ in root.iter(_SVG_TAG)):
        raise ImageAlreadyBakedError("the SVG already has an <openbadges:credential> element")
    end = _root_start_tag_end(image)
    head = image[:end]
    self_closing = head.rstrip(b">").rstrip().endswith(b"/")
    prefix_taken = re.search(rb"\sxmlns:openbadges\s*=\s*([\"'])(.*?)\1", head)
    if prefix_taken and prefix_taken.group(2).decode("utf-8", "replace") != OB3_SVG_NAMESPACE:
        raise BakingError("the SVG binds the prefix 'openbadges' to another namespace")
    body = head[:-2] if self_closing else head[:-1]
    if not prefix_taken:
        body += f' xmlns:openbadges="{OB3_SVG_NAMESPACE}"'.encode()
    if is_compact_jws(text):  # base64url and dots: nothing to escape in an attribute
        element = f'<openbadges:credential verify="{text}"></openbadges:credential>'
    else:
        cdata = text.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    if self_closing:  # <svg .../> has no content: it becomes <svg ...>credential</svg>
        return body + b">" + element.encode("utf-8") + b"</svg>" + image[end:]
    return body + b">" + element.encode("utf-8") + image[end:]


# --- either ---------------------------------------------------------------------------------


def unbake(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> BakedCredential:
    """The credential baked into a PNG or SVG image (picked from the bytes)."""
    kind = image_kind(data)
    if kind == "png":
        return unbake_png(data, limits=limits)
    if kind == "svg":
        return unbake_svg(data, limits=limits)
    raise BakingError("the image is neither a PNG nor an SVG")


def credential_bytes(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """What a verifier reads from a file's bytes: the credential a baked PNG/SVG carries, or
    ``data`` itself when it is no image (every entry point reads a file through this, so a
    baked badge gets the same verdict from ``mbo_vc.verify``, ``verify_many`` and
    ``mbo-vc verify``). Raises :class:`~mbo_vc.errors.BakingError` for an image that carries
    no credential (or more than one); ``limit_exceeded`` for an image larger than
    ``limits.max_image_bytes`` (what a bounded read of the file says), ``baked_too_large`` for
    a credential in it larger than ``limits.max_document_bytes``."""
    if image_kind(data) is None:
        return data
    if len(data) > limits.max_image_bytes:
        raise LimitExceededError(f"the image is larger than {limits.max_image_bytes} bytes")
    return unbake(data, limits=limits).text.encode("utf-8")


def bake(
    credential: str | bytes | dict[str, Any], image: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """Bake ``credential`` into a PNG or SVG ``image`` (picked from the bytes)."""
    kind = image_kind(image)
    if kind == "png":
        return bake_png(credential, image, limits=limits)
    if kind == "svg":
        return bake_svg(credential, image, limits=limits)
    raise BakingError("the image is neither a PNG nor an SVG")
