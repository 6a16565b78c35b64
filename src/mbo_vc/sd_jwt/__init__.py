"""SD-JWT (RFC 9901): issue with per-claim disclosures, present a subset with a KB-JWT, verify.

The three roles of RFC 9901, on the compact serialisation ``<JWT>~<D1>~…~<Dn>~[<KB-JWT>]``:

* :func:`issue` takes the claims and a *disclosure frame* (which object members and array
  elements are selectively disclosable, nested, with decoy digests) and signs the issuer JWT;
* :func:`present` keeps the disclosures the holder chooses (by claim path) and appends a
  KB-JWT (``typ: kb+jwt`` with ``aud``, ``nonce``, ``iat``, ``sd_hash``) signed by the holder key;
* :func:`unpack` and :func:`check_key_binding` are the verifier's steps (RFC 9901 §7.1, §7.3):
  every digest, no duplicate or unreferenced disclosure, ``_sd``/``...`` only where they belong,
  the KB-JWT against the ``cnf`` key, the caller's nonce and audience, and the caller's clock.

The issuer signature is checked by the caller (:mod:`mbo_vc.verification.sd_jwt_vc` resolves the
issuer key); JWS encoding, strict JSON and signatures are those of :mod:`mbo_vc.jws`. Every
failure raises a typed :class:`~mbo_vc.errors.SdJwtError` subclass (one code each).

A disclosure frame mirrors the claims: in an object, ``"_sd": [names]`` makes those members
selectively disclosable, in an array ``"_sd": [indices]`` those elements; any other key (member
name, or array index as a string) holds the frame for that nested value; ``"_sd_decoy": n`` adds
``n`` decoy digests at that level. The frame is applied inside out, so a member can be
disclosable and hold disclosable members itself (recursive disclosures).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mbo_vc.errors import (
    CnfPrivateKeyError,
    DisclosureError,
    DuplicateDisclosureError,
    KbJwtAudienceError,
    KbJwtError,
    KbJwtHashError,
    KbJwtMissingError,
    KbJwtNonceError,
    KbJwtTimeError,
    LimitExceededError,
    MboVcError,
    MisplacedDisclosureError,
    SdAlgError,
    SdJwtError,
    SdStructureError,
    UnreferencedDisclosureError,
    UsageError,
)
from mbo_vc.json_input import check_structure, parse_json_value
from mbo_vc.jws import (
    DEFAULT_JWT_ALGORITHMS,
    KEY_FIT,
    b64url,
    b64url_decode,
    decode_jwt,
    is_sd_jwt,
    numeric_date,
    sign_compact,
    verify_signature,
)
from mbo_vc.keys import Signer, private_jwk_members
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DIGEST_KEY",
    "ELEMENT_KEY",
    "HASH_ALGORITHMS",
    "KB_JWT_TYP",
    "MAX_DISCLOSURES",
    "MAX_DISCLOSURE_BYTES",
    "Disclosure",
    "KeyBinding",
    "SdJwt",
    "Unpacked",
    "check_holder_jwk",
    "check_key_binding",
    "digest",
    "is_sd_jwt",
    "issue",
    "parse",
    "present",
    "sign_jwt",
    "unpack",
]

DIGEST_KEY = "_sd"
ELEMENT_KEY = "..."
SD_ALG_KEY = "_sd_alg"
KB_JWT_TYP = "kb+jwt"

HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
"""``_sd_alg`` values (IANA Named Information Hash Algorithm names) this implementation reads."""

MAX_DISCLOSURES = 1024
"""At most this many disclosures in one SD-JWT (a safety limit)."""

MAX_DISCLOSURE_BYTES = 64 * 1024
"""At most this many characters in one disclosure (a safety limit)."""

KB_MAX_AGE = timedelta(minutes=5)
"""How old a KB-JWT's ``iat`` may be by default."""

_FORBIDDEN_NAMES = frozenset({DIGEST_KEY, ELEMENT_KEY, SD_ALG_KEY})
"""Claim names no disclosure may carry: RFC 9901 §4.2.1 ("MUST NOT be ``_sd``, ``...``") and
§7.1 step 3.3.2.2 ("If the claim name is ``_sd`` or ``...``, the SD-JWT MUST be rejected");
``_sd_alg`` too, since §4.1.1 allows it only as the top-level hash claim of the signed payload
(MUST NOT be used in any nested object), so a disclosed one either sits below the top or clashes
with that claim."""

Path = tuple[str | int, ...]


