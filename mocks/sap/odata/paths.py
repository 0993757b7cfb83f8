"""Resource paths as pyodata sends them: percent-encoded key predicates, named or
positional, composite keys, navigation segments, `$count` and property segments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from mocks.sap.errors import SapError, bad_request
from mocks.sap.odata.model import EntityType, Prop
from mocks.sap.odata.values import from_wire, iso_datetime, parse_datetime

_SEGMENT = re.compile(r"^(?P<name>[\w$]+)(?:\((?P<key>.*)\))?$", re.S)


@dataclass(frozen=True)
class Segment:
    name: str
    key: str | None  # the raw predicate between the parentheses


def split_path(raw: str) -> list[Segment]:
    """Decode and split the path after the service root, slashes inside quotes kept."""
    text = unquote(raw).strip("/")
    if not text:
        return []
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif ch == "/" and not quoted and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    out = []
    for part in parts:
        match = _SEGMENT.match(part)
        if match is None:
            raise SapError(404, "/IWBEP/CM_MGW_RT/020", f"Resource not found for segment '{part}'")
        out.append(Segment(match.group("name"), match.group("key")))
    return out


def _split_commas(text: str) -> list[str]:
    parts, quoted, start = [], False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif ch == "," and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def key_literal(prop: Prop, text: str) -> Any:
    """A key predicate value in store form (`'10'`, `datetime'9999-12-31T00:00:00'`, `10`)."""
    text = text.strip()
    for prefix in ("datetimeoffset", "datetime", "guid", "time"):
        if text.startswith(prefix + "'") and text.endswith("'"):
            body = text[len(prefix) + 1 : -1]
            if prefix == "time":
                return from_wire(prop, body, None)
            if prefix == "guid":
                return body.lower()
            value = parse_datetime(body)
            return iso_datetime(value, offset=prop.type == "Edm.DateTimeOffset")
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def parse_key(etype: EntityType, predicate: str) -> dict[str, Any]:
    """Key values by property name; 400 when the predicate does not fit the type's keys."""
    parts = _split_commas(predicate)
    keys = etype.keys
    values: dict[str, Any] = {}
    try:
        if len(parts) == 1 and "=" not in parts[0].split("'")[0]:
            if len(keys) != 1:
                raise ValueError("positional key on a composite key")
            values[keys[0].name] = key_literal(keys[0], parts[0])
        else:
            for part in parts:
                name, _, literal = part.partition("=")
                prop = etype.by_name.get(name.strip())
                if prop is None or not prop.key:
                    raise ValueError(f"'{name}' is no key of {etype.type_name}")
                values[prop.name] = key_literal(prop, literal)
    except ValueError as exc:
        raise bad_request(f"Invalid key predicate '({predicate})': {exc}") from exc
    missing = [k.name for k in keys if k.name not in values]
    if missing:
        raise bad_request(f"Invalid key predicate '({predicate})': missing {', '.join(missing)}")
    return values


def key_predicate(etype: EntityType, fields: dict[str, Any]) -> str:
    """The canonical predicate SAP writes in `__metadata.uri`: named keys, typed literals."""
    parts = []
    for prop in etype.keys:
        value = fields.get(prop.name)
        if prop.type == "Edm.DateTime":
            literal = f"datetime'{value}'"
        elif prop.type == "Edm.Guid":
            literal = f"guid'{value}'"
        else:
            literal = "'" + str(value if value is not None else "").replace("'", "''") + "'"
        parts.append(literal if len(etype.keys) == 1 else f"{prop.name}={literal}")
    return ",".join(parts)


__all__ = ["Segment", "key_literal", "key_predicate", "parse_key", "split_path"]
