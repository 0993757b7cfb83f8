"""Checking and converting the field values of a write, the way Salesforce's save does.

Salesforce rejects what does not fit; it never truncates a string. Empty strings are stored
as null, and numbers are rounded to the field's scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import orjson

from mocks.salesforce.ids import InvalidId, normalize_id
from mocks.salesforce.records import format_datetime, parse_datetime
from mocks.salesforce.schema import NUMBER_TYPES, SOBJECTS, STRING_TYPES, FieldDef, SObjectDef

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_INTEGER = re.compile(r"[+-]?\d+")
_JAVA_TYPES = {"int": "int", "boolean": "boolean", "date": "Date", "datetime": "DateTime"}


@dataclass(eq=False)
class Problem(Exception):
    """One reason a record cannot be saved, in Salesforce's terms (raised by `coerce_value`)."""

    code: str
    message: str
    fields: list[str] = field(default_factory=list)
    # A value of the wrong JSON type: a single-record call answers JSON_PARSER_ERROR instead.
    parser_message: str | None = None

    def to_wire(self, key: str = "statusCode") -> dict[str, Any]:
        return {key: self.code, "message": self.message, "fields": list(self.fields)}


class RecordError(Exception):
    """A record failed; `status` is what a single-record call answers (400 or 404)."""

    def __init__(self, problems: list[Problem], status: int = 400) -> None:
        super().__init__("; ".join(f"{p.code}: {p.message}" for p in problems))
        self.problems = problems
        self.status = status

    @classmethod
    def one(cls, code: str, message: str, fields: list[str] | None = None, status: int = 400
            ) -> RecordError:  # fmt: skip
        return cls([Problem(code, message, list(fields or []))], status)


def _token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return "VALUE_STRING"


def _wrong_type(fd: FieldDef, value: Any) -> Problem:
    java = _JAVA_TYPES.get(fd.type, "double" if fd.type in NUMBER_TYPES else "String")
    shown = value if isinstance(value, str) else orjson.dumps(value).decode()
    parser = (
        f"Cannot deserialize instance of {java} from {_token(value)} value {shown} "
        "or request may be missing a required field"
    )
    return Problem(
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        f"{fd.label}: value not of required type: {shown}",
        [fd.name],
        parser,
    )


def _number(fd: FieldDef, value: Any) -> Decimal:
    if isinstance(value, bool | dict | list):
        raise _wrong_type(fd, value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _wrong_type(fd, value) from None
    if not number.is_finite():
        raise _wrong_type(fd, value)
    return number


def _coerce_number(fd: FieldDef, value: Any) -> int | float:
    if fd.type == "int":
        if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
            raise _wrong_type(fd, value)
        number = _number(fd, value)
        if number != number.to_integral_value():
            raise _wrong_type(fd, value)
        limit = Decimal(10) ** (fd.digits or 9)
    else:
        number = _number(fd, value).quantize(Decimal(1).scaleb(-fd.scale), ROUND_HALF_UP)
        limit = Decimal(10) ** ((fd.precision or 18) - fd.scale)
    if abs(number) >= limit:
        raise Problem(
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{fd.label}: value outside of valid range on numeric field: {value}",
            [fd.name],
        )
    return int(number) if fd.type == "int" else float(number)


def _coerce_string(fd: FieldDef, value: Any) -> str | None:
    if isinstance(value, dict | list):
        raise _wrong_type(fd, value)
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if text == "":
        return None
    if len(text) > fd.length:
        raise Problem(
            "STRING_TOO_LONG",
            f"{fd.label}: data value too large: {text} (max length={fd.length})",
            [fd.name],
        )
    if fd.type == "email" and not _EMAIL.fullmatch(text):
        raise Problem(
            "INVALID_EMAIL_ADDRESS", f"{fd.label}: invalid email address: {text}", [fd.name]
        )
    if fd.type == "picklist" and fd.restricted_picklist and text not in fd.picklist:
        raise Problem(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{fd.label}: bad value for restricted picklist field: {text}",
            [fd.name],
        )
    return text


def _coerce_reference(fd: FieldDef, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_type(fd, value)
    try:
        record_id = normalize_id(value)
    except InvalidId:
        raise Problem(
            "MALFORMED_ID", f"{fd.label}: id value of incorrect type: {value}", [fd.name]
        ) from None
    prefixes = {SOBJECTS[t].key_prefix for t in fd.reference_to if t in SOBJECTS}
    if prefixes and record_id[:3] not in prefixes:
        raise Problem(
            "FIELD_INTEGRITY_EXCEPTION", f"{fd.label}: id value of incorrect type: {value}",
            [fd.name],
        )  # fmt: skip
    return record_id


def coerce_value(fd: FieldDef, value: Any) -> Any:
    """The value to store for `fd`, or raise the `Problem` Salesforce would report."""
    if value is None:
        return None
    if fd.type in STRING_TYPES:
        return _coerce_string(fd, value)
    if fd.type in NUMBER_TYPES:
        return _coerce_number(fd, value)
    if fd.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _wrong_type(fd, value)
    if fd.type in ("reference", "id"):
        return _coerce_reference(fd, value)
    if not isinstance(value, str):
        raise _wrong_type(fd, value)
    if value == "":
        return None
    try:
        if fd.type == "date":
            return date.fromisoformat(value[:10]).isoformat()
        return format_datetime(parse_datetime(value))
    except ValueError:
        raise _wrong_type(fd, value) from None


def prepare_fields(sobject: SObjectDef, body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check a record body against the schema; return canonical field name -> stored value.

    Order of checks: unknown fields, read-only fields, values (type, length, range), then
    required fields. Raises `RecordError` with every problem of the first failing stage.
    """
    resolved: dict[FieldDef, Any] = {}
    for key, value in body.items():
        if key == "attributes":
            continue
        fd = sobject.field(key)
        if fd is None:
            raise RecordError.one(
                "INVALID_FIELD", f"No such column '{key}' on sobject of type {sobject.name}"
            )
        resolved[fd] = value
    readonly = [fd.name for fd in resolved if not (fd.createable if creating else fd.updateable)]
    if readonly:
        raise RecordError.one(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(readonly)}. Please check the security"
            " settings of this field and verify that it is read/write for your profile or"
            " permission set.",
            readonly,
        )
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for fd, value in resolved.items():
        try:
            clean[fd.name] = coerce_value(fd, value)
        except Problem as problem:
            problems.append(problem)
    if problems:
        raise RecordError(problems)
    missing = [
        fd.name
        for fd in sobject.fields
        if fd.required and (fd.name in clean or creating) and clean.get(fd.name) is None
    ]
    if missing:
        raise RecordError.one(
            "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )  # fmt: skip
    return clean
