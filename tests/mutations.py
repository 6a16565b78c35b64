"""Single-field mutations of a JSON document: change, delete, add, retype."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

Path = tuple[Any, ...]


def paths(doc: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) in the document, containers included (the root excluded)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*prefix, k), v
            yield from paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*prefix, i), v
            yield from paths(v, (*prefix, i))


def get(doc: Any, path: Path) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _changed(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 1]
    if isinstance(value, str):
        if not value:
            return ["x"]
        mid = len(value) // 2
        flip = "b" if value[mid] != "b" else "c"
        return [value[:mid] + flip + value[mid + 1 :], value + " "]
    return []


def _retyped(value: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(value, str):
        out += [123, True, {"id": value}] if ":" in value else [123, True]
    elif isinstance(value, int | float | bool):
        out += [str(value)]
    elif isinstance(value, dict):
        out += ["x"]
    elif isinstance(value, list) and value:
        out += [{"x": 1}, "x"]
    return out


def mutations(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (description, mutated copy) for every single-field change/delete/add/retype."""
    for path, value in list(paths(doc)):
        parent_path, key = path[:-1], path[-1]
        label = "/".join(str(p) for p in path)
        for new in _changed(value) + _retyped(value):
            m = copy.deepcopy(doc)
            get(m, parent_path)[key] = new
            yield f"change {label} -> {new!r:.40}", m
        if isinstance(value, dict):
            m = copy.deepcopy(doc)
            get(m, parent_path)[key] = [copy.deepcopy(value), copy.deepcopy(value)]
            yield f"duplicate {label}", m
        m = copy.deepcopy(doc)
        parent = get(m, parent_path)
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
        yield f"delete {label}", m
    for path, value in [((), doc), *paths(doc)]:
        if isinstance(value, dict):
            label = "/".join(str(p) for p in path) or "(root)"
            for k, v in (("extra", "x"), ("description", "added claim"), ("id", "urn:uuid:x")):
                if k in value:
                    continue
                m = copy.deepcopy(doc)
                get(m, path)[k] = v
                yield f"add {label}/{k}", m
        elif isinstance(value, list):
            m = copy.deepcopy(doc)
            get(m, path).append(copy.deepcopy(value[0]) if value else "x")
            yield f"add {'/'.join(map(str, path))}[+]", m
