"""Edm values: how the store holds them, how the wire shows them (VENDORS.md 5.2), how
writes are parsed and checked, and what filters compare.

The store holds JSON-plain values: `Edm.DateTime` as naive ISO text in UTC,
`Edm.DateTimeOffset` as ISO text with `Z`, `Edm.Time` as `PT..H..M..S`, `Edm.Decimal` as
text at the property's scale. The wire shows `/Date(ms)/`, `/Date(ms+0000)/`, the time
text and decimals as strings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mocks.sap.errors import CODES, Detail
from mocks.sap.odata.model import Prop

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_TIME = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
_INTS = frozenset({"Edm.Int16", "Edm.Int32", "Edm.Byte", "Edm.SByte", "Edm.Int64"})


class ValueProblem(ValueError):
    """A written value SAP would refuse; carries the errordetails entry."""

    def __init__(self, detail: Detail) -> None:
        super().__init__(detail.message)
        self.detail = detail


def _problem(kind: str, prop: Prop, message: str) -> ValueProblem:
    return ValueProblem(Detail(CODES[kind], message, prop.name))


# -- datetimes -------------------------------------------------------------------------------


def parse_datetime(text: str) -> datetime:
    """`/Date(ms[+-hhmm])/` or ISO text to an aware UTC datetime (ValueError otherwise)."""
    match = _DATE.match(text)
    if match:
        return EPOCH + timedelta(milliseconds=int(match.group(1)))
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_datetime(value: datetime, *, offset: bool) -> str:
    value = value.astimezone(UTC)
    if offset:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def ms(value: datetime) -> int:
    return (value - EPOCH) // timedelta(milliseconds=1)


def time_text(value: timedelta | datetime) -> str:
    if isinstance(value, datetime):
        value = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    total = int(value.total_seconds())
    return f"PT{total // 3600:02d}H{total % 3600 // 60:02d}M{total % 60:02d}S"


def parse_time(text: str) -> timedelta:
    match = _TIME.match(text)
    if not match or text == "PT":
        raise ValueError(f"not an Edm.Time: {text!r}")
    hours, minutes, seconds = match.groups()
    return timedelta(hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0))


def decimal_text(value: Decimal, scale: int | None) -> str:
    if scale is not None:
        value = value.quantize(Decimal(1).scaleb(-scale))
    return format(value, "f")


# -- store -> wire ---------------------------------------------------------------------------


def to_wire(prop: Prop, value: Any) -> Any:
    """A stored value as SAP's JSON shows it."""
    if value is None:
        return None
    kind = prop.type
    if kind == "Edm.DateTime":
        return f"/Date({ms(parse_datetime(value))})/"
    if kind == "Edm.DateTimeOffset":
        return f"/Date({ms(parse_datetime(value))}+0000)/"
    if kind == "Edm.Int64":
        return str(value)
    return value


# -- wire -> store ---------------------------------------------------------------------------


def from_wire(prop: Prop, value: Any, max_length: int | None) -> Any:
    """A written value checked against the property and put in store form.

    Raises ValueProblem naming the property (SAP's 400 with `errordetails`)."""
    if value is None:
        if not prop.nullable:
            raise _problem("required", prop, f"Property '{prop.name}' must not be null")
        return None
    kind = prop.type
    try:
        if kind == "Edm.String":
            return _string(prop, value, max_length)
        if kind == "Edm.Boolean":
            if not isinstance(value, bool):
                raise ValueError("not a boolean")
            return value
        if kind in ("Edm.DateTime", "Edm.DateTimeOffset"):
            return _datetime(prop, value)
        if kind == "Edm.Time":
            return time_text(parse_time(str(value)))
        if kind == "Edm.Decimal":
            return _decimal(prop, value)
        if kind in _INTS:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError("not an integer")
            return int(value)
        if kind == "Edm.Double":
            return float(value)
        if kind == "Edm.Guid":
            return str(value).lower()
    except (ValueError, InvalidOperation, TypeError) as exc:
        if isinstance(exc, ValueProblem):
            raise
        raise _problem(
            "type", prop, f"Invalid value '{value}' for property '{prop.name}' of type {kind}"
        ) from exc
    return value


def _string(prop: Prop, value: Any, max_length: int | None) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    if max_length is not None and len(value) > max_length:
        raise _problem(
            "too_long",
            prop,
            f"Value of property '{prop.name}' is too long:"
            f" {len(value)} characters, at most {max_length} allowed",
        )
    return value


def _datetime(prop: Prop, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a date")
    parsed = parse_datetime(value)
    if prop.type == "Edm.DateTimeOffset":
        return iso_datetime(parsed, offset=True)
    if prop.date_only:
        parsed = parsed.replace(hour=0, minute=0, second=0, microsecond=0)
    return iso_datetime(parsed, offset=False)


def _decimal(prop: Prop, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("not a decimal")
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError("not finite")
    scale = prop.scale or 0
    if number != number.quantize(Decimal(1).scaleb(-scale)):
        raise _problem(
            "type",
            prop,
            f"Value '{value}' of property '{prop.name}' has more than {scale} decimal places",
        )
    if prop.precision is not None:
        digits = len(number.quantize(Decimal(1)).copy_abs().as_tuple().digits)
        if digits > prop.precision - scale:
            raise _problem(
                "type",
                prop,
                f"Value '{value}' of property '{prop.name}' exceeds precision {prop.precision}",
            )
    return decimal_text(number, prop.scale)


# -- what filters and ordering compare ---------------------------------------------------------


def comparable(prop: Prop, value: Any) -> Any:
    """A stored value as filters compare it: datetimes, timedeltas, Decimals, plain values."""
    if value is None:
        return None
    kind = prop.type
    if kind in ("Edm.DateTime", "Edm.DateTimeOffset"):
        return parse_datetime(value)
    if kind == "Edm.Time":
        return parse_time(value)
    if kind == "Edm.Decimal":
        return Decimal(value)
    return value


__all__ = [
    "ValueProblem",
    "comparable",
    "decimal_text",
    "from_wire",
    "iso_datetime",
    "ms",
    "parse_datetime",
    "parse_time",
    "time_text",
    "to_wire",
]
