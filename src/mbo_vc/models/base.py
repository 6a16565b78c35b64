"""The base of every model: JSON names, unknown members kept, exact round trip.

Design (see docs/mbo-model.md):

- Field names are snake_case in Python and the spec's camelCase in JSON (``valid_from`` ↔
  ``validFrom``); ``@context`` is ``context``.
- Members a model does not declare are kept (``extra="allow"``) and written back unchanged, so a
  credential produced elsewhere re-serialises without loss.
- Serialisation writes only what was given (``exclude_unset``), so a member absent on input stays
  absent and a string ``type`` stays a string; a class's default ``type`` counts as given.
- Numbers keep their JSON type (``3`` stays ``3``, ``3.0`` stays ``3.0``): RDF canonicalisation
  tells them apart, so changing one would break a signature.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictFloat,
    StrictInt,
    ValidationError,
)
from pydantic.alias_generators import to_camel

from mbo_vc.errors import ModelValidationError

__all__ = [
    "DateTimeStr",
    "Number",
    "OBModel",
    "TypeValue",
    "as_list",
    "validation_error",
]

Number = StrictInt | StrictFloat
"""A JSON number whose int/float form is preserved."""


def _datetime_text(value: Any) -> Any:
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    return value


DateTimeStr = Annotated[str, BeforeValidator(_datetime_text)]
"""A timestamp kept as its exact JSON text; a ``datetime``/``date`` is written in ISO 8601."""

TypeValue = str | list[str]
"""A JSON-LD ``type``: one IRI/term or a list (the form given is kept)."""


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (``None`` → ``[]``; a single value → ``[value]``)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class OBModel(BaseModel):
    """Base of the VC / OBv3 models (see the module docstring for the rules)."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        validate_assignment=False,
        ser_json_inf_nan="strings",
    )

    _always_set: ClassVar[tuple[str, ...]] = ("type",)

    def model_post_init(self, context: Any, /) -> None:
        """Count defaulted ``type`` members as given, so they are serialised."""
        for name in self._always_set:
            if name in type(self).model_fields and getattr(self, name, None) is not None:
                self.__pydantic_fields_set__.add(name)

    @property
    def types(self) -> list[str]:
        """The ``type`` value as a list."""
        return [t for t in as_list(getattr(self, "type", None)) if isinstance(t, str)]

    def to_json(self) -> dict[str, Any]:
        """The JSON object (what was given, in the spec's member names)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse a JSON object; a mismatch raises :class:`~mbo_vc.errors.ModelValidationError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc, cls.__name__) from None


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (
            part.startswith(("function-", "lax-", "json-", "str", "int", "float", "list["))
            or part[:1].isupper()
            or part in {"list", "dict", "bool"}
        ):
            continue  # pydantic's union branch names, not JSON members
        else:
            out += ("." if out else "") + part
    return out


def validation_error(exc: ValidationError, what: str) -> ModelValidationError:
    """Turn pydantic's error into one typed error naming the first offending field."""
    errors = exc.errors(include_url=False)
    first = errors[0] if errors else {"loc": (), "msg": str(exc)}
    where = _location(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{where}: {msg}{more}" if where else f"{msg}{more}"
    return ModelValidationError(f"{what}: {text}", field=where or None)
