"""Bulk API CSV as Salesforce reads and writes it.

Reading an upload: the first row names the fields; an empty value leaves a field as it is
(it is not sent to the save), and `#N/A` sets it to null. Writing results and query rows:
every value is quoted, null is an empty quoted value, booleans are `true`/`false` and
datetimes end in `Z` (`2024-01-15T10:22:33.000Z`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
NULL_MARKER = "#N/A"


class CsvProblem(Exception):
    """The upload cannot be read as CSV; the job fails with this message."""


def parse_upload(data: bytes, delimiter: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of an uploaded CSV (UTF-8, an optional byte-order mark)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblem(f"InvalidBatch : the data is not UTF-8: {exc}") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise CsvProblem(f"InvalidBatch : Failed to parse CSV. {exc}") from exc
    rows = [row for row in rows if row]  # a trailing line ending is no record
    if not rows:
        raise CsvProblem("InvalidBatch : the uploaded data has no header row")
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise CsvProblem(
                f"InvalidBatch : Wrong number of columns in row {number}: expected "
                f"{len(header)}, found {len(row)}"
            )
    return header, body


def upload_values(header: Sequence[str], row: Sequence[str]) -> dict[str, Any]:
    """A row as a save body: empty cells left out, `#N/A` as null."""
    body: dict[str, Any] = {}
    for name, cell in zip(header, row, strict=True):
        if cell == NULL_MARKER:
            body[name] = None
        elif cell != "":
            body[name] = cell
    return body


def cell(value: Any) -> str:
    """One value as Bulk API CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def zulu(value: Any) -> Any:
    """A stored datetime (`...000+0000`) as Bulk CSV writes it (`...000Z`)."""
    if isinstance(value, str) and value.endswith("+0000"):
        return value[:-5] + "Z"
    return value


class CsvWriter:
    """Quoted CSV in the job's delimiter and line ending."""

    def __init__(self, delimiter: str = ",", line_ending: str = "\n") -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(
            self._buffer, delimiter=delimiter, lineterminator=line_ending, quoting=csv.QUOTE_ALL
        )
        self._delimiter = delimiter
        self._line_ending = line_ending

    def header(self, quoted: Sequence[str], plain: Sequence[str]) -> None:
        """Result headers: Salesforce quotes its own `sf__` columns, not the caller's."""
        parts = [f'"{name}"' for name in quoted] + [_plain(name, self._delimiter) for name in plain]
        self._buffer.write(self._delimiter.join(parts) + self._line_ending)

    def row(self, values: Iterable[Any]) -> None:
        self._writer.writerow([cell(v) for v in values])

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows([cell(v) for v in row] for row in rows)

    def text(self) -> str:
        return self._buffer.getvalue()


def _plain(name: str, delimiter: str) -> str:
    special = delimiter in name or '"' in name or "\n" in name or "\r" in name
    return '"' + name.replace('"', '""') + '"' if special else name
