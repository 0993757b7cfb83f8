"""How SAP splits what a CRM keeps whole: pure helpers for names and streets.

- An organisation's name lives in `OrganizationBPName1..4`, 40 characters each: read, the
  parts are joined with a space; written, the name is split at word boundaries (a single
  word longer than a part is cut). A name that needs more than four parts is not cut: the
  rest stays in part 4, which SAP refuses as too long, so the record is quarantined with
  SAP's reason instead of losing its tail.
- A street is `StreetName` plus `HouseNumber`: joined in the country's order (the number
  after the street in most of continental Europe, before it elsewhere), and split again
  by the number at either end of the line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "NAME_FIELDS",
    "join_name",
    "join_street",
    "split_name",
    "split_street",
]

NAME_FIELDS = (
    "OrganizationBPName1",
    "OrganizationBPName2",
    "OrganizationBPName3",
    "OrganizationBPName4",
)
NAME_PART = 40
# Countries whose addresses put the house number after the street name.
_NUMBER_AFTER = frozenset(
    {
        "AT",
        "BE",
        "CH",
        "CZ",
        "DE",
        "DK",
        "ES",
        "FI",
        "HR",
        "HU",
        "IT",
        "LI",
        "LU",
        "NL",
        "NO",
        "PL",
        "PT",
        "SE",
        "SI",
        "SK",
    }
)


def join_name(row: Mapping[str, Any]) -> str:
    """`OrganizationBPName1..4` joined with single spaces, blanks skipped."""
    parts = (str(row.get(name) or "").strip() for name in NAME_FIELDS)
    return " ".join(p for p in parts if p)


def split_name(text: str | None, *, width: int = NAME_PART, parts: int = 4) -> list[str]:
    """`text` in `parts` strings of at most `width` characters, broken between words; the
    last one takes whatever is left (and may be too long: SAP then refuses the record)."""
    words = (text or "").split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width and len(lines) < parts - 1:  # a word longer than a part
            if current:
                lines.append(current)
                current = ""
                continue
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width or len(lines) == parts - 1:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > parts:  # only possible when the last part was full before
        lines = [*lines[: parts - 1], " ".join(lines[parts - 1 :])]
    return lines + [""] * (parts - len(lines))


def _has_digit(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


def join_street(name: Any, number: Any, country: Any = None) -> str:
    street, house = str(name or "").strip(), str(number or "").strip()
    if not house or not street:
        return street or house
    if str(country or "").upper() in _NUMBER_AFTER:
        return f"{street} {house}"
    return f"{house} {street}"


def split_street(line: Any) -> tuple[str, str]:
    """(StreetName, HouseNumber) from one street line: the number at its start or end."""
    tokens: Sequence[str] = str(line or "").split()
    if len(tokens) >= 2 and _has_digit(tokens[0]) and len(tokens[0]) <= 10:
        return " ".join(tokens[1:]), tokens[0]
    if len(tokens) >= 2 and _has_digit(tokens[-1]) and len(tokens[-1]) <= 10:
        return " ".join(tokens[:-1]), tokens[-1]
    return " ".join(tokens), ""