def digest(disclosure: str, alg: str = "sha-256") -> str:
    """The base64url digest of a disclosure: over its ASCII (base64url) form (RFC 9901 §4.2.3)."""
    fn = HASH_ALGORITHMS.get(alg)
    if fn is None:
        raise SdAlgError(f"_sd_alg {str(alg)[:30]!r} is not supported")
    return b64url(fn(disclosure.encode("ascii")).digest())


def _salt() -> str:
    return b64url(secrets.token_bytes(16))


@dataclass(frozen=True)
class Disclosure:
    """One disclosure: its encoded form (what is hashed) and what it discloses.

    ``name`` is None for an array element. :meth:`create` encodes with the JSON spelling RFC
    9901's examples use (``", "`` separators, UTF-8 as is), so fixed salts give the RFC's bytes.
    """

    encoded: str
    salt: str
    name: str | None
    value: Any

    @classmethod
    def create(cls, salt: str, name: str | None, value: Any) -> Disclosure:
        """A new disclosure of an object member (``name``) or an array element (``None``)."""
        if not isinstance(salt, str) or not salt:
            raise UsageError("a disclosure's salt must be a non-empty string")
        if name is not None and (not isinstance(name, str) or name in _FORBIDDEN_NAMES):
            raise UsageError(
                "a disclosed claim name must be a string other than _sd, ... and _sd_alg"
            )
        items = [salt, value] if name is None else [salt, name, value]
        text = json.dumps(items, ensure_ascii=False)
        return cls(b64url(text.encode("utf-8")), salt, name, value)

    @classmethod
    def decode(cls, encoded: str, limits: Limits = DEFAULT_LIMITS) -> Disclosure:
        """Read a presented disclosure strictly (RFC 9901 §7.1 step 3)."""
        if len(encoded) > MAX_DISCLOSURE_BYTES:
            raise LimitExceededError(
                f"a disclosure of {len(encoded)} characters exceeds the limit of "
                f"{MAX_DISCLOSURE_BYTES}"
            )
        try:
            raw = b64url_decode(encoded, "disclosure")
        except MboVcError:
            raise DisclosureError("a disclosure is not base64url") from None
        try:
            items = parse_json_value(raw, limits=limits)
        except LimitExceededError:
            raise
        except MboVcError as exc:
            raise DisclosureError(f"a disclosure is not JSON: {exc.message[:120]}") from None
        if not isinstance(items, list) or len(items) not in (2, 3):
            raise DisclosureError("a disclosure must be a JSON array of 2 or 3 elements")
        if not isinstance(items[0], str):
            raise DisclosureError("a disclosure's salt must be a string")
        if len(items) == 2:
            return cls(encoded, items[0], None, items[1])
        name = items[1]
        if not isinstance(name, str):
            raise DisclosureError("a disclosure's claim name must be a string")
        if name in _FORBIDDEN_NAMES:
            raise DisclosureError(f"a disclosure must not disclose a claim named {name!r}")
        return cls(encoded, items[0], name, items[2])

    def digest(self, alg: str = "sha-256") -> str:
        """This disclosure's digest under ``alg``."""
        return digest(self.encoded, alg)

    def __repr__(self) -> str:
        return f"Disclosure(name={self.name!r})"


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT in its parts: the issuer-signed JWT, the disclosures, the KB-JWT (if any)."""

    jwt: str
    disclosures: tuple[str, ...] = ()
    kb_jwt: str | None = None

    def serialize(self) -> str:
        """The compact form ``<JWT>~<D1>~…~<Dn>~[<KB-JWT>]``."""
        return self.without_kb() + (self.kb_jwt or "")

    def without_kb(self) -> str:
        """The SD-JWT without its KB-JWT (what ``sd_hash`` covers): ends with ``~``."""
        return "~".join((self.jwt, *self.disclosures)) + "~"

    def __str__(self) -> str:
        return self.serialize()


def parse(token: str, limits: Limits = DEFAULT_LIMITS) -> SdJwt:
    """Split a compact SD-JWT (or SD-JWT+KB) into its parts, without verifying anything."""
    if not isinstance(token, str):
        raise SdJwtError("an SD-JWT must be a string")
    text = token.strip()
    if len(text) > limits.max_document_bytes * 2:
        raise LimitExceededError("the SD-JWT is larger than the document size limit")
    if "~" not in text:
        raise SdJwtError("an SD-JWT has at least one '~' after the issuer-signed JWT")
    parts = text.split("~")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise LimitExceededError(f"more than {MAX_DISCLOSURES} disclosures")
    jwt, middle, last = parts[0], parts[1:-1], parts[-1]
    if jwt.count(".") != 2:
        raise SdJwtError("the issuer-signed part of an SD-JWT must be a compact JWS")
    if any(not d for d in middle):
        raise SdJwtError("an SD-JWT has an empty disclosure (two '~' in a row)")
    if last and last.count(".") != 2:
        raise SdJwtError("an SD-JWT must end with '~' or with a KB-JWT (a compact JWS)")
    return SdJwt(jwt, tuple(middle), last or None)


# --- issuing ---------------------------------------------------------------------------------


def sign_jwt(header: Mapping[str, Any], payload: Mapping[str, Any], key: Signer) -> str:
    """A compact JWS of ``payload`` under ``header`` (``alg`` set from the key), by ``key``
    (any :class:`~mbo_vc.keys.Signer`: a key object, an HSM, a KMS), made by
    :func:`mbo_vc.jws.sign_compact`."""
    if not key.has_private:
        raise UsageError("signing needs a private key")
    head = {"alg": key.jws_alg, **header}
    if head["alg"] != key.jws_alg:
        raise UsageError(f"a {key.key_type} key signs with alg {key.jws_alg}")
    return sign_compact(head, payload, key)


def _apply_frame(
    value: Any,
    frame: Any,
    alg: str,
    salt: Callable[[], str],
    out: list[Disclosure],
    where: str,
) -> Any:
    if frame is None:
        return value
    if not isinstance(frame, Mapping):
        raise UsageError(f"the disclosure frame at {where or 'the top'} must be an object")
    unknown = [k for k in frame if k not in (DIGEST_KEY, "_sd_decoy")]
    selected = frame.get(DIGEST_KEY, [])
    decoys = frame.get("_sd_decoy", 0)
    if not isinstance(selected, list) or not isinstance(decoys, int) or decoys < 0:
        raise UsageError(f"the frame at {where or 'the top'}: _sd must be a list, _sd_decoy >= 0")
    if isinstance(value, Mapping):
        for k in [*unknown, *selected]:
            if not isinstance(k, str) or k not in value:
                raise UsageError(f"the frame names {where}.{k}, which the claims do not have")
        result: dict[str, Any] = {}
        digests: list[str] = []
        for name, member in value.items():
            if name in _FORBIDDEN_NAMES or name == SD_ALG_KEY:
                raise UsageError(f"a claim must not be named {name!r}")
            inner = _apply_frame(member, frame.get(name), alg, salt, out, f"{where}.{name}")
            if name in selected:
                disclosure = Disclosure.create(salt(), name, inner)
                out.append(disclosure)
                digests.append(disclosure.digest(alg))
            else:
                result[name] = inner
        digests += [digest(b64url(secrets.token_bytes(32)), alg) for _ in range(decoys)]
        if digests:
            result[DIGEST_KEY] = sorted(digests)
        return result
    if isinstance(value, list):
        items: list[Any] = []
        for k in [*unknown, *selected]:
            index = int(k) if isinstance(k, str) and k.isdigit() else k
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(value):
                raise UsageError(f"the frame names {where}[{k}], which the claims do not have")
        for index, element in enumerate(value):
            inner = _apply_frame(
                element, frame.get(str(index)), alg, salt, out, f"{where}[{index}]"
            )
            if index in selected:
                disclosure = Disclosure.create(salt(), None, inner)
                out.append(disclosure)
                items.append({ELEMENT_KEY: disclosure.digest(alg)})
            else:
                items.append(inner)
        for _ in range(decoys):
            position = secrets.randbelow(len(items) + 1)
            items.insert(position, {ELEMENT_KEY: digest(b64url(secrets.token_bytes(32)), alg)})
        return items
    raise UsageError(f"the frame at {where} applies to a value that is neither object nor array")


def issue(
    claims: Mapping[str, Any],
    frame: Mapping[str, Any] | None,
    key: Signer,
    *,
    typ: str = "sd+jwt",
    header: Mapping[str, Any] | None = None,
    holder: Mapping[str, Any] | Signer | None = None,
    hash_alg: str = "sha-256",
    salt: Callable[[], str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SdJwt:
    """Issue an SD-JWT: ``claims`` with the members/elements ``frame`` selects made selectively
    disclosable, signed by ``key`` (``alg`` from the key; ``typ`` and ``header`` go in the JOSE
    header). ``holder`` (a public JWK or key) becomes ``cnf.jwk`` for key binding. ``salt``
    replaces the random 128-bit salts (for test vectors only).
    """
    if not isinstance(claims, Mapping):
        raise UsageError("the claims must be a JSON object")
    check_structure(claims, limits=limits)
    if hash_alg not in HASH_ALGORITHMS:
        raise SdAlgError(f"_sd_alg {hash_alg!r} is not supported")
    disclosures: list[Disclosure] = []
    payload = _apply_frame(dict(claims), frame or {}, hash_alg, salt or _salt, disclosures, "")
    if holder is not None:
        jwk = holder.to_jwk() if isinstance(holder, Signer) else dict(holder)
        check_holder_jwk(jwk)
        if "cnf" in payload:
            raise UsageError("the claims already carry cnf")
        payload["cnf"] = {"jwk": jwk}
    payload[SD_ALG_KEY] = hash_alg
    jwt = sign_jwt({"typ": typ, **(header or {})}, payload, key)
    return SdJwt(jwt, tuple(d.encoded for d in disclosures))


# --- verifying: disclosures ------------------------------------------------------------------


@dataclass
class Unpacked:
    """The processed SD-JWT payload (RFC 9901 §7.1): the claims with the presented
    disclosures in place, ``_sd``/``...``/``_sd_alg`` removed, and what was disclosed where."""

    claims: dict[str, Any]
    hash_alg: str
    disclosed: list[tuple[Path, Disclosure]] = field(default_factory=list)
    withheld_elements: list[Path] = field(default_factory=list)
    """The paths of the arrays (as processed) that hold a ``...`` digest no presented
    disclosure matches: an element withheld by the holder, or a decoy (one entry per digest)."""

    @property
    def disclosed_paths(self) -> list[str]:
        """The dotted paths of the selectively disclosed claims, in payload order."""
        return [".".join(str(p) for p in path) for path, _ in self.disclosed]


def _is_element_ref(item: Any) -> bool:
    return isinstance(item, dict) and ELEMENT_KEY in item


def unpack(
    payload: Mapping[str, Any], disclosures: Sequence[str], limits: Limits = DEFAULT_LIMITS
) -> Unpacked:
    """Put the presented disclosures in place of their digests (RFC 9901 §7.1 steps 3-5).

    Raises :class:`~mbo_vc.errors.SdJwtError` subclasses: a malformed disclosure, the same
    disclosure twice, a digest that occurs twice (decoys included), a disclosure no digest
    references, a disclosure of the wrong kind for its place, a claim name clash, or ``_sd`` /
    ``...`` / ``_sd_alg`` where they do not belong.
    """
    alg = payload.get(SD_ALG_KEY, "sha-256")
    if not isinstance(alg, str) or alg not in HASH_ALGORITHMS:
        raise SdAlgError(f"_sd_alg {str(alg)[:30]!r} is not supported")
    if len(disclosures) > MAX_DISCLOSURES:
        raise LimitExceededError(f"more than {MAX_DISCLOSURES} disclosures")
    by_digest: dict[str, Disclosure] = {}
    for encoded in disclosures:
        d = Disclosure.decode(encoded, limits)
        key = d.digest(alg)
        if key in by_digest:
            raise DuplicateDisclosureError("the same disclosure is presented twice")
        by_digest[key] = d
    seen: set[str] = set()
    used: set[str] = set()
    out = Unpacked({}, alg)
    budget = [limits.max_json_nodes]

    def take(ref: Any, where: str) -> Disclosure | None:
        if not isinstance(ref, str):
            raise SdStructureError(f"a digest at {where or 'the top'} is not a string")
        if ref in seen:
            raise DuplicateDisclosureError(f"the digest at {where or 'the top'} occurs twice")
        seen.add(ref)
        found = by_digest.get(ref)
        if found is not None:
            used.add(ref)
        return found

    def walk(value: Any, path: Path, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > limits.max_json_depth:
            raise LimitExceededError("the SD-JWT nests or expands beyond the limits")
        where = ".".join(str(p) for p in path)
        if isinstance(value, dict):
            if ELEMENT_KEY in value:
                raise SdStructureError(f"a '...' member outside an array element at {where}")
            refs = value.get(DIGEST_KEY, [])
            if not isinstance(refs, list):
                raise SdStructureError(f"_sd at {where or 'the top'} is not an array")
            result: dict[str, Any] = {}
            for name, member in value.items():
                if name == DIGEST_KEY:
                    continue
                if name == SD_ALG_KEY:
                    if path:
                        raise SdStructureError(f"_sd_alg below the top level, at {where}")
                    continue
                result[name] = walk(member, (*path, name), depth + 1)
            for ref in refs:
                d = take(ref, where)
                if d is None:
                    continue  # a decoy, or a claim the holder did not disclose
                if d.name is None:
                    raise MisplacedDisclosureError(
                        f"an array-element disclosure is referenced from _sd at {where or 'top'}"
                    )
                if d.name in result:
                    raise MisplacedDisclosureError(
                        f"the disclosed claim {d.name[:60]!r} already exists at {where or 'top'}"
                    )
                out.disclosed.append(((*path, d.name), d))
                result[d.name] = walk(d.value, (*path, d.name), depth + 1)
            return result
        if isinstance(value, list):
            items: list[Any] = []
            for item in value:
                if _is_element_ref(item):
                    if len(item) != 1:
                        raise SdStructureError(f"a '...' array entry with other members at {where}")
                    d = take(item[ELEMENT_KEY], where)
                    if d is None:
                        out.withheld_elements.append(path)
                        continue
                    if d.name is not None:
                        raise MisplacedDisclosureError(
                            f"an object-property disclosure is referenced from '...' at {where}"
                        )
                    out.disclosed.append(((*path, len(items)), d))
                    items.append(walk(d.value, (*path, len(items)), depth + 1))
                else:
                    items.append(walk(item, (*path, len(items)), depth + 1))
            return items
        return value

    if not isinstance(payload, Mapping):
        raise SdJwtError("the SD-JWT payload must be a JSON object")
    claims = walk(dict(payload), (), 0)
    unreferenced = len(by_digest) - len(used)
    if unreferenced:
        raise UnreferencedDisclosureError(
            f"{unreferenced} presented disclosure(s) are referenced by no digest of the SD-JWT"
        )
    out.claims = claims
    return out


# --- presenting ------------------------------------------------------------------------------


def _parse_path(path: str | Sequence[str | int]) -> Path:
    if isinstance(path, str):
        return tuple(int(p) if p.isdigit() else p for p in path.split(".") if p != "")
    return tuple(path)


def _covers(selected: Path, path: Path) -> bool:
    """A disclosure at ``path`` is needed for ``selected`` when it is on the way to it (an
    ancestor) or inside it (a descendant)."""
    n = min(len(selected), len(path))
    return selected[:n] == path[:n]


def present(
    sd_jwt: SdJwt | str,
    disclose: Iterable[str | Sequence[str | int]],
    *,
    holder_key: Signer | None = None,
    aud: str | None = None,
    nonce: str | None = None,
    iat: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SdJwt:
    """The holder's presentation: only the disclosures on the way to, or inside, each chosen
    claim path (``"student.naam"``, ``("resultaten", 0)``), then a KB-JWT when ``holder_key``
    is given (``aud`` and ``nonce`` required; ``iat`` defaults to now).

    Paths name claims as the verifier will see them (array indices counted in the processed
    array). A path that names no claim raises :class:`~mbo_vc.errors.UsageError`.
    """
    token = parse(sd_jwt, limits) if isinstance(sd_jwt, str) else sd_jwt
    _, payload = decode_jwt(token.jwt, limits=limits)
    wanted = [_parse_path(p) for p in disclose]
    full = unpack(payload, token.disclosures, limits)
    # paths through arrays are positions in the fully disclosed array; find each disclosure's
    # own path there and keep the ones each chosen path needs
    keep = {d.encoded for path, d in full.disclosed if any(_covers(w, path) for w in wanted)}
    for w in wanted:
        if not _resolves(full.claims, w):
            raise UsageError(f"no claim at {'.'.join(str(p) for p in w)[:120]} to disclose")
    chosen = tuple(d for d in token.disclosures if d in keep)
    out = SdJwt(token.jwt, chosen)
    if holder_key is None:
        if aud is not None or nonce is not None:
            raise UsageError("aud and nonce go into a KB-JWT: pass holder_key")
        return out
    if not aud or not nonce:
        raise UsageError("a KB-JWT needs the verifier's aud and nonce")
    alg = full.hash_alg
    kb_payload = {
        "iat": int(iat if iat is not None else datetime.now().timestamp()),
        "aud": aud,
        "nonce": nonce,
        "sd_hash": digest(out.without_kb(), alg),
    }
    return SdJwt(out.jwt, out.disclosures, sign_jwt({"typ": KB_JWT_TYP}, kb_payload, holder_key))


def _resolves(claims: Any, path: Path) -> bool:
    node = claims
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return False
    return True


# --- verifying: key binding ------------------------------------------------------------------


def check_holder_jwk(jwk: Mapping[str, Any]) -> None:
    """Refuse a holder key (``cnf.jwk``, RFC 7800 §3.2) that holds private or symmetric key
    members, of any ``kty`` (EC/OKP ``d``; RSA ``d p q dp dq qi oth``; ``oct`` ``k``): whoever
    holds the token could then sign the KB-JWT, so the key binding would bind nobody. Raises
    :class:`~mbo_vc.errors.CnfPrivateKeyError` (the message names the members, never a value)."""
    found = private_jwk_members(jwk)
    if found:
        raise CnfPrivateKeyError(
            f"cnf.jwk holds private key members ({', '.join(found)}): anyone holding the token "
            f"could make the key binding"
        )


@dataclass(frozen=True)
class KeyBinding:
    """A verified KB-JWT: its header and claims."""

    header: dict[str, Any]
    payload: dict[str, Any]

    @property
    def iat(self) -> int:
        """The KB-JWT's issued-at time (seconds)."""
        return int(self.payload["iat"])


