"""Bulk API 2.0 CSV <-> plain records, and job results as `WriteResult`s. Pure functions.

Upload cells: null is `#N/A` (an empty cell would leave the field as it was), booleans are
`true`/`false`, datetimes ISO 8601 in UTC. Query rows come back as text; they are typed with
the object's describe so a record read in bulk equals the same record read through `query/`
(numbers as numbers, booleans as booleans, datetimes as `...+0000` strings, empty as None).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sync.connectors.base import ObjectSchema, Record, WriteResult
from sync.connectors.salesforce import dialect

NULL_CELL = "#N/A"
_FIELDS_TAIL = re.compile(r":([A-Za-z][A-Za-z0-9_]*(?:,[A-Za-z][A-Za-z0-9_]*)*)$")
_INT_TYPES = frozenset({"int"})
_NUMBER_TYPES = frozenset({"double", "currency"})


ABSENT = object()  # a field the record does not carry: an empty cell leaves it as it is


def upload_cell(value: Any) -> str:
    if value is ABSENT:
        return ""
    if value is None or value == "":
        return NULL_CELL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return dialect.format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table(
    records: Sequence[dict[str, Any]], first: Sequence[str] = ()
) -> tuple[list[str], list[list[Any]]]:
    """A header naming every field any record carries (`first` leading) and one row per
    record, `ABSENT` where a record lacks a field."""
    header = list(dict.fromkeys([*first, *(k for r in records for k in r if k != "attributes")]))
    return header, [[r.get(name, ABSENT) for name in header] for r in records]


def flat(records: Iterable[dict[str, Any]]) -> bool:
    """Whether every value fits in a CSV cell (no child lists, no nested objects)."""
    return not any(isinstance(v, list | dict) for r in records for k, v in r.items()
                   if k != "attributes")  # fmt: skip


def upload_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[bytes, list[tuple[str, ...]]]:
    """The upload body and each row's cells (results echo the cells, so they identify rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    cells = [tuple(upload_cell(v) for v in row) for row in rows]
    writer.writerows(cells)
    return buffer.getvalue().encode("utf-8"), cells


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [row for row in reader if row]
    return (rows[0], rows[1:]) if rows else ([], [])


def parse_error(text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """`CODE:message:Field,Field --` (one or more) as (first code, messages, fields)."""
    codes: list[str] = []
    messages: list[str] = []
    fields: list[str] = []
    for part in (p.strip() for p in text.split(" --")):
        if not part:
            continue
        code, _, rest = part.partition(":")
        tail = _FIELDS_TAIL.search(rest)
        if tail:
            fields += tail.group(1).split(",")
            rest = rest[: tail.start()]
        codes.append(code)
        messages.append(rest)
    message = "; ".join(m for m in messages if m) or None
    return (codes[0] if codes else None), message, tuple(dict.fromkeys(fields))


def result_from_row(key: str, row: dict[str, str], ok: bool) -> WriteResult:
    record_id = row.get("sf__Id") or None
    if ok:
        return WriteResult(key, True, id=record_id, created=row.get("sf__Created") == "true")
    code, message, fields = parse_error(row.get("sf__Error", ""))
    return WriteResult(key, False, id=record_id, error_code=code, message=message,
                       fields=fields, retryable=code in dialect.RETRYABLE_RECORD_CODES)  # fmt: skip


def typed(value: str, kind: str | None) -> Any:
    if value == "":
        return None
    if kind == "boolean":
        return value == "true"
    if kind in _INT_TYPES:
        return int(value)
    if kind in _NUMBER_TYPES:
        return float(value)
    if kind == "datetime" and value.endswith("Z"):
        return value[:-1] + "+0000"
    return value


def records_from_csv(header: Sequence[str], rows: Iterable[Sequence[str]], schema: ObjectSchema
                     ) -> list[Record]:  # fmt: skip
    kinds = [(name, (fd.type if (fd := schema.field(name)) else None)) for name in header]
    out = []
    for row in rows:
        fields = {name: typed(cell, kind) for (name, kind), cell in zip(kinds, row, strict=True)}
        out.append(dialect.record_from_wire(fields))
    return out
