"""XML Schema ``dateTimeStamp`` values as used by VC (``validFrom``) and proofs (``created``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from mbo_vc.errors import InvalidDateError

__all__ = ["format_timestamp", "parse_timestamp"]

_DATETIME_STAMP = re.compile(
    r"^(?P<date>\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))"
    r"T(?P<time>([01]\d|2[0-3]):[0-5]\d:[0-5]\d)(?P<frac>\.\d+)?"
    r"(?P<tz>Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$"
)


def parse_timestamp(value: object, what: str = "date") -> datetime:
    """Parse an XML Schema dateTimeStamp (timezone required) into an aware datetime."""
    if not isinstance(value, str):
        raise InvalidDateError(f"{what} must be a string")
    m = _DATETIME_STAMP.match(value)
    if m is None:
        raise InvalidDateError(
            f"{what} {value[:40]!r} is not an XML Schema dateTimeStamp (e.g. 2024-07-01T00:00:00Z)"
        )
    frac = (m.group("frac") or "")[:7].ljust(7, "0") if m.group("frac") else ""
    tz = "+00:00" if m.group("tz") == "Z" else m.group("tz")
    try:
        return datetime.fromisoformat(f"{m.group('date')}T{m.group('time')}{frac}{tz}")
    except ValueError:
        raise InvalidDateError(f"{what} {value[:40]!r} is not a valid date") from None


def format_timestamp(value: datetime | str | None = None) -> str:
    """Format a datetime (default: now) as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, seconds precision.

    A string is checked and returned unchanged.
    """
    if isinstance(value, str):
        parse_timestamp(value, "created")
        return value
    if value is None:
        value = datetime.now(UTC)
    if value.tzinfo is None:
        raise InvalidDateError("datetime must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
