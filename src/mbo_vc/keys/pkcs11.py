"""Signing with a key in an HSM over PKCS#11 (python-pkcs11), named by an RFC 7512 URI.

``pkcs11:token=school;object=issuer-p256?pin-source=/run/secrets/pin&module-path=/usr/lib/softhsm/libsofthsm2.so``
names a private key object in a token; :meth:`Pkcs11Signer.open` logs in once and keeps one
session open, so each signature is one ``C_Sign`` call. The private key never enters this
process: ECDSA keys (P-256, P-384) sign the curve's hash with ``CKM_ECDSA`` (what every token
has; SoftHSM 2.6 has no ``CKM_ECDSA_SHA256``), Ed25519 keys sign the data with ``CKM_EDDSA``
(PKCS#11 3.0; SoftHSM 2.6 has it). The public key is read from the token's public key object
with the same ``id``/label.

The PIN comes from the URI's ``pin-source`` (a file) or ``pin-value``, or from the environment
variable ``MBO_VC_PKCS11_PIN``; the module from ``module-path`` or ``MBO_VC_PKCS11_MODULE``. The
PIN is never part of ``repr``/``str`` or an error message. python-pkcs11 is the optional extra
``mbo-vc[pkcs11]``.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from mbo_vc.errors import KeyFormatError, Pkcs11UriError, SignerError, SignerUnavailableError
from mbo_vc.keys.ec import EcKey
from mbo_vc.keys.ed25519 import Ed25519Key
from mbo_vc.keys.signer import ExternalSigner

__all__ = ["MODULE_ENV", "PIN_ENV", "Pkcs11Signer", "Pkcs11Uri", "parse_pkcs11_uri"]

MODULE_ENV = "MBO_VC_PKCS11_MODULE"
"""The PKCS#11 module to load when the URI names none (``module-path``)."""
PIN_ENV = "MBO_VC_PKCS11_PIN"
"""The user PIN when the URI has neither ``pin-value`` nor ``pin-source``."""

_PATH_ATTRIBUTES = frozenset(
    {"token", "manufacturer", "serial", "model", "object", "type", "id", "slot-id"}
)
"""The path attributes mbo_vc matches (the library-* and slot-description/-manufacturer ones of
RFC 7512 are refused rather than ignored: ignoring one could select another key)."""
_QUERY_ATTRIBUTES = frozenset({"pin-source", "pin-value", "module-name", "module-path"})
_MAX_URI = 4096
_MAX_PIN_FILE = 1024
# RFC 7512 §2.3: pk11-pchar is unreserved / pct-encoded / ":" "[" "]" "@" "!" "$" "'" "("
# ")" "*" "+" "," "=" "&" (and "/" "?" "|" in the query); "&" separates query attributes.
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_CHARS = _UNRESERVED | set(":[]@!$'()*+,=&%")
_QUERY_CHARS = _UNRESERVED | set(":[]@!$'()*+,=/?|;%")

# CKA_EC_PARAMS as DER: the named curves mbo_vc signs with (and SoftHSM's Ed25519 spellings).
_EC_PARAMS = {
    bytes.fromhex("06082a8648ce3d030107"): "P-256",  # OID 1.2.840.10045.3.1.7
    bytes.fromhex("06052b81040022"): "P-384",  # OID 1.3.132.0.34
    bytes.fromhex("06032b6570"): "Ed25519",  # OID 1.3.101.112 (id-Ed25519)
    b"\x13\x0cedwards25519": "Ed25519",  # PrintableString (PKCS#11 3.0 §2.3.10)
}
_POINT_SIZES = {"P-256": 65, "P-384": 97, "Ed25519": 32}

_LIBRARIES: dict[str, Any] = {}
_LIBRARIES_LOCK = threading.Lock()


