"""Metadata policies (OpenID Federation 1.0 §6.1): merged top-down along the trust chain, then
applied to the leaf's metadata.

The seven standard operators are implemented (``value``, ``add``, ``default``, ``one_of``,
``subset_of``, ``superset_of``, ``essential``), in the specification's order of application,
with its merge rules and its combination rules (a merged policy whose operators contradict each
other is a policy error). An operator this module does not know is ignored unless a statement
of the chain lists it in ``metadata_policy_crit``, in which case the chain is refused. Every
failure is a :class:`~mbo_vc.errors.FederationPolicyError`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from typing import Any

from mbo_vc.errors import FederationPolicyError

__all__ = ["OPERATORS", "apply_policy", "merge_policies", "resolve_metadata"]

OPERATORS = ("value", "add", "default", "one_of", "subset_of", "superset_of", "essential")
"""The standard operators, in their order of application (§6.1.3.1)."""
_LISTS = ("add", "one_of", "subset_of", "superset_of")


def _key(value: Any) -> str:
    """A canonical text of a JSON value, so ``1`` and ``true`` never compare equal."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _same(a: Any, b: Any) -> bool:
    return _key(a) == _key(b)


def _subset(small: Iterable[Any], big: Iterable[Any]) -> bool:
    keys = {_key(v) for v in big}
    return all(_key(v) in keys for v in small)


def _union(a: list[Any], b: list[Any]) -> list[Any]:
    out = list(a)
    seen = {_key(v) for v in out}
    for value in b:
        key = _key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _intersection(a: list[Any], b: list[Any]) -> list[Any]:
    keys = {_key(v) for v in b}
    return [v for v in a if _key(v) in keys]


def _check_entry(entry: Any, where: str, crit: frozenset[str]) -> dict[str, Any]:
    """The operators of one metadata parameter's policy, type-checked and combination-checked."""
    if not isinstance(entry, Mapping):
        raise FederationPolicyError(f"{where} is not a JSON object of policy operators")
    out: dict[str, Any] = {}
    for op, value in entry.items():
        if op not in OPERATORS:
            if op in crit:
                raise FederationPolicyError(
                    f"{where} uses the critical policy operator {op[:40]!r}, which is not "
                    "understood"
                )
            continue
        if op in _LISTS and not isinstance(value, list):
            raise FederationPolicyError(f"{where}: {op} must be a JSON array")
        if op == "one_of" and not value:
            raise FederationPolicyError(f"{where}: one_of must not be empty")
        if op == "essential" and not isinstance(value, bool):
            raise FederationPolicyError(f"{where}: essential must be true or false")
        out[op] = copy.deepcopy(value)
    _check_combination(out, where)
    return out


def _check_combination(ops: Mapping[str, Any], where: str) -> None:
    """§6.1.3.1: the combinations of operators the specification allows, and their conditions."""
    has = ops.__contains__
    if has("one_of") and (has("add") or has("subset_of") or has("superset_of")):
        raise FederationPolicyError(f"{where}: one_of cannot be combined with add, subset_of or "
                                    "superset_of")  # fmt: skip
    if has("value"):
        value = ops["value"]
        if has("add") and not (isinstance(value, list) and _subset(ops["add"], value)):
            raise FederationPolicyError(f"{where}: the values of add are not in value")
        if has("default") and value is None:
            raise FederationPolicyError(f"{where}: value null cannot be combined with default")
        if has("one_of") and not any(_same(value, v) for v in ops["one_of"]):
            raise FederationPolicyError(f"{where}: value is not one of one_of")
        if has("subset_of") and not (isinstance(value, list) and _subset(value, ops["subset_of"])):
            raise FederationPolicyError(f"{where}: value is not a subset of subset_of")
        if has("superset_of") and not (
            isinstance(value, list) and _subset(ops["superset_of"], value)
        ):
            raise FederationPolicyError(f"{where}: value is not a superset of superset_of")
        if ops.get("essential") is True and value is None:
            raise FederationPolicyError(f"{where}: value null contradicts essential true")
    if has("add") and has("subset_of") and not _subset(ops["add"], ops["subset_of"]):
        raise FederationPolicyError(f"{where}: the values of add are not in subset_of")
    if (
        has("subset_of")
        and has("superset_of")
        and not _subset(ops["superset_of"], ops["subset_of"])
    ):
        raise FederationPolicyError(f"{where}: superset_of is not a subset of subset_of")


