"""Date formats NetSuite speaks: ISO 8601 in record JSON, the user's date preference in
SuiteQL output, and Oracle format models in TO_DATE / TO_TIMESTAMP / TO_CHAR."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache

# Tokens of the user date preference ("M/D/YYYY", "DD.MM.YYYY", "YYYY-MM-DD", ...).
_USER_TOKENS = re.compile(r"YYYY|YY|MM|M|DD|D")
# Tokens of an Oracle format model; double-quoted text is a literal.
_ORACLE_TOKENS = re.compile(
    r'"(?P<lit>[^"]*)"|(?P<tok>YYYY|HH24|HH12|HH|MI|SS|MM|DD)|(?P<sep>[\s\-/:.,;]+)',
    re.IGNORECASE,
)


def second(value: datetime) -> datetime:
    """A UTC time cut to whole seconds, NetSuite's grain for record timestamps."""
    return value.astimezone(UTC).replace(microsecond=0)


def iso_z(value: datetime) -> str:
    """`2024-01-15T10:22:00Z`, the record service's timestamp spelling."""
    return second(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_user_date(value: date, fmt: str) -> str:
    """Render a date per the user's date preference (a datetime loses its time, as in SuiteQL)."""
    return user_date_formatter(fmt)(value)


@lru_cache(maxsize=64)
def user_date_template(fmt: str) -> str:
    """A user date preference as a `str.format` template of (year, month, day, year % 100):
    "M/D/YYYY" becomes "{1}/{2}/{0:04d}"."""
    fields = {"YYYY": "{0:04d}", "YY": "{3:02d}", "MM": "{1:02d}", "M": "{1}", "DD": "{2:02d}",
              "D": "{2}"}  # fmt: skip
    template, pos = "", 0
    for m in _USER_TOKENS.finditer(fmt):
        template += fmt[pos : m.start()].replace("{", "{{").replace("}", "}}")
        template += fields[m.group(0)]
        pos = m.end()
    return template + fmt[pos:].replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=64)
def user_date_formatter(fmt: str) -> Callable[[date], str]:
    """`format_user_date` for one preference, its tokens read once."""
    fill = user_date_template(fmt).format

    def render(value: date) -> str:
        year = value.year
        return fill(year, value.month, value.day, year % 100)

    return render


def parse_user_date(text: str, fmt: str) -> date | None:
    """Read a date typed in the user's date preference, or None when it does not fit."""
    pattern, names, pos = "", [], 0
    for m in _USER_TOKENS.finditer(fmt):
        pattern += re.escape(fmt[pos : m.start()])
        token = m.group(0)
        pattern += r"(\d{4})" if token == "YYYY" else r"(\d{1,2})"
        names.append(token)
        pos = m.end()
    pattern += re.escape(fmt[pos:])
    match = re.fullmatch(pattern, text.strip())
    if match is None:
        return None
    values = dict(zip(names, (int(g) for g in match.groups()), strict=True))
    year = values.get("YYYY", 2000 + values.get("YY", 0))
    month = values.get("MM", values.get("M", 1))
    day = values.get("DD", values.get("D", 1))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_loose(text: str, user_format: str) -> datetime | None:
    """A datetime (UTC) from an ISO date or time, or a date in the user's preference."""
    cleaned = text.strip()
    try:
        parsed = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        day = parse_user_date(cleaned, user_format)
        return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@lru_cache(maxsize=64)
def _oracle_parts(fmt: str) -> tuple[tuple[str, str], ...]:
    """Split a format model into (kind, text) pairs; kind is lit, tok or sep. Read once per
    model: a page of 1,000 rows formats each of its timestamps with the same few models (a
    model that does not parse raises, and is not kept)."""
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(fmt):
        m = _ORACLE_TOKENS.match(fmt, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unsupported date format element at {fmt[pos:]!r} in {fmt!r}")
        kind = m.lastgroup or "sep"
        parts.append((kind, m.group(kind) if kind != "tok" else m.group(kind).upper()))
        pos = m.end()
    return tuple(parts)


# Each format element as a `str.format` field of (the datetime, its hour on a 12-hour clock).
_ELEMENTS: dict[str, str] = {
    "YYYY": "{0.year:04d}",
    "MM": "{0.month:02d}",
    "DD": "{0.day:02d}",
    "HH24": "{0.hour:02d}",
    "HH12": "{1:02d}",
    "HH": "{1:02d}",
    "MI": "{0.minute:02d}",
    "SS": "{0.second:02d}",
}


@lru_cache(maxsize=64)
def oracle_writer(fmt: str) -> Callable[[datetime], str]:
    """TO_CHAR for one format model: made once into one format string, then only filled in
    (a page of timestamps calls it once a row)."""
    template = "".join(
        _ELEMENTS[text] if kind == "tok" else text.replace("{", "{{").replace("}", "}}")
        for kind, text in _oracle_parts(fmt)
    )

    def write(value: datetime) -> str:
        return template.format(value, value.hour % 12 or 12)

    return write


def oracle_format(value: datetime, fmt: str) -> str:
    """TO_CHAR(datetime, fmt)."""
    return oracle_writer(fmt)(value)


def oracle_parse(text: str, fmt: str) -> datetime:
    """TO_DATE / TO_TIMESTAMP(text, fmt) as a UTC datetime; ValueError when it does not fit."""
    pattern, names = "", []
    for kind, part in _oracle_parts(fmt):
        if kind == "tok":
            pattern += r"(\d{4})" if part == "YYYY" else r"(\d{1,2})"
            names.append(part)
        elif kind == "sep":
            pattern += r"[\s\-/:.,;]+" if part.strip() else r"\s+"
        else:
            pattern += re.escape(part)
    match = re.fullmatch(pattern, text.strip(), re.IGNORECASE)
    if match is None:
        raise ValueError(f"{text!r} does not match the format {fmt!r}")
    values = dict(zip(names, (int(g) for g in match.groups()), strict=True))
    hour = values.get("HH24", values.get("HH12", values.get("HH", 0)))
    return datetime(
        values.get("YYYY", 1970),
        values.get("MM", 1),
        values.get("DD", 1),
        hour,
        values.get("MI", 0),
        values.get("SS", 0),
        tzinfo=UTC,
    )
