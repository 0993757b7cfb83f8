"""Date and timestamp transforms: the formats CRMs, ERPs and spreadsheets produce, to ISO 8601.

Registered by `sync.mapping.transforms`. Slashed dates are read month first (`1/15/2024`, as
NetSuite and US Salesforce users write them) unless `day_first: true`; dotted dates
(`15.01.2024`) are always day first. Ambiguity is never guessed away per value: one
setting applies to the whole field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sync.mapping.registry import TransformError, params_schema, register_transform, text_of

_DATES_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y")
_DATES_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y")
_DATES_ANY = (
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")


@lru_cache(maxsize=2)
def _formats(day_first: bool) -> tuple[str, ...]:
    slashed = _DATES_DAY_FIRST if day_first else _DATES_MONTH_FIRST
    return tuple(d + t for d in (*slashed, *_DATES_ANY) for t in _TIMES)


def parse_datetime(value: Any, transform: str, day_first: bool = False) -> datetime | None:
    """A datetime (naive when the input has no offset) from a date, datetime or text."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = " ".join(text_of(value, transform).split())
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _formats(day_first):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise TransformError(
        f"{value!r} is not a date {transform} can read "
        "(ISO 8601, 1/15/2024, 15.01.2024, 15 Jan 2024, Jan 15, 2024)"
    )


def date_iso(value: Any, *, record: dict[str, Any], day_first: bool = False) -> str | None:
    """`YYYY-MM-DD`. A timestamp keeps the calendar date it shows (no time-zone shift)."""
    parsed = parse_datetime(value, "date_iso", day_first)
    return None if parsed is None else parsed.date().isoformat()


def datetime_iso(value: Any, *, record: dict[str, Any], day_first: bool = False) -> str | None:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC (fractions of a second kept when present). A timestamp
    without an offset is taken as UTC, which is what Salesforce and NetSuite APIs send."""
    parsed = parse_datetime(value, "datetime_iso", day_first)
    if parsed is None:
        return None
    utc = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat() + "Z"


_DAY_FIRST = params_schema({"day_first": {"type": "boolean"}})
register_transform("date_iso", date_iso, _DAY_FIRST)
register_transform("datetime_iso", datetime_iso, _DAY_FIRST)
