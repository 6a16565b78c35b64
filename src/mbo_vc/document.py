"""Reading untrusted JSON documents strictly and within limits.

JSON parsers disagree on duplicate keys, huge or special numbers and broken Unicode; a verifier
that reads a document differently from the signer can be fooled, so such input is refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from mbo_vc.errors import InputError, LimitExceededError
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = ["check_structure", "issuer_id", "parse_json", "read_bounded", "types_of"]

_MAX_SAFE_INT = 2**53 - 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"duplicate JSON member {key[:80]!r}", code="duplicate_key")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise InputError(f"{name} is not valid JSON", code="invalid_number")


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value) or math.isnan(value):
        raise InputError(f"number {text[:40]} is out of range", code="invalid_number")
    if value == 0 and text.lstrip().startswith("-"):
        raise InputError("negative zero is ambiguous across JSON parsers", code="invalid_number")
    return value


def _parse_int(text: str) -> int:
    if len(text) > 20:
        raise InputError("integer literal too long", code="invalid_number")
    value = int(text)
    if abs(value) > _MAX_SAFE_INT:
        raise InputError(
            f"integer {text} is outside the range JSON parsers agree on (±2^53-1)",
            code="invalid_number",
        )
    if value == 0 and text.startswith("-"):
        raise InputError("negative zero is ambiguous across JSON parsers", code="invalid_number")
    return value


def _nesting_depth(text: str) -> int:
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def parse_json(data: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Parse a JSON object strictly: size and depth limits, no duplicate keys, safe numbers."""
    size = len(data)
    if size > limits.max_document_bytes:
        raise LimitExceededError(
            f"document is {size} bytes, more than the limit of {limits.max_document_bytes}"
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"document is not valid UTF-8 (byte {exc.start})") from None
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    if _nesting_depth(text) > limits.max_json_depth:
        raise LimitExceededError(
            f"JSON nesting is deeper than the limit of {limits.max_json_depth}"
        )
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError(f"document is not valid JSON: {exc}") from None
    _check_strings(value, limits)
    if not isinstance(value, dict):
        raise InputError("document must be a JSON object")
    return value


def _too_many_nodes(limits: Limits) -> LimitExceededError:
    return LimitExceededError(
        f"document has more than {limits.max_json_nodes} JSON objects and arrays"
    )


def _check_strings(value: Any, limits: Limits) -> None:
    stack = [value]
    nodes = 0
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            nodes += 1
            for k, v in item.items():
                _check_text(k)
                stack.append(v)
        elif isinstance(item, list):
            nodes += 1
            stack.extend(item)
        if nodes > limits.max_json_nodes:
            raise _too_many_nodes(limits)


def _check_text(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("document contains a lone surrogate (invalid Unicode)") from None


def check_structure(document: Mapping[str, Any], *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Apply the depth limit and string checks to an already-parsed document."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            nodes += 1
            if nodes > limits.max_json_nodes:
                raise _too_many_nodes(limits)
        if depth > limits.max_json_depth:
            raise LimitExceededError(
                f"JSON nesting is deeper than the limit of {limits.max_json_depth}"
            )
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, Mapping):
            for k, v in item.items():
                if not isinstance(k, str):
                    raise InputError("JSON object keys must be strings")
                _check_text(k)
                stack.append((v, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float):
            if math.isinf(item) or math.isnan(item):
                raise InputError("non-finite number in document", code="invalid_number")
        elif item is None or isinstance(item, bool | int):
            continue
        else:
            raise InputError(f"value of type {type(item).__name__} is not JSON")


def read_bounded(stream: Any, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read at most ``max_document_bytes`` (+1 to detect more) from a binary stream.

    A larger input is refused without reading it all, so memory stays bounded.
    """
    data = stream.read(limits.max_document_bytes + 1)
    if len(data) > limits.max_document_bytes:
        raise LimitExceededError(
            f"document is larger than the limit of {limits.max_document_bytes} bytes"
        )
    return bytes(data)


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The credential's issuer id (``issuer`` as a URL or as an object with ``id``)."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def types_of(document: Mapping[str, Any]) -> list[str]:
    """The document's ``type`` values (a single value counts as a one-element list)."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return [t for t in types if isinstance(t, str)]