@dataclass(frozen=True)
class Pkcs11Uri:
    """The parts of an RFC 7512 ``pkcs11:`` URI that select a private key (values decoded).

    ``pin_value`` is kept out of ``repr``; ``str`` gives the URI back without it.
    """

    token: str | None = None
    manufacturer: str | None = None
    serial: str | None = None
    model: str | None = None
    object: str | None = None
    id: bytes | None = None
    type: str | None = None
    slot_id: int | None = None
    module_path: str | None = None
    pin_source: str | None = None
    pin_value: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        parts = [
            f"{name}={value}"
            for name, value in (
                ("token", self.token),
                ("manufacturer", self.manufacturer),
                ("serial", self.serial),
                ("model", self.model),
                ("object", self.object),
                ("type", self.type),
            )
            if value is not None
        ]
        if self.id is not None:
            parts.append("id=" + "".join(f"%{b:02x}" for b in self.id))
        if self.slot_id is not None:
            parts.append(f"slot-id={self.slot_id}")
        query = []
        if self.pin_value is not None:
            query.append("pin-value=[redacted secret]")
        if self.pin_source is not None:
            query.append(f"pin-source={self.pin_source}")
        if self.module_path is not None:
            query.append(f"module-path={self.module_path}")
        return "pkcs11:" + ";".join(parts) + ("?" + "&".join(query) if query else "")

    def describe(self) -> str:
        """The key object and token, for messages (never the PIN)."""
        what = []
        if self.object is not None:
            what.append(f"object={self.object[:60]!r}")
        if self.id is not None:
            what.append(f"id={self.id.hex()[:40]}")
        if self.token is not None:
            what.append(f"token={self.token[:60]!r}")
        return ", ".join(what) or "(no object)"


def _decode(value: str, allowed: set[str], name: str) -> bytes:
    if any(c not in allowed for c in value):
        raise Pkcs11UriError(f"pkcs11 URI attribute {name!r} has a character RFC 7512 forbids")
    pos = value.find("%")
    while pos != -1:
        if not all(c in "0123456789abcdefABCDEF" for c in value[pos + 1 : pos + 3]) or (
            len(value) < pos + 3
        ):
            raise Pkcs11UriError(f"pkcs11 URI attribute {name!r} has a bad percent-encoding")
        pos = value.find("%", pos + 3)
    return unquote_to_bytes(value)


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Pkcs11UriError(f"pkcs11 URI attribute {name!r} is not UTF-8") from None


def _attributes(
    text: str, separator: str, allowed: set[str], known: frozenset[str]
) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if not text:
        return out
    for item in text.split(separator):
        name, eq, value = item.partition("=")
        name = name.lower()
        if not eq or not name:
            raise Pkcs11UriError("a pkcs11 URI attribute is not name=value")
        if name not in known:
            raise Pkcs11UriError(
                f"pkcs11 URI attribute {name[:40]!r} is not supported "
                f"(known: {', '.join(sorted(known))})"
            )
        if name in out:
            raise Pkcs11UriError(f"pkcs11 URI attribute {name!r} appears twice")
        out[name] = _decode(value, allowed, name)
    return out


def parse_pkcs11_uri(uri: str) -> Pkcs11Uri:
    """Parse an RFC 7512 ``pkcs11:`` URI (path ``token``, ``object``, ``id``, ``type``,
    ``serial``, ``slot-id`` …; query ``pin-value``, ``pin-source``, ``module-path``).

    Unknown or repeated attributes, bad percent-encoding, a ``type`` other than ``private``
    and a URI naming neither ``object`` nor ``id`` are refused with
    :class:`~mbo_vc.errors.Pkcs11UriError` (whose message never quotes the URI).
    """
    if not isinstance(uri, str) or uri[:7].lower() != "pkcs11:":
        raise Pkcs11UriError("a PKCS#11 key reference starts with pkcs11:")
    if len(uri) > _MAX_URI:
        raise Pkcs11UriError(f"the pkcs11 URI is longer than {_MAX_URI} characters")
    path, _, query = uri[7:].partition("?")
    attrs = _attributes(path, ";", _PATH_CHARS, _PATH_ATTRIBUTES)
    params = _attributes(query, "&", _QUERY_CHARS, _QUERY_ATTRIBUTES)
    text = {k: _text(v, k) for k, v in attrs.items() if k != "id"}
    kind = text.get("type")
    if kind is not None and kind != "private":
        raise Pkcs11UriError(f"a signing key is a private key object: type={kind[:20]!r}")
    slot_id = None
    if "slot-id" in text:
        if not text["slot-id"].isdigit():
            raise Pkcs11UriError("pkcs11 URI attribute 'slot-id' is not a decimal number")
        slot_id = int(text["slot-id"])
    if "object" not in text and "id" not in attrs:
        raise Pkcs11UriError("the pkcs11 URI names no key: give object= (its label) or id=")
    if "module-name" in params:
        raise Pkcs11UriError("module-name is not supported: give module-path= (the module file)")
    if "pin-value" in params and "pin-source" in params:
        raise Pkcs11UriError("the pkcs11 URI gives both pin-value and pin-source")
    query_text = {k: _text(v, k) for k, v in params.items()}
    return Pkcs11Uri(
        token=text.get("token"),
        manufacturer=text.get("manufacturer"),
        serial=text.get("serial"),
        model=text.get("model"),
        object=text.get("object"),
        id=attrs.get("id"),
        type=kind,
        slot_id=slot_id,
        module_path=query_text.get("module-path"),
        pin_source=query_text.get("pin-source"),
        pin_value=query_text.get("pin-value"),
    )


