"""Convert the OWF sd-jwt-python behaviour cases into our fixture (run once, needs PyYAML).

Each case's ``!sd`` markings become a disclosure frame (``_sd`` lists, as mbo_vc.sd_jwt.issue
takes them), ``holder_disclosed_claims`` become claim paths (as mbo_vc.sd_jwt.present takes
them), and ``expect_verified_user_claims`` is kept as it is.

    PYTHONPATH=/path/to/pyyaml python scripts/convert_sd_jwt_cases.py SRC_DIR OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]


class SD:
    def __init__(self, value: Any, raw: str | None = None) -> None:
        self.value = value
        self.raw = raw

    def __hash__(self) -> int:
        return hash(("sd", self.value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SD) and other.value == self.value


def _sd(loader: yaml.SafeLoader, node: yaml.Node) -> SD:
    if isinstance(node, yaml.ScalarNode):
        tag = loader.resolve(yaml.ScalarNode, node.value, (True, False))
        typed = loader.construct_object(yaml.ScalarNode(tag, node.value, style=node.style))
        return SD(typed, str(node.value))
    if isinstance(node, yaml.SequenceNode):
        return SD(loader.construct_sequence(node, deep=True))
    return SD(loader.construct_mapping(node, deep=True))


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor("!sd", _sd)


def split(value: Any) -> tuple[Any, Any]:
    """(plain claims, frame) from a value with SD markers."""
    if isinstance(value, SD):
        return split(value.value)
    if isinstance(value, dict):
        claims, frame, sd = {}, {}, []
        for k, v in value.items():
            name = (k.raw if k.raw is not None else k.value) if isinstance(k, SD) else k
            name = str(name) if not isinstance(name, str) else name
            inner, sub = split(v)
            claims[name] = inner
            if sub:
                frame[name] = sub
            if isinstance(k, SD) or isinstance(v, SD):
                sd.append(name)
        if sd:
            frame["_sd"] = sd
        return claims, frame
    if isinstance(value, list):
        items, frame, sd = [], {}, []
        for i, v in enumerate(value):
            inner, sub = split(v)
            items.append(inner)
            if sub:
                frame[str(i)] = sub
            if isinstance(v, SD):
                sd.append(i)
        if sd:
            frame["_sd"] = sd
        return items, frame
    return value, None


def paths(selection: Any, prefix: list[Any]) -> list[list[Any]]:
    """Claim paths from a holder_disclosed_claims structure."""
    if selection is True:
        return [prefix]
    if isinstance(selection, dict):
        out = []
        for k, v in selection.items():
            out += paths(v, [*prefix, str(k)])
        return out
    if isinstance(selection, list):
        out = []
        for i, v in enumerate(selection):
            out += paths(v, [*prefix, i])
        return out
    return []


def main(src: Path, out: Path) -> None:
    cases = []
    for spec in sorted(src.glob("*/specification.yml")):
        data = yaml.load(spec.read_text(encoding="utf-8"), Loader=Loader)
        claims, frame = split(data["user_claims"])
        cases.append(
            {
                "name": spec.parent.name,
                "source": f"openwallet-foundation-labs/sd-jwt-python@cde61390 tests/testcases/"
                f"{spec.parent.name}/specification.yml",
                "user_claims": claims,
                "frame": frame or {},
                "disclose": paths(data.get("holder_disclosed_claims") or {}, []),
                "expect_verified_user_claims": data["expect_verified_user_claims"],
                "key_binding": bool(data.get("key_binding", False)),
                "serialization_format": data.get("serialization_format", "compact"),
                "extra_header_parameters": data.get("extra_header_parameters") or {},
            }
        )
    out.write_text(json.dumps({"cases": cases}, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