def check_key_binding(
    token: SdJwt,
    cnf: Any,
    *,
    aud: str,
    nonce: str,
    now: datetime,
    hash_alg: str = "sha-256",
    skew: timedelta = timedelta(seconds=60),
    max_age: timedelta = KB_MAX_AGE,
    algorithms: frozenset[str] = DEFAULT_JWT_ALGORITHMS,
    limits: Limits = DEFAULT_LIMITS,
) -> KeyBinding:
    """RFC 9901 §7.3: the KB-JWT is ``kb+jwt``, signed by the ``cnf`` key, for this ``aud`` and
    ``nonce``, recent by the caller's clock, and its ``sd_hash`` covers this very SD-JWT."""
    if token.kb_jwt is None:
        raise KbJwtMissingError("the verifier requires key binding, but there is no KB-JWT")
    if not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping):
        raise KbJwtMissingError("the SD-JWT has no cnf.jwk holder key to check key binding")
    check_holder_jwk(cnf["jwk"])
    try:
        header, payload = decode_jwt(token.kb_jwt, limits=limits)
    except MboVcError as exc:
        raise KbJwtError(f"the KB-JWT is malformed: {exc.message[:120]}") from None
    if header.get("typ") != KB_JWT_TYP:
        raise KbJwtError(f"the KB-JWT's typ is {str(header.get('typ'))[:30]!r}, not kb+jwt")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in algorithms:
        raise KbJwtError(f"the KB-JWT's alg {str(alg)[:20]!r} is not allowed")
    if alg not in KEY_FIT:
        raise KbJwtError(f"the KB-JWT's alg {alg!r} is not supported")
    try:
        valid = verify_signature(token.kb_jwt, cnf["jwk"], alg)
    except MboVcError as exc:
        raise KbJwtError(f"the cnf key cannot check the KB-JWT: {exc.message[:120]}") from None
    if not valid:
        raise KbJwtError("the KB-JWT is not signed by the holder key in cnf")
    if payload.get("nonce") != nonce:
        raise KbJwtNonceError("the KB-JWT's nonce is not the one this verifier issued")
    kb_aud = payload.get("aud")
    if kb_aud != aud:
        raise KbJwtAudienceError(
            f"the KB-JWT is for audience {str(kb_aud)[:80]!r}, not {aud[:80]!r}"
        )
    if "iat" not in payload:
        raise KbJwtTimeError("the KB-JWT has no iat")
    try:
        issued = numeric_date(payload["iat"], "iat")
    except MboVcError:
        raise KbJwtTimeError("the KB-JWT's iat is not a NumericDate") from None
    if issued > now + skew:
        raise KbJwtTimeError(f"the KB-JWT's iat {issued.isoformat()} lies in the future")
    if issued < now - max_age - skew:
        raise KbJwtTimeError(
            f"the KB-JWT was made at {issued.isoformat()}, longer than {max_age} ago"
        )
    expected = digest(token.without_kb(), hash_alg)
    if payload.get("sd_hash") != expected:
        raise KbJwtHashError("the KB-JWT's sd_hash does not cover this SD-JWT")
    return KeyBinding(header, payload)
