"""OData v2 value formats as SAP writes them, to and from JSON-plain values: pure functions.

`/Date(ms)/` (Edm.DateTime, SAP's dates: midnight UTC) and `/Date(ms+0000)/`
(Edm.DateTimeOffset) become ISO 8601, `PT10H22M00S` (Edm.Time) becomes `10:22:00`, and the
numbers OData v2 sends as strings (Edm.Decimal, Edm.Int64) become floats, as the other packs
hand money and quantities to the engine. Filter literals are built here too.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "from_wire",
    "parse_wire_datetime",
    "quote",
    "to_wire",
    "wire_date",
    "wire_datetime_offset",
    "wire_time",
]

_DATE = re.compile(r"^/Date\((-?\d+)(?:([+-])(\d{4}))?\)/$")
_TIME = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NUMERIC_STRINGS = frozenset({"Edm.Decimal", "Edm.Int64", "Edm.Double", "Edm.Single"})


def parse_wire_datetime(value: str) -> datetime | None:
    """`/Date(ms)/` or `/Date(ms+0060)/` (offset in minutes) -> aware UTC; else None."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    # The offset only says which local time the instant was written in: ms is UTC already.
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (
        f".{moment.microsecond // 1000:03d}Z" if moment.microsecond else "Z"
    )


def _parse_time(value: str) -> str | None:
    match = _TIME.match(value.strip())
    if not match or value.strip() == "PT":
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = int(hours * 3600 + minutes * 60 + seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def from_wire(value: Any, edm: str | None = None) -> Any:
    """One property value as plain JSON. Without a type, only the unmistakable `/Date(..)/`
    and `PT..` shapes convert (a string of digits may be a key such as AddressID)."""
    if not isinstance(value, str):
        return value
    if edm in NUMERIC_STRINGS:
        return _number(value)
    if edm == "Edm.Time" or (edm is None and value.startswith("PT")):
        return _parse_time(value) or value
    match = _DATE.match(value.strip()) if value.startswith("/Date(") else None
    if match is None:
        return value
    moment = _EPOCH + timedelta(milliseconds=int(match.group(1)))
    if edm == "Edm.DateTimeOffset" or (edm is None and match.group(2)):
        return _iso(moment)
    # Edm.DateTime: SAP's dates sit at midnight UTC; a time of day keeps its instant.
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date().isoformat()
    return _iso(moment)


def _number(value: str) -> Any:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return value
    return (
        int(number) if number == number.to_integral_value() and "." not in value else float(number)
    )


def to_wire(value: Any, edm: str | None) -> Any:
    """A plain value as SAP expects it for a property of type `edm`."""
    if value is None:
        return None
    if edm == "Edm.DateTime":
        return wire_date(value)
    if edm == "Edm.DateTimeOffset":
        return wire_datetime_offset(value)
    if edm == "Edm.Time":
        return wire_time(value)
    if (
        edm in NUMERIC_STRINGS
        and isinstance(value, (int, float, Decimal))
        and not isinstance(value, bool)
    ):
        return _decimal_text(value)
    if edm == "Edm.String" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _decimal_text(value: int | float | Decimal) -> str:
    return format(Decimal(str(value)), "f")


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0), tzinfo=UTC)
    else:
        text = str(value).strip()
        if text.startswith("/Date("):
            parsed = parse_wire_datetime(text)
            if parsed is None:
                raise ValueError(f"{value!r} is not a date")
            return parsed
        text = text[:-1] + "+00:00" if text.endswith("Z") else text
        moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _millis(moment: datetime) -> int:
    return int((moment - _EPOCH) / timedelta(milliseconds=1))


def wire_date(value: Any) -> str:
    """An ISO date or datetime as Edm.DateTime: `/Date(ms)/`."""
    return f"/Date({_millis(_as_datetime(value))})/"


def wire_datetime_offset(value: Any) -> str:
    """An ISO datetime as Edm.DateTimeOffset: `/Date(ms+0000)/` (UTC)."""
    return f"/Date({_millis(_as_datetime(value))}+0000)/"


def wire_time(value: Any) -> str:
    """`10:22:05` (or a `time`) as Edm.Time: `PT10H22M05S`."""
    if isinstance(value, str) and value.startswith("PT"):
        return value
    moment = value if isinstance(value, time) else time.fromisoformat(str(value))
    return f"PT{moment.hour:02d}H{moment.minute:02d}M{moment.second:02d}S"


def quote(value: Any) -> str:
    """A string literal for `$filter`: single quotes, a quote doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def datetime_literal(moment: datetime) -> str:
    """`datetime'2024-01-15T00:00:00'` (Edm.DateTime, UTC, to the second)."""
    return f"datetime'{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}'"


def datetimeoffset_literal(moment: datetime) -> str:
    return f"datetimeoffset'{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z'"


def time_literal(moment: datetime) -> str:
    return f"time'PT{moment.hour:02d}H{moment.minute:02d}M{moment.second:02d}S'"


def stamp(date_value: Any, time_value: Any = None) -> datetime | None:
    """A record's modification instant from a plain date-time value, or a date plus a time
    (`LastChangeDate` + `LastChangeTime`); None when absent."""
    if date_value in (None, ""):
        return None
    try:
        moment = _as_datetime(date_value)
    except ValueError:
        return None
    if time_value not in (None, ""):
        clock = time.fromisoformat(str(time_value)) if ":" in str(time_value) else None
        if clock is None:
            parsed = _parse_time(str(time_value))
            clock = time.fromisoformat(parsed) if parsed else time(0)
        moment = datetime.combine(moment.date(), clock, tzinfo=UTC)
    return moment
