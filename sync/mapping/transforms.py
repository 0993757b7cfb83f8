"""The transform library: every built-in transform, registered by name.

Conventions every built-in follows (and custom transforms should):

- **None passes through.** A None value skips every transform except `default`,
  `null_if_empty`, `coalesce` and `concat`, so a pipeline never has to guard against a field
  the source left empty.
- **Blank text is absent for parsers.** `to_int`, `to_float`, `to_bool`, `date_iso`,
  `datetime_iso`, `email`, `url`, `phone_e164`, `country_iso2` and `country_name` turn an
  empty or whitespace-only string into None: there is nothing to parse, and `required`
  reports it if the target needs a value.
- **Never guess, never cut.** Input a transform cannot convert raises `TransformError`
  naming the value and what would be accepted; nothing is rounded, truncated or re-read
  silently (`round` and the `max_length` rule exist for that, visibly).
- **Text transforms take text.** `trim`, `upper`, ... raise on a number; convert it first
  with `to_string`.

Numbers, booleans and `to_string` live in `sync.mapping.scalars`, dates in
`sync.mapping.dates`, countries, phones, emails and URLs in `sync.mapping.contact`; importing
this module registers them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Importing these registers their transforms (numbers, dates, countries, phones, contacts).
from sync.mapping import contact, dates  # noqa: F401
from sync.mapping.registry import (
    TRANSFORMS,
    TransformError,
    blank,
    params_schema,
    register_transform,
    text_of,
)
from sync.mapping.scalars import scalar_text

__all__ = ["TRANSFORMS", "TransformError", "register_transform"]

# -- text ---------------------------------------------------------------------------------


def trim(value: Any, *, record: dict[str, Any]) -> str:
    """Strip leading and trailing whitespace (including non-breaking spaces)."""
    return text_of(value, "trim").strip()


def collapse_whitespace(value: Any, *, record: dict[str, Any]) -> str:
    """Every run of whitespace (newlines too) becomes one space; ends are trimmed."""
    return " ".join(text_of(value, "collapse_whitespace").split())


def upper(value: Any, *, record: dict[str, Any]) -> str:
    return text_of(value, "upper").upper()


def lower(value: Any, *, record: dict[str, Any]) -> str:
    return text_of(value, "lower").lower()


def title_case(value: Any, *, record: dict[str, Any]) -> str:
    """Capitalise each word, lower the rest: "o'BRIEN-SMITH's café" -> "O'Brien-Smith's Café".

    A single letter before an apostrophe starts a name (O'Brien, D'Arcy, L'Oréal); a
    possessive does not ("Bob's"). Acronyms are lowered too ("ACME GMBH" -> "Acme Gmbh").
    """
    text = text_of(value, "title_case").lower()
    chars = list(text)
    for i, ch in enumerate(text):
        if ch.isalpha() and _starts_word(text, i):
            chars[i] = ch.upper()
    return "".join(chars)


def _starts_word(text: str, i: int) -> bool:
    if i == 0:
        return True
    prev = text[i - 1]
    if prev in "'\u2019":
        lone_letter = i >= 2 and text[i - 2].isalpha() and (i == 2 or not text[i - 3].isalnum())
        return lone_letter and i + 1 < len(text) and text[i + 1].isalpha()
    return not prev.isalnum()


def regex_replace(
    value: Any,
    *,
    record: dict[str, Any],
    pattern: str,
    replacement: str = "",
    count: int = 0,
    ignore_case: bool = False,
) -> str:
    """`re.sub(pattern, replacement, value)`; `\\1` and `\\g<name>` refer to groups."""
    text = text_of(value, "regex_replace")
    try:
        return re.sub(
            pattern, replacement, text, count=count, flags=re.IGNORECASE if ignore_case else 0
        )
    except (re.error, IndexError) as exc:
        raise TransformError(f"regex_replace {pattern!r} -> {replacement!r} failed: {exc}") from exc


# -- empties, several sources, pieces -----------------------------------------------------


def default(value: Any, /, *, record: dict[str, Any], **params: Any) -> Any:
    """The `value` param when the input is None or empty text; the input otherwise."""
    return params["value"] if value is None or value == "" else value


def null_if_empty(value: Any, *, record: dict[str, Any]) -> Any:
    """None for empty or whitespace-only text and empty lists/dicts; the input otherwise."""
    return None if blank(value) else value


def coalesce(value: Any, *, record: dict[str, Any]) -> Any:
    """The first non-blank item of a list (from `sources:`); a scalar passes through."""
    if not isinstance(value, list | tuple):
        return value
    return next((item for item in value if not blank(item)), None)


def concat(
    value: Any, *, record: dict[str, Any], separator: str = " ", skip_empty: bool = True
) -> str | None:
    """Join the items of a list (from `sources:`) with `separator`; None items are skipped,
    blank text too unless `skip_empty` is false. Nothing left to join gives None."""
    items = value if isinstance(value, list | tuple) else [value]
    parts = [scalar_text(item, "concat") for item in items if item is not None]
    if skip_empty:
        parts = [p for p in parts if p.strip()]
    return separator.join(parts) if parts else None


def split(
    value: Any, *, record: dict[str, Any], separator: str, index: int, strip: bool = True
) -> str | None:
    """Piece `index` of the text split on `separator` (negative counts from the end);
    None when there is no such piece or it is empty."""
    pieces = text_of(value, "split").split(separator)
    if not -len(pieces) <= index < len(pieces):
        return None
    piece = pieces[index].strip() if strip else pieces[index]
    return piece or None


def split_lines(
    value: Any, *, record: dict[str, Any], index: int = 0, rest: bool = False, separator: str = ", "
) -> str | None:
    """Line `index` of a multi-line text (\\n, \\r\\n or \\r); blank lines are skipped and
    lines trimmed. With `rest`, that line and every later one, joined by `separator`, so a
    third street line is carried instead of lost. None when there is no such line."""
    lines = [line.strip() for line in text_of(value, "split_lines").splitlines() if line.strip()]
    if index >= len(lines):
        return None
    return separator.join(lines[index:]) if rest else lines[index]


def lookup(
    value: Any,
    *,
    record: dict[str, Any],
    table: dict[str, Any],
    ignore_case: bool = False,
    **params: Any,
) -> Any:
    """`table[value]`; numbers and booleans are looked up by their text ("1", "true").
    A value missing from the table gives `default` when one is set, else a TransformError."""
    key = scalar_text(value, "lookup")
    if key in table:
        return table[key]
    if ignore_case:
        folded = key.casefold()
        for candidate, result in table.items():
            if candidate.casefold() == folded:
                return result
    if "default" in params:
        return params["default"]
    known = ", ".join(sorted(table)[:12]) + (", ..." if len(table) > 12 else "")
    raise TransformError(
        f"{value!r} is not in the lookup table (known: {known}); "
        "add it to the table or give the lookup a default"
    )


_GROUP_REF = re.compile(r"\\(?:g<([^>]*)>|(\d{1,2}))")


def _regex_problems(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every group the replacement names must exist in the pattern: `re.sub` would fail on
    every record otherwise (the schema already checked that the pattern compiles)."""
    try:
        pattern = re.compile(str(params["pattern"]))
    except (re.error, KeyError):
        return []
    replacement = params.get("replacement", "")
    if not isinstance(replacement, str):
        return []
    for named, number in _GROUP_REF.findall(replacement.replace("\\\\", "")):
        ref = named or number
        known = ref in pattern.groupindex or (ref.isdigit() and int(ref) <= pattern.groups)
        if not known:
            groups = f"{pattern.groups} group(s)" + (
                f" named {', '.join(pattern.groupindex)}" if pattern.groupindex else ""
            )
            message = f"refers to group {ref}, but the pattern has {groups}"
            return [("replacement", message)]
    return []


def _lookup_problems(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """With `ignore_case`, two keys that differ only in case would make the answer depend on
    the table's order: refuse the table unless they map to the same value."""
    table = params.get("table")
    if not params.get("ignore_case") or not isinstance(table, dict):
        return []
    seen: dict[str, str] = {}
    for key, value in table.items():
        folded = str(key).casefold()
        first = seen.setdefault(folded, str(key))
        if first != key and table[first] != value:
            message = f"keys {first!r} and {key!r} are the same under ignore_case but map apart"
            return [("table", message)]
    return []


_TEXT = {"type": "string"}
_BOOL = {"type": "boolean"}
_INDEX = {"type": "integer"}
_NONE = params_schema({})

for _name, _fn in {
    "trim": trim,
    "collapse_whitespace": collapse_whitespace,
    "upper": upper,
    "lower": lower,
    "title_case": title_case,
}.items():
    register_transform(_name, _fn, _NONE)
register_transform("null_if_empty", null_if_empty, _NONE, handles_none=True)
register_transform("coalesce", coalesce, _NONE, handles_none=True)
register_transform("default", default, params_schema({"value": {}}, "value"), handles_none=True)
register_transform(
    "concat", concat, params_schema({"separator": _TEXT, "skip_empty": _BOOL}), handles_none=True
)
register_transform(
    "split",
    split,
    params_schema(
        {"separator": {"type": "string", "minLength": 1}, "index": _INDEX, "strip": _BOOL},
        "separator",
        "index",
    ),
)
register_transform(
    "split_lines",
    split_lines,
    params_schema({"index": {"type": "integer", "minimum": 0}, "rest": _BOOL, "separator": _TEXT}),
)
register_transform(
    "lookup",
    lookup,
    params_schema(
        {
            "table": {"type": "object", "minProperties": 1, "propertyNames": _TEXT},
            "default": {},
            "ignore_case": _BOOL,
        },
        "table",
    ),
    check=_lookup_problems,
)
register_transform(
    "regex_replace",
    regex_replace,
    params_schema(
        {
            "pattern": {"type": "string", "format": "regex"},
            "replacement": _TEXT,
            "count": {"type": "integer", "minimum": 0},
            "ignore_case": _BOOL,
        },
        "pattern",
    ),
    check=_regex_problems,
)
