"""Open Badges 3.0 baking (OBv3 §5.3): PNG iTXt ``openbadgecredential`` and SVG
``<openbadges:credential>``; round trips, another implementation's images, hostile images."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from mbo_vc import Ed25519Key
from mbo_vc.baking import bake, bake_png, bake_svg, unbake, unbake_png, unbake_svg
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import (
    BakedTooLargeError,
    BakingError,
    ImageAlreadyBakedError,
    ImageNotBakedError,
    MultipleBakedCredentialsError,
)
from mbo_vc.jose import secure_jwt
from mbo_vc.limits import Limits
from mbo_vc.mbo import issue
from mbo_vc.verification import verify
from tests.helpers import load_vector

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">' \
      b'<rect width="8" height="8"/></svg>'  # fmt: skip


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 80, 160)).save(out, "PNG")
    return out.getvalue()


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _itxt(text: bytes, keyword: bytes = b"openbadgecredential", flag: int = 0) -> bytes:
    return _chunk(b"iTXt", keyword + b"\0" + bytes([flag, 0]) + b"\0\0" + text)


def _insert(png: bytes, *chunks: bytes) -> bytes:
    return png[:33] + b"".join(chunks) + png[33:]  # after the 8-byte signature + IHDR (25)


@pytest.fixture(scope="module")
def signed() -> dict:
    key = Ed25519Key.generate()  # a diploma carries both signers (the mbo rules of `verify`)
    return issue(example_waardepapieren(key.did)["mbo-diploma"], key,
                 examencommissie=Ed25519Key.generate())  # fmt: skip


@pytest.mark.parametrize("image", ["png", "svg"])
def test_bake_unbake_verify_round_trip(signed: dict, image: str, tmp_path: Path) -> None:
    picture = _png() if image == "png" else SVG
    baked = bake(signed, picture)
    got = unbake(baked)
    assert got.image == image and got.encoding == "json"
    assert json.loads(got.text) == signed
    assert verify(got.text).verified
    # the CLI shapes: bake CRED --image IMG --out OUT; unbake IMG -o OUT; verify BAKED
    cred, img, out = tmp_path / "c.json", tmp_path / f"i.{image}", tmp_path / f"b.{image}"
    cred.write_text(json.dumps(signed), encoding="utf-8")
    img.write_bytes(picture)
    assert main(["bake", str(cred), "--image", str(img), "--out", str(out)]) == 0
    assert main(["unbake", str(out), "-o", str(tmp_path / "u.json")]) == 0
    assert json.loads((tmp_path / "u.json").read_text(encoding="utf-8")) == signed
    assert main(["verify", str(out), "--no-status"]) == 0
    assert main(["bake", str(cred), "--image", str(out), "--out", str(tmp_path / "x")]) == 2


def test_png_bake_keeps_every_image_byte_and_pillow_reads_the_chunk(signed: dict) -> None:
    png = _png()
    baked = bake_png(signed, png)
    assert baked.startswith(png[:33]) and baked.endswith(png[33:])
    with Image.open(io.BytesIO(baked)) as im:
        im.load()
        assert json.loads(im.text["openbadgecredential"]) == signed  # a third-party reader
        assert im.size == (16, 12)


def test_a_png_baked_by_pillow_unbakes(signed: dict) -> None:
    """Pillow's PngInfo.add_itxt is an independent iTXt writer (it re-encodes the image)."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", json.dumps(signed))
    out = io.BytesIO()
    Image.open(io.BytesIO(_png())).save(out, "PNG", pnginfo=info)
    assert json.loads(unbake_png(out.getvalue()).text) == signed


def test_the_spec_examples_of_baked_svgs_unbake() -> None:
    examples = load_vector("baking/obv3-spec-svg-examples.json")["examples"]
    jwt_svg, json_svg = (e["svg"].encode("utf-8") for e in examples)
    got = unbake_svg(jwt_svg)
    assert (got.text, got.encoding) == ("header.payload.signature", "jws")
    doc = json.loads(unbake_svg(json_svg).text)
    assert doc["id"] == "http://example.edu/credentials/3732"
    assert doc["issuer"]["name"] == "Example University" and doc["proof"] == {}
    with pytest.raises(ImageAlreadyBakedError):
        bake_svg({"a": 1}, json_svg)


def test_a_jwt_bakes_into_the_verify_attribute(signed: dict) -> None:
    key = Ed25519Key.generate()
    token = secure_jwt(example_waardepapieren(key.did)["mbo-verklaring"].to_json(), key)
    baked = bake_svg(token, SVG)
    assert f'verify="{token}"'.encode() in baked
    got = unbake(baked)
    assert got.encoding == "jws" and verify(got.text).verified
    assert unbake(bake_png(token, _png())).text == token


