"""A compiled mapping as the YAML text people review: one rule a block, short values inline,
a header naming what it came from. `parse_mapping` reads it back to the same spec."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

_NOTE_WIDTH = 88
_WIDTH = 100
_RULE_ORDER = ("target", "source", "value", "canonical", "transforms", "required", "on_invalid",
               "max_length", "reference", "key", "each", "compare", "note")  # fmt: skip


def inline(value: Any) -> str:
    """`value` in YAML flow style on one line (scalars quoted only where YAML needs it)."""
    text = yaml.safe_dump([value], default_flow_style=True, width=10**9, allow_unicode=True,
                          sort_keys=False).strip()  # fmt: skip
    return text[1:-1]


def plain(value: Any) -> str:
    """A scalar as a block mapping's value: commas and brackets need no quotes there."""
    text = yaml.safe_dump({"k": value}, default_flow_style=False, width=10**9,
                          allow_unicode=True).strip()  # fmt: skip
    return text.removeprefix("k: ")


def render_mapping(mapping: dict[str, Any], header: str) -> str:
    """The mapping spec's YAML text, `header` (plain lines) first as comments."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key in ("version", "name", "entity", "description"):
        if key in mapping:
            lines += _text(key, mapping[key], "")
    lines += _entry("source", mapping["source"], "")
    lines += _entry("target", mapping["target"], "")
    lines += ["", "fields:"]
    for n, rule in enumerate(mapping["fields"]):
        if n:
            lines.append("")
        lines += _rule(rule, "  ")
    if "match" in mapping:
        lines += ["", "match:"]
        match = mapping["match"]
        if "keys" in match:
            lines.append("  keys:")
            lines += [f"    - {inline(key)}" for key in match["keys"]]
        if "fuzzy" in match:
            lines += _entry("fuzzy", match["fuzzy"], "  ")
    if "governance" in mapping:
        lines += ["", *_entry("governance", mapping["governance"], "")]
    return "\n".join(lines) + "\n"


def _rule(rule: dict[str, Any], indent: str) -> list[str]:
    out: list[str] = []
    keys = [k for k in _RULE_ORDER if k in rule] + [k for k in rule if k not in _RULE_ORDER]
    for n, key in enumerate(keys):
        lead = f"{indent}- " if n == 0 else f"{indent}  "
        value = rule[key]
        if key == "each":
            out.append(f"{lead}each:")
            for child in value:
                out += _rule(child, indent + "    ")
        elif key == "on_invalid" and value == "null":
            out.append(f"{lead}on_invalid: null")  # YAML's null: drop the value, flag it
        elif key == "note":
            out += _text(key, value, indent + "  ", lead)
        else:
            out += _entry(key, value, indent + "  ", lead)
    return out


def _entry(key: str, value: Any, indent: str, lead: str | None = None) -> list[str]:
    """`key: value` on one line when it fits; a mapping too wide for it, one key a line."""
    first = indent if lead is None else lead
    line = f"{first}{key}: {inline(value)}"
    if len(line) <= _WIDTH or not isinstance(value, dict):
        return [line]
    out = [f"{first}{key}:"]
    for sub, item in value.items():
        out += _entry(str(sub), item, indent + "  ")
    return out


def _text(key: str, value: str, indent: str, lead: str | None = None) -> list[str]:
    """Prose on one line when it fits, else folded (`>-`) into lines of `_NOTE_WIDTH`."""
    first = indent if lead is None else lead
    line = f"{first}{key}: {plain(value)}"
    if len(line) <= _WIDTH:
        return [line]
    width = max(_NOTE_WIDTH - len(indent), 40)
    body = textwrap.wrap(value, width, initial_indent=indent + "  ",
                         subsequent_indent=indent + "  ")  # fmt: skip
    return [f"{first}{key}: >-", *body]


__all__ = ["inline", "plain", "render_mapping"]