def _read_pin(uri: Pkcs11Uri) -> str | None:
    if uri.pin_value is not None:
        return uri.pin_value
    if uri.pin_source is not None:
        source = uri.pin_source
        if source.startswith("file:"):
            source = source[5:]
            if source.startswith("//"):
                source = source[2:]
        if "://" in source or ":" in source.split("/", 1)[0]:
            raise Pkcs11UriError("pin-source must be a file (a path or a file: URI)")
        try:  # non-blocking: a FIFO with no writer must not hang the signer
            fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise SignerError(
                        f"the PIN file {source[:200]} is not a regular file (a FIFO, device "
                        "or folder)"
                    )
                raw = fh.read(_MAX_PIN_FILE + 1)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SignerError(f"cannot read the PIN file {source[:200]}: {reason}") from None
        if len(raw) > _MAX_PIN_FILE:
            raise SignerError(f"the PIN file {source[:200]} is larger than {_MAX_PIN_FILE} bytes")
        try:
            return raw.decode("utf-8", "strict").rstrip("\r\n")
        except UnicodeDecodeError:
            raise SignerError(f"the PIN file {source[:200]} is not UTF-8") from None
    return os.environ.get(PIN_ENV)


def _pkcs11() -> Any:
    try:
        import pkcs11
    except ImportError:
        raise SignerUnavailableError(
            "signing with a pkcs11: key needs the optional extra mbo-vc[pkcs11] "
            "(pip install 'mbo-vc[pkcs11]', which brings python-pkcs11)"
        ) from None
    return pkcs11


def _library(path: str) -> Any:
    """The loaded module (once per process and path; re-initialised in a forked child)."""
    pkcs11 = _pkcs11()
    # The file checked is the file loaded: dlopen looks a name without '/' up on the library
    # path (LD_LIBRARY_PATH, the cache), not in the current folder.
    path = os.path.abspath(path)
    with _LIBRARIES_LOCK:  # (python-pkcs11 loads a module once per path it is given)
        found = _LIBRARIES.get(path)
        if found is not None and found[1] == os.getpid():
            return found[0]
        if not Path(path).is_file():
            raise SignerError(f"the PKCS#11 module {path[:200]} does not exist")
        try:
            lib = pkcs11.lib(path)
            if found is not None:  # forked: the parent's sessions and login are not ours
                lib.reinitialize()
        except Exception as exc:
            raise SignerError(
                f"cannot load the PKCS#11 module {path[:200]} ({type(exc).__name__})"
            ) from None
        _LIBRARIES[path] = (lib, os.getpid())
        return lib


def _matches(uri: Pkcs11Uri, token: Any) -> bool:
    def text(value: Any) -> str:
        value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        return value.rstrip(" \x00")

    checks = (
        (uri.token, lambda: token.label),
        (uri.serial, lambda: token.serial),
        (uri.manufacturer, lambda: token.manufacturer_id),
        (uri.model, lambda: token.model),
    )
    for wanted, actual in checks:
        if wanted is not None and text(actual()) != wanted:
            return False
    return uri.slot_id is None or int(token.slot.slot_id) == uri.slot_id


