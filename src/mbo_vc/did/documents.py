"""A school's own DID document, and pinned DID documents for offline verification.

A school publishes ``did.json`` for its did:web (e.g. ``did:web:roc-mondriaan.nl``). It lists
every key whose credentials must still verify: to rotate, add the new key, sign with it, and
remove the old key only once its credentials may stop verifying. Verifiers without network can
pin DID documents from a folder (:func:`load_pinned_dir`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mbo_vc.did.key import DID_CONTEXT, MULTIKEY_CONTEXT
from mbo_vc.did.web import DEFAULT_MAX_BYTES, parse_did_web
from mbo_vc.errors import InvalidDidDocumentError, InvalidDidError, MboVcError, UsageError
from mbo_vc.json_input import parse_json
from mbo_vc.keys import Key

__all__ = [
    "JWK_CONTEXT",
    "VM_FORMS",
    "bind_key",
    "did_web_document",
    "did_web_for",
    "load_pinned_dir",
    "verification_method_id",
    "write_did_web_site",
]

JWK_CONTEXT = "https://w3id.org/security/jwk/v1"
"""The context that defines the ``JsonWebKey`` verification method type."""
VM_FORMS = ("Multikey", "JsonWebKey")
"""The forms a published key can take: ``publicKeyMultibase`` or ``publicKeyJwk``."""

_FRAGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/?-]{1,200}$")
_MAX_PINNED_FILES = 10_000


def did_web_for(domain: str, path: str | None = None) -> str:
    """The did:web for ``domain`` (``host`` or ``host:port``) and an optional ``a/b`` path."""
    if not isinstance(domain, str) or not domain:
        raise InvalidDidError("a did:web needs a domain")
    host, sep, port = domain.strip().lower().partition(":")
    msid = f"{host}%3A{port}" if sep else host
    if path:
        segments = path.strip("/").split("/")
        msid += ":" + ":".join(segments)
    did = "did:web:" + msid
    parse_did_web(did)  # validates host, port and path segments
    return did


def verification_method_id(key: Key, did: str) -> str:
    """The verification method id of ``key`` in ``did``'s document.

    A key already bound to ``did`` (``key.with_controller(did, did + "#key-1")``, or a key file
    written by :func:`bind_key`) keeps its id; any other key gets ``did#<publicKeyMultibase>``,
    which never changes when other keys are added or removed.
    """
    if key.controller == did and key.verification_method.startswith(did + "#"):
        return key.verification_method
    return f"{did}#{key.public_key_multibase}"


def bind_key(key: Key, did: str, fragment: str | None = None) -> Key:
    """``key`` as a verification method of ``did`` (for signing as the school)."""
    if fragment is not None and not _FRAGMENT.match(fragment.lstrip("#")):
        raise UsageError(f"{fragment[:60]!r} is not a usable fragment")
    vm_id = f"{did}#{fragment.lstrip('#')}" if fragment else verification_method_id(key, did)
    bound: Key = key.with_controller(did, vm_id)
    return bound


def did_web_document(did: str, keys: Sequence[Key], *, form: str = "Multikey") -> dict[str, Any]:
    """The did.json for ``did``: one verification method per key (Ed25519, P-256 or P-384), each
    under assertionMethod/authentication; ``form`` is ``Multikey`` (``publicKeyMultibase``) or
    ``JsonWebKey`` (``publicKeyJwk``).

    Only public key material is written. Keys may be listed in any order; duplicates (same
    public key or same id) are refused.
    """
    parse_did_web(did)
    if form not in VM_FORMS:
        raise UsageError(f"form must be one of {', '.join(VM_FORMS)}, not {str(form)[:30]!r}")
    if not keys:
        raise UsageError("a DID document needs at least one key")
    methods: list[dict[str, Any]] = []
    seen_keys: set[bytes] = set()
    seen_ids: set[str] = set()
    for key in keys:
        vm_id = verification_method_id(key, did)
        if key.public_bytes in seen_keys or vm_id in seen_ids:
            raise UsageError(f"key {vm_id} is listed twice")
        seen_keys.add(key.public_bytes)
        seen_ids.add(vm_id)
        method: dict[str, Any] = {"id": vm_id, "type": form, "controller": did}
        if form == "JsonWebKey":
            method["publicKeyJwk"] = key.to_jwk()
        else:
            method["publicKeyMultibase"] = key.public_key_multibase
        methods.append(method)
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, JWK_CONTEXT if form == "JsonWebKey" else MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }


def write_did_web_site(
    out_dir: str | os.PathLike[str], did: str, keys: Sequence[Key], *, form: str = "Multikey"
) -> Path:
    """Write ``did``'s document where a static web server for its host must serve it.

    ``did:web:school.nl`` → ``OUT/.well-known/did.json``; ``did:web:school.nl:mbo`` →
    ``OUT/mbo/did.json``. Returns the file written. Copy ``OUT`` to the web root.
    """
    location = parse_did_web(did)
    document = did_web_document(did, keys, form=form)
    relative = Path(*[p for p in location.path.split("/") if p])
    target = Path(out_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return target


def load_pinned_dir(
    folder: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, dict[str, Any]]:
    """Read every ``*.json`` DID document under ``folder`` (recursively), keyed by its ``id``.

    Use with ``DidResolver(documents=load_pinned_dir(folder))`` to verify with no network. A
    folder written by :func:`write_did_web_site` works as is. Unreadable files, documents
    without a DID ``id`` and two different documents for one id are refused.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    pinned: dict[str, dict[str, Any]] = {}
    files = sorted(p for p in root.rglob("*.json") if p.is_file())
    if len(files) > _MAX_PINNED_FILES:
        raise UsageError(f"{root} holds more than {_MAX_PINNED_FILES} JSON files")
    for path in files:
        document = _read_document(path, max_bytes)
        did = document.get("id")
        if not isinstance(did, str) or not did.startswith("did:"):
            raise InvalidDidDocumentError(f"{path}: the document's id is not a DID")
        if did in pinned and pinned[did] != document:
            raise InvalidDidDocumentError(f"{did}: pinned twice with different content ({path})")
        pinned[did] = document
    return pinned


def _read_document(path: Path, max_bytes: int) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InvalidDidDocumentError(f"{path}: {size} bytes, more than {max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidDidDocumentError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return parse_json(data)
    except MboVcError as exc:
        raise InvalidDidDocumentError(f"{path}: {exc.message}") from None