def _merge_entry(upper: Mapping[str, Any], lower: Mapping[str, Any], where: str) -> dict[str, Any]:
    out = dict(upper)
    for op, value in lower.items():
        if op not in out:
            out[op] = value
            continue
        mine = out[op]
        if op in ("value", "default"):
            if not _same(mine, value):
                raise FederationPolicyError(f"{where}: two statements set different {op}s")
        elif op in ("add", "superset_of"):
            out[op] = _union(mine, value)
        elif op == "one_of":
            out[op] = _intersection(mine, value)
            if not out[op]:
                raise FederationPolicyError(f"{where}: the one_of lists have nothing in common")
        elif op == "subset_of":
            out[op] = _intersection(mine, value)
        elif op == "essential":
            out[op] = bool(mine) or bool(value)
    _check_combination(out, where)
    return out


def merge_policies(
    policies: Iterable[Mapping[str, Any] | None], crit: Iterable[str] = ()
) -> dict[str, dict[str, dict[str, Any]]]:
    """One policy from the statements' ``metadata_policy`` claims, the trust anchor's first
    (§6.1.4.1). Raises :class:`~mbo_vc.errors.FederationPolicyError`."""
    critical = frozenset(crit)
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for policy in policies:
        if policy is None:
            continue
        if not isinstance(policy, Mapping):
            raise FederationPolicyError("a metadata_policy is not a JSON object")
        for kind, params in policy.items():
            if not isinstance(params, Mapping):
                raise FederationPolicyError(f"metadata_policy.{kind[:40]} is not a JSON object")
            target = merged.setdefault(kind, {})
            for name, entry in params.items():
                where = f"the metadata policy of {kind[:40]}.{name[:60]}"
                checked = _check_entry(entry, where, critical)
                target[name] = (
                    _merge_entry(target[name], checked, where) if name in target else checked
                )
    return merged


def _apply_entry(metadata: dict[str, Any], name: str, ops: Mapping[str, Any], where: str) -> None:
    if "value" in ops:
        if ops["value"] is None:
            metadata.pop(name, None)
        else:
            metadata[name] = copy.deepcopy(ops["value"])
    if "add" in ops:
        current = metadata.get(name)
        if current is None:
            metadata[name] = list(ops["add"])
        elif not isinstance(current, list):
            raise FederationPolicyError(f"{where}: add needs an array, the metadata has another")
        else:
            metadata[name] = _union(current, ops["add"])
    if "default" in ops and name not in metadata:
        metadata[name] = copy.deepcopy(ops["default"])
    if "one_of" in ops and name in metadata:
        if not any(_same(metadata[name], v) for v in ops["one_of"]):
            raise FederationPolicyError(f"{where}: the metadata value is not one of one_of")
    if "subset_of" in ops and name in metadata:
        current = metadata[name]
        if not isinstance(current, list):
            raise FederationPolicyError(f"{where}: subset_of needs an array in the metadata")
        metadata[name] = _intersection(current, ops["subset_of"])
    if "superset_of" in ops and name in metadata:
        current = metadata[name]
        if not isinstance(current, list) or not _subset(ops["superset_of"], current):
            raise FederationPolicyError(f"{where}: the metadata value is not a superset of "
                                        "superset_of")  # fmt: skip
    if ops.get("essential") is True and name not in metadata:
        raise FederationPolicyError(f"{where}: the essential parameter is missing")


def apply_policy(
    metadata: Mapping[str, Any], policy: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> dict[str, Any]:
    """``metadata`` (by entity type) with the merged ``policy`` applied (§6.1.4.2); a policy for
    an entity type the metadata does not have is not applied."""
    out = copy.deepcopy(dict(metadata))
    for kind, params in policy.items():
        if kind not in out:
            continue
        target = out[kind]
        for name, ops in params.items():
            _apply_entry(target, name, ops, f"the metadata policy of {kind[:40]}.{name[:60]}")
    return out


def resolve_metadata(
    leaf_metadata: Mapping[str, Any],
    superior_metadata: Mapping[str, Any] | None,
    policies: Iterable[Mapping[str, Any] | None],
    crit: Iterable[str] = (),
) -> dict[str, Any]:
    """The leaf's metadata as the chain resolves it: the immediate superior's ``metadata`` claim
    replaces the parameters it names (§6.1.4.2), then the merged policies apply."""
    out = copy.deepcopy(dict(leaf_metadata))
    for kind, params in (superior_metadata or {}).items():
        if isinstance(params, Mapping):
            out.setdefault(kind, {}).update(copy.deepcopy(dict(params)))
    return apply_policy(out, merge_policies(policies, crit))
