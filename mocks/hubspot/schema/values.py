"""Property values on the wire: what a write may hold, how it is stored (always a string or
null), and how search compares it (numbers as numbers, datetimes as instants).

A refused write lists every bad property at once, as HubSpot does: the message embeds the
per-property verdicts as JSON and `errors[]` carries `{message, code, in, context}`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from mocks.hubspot.errors import HubSpotError
from mocks.hubspot.schema.spec import PropertySpec

MAX_TEXT = 65_536  # characters a string property holds
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class BadValue(ValueError):
    """One refused property value: HubSpot's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def iso(moment: datetime) -> str:
    """HubSpot's timestamp spelling: `2024-01-10T12:34:56.789Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(value: Any) -> datetime | None:
    """Epoch milliseconds (number or digits), ISO date-time or date; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def millis(value: Any) -> int | None:
    moment = parse_instant(value)
    return None if moment is None else int(moment.timestamp() * 1000)


def as_number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def stored(spec: PropertySpec, value: Any) -> str | None:
    """The stored (and returned) string for a written value; BadValue when HubSpot refuses."""
    if value is None or value == "":
        return None  # an empty value clears the property
    if isinstance(value, dict | list):
        raise BadValue(
            "INVALID_PROPERTY_VALUE", f'{value!r} is not a valid value for "{spec.name}"'
        )
    if spec.type == "number":
        number = as_number(value)
        if number is None or (spec.integer and not number.is_integer()):
            code = "INVALID_INTEGER" if spec.integer else "INVALID_DECIMAL"
            raise BadValue(code, f'{value!r} is not a valid number for "{spec.name}"')
        return _number_text(number)
    if spec.type == "bool":
        text = str(value).lower() if isinstance(value, bool) else str(value).strip().lower()
        if text not in ("true", "false"):
            raise BadValue("INVALID_BOOLEAN", f'{value!r} is not a valid boolean for "{spec.name}"')
        return text
    if spec.type in ("datetime", "date"):
        moment = parse_instant(value)
        if moment is None:
            raise BadValue("INVALID_DATE", f'{value!r} is not a valid date for "{spec.name}"')
        return moment.date().isoformat() if spec.type == "date" else iso(moment)
    text = (
        value
        if isinstance(value, str)
        else _number_text(float(value))
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value).lower()
    )
    if spec.type == "enumeration" and text not in spec.options:
        raise BadValue(
            "INVALID_OPTION", f"{text} was not one of the allowed options: {list(spec.options)}"
        )
    if len(text) > MAX_TEXT:
        raise BadValue(
            "INVALID_LONG_STRING",
            f'The value for "{spec.name}" is {len(text)} characters long; the limit is {MAX_TEXT}',
        )
    if spec.name == "email":
        text = text.strip().lower()  # HubSpot keeps emails in lower case
        if not _EMAIL.match(text):
            raise BadValue("INVALID_EMAIL", f"Email address {text} is invalid")
    return text


def check_properties(
    props: Any, specs: Mapping[str, PropertySpec], portal_id: int
) -> dict[str, str | None]:
    """Every written property checked and stored as a string; 400 VALIDATION_ERROR listing
    each unknown, read-only or invalid one otherwise."""
    if props is None:
        return {}
    if not isinstance(props, Mapping):
        raise HubSpotError(
            400, "Invalid input JSON: properties must be an object", "VALIDATION_ERROR"
        )
    out: dict[str, str | None] = {}
    bad: list[tuple[str, str, str]] = []  # (name, code, message)
    for name, value in props.items():
        spec = specs.get(name)
        if spec is None:
            bad.append((name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'))
        elif spec.read_only:
            bad.append(
                (
                    name,
                    "READ_ONLY_VALUE",
                    f'"{name}" is a read only property; its value cannot be set.',
                )
            )
        else:
            try:
                out[name] = stored(spec, value)
            except BadValue as exc:
                bad.append((name, exc.code, exc.message))
    if bad:
        raise refusal(bad, portal_id)
    return out


def refusal(bad: list[tuple[str, str, str]], portal_id: int) -> HubSpotError:
    verdicts = [
        {
            "isValid": False,
            "message": message,
            "error": code,
            "name": name,
            "localizedErrorMessage": message,
            "portalId": portal_id,
        }
        for name, code, message in bad
    ]
    errors = [
        {"message": message, "code": code, "in": name, "context": {"propertyName": [name]}}
        for name, code, message in bad
    ]
    text = "Property values were not valid: " + orjson.dumps(verdicts).decode()
    return HubSpotError(400, text, "VALIDATION_ERROR", errors=errors)


def comparable(spec: PropertySpec | None, value: Any) -> Any:
    """A stored or filter value as search orders it: float, epoch ms, or lower-cased text."""
    if value is None:
        return None
    if spec is not None and spec.type == "number":
        return as_number(value)
    if spec is not None and spec.type in ("datetime", "date"):
        return millis(value)
    return str(value).lower()


__all__ = [
    "MAX_TEXT",
    "BadValue",
    "as_number",
    "check_properties",
    "comparable",
    "iso",
    "millis",
    "parse_instant",
    "refusal",
    "stored",
]