def test_cdata_end_in_the_credential_survives_svg_baking() -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "a ]]> <b>&amp;"}
    assert json.loads(unbake_svg(bake_svg(doc, SVG)).text) == doc
    assert json.loads(unbake_svg(bake_svg(doc, b'<svg xmlns="http://www.w3.org/2000/svg"/>'))
                      .text) == doc  # fmt: skip


def test_multiple_credentials_are_refused() -> None:
    two = _insert(_png(), _itxt(b'{"a":1}'), _itxt(b'{"b":2}'))
    with pytest.raises(MultipleBakedCredentialsError) as exc:
        unbake(two)
    assert exc.value.code == "multiple_baked_credentials"
    ns = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" {ns}><openbadges:credential verify="a.b.c"/>'
           '<g><openbadges:credential>{}</openbadges:credential></g></svg>').encode()  # fmt: skip
    with pytest.raises(MultipleBakedCredentialsError):
        unbake(svg)


@pytest.mark.parametrize(
    "body",
    ['{"a":1}', '<![CDATA[{"a":1}]]>', "<x>x.y.z</x>"],
    ids=["json", "cdata", "child-element"],
)
def test_an_svg_credential_with_a_verify_jwt_and_a_body_is_two_credentials(body: str) -> None:
    """One element carrying a ``verify=`` JWT and a JSON body holds two credentials, like two
    iTXt chunks; reading either one silently would let the other go unseen (issue 20, item 12)."""
    ns = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
    element = f'<openbadges:credential verify="a.b.c">{body}</openbadges:credential>'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {ns}>{element}</svg>'.encode()
    with pytest.raises(MultipleBakedCredentialsError) as exc:
        unbake(svg)
    assert exc.value.code == "multiple_baked_credentials"
    # whitespace around the attribute-only form is not a body
    only_jwt = svg.replace(body.encode(), b"\n  ")
    assert unbake(only_jwt).text == "a.b.c"


def test_oversized_chunks_and_images_are_refused() -> None:
    small = Limits(max_document_bytes=1000, max_image_bytes=5000)
    with pytest.raises(BakedTooLargeError) as exc:
        unbake(_insert(_png(), _itxt(b'{"a":"' + b"x" * 2000 + b'"}')), limits=small)
    assert exc.value.code == "baked_too_large"
    bomb = _itxt(zlib.compress(b'{"a":"' + b"x" * 10_000_000 + b'"}'), flag=1)
    with pytest.raises(BakedTooLargeError):
        unbake(_insert(_png(), bomb))  # a zlib bomb is cut off at the limit, never inflated
    with pytest.raises(BakedTooLargeError):
        unbake(_png() + b"\0" * 6000, limits=small)
    with pytest.raises(BakedTooLargeError):
        bake_png({"a": "x" * 2000}, _png(), limits=small)


@pytest.mark.parametrize(
    "image",
    [
        b"GIF89a....",
        b"\x89PNG\r\n\x1a\n",  # signature only
        b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR",  # truncated
    ],
)
def test_malformed_images_are_refused(image: bytes) -> None:
    with pytest.raises(BakingError) as exc:
        unbake(image)
    assert exc.value.code in ("image_malformed", "image_not_baked")


def test_png_structure_errors_are_typed() -> None:
    png = _png()
    bad_crc = bytearray(_insert(png, _itxt(b'{"a":1}')))
    bad_crc[40] ^= 0xFF
    for image in (bytes(bad_crc), png + b"trailing", png[:-12], png[:8] + png[33:]):
        with pytest.raises(BakingError) as exc:
            unbake(image)
        assert exc.value.code == "image_malformed"
    with pytest.raises(BakingError):
        unbake(_insert(png, _itxt(b"\xff\xfe not utf-8")))
    with pytest.raises(BakingError):  # bake checks the image with Pillow too
        bake_png({"a": 1}, png[:8] + png[8:33] + _chunk(b"IDAT", b"not zlib") + png[-12:])


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',  # billion laughs
        b'<!DOCTYPE svg SYSTEM "http://example.org/evil.dtd"><svg/>',  # external DTD
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',  # XXE
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        b"<html><body/></html>",
    ],
)
def test_hostile_svgs_are_refused(svg: bytes) -> None:
    with pytest.raises(BakingError) as exc:
        unbake(svg)
    assert exc.value.code == "image_malformed"


def test_images_without_an_obv3_credential() -> None:
    with pytest.raises(ImageNotBakedError, match="Open Badges 2"):
        unbake(_insert(_png(), _itxt(b"{}", keyword=b"openbadges")))
    with pytest.raises(ImageNotBakedError):
        unbake(SVG)
    with pytest.raises(BakingError):
        bake("neither json nor a jws", _png())
    with pytest.raises(BakingError):
        bake(b"\xff", SVG)


def test_cli_reports_a_bad_image_as_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.png"
    path.write_bytes(_insert(_png(), _itxt(b"{}"), _itxt(b"{}")))
    assert main(["verify", str(path)]) == 2
    assert "multiple_baked_credentials" in capsys.readouterr().err
