"""Vendor-neutral pieces of wire-level schema drift: renaming, dropping and retyping a field
in a payload, and translating a client's field names back to the stored ones.

The store never changes: a drift only alters what crosses the wire, so clearing the plan
undoes it. Vendor dialects decide where records and schemas sit in their payloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from mocks.faults.plan import SchemaDrift


class UnknownField(Exception):
    """A client used a field name the drift took away; dialects render the vendor error."""

    def __init__(self, obj: str, name: str) -> None:
        super().__init__(f"{obj}.{name}")
        self.obj = obj
        self.name = name


def convert(value: Any, to: str) -> Any:
    """`value` as the drifted type shows it; values that do not convert stay as they are."""
    if value is None or isinstance(value, dict | list):
        return value
    try:
        if to == "string":
            if isinstance(value, bool):
                return "true" if value else "false"
            return value if isinstance(value, str) else str(value)
        if to == "double":
            return float(value)
        if to == "int":
            return int(float(value))
        if to == "boolean":
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in ("1", "true", "yes", "t")
    except (TypeError, ValueError):
        return value
    return str(value)


def _same(a: str, b: str, ci: bool) -> bool:
    return a.lower() == b.lower() if ci else a == b


def show_record(
    rec: dict[str, Any], drifts: Iterable[SchemaDrift], *, ci: bool, lower: bool = False
) -> None:
    """Apply drifts to one record payload in place (`lower`: keys are lower-cased, SuiteQL)."""
    for drift in drifts:
        stored = drift.field.lower() if lower else drift.field
        key = next((k for k in rec if _same(k, stored, ci)), None)
        if key is None:
            continue
        if drift.remove:
            rec.pop(key)
        elif drift.rename:
            new = drift.rename.lower() if lower else drift.rename
            rebuilt = {(new if k == key else k): v for k, v in rec.items()}
            rec.clear()
            rec.update(rebuilt)
        elif drift.retype:
            rec[key] = convert(rec[key], drift.retype)


def accept_record(
    rec: dict[str, Any], obj: str, drifts: Iterable[SchemaDrift], *, ci: bool
) -> dict[str, Any]:
    """A written record with drifted names translated back; raise `UnknownField` for a
    field name that no longer exists on the wire."""
    out = dict(rec)
    for drift in drifts:
        gone = next((k for k in out if _same(k, drift.field, ci)), None)
        if gone is not None and (drift.remove or drift.rename):
            raise UnknownField(obj, gone)
        if drift.rename:
            key = next((k for k in out if _same(k, drift.rename, ci)), None)
            if key is not None:
                out = {(drift.field if k == key else k): v for k, v in out.items()}
    return out


def translate_names(text: str, obj: str, drifts: Iterable[SchemaDrift]) -> str:
    """A query's field names mapped back to the stored ones (case-insensitive, whole words);
    raise `UnknownField` when it names a field the drift took away."""
    for drift in drifts:
        old = re.compile(rf"(?<![\w.]){re.escape(drift.field)}(?!\w)", re.IGNORECASE)
        found = old.search(text)
        if found and (drift.remove or drift.rename):
            raise UnknownField(obj, found.group(0))
        if drift.rename:
            new = re.compile(rf"(?<![\w.]){re.escape(drift.rename)}(?!\w)", re.IGNORECASE)
            text = new.sub(drift.field, text)
    return text


def walk(data: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    """Call `visit` on every dict inside `data`, outermost first."""
    if isinstance(data, dict):
        visit(data)
        for value in list(data.values()):
            walk(value, visit)
    elif isinstance(data, list):
        for item in data:
            walk(item, visit)


def for_object(drifts: Iterable[SchemaDrift], obj: str | None, *, ci: bool) -> list[SchemaDrift]:
    if obj is None:
        return []
    return [d for d in drifts if _same(d.object, obj, ci)]
