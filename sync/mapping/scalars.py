"""Scalar conversions: numbers, booleans and text (`to_int`, `to_float`, `round`,
`to_bool`, `to_string`). Registered by `sync.mapping.transforms`, whose docstring states the
conventions."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sync.mapping.registry import TransformError, params_schema, register_transform, text_of

_INT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?$")
_FLOAT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})


def to_int(value: Any, *, record: dict[str, Any]) -> int | None:
    """An integer from an int, an integral float or text ("1,234", "12.0")."""
    if isinstance(value, bool):
        raise TransformError(f"to_int got a boolean {value!r}; map it with to_bool or lookup")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise TransformError(f"to_int would lose the fraction of {value!r}; round it first")
        return int(value)
    text = text_of(value, "to_int").strip()
    if not text:
        return None
    if not _INT.match(text):
        raise TransformError(f"{value!r} is not a whole number")
    return int(text.replace(",", "").split(".")[0])


def to_float(value: Any, *, record: dict[str, Any]) -> float | None:
    """A float from a number or text ("1,234.50"); NaN and infinities are refused."""
    if isinstance(value, bool):
        raise TransformError(f"to_float got a boolean {value!r}")
    if isinstance(value, int | float | Decimal):
        result = float(value)
    else:
        text = text_of(value, "to_float").strip()
        if not text:
            return None
        if not _FLOAT.match(text) or not any(ch.isdigit() for ch in text):
            raise TransformError(f"{value!r} is not a number (use . for decimals)")
        result = float(text.replace(",", ""))
    if not math.isfinite(result):
        raise TransformError(f"{value!r} is not a finite number")
    return result


def round_(value: Any, *, record: dict[str, Any], digits: int = 0) -> int | float:
    """Round half away from zero to `digits` decimals (2.675 -> 2.68, unlike `round()`);
    an int stays an int."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TransformError(f"round expects a number, got {type(value).__name__} {value!r}")
    if isinstance(value, int):
        return value
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def to_bool(value: Any, *, record: dict[str, Any]) -> bool | None:
    """True/False from a bool, 0/1, or text: true/false, t/f (NetSuite), yes/no, y/n, on/off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise TransformError(f"{value!r} is not a yes/no value (true/false, t/f, yes/no, 1/0)")


def to_string(value: Any, *, record: dict[str, Any]) -> str:
    """Text for a scalar: booleans as true/false, integral floats without ".0" (12.0 -> "12")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TransformError(f"to_string cannot turn a {type(value).__name__} into text")


def scalar_text(value: Any, transform: str) -> str:
    """Text for a lookup key or a concat part: numbers via to_string, booleans as true/false."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return to_string(value, record={})
    raise TransformError(f"{transform} expects text or a number, got {type(value).__name__}")


_NONE = params_schema({})
for _name, _fn in {
    "to_int": to_int,
    "to_float": to_float,
    "to_bool": to_bool,
    "to_string": to_string,
}.items():
    register_transform(_name, _fn, _NONE)
register_transform(
    "round", round_, params_schema({"digits": {"type": "integer", "minimum": 0, "maximum": 12}})
)