def _public_key(session: Any, uri: Pkcs11Uri, private: Any) -> Ed25519Key | EcKey:
    """The public key of ``private``: the public key object with its id (or label)."""
    from pkcs11 import Attribute, ObjectClass

    template: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PUBLIC_KEY}
    ident = _attribute(private, Attribute.ID)
    if ident:
        template[Attribute.ID] = ident
    else:
        template[Attribute.LABEL] = _attribute(private, Attribute.LABEL)
    found = list(session.get_objects(template))
    if len(found) != 1:
        raise SignerError(
            f"the token has {'no' if not found else 'more than one'} public key object for "
            f"the private key ({uri.describe()}); mbo_vc reads the public key from it"
        )
    params = _attribute(found[0], Attribute.EC_PARAMS)
    point = _attribute(found[0], Attribute.EC_POINT)
    curve = _EC_PARAMS.get(bytes(params or b""))
    if curve is None or point is None:
        raise SignerError(
            f"the key ({uri.describe()}) is not an Ed25519, P-256 or P-384 key "
            "(CKA_EC_PARAMS is none of their named curves)"
        )
    raw = bytes(point)
    size = _POINT_SIZES[curve]
    if len(raw) == size + 2 and raw[0] == 0x04 and raw[1] == size:  # DER OCTET STRING
        raw = raw[2:]
    elif len(raw) == size + 3 and raw[:2] == b"\x04\x81" and raw[2] == size:
        raw = raw[3:]
    try:
        if curve == "Ed25519":
            return Ed25519Key.from_public_bytes(raw)
        half = (size - 1) // 2
        if len(raw) != size or raw[0] != 0x04:
            raise KeyFormatError("not an uncompressed point")
        return EcKey.from_coordinates(curve, raw[1 : 1 + half], raw[1 + half :])
    except KeyFormatError:
        raise SignerError(
            f"the token's public key ({uri.describe()}) is not a valid {curve} point"
        ) from None


def _attribute(obj: Any, attribute: Any) -> Any:
    try:
        return obj[attribute]
    except Exception:
        return None


_RETRIES = (0.02, 0.05, 0.1, 0.2, 0.4)
"""Pauses (s) before the token list is read again: a token that another process is writing
(SoftHSM's file store while another process logs in) can read as unlabelled or fail for a
moment; a token that is really absent still fails after about a second."""


def _find_tokens(lib: Any, uri: Pkcs11Uri, p11e: Any) -> list[Any]:
    reason = ""
    for pause in (*_RETRIES, None):
        try:
            tokens = [t for t in lib.get_tokens() if _matches(uri, t)]
            if tokens:
                return tokens
        except p11e.PKCS11Error as exc:
            reason = type(exc).__name__
        if pause is not None:
            time.sleep(pause)
    if reason:
        raise SignerError(f"the PKCS#11 module lists no tokens ({reason})")
    return []


class _Session:
    """One logged-in PKCS#11 session, shared by a signer and its re-bound copies."""

    __slots__ = ("key", "lock", "session")

    def __init__(self, session: Any, key: Any) -> None:
        self.session, self.key, self.lock = session, key, threading.Lock()


def _reopen(uri: Pkcs11Uri, controller: str, method: str) -> Pkcs11Signer:
    signer = Pkcs11Signer.open(uri)
    if (signer.controller, signer.verification_method) != (controller, method):
        signer = signer.with_controller(controller, method)
    return signer


class Pkcs11Signer(ExternalSigner):
    """A private key in a PKCS#11 token (an HSM, a smart card, SoftHSM) as a :class:`Signer`.

    Open it with :meth:`open` (a ``pkcs11:`` URI) and close it with :meth:`close` (or use it
    as a context manager). Signing is thread-safe (one session, one signature at a time).
    """

    __slots__ = ("_mechanism", "_session", "_uri")
    device = "PKCS#11 token"

    def __init__(
        self, public: Ed25519Key | EcKey, session: _Session, uri: Pkcs11Uri, mechanism: Any
    ) -> None:
        super().__init__(public)
        self._session, self._uri, self._mechanism = session, uri, mechanism

    @classmethod
    def open(
        cls,
        uri: str | Pkcs11Uri,
        *,
        pin: str | None = None,
        module_path: str | None = None,
        controller: str | None = None,
        key_id: str | None = None,
    ) -> Pkcs11Signer:
        """Log in to the token the URI names and find its private key object (by ``object``
        label and/or ``id``) and the public key object that goes with it.

        ``pin`` and ``module_path`` override the URI's; ``controller`` and ``key_id`` bind
        the key to a DID (as :meth:`with_controller`). Raises
        :class:`~mbo_vc.errors.Pkcs11UriError` for a bad URI,
        :class:`~mbo_vc.errors.SignerUnavailableError` without python-pkcs11, and
        :class:`~mbo_vc.errors.SignerError` when the module, token, PIN or key is refused.
        """
        parsed = parse_pkcs11_uri(uri) if isinstance(uri, str) else uri
        if module_path is not None:
            parsed = replace(parsed, module_path=module_path)
        module = parsed.module_path or os.environ.get(MODULE_ENV)
        if not module:
            raise Pkcs11UriError(
                f"the pkcs11 URI names no module: add module-path=… or set {MODULE_ENV}"
            )
        _pkcs11()
        from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
        from pkcs11 import exceptions as p11e

        lib = _library(module)
        tokens = _find_tokens(lib, parsed, p11e)
        if len(tokens) != 1:
            raise SignerError(
                f"{'no' if not tokens else 'more than one'} token matches the pkcs11 URI "
                f"({parsed.describe()})"
            )
        secret = pin if pin is not None else _read_pin(parsed)
        try:
            try:
                session = tokens[0].open(user_pin=secret) if secret else tokens[0].open()
            except p11e.UserAlreadyLoggedIn:  # login is per token and process: share it
                session = tokens[0].open()
        except (p11e.PinIncorrect, p11e.PinInvalid, p11e.PinLenRange):
            raise SignerError(f"the token refused the PIN ({parsed.describe()})") from None
        except p11e.PinLocked:
            raise SignerError(f"the token's PIN is locked ({parsed.describe()})") from None
        except p11e.PKCS11Error as exc:
            raise SignerError(
                f"cannot open a session on the token ({parsed.describe()}; {type(exc).__name__})"
            ) from None
        try:
            template: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
            if parsed.object is not None:
                template[Attribute.LABEL] = parsed.object
            if parsed.id is not None:
                template[Attribute.ID] = parsed.id
            keys = list(session.get_objects(template))
            if len(keys) != 1:
                raise SignerError(
                    f"the token has {'no' if not keys else 'more than one'} private key "
                    f"matching the pkcs11 URI ({parsed.describe()})"
                    + ("; is the PIN given?" if not keys and not secret else "")
                )
            public = _public_key(session, parsed, keys[0])
            key_type = _attribute(keys[0], Attribute.KEY_TYPE)
            if public.key_type == "Ed25519":
                if key_type != KeyType.EC_EDWARDS:
                    raise SignerError(f"the key ({parsed.describe()}) is not an EdDSA key")
                mechanism = Mechanism.EDDSA
            else:
                if key_type != KeyType.EC:
                    raise SignerError(f"the key ({parsed.describe()}) is not an EC key")
                mechanism = Mechanism.ECDSA
        except BaseException:
            session.close()
            raise
        if controller is not None:
            public = public.with_controller(controller, key_id)
        resolved = replace(parsed, module_path=module, pin_value=secret, pin_source=None)
        return cls(public, _Session(session, keys[0]), resolved, mechanism)

    @property
    def uri(self) -> Pkcs11Uri:
        """The parsed URI this signer was opened with."""
        return self._uri

    def _rebound(self, public: Ed25519Key | EcKey) -> Pkcs11Signer:
        return Pkcs11Signer(public, self._session, self._uri, self._mechanism)

    def reopener(self) -> Callable[[], Pkcs11Signer]:
        """A picklable callable that logs in again (same module, token, key, PIN, binding) in
        another process: a batch worker opens its own session."""
        return partial(_reopen, self._uri, self.controller, self.verification_method)

    def _sign(self, data: bytes) -> bytes:
        from pkcs11 import exceptions as p11e

        with self._session.lock:
            if self._session.session is None:
                raise SignerError(f"the PKCS#11 signer ({self._uri.describe()}) is closed")
            try:
                return bytes(self._session.key.sign(data, mechanism=self._mechanism))
            except p11e.PKCS11Error as exc:
                raise SignerError(
                    f"the token did not sign ({self._uri.describe()}; {type(exc).__name__})"
                ) from None

    def _sign_eddsa(self, data: bytes) -> bytes:
        return self._sign(data)

    def _sign_ecdsa_digest(self, digest: bytes) -> bytes:
        return self._sign(digest)

    def close(self) -> None:
        """Close the session (for every re-bound copy too). Signing afterwards fails."""
        with self._session.lock:
            session, self._session.session = self._session.session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: S110 (a session the token already dropped)
                pass

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self._uri.describe()
        return f"Pkcs11Signer({self.verification_method!r}, {self.key_type}, {where})"

    __str__ = __repr__
