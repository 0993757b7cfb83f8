"""Every check a parsed `harness.yaml` gets: its JSON Schema, then the cross-references.

Checks return `Problem`s instead of raising, so the loader can report a whole file at once.
Messages say what to do and name the valid choices, and never echo a credential's value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.config.model import CONFIG_VERSION, path_problem, resolve_path
from harness.config.problems import JsonPath, Problem, key_of, suggest
from harness.config.yamllines import Lines
from sync.errors import ConfigError

if TYPE_CHECKING:  # loaded by the first validation, not by every command at start-up
    import jsonschema

# `harness_fixtures` is the repository's fixtures/ (a link in a checkout, a folder in the wheel).
_FIXTURES = (Path(__file__).resolve().parents[2] / "harness_fixtures").resolve()
SCHEMA_PATH = _FIXTURES / "schemas" / "harness.schema.json"

_TYPE_WORDS = {"object": "a mapping", "array": "a list", "integer": "a whole number"}


def _brief(value: Any) -> str:
    """A short description of a value for a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = "empty" if value is None else repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """The validator for `SCHEMA_PATH`, read once."""
    try:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except OSError as exc:
        message = f"the config schema is missing ({exc.strerror}); reinstall the harness"
        raise ConfigError(message, file=str(SCHEMA_PATH)) from exc
    import jsonschema

    return jsonschema.Draft202012Validator(schema)


def _schema_message(err: jsonschema.ValidationError, path: JsonPath) -> str:
    """A message for one schema error that never echoes a value from under `credentials`."""
    if err.validator == "const" and path == ("version",):
        if isinstance(err.instance, int) and err.instance > CONFIG_VERSION:
            return (
                f"this harness reads config version {CONFIG_VERSION}; version "
                f"{err.instance} needs a newer harness (pip install -U crm-erp-harness)"
            )
        return f"must be {CONFIG_VERSION}"
    if "x-message" in err.schema:
        return str(err.schema["x-message"])
    if "credentials" in path:
        return "is not valid here"
    if err.validator == "type":
        wanted = str(err.validator_value)
        return f"must be {_TYPE_WORDS.get(wanted, f'a {wanted}')}, not {_brief(err.instance)}"
    return err.message


def schema_problems(data: Any, lines: Lines) -> list[Problem]:
    """Everything the JSON Schema finds wrong, one problem per unknown or missing key."""
    problems: list[Problem] = []
    for err in _validator().iter_errors(data):
        path: JsonPath = tuple(err.absolute_path)
        if "propertyNames" in err.relative_schema_path:  # the error is about the key itself
            path = (*path, err.instance)
        if err.validator == "additionalProperties" and err.validator_value is False:
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed), key=str):
                hint = suggest(str(extra), allowed) or f"; allowed: {', '.join(allowed)}"
                where = (*path, extra)
                problems.append(
                    Problem(f"unknown key {extra!r}{hint}", key_of(where), lines.line(where))
                )
        elif err.validator == "required" and "x-message" not in err.schema:
            for name in err.validator_value:  # one error per missing key; duplicates merge later
                if name not in err.instance:
                    message = f"missing required key {name!r}"
                    problems.append(Problem(message, key_of(path), lines.line(path)))
        else:
            problems.append(Problem(_schema_message(err, path), key_of(path), lines.line(path)))
    return problems


def semantic_problems(
    data: dict[str, Any], lines: Lines, base: Path, known_vendors: Sequence[str]
) -> list[Problem]:
    """Cross-references the schema cannot express: vendors, system names, files, duplicates."""
    problems: list[Problem] = []

    def add(message: str, *path: Any) -> None:
        problems.append(Problem(message, key_of(path), lines.line(path)))

    systems = data.get("systems")
    systems = systems if isinstance(systems, dict) else {}
    for name, system in systems.items():
        vendor = system.get("vendor") if isinstance(system, dict) else None
        if isinstance(vendor, str) and vendor and vendor not in known_vendors:
            known = f"known vendors: {', '.join(sorted(known_vendors))}"
            hint = suggest(vendor, known_vendors)
            add(f"unknown vendor {vendor!r}{hint}; {known}", "systems", name, "vendor")
    flows = data.get("flows")
    first_seen: dict[str, int] = {}
    for index, flow in enumerate(flows if isinstance(flows, list) else []):
        if not isinstance(flow, dict):
            continue
        name = flow.get("name")
        if isinstance(name, str) and name in first_seen:
            message = f"duplicate flow name {name!r} (first at line {first_seen[name]})"
            add(message, "flows", index, "name")
        elif isinstance(name, str):
            first_seen[name] = lines.line(("flows", index, "name"))
        for side in ("source", "target"):
            ref = flow.get(side)
            if isinstance(ref, str) and ref not in systems:
                known = ", ".join(map(str, systems)) or "none"
                hint = suggest(ref, [str(s) for s in systems])
                add(f"unknown system {ref!r}{hint}; known systems: {known}", "flows", index, side)
        if isinstance(flow.get("source"), str) and flow.get("source") == flow.get("target"):
            add("source and target are the same system; a flow joins two", "flows", index, "target")
        mapping = flow.get("mapping")
        if isinstance(mapping, str) and path_problem(mapping):
            continue  # reported by _path_problems
        if isinstance(mapping, str) and mapping and not resolve_path(base, mapping).is_file():
            where = resolve_path(base, mapping)
            what = "is a directory, not a mapping" if where.is_dir() else "mapping file not found"
            add(f"{what}: {where}", "flows", index, "mapping")
    problems += _path_problems(data, lines)
    problems += _finite_problems(data, lines)
    thresholds = data.get("thresholds")
    expected = thresholds.get("expect_empty") if isinstance(thresholds, dict) else None
    for index, name in enumerate(expected if isinstance(expected, list) else []):
        if isinstance(name, str) and name not in first_seen:
            known = ", ".join(first_seen) or "none"
            hint = suggest(name, list(first_seen))
            add(
                f"unknown flow {name!r}{hint}; known flows: {known}",
                "thresholds",
                "expect_empty",
                index,
            )
    return problems


def _path_problems(data: dict[str, Any], lines: Lines) -> list[Problem]:
    """Paths this machine cannot have (a NUL character, an unknown `~user`): each one would
    stop a command later with a bare OS error."""
    raw_systems, raw_flows = data.get("systems"), data.get("flows")
    systems: dict[Any, Any] = raw_systems if isinstance(raw_systems, dict) else {}
    flows: list[Any] = raw_flows if isinstance(raw_flows, list) else []
    paths: list[tuple[JsonPath, Any]] = [
        *((("systems", n, "ca_path"), s.get("ca_path")) for n, s in systems.items()
          if isinstance(s, dict)),
        *((("flows", i, "mapping"), f.get("mapping")) for i, f in enumerate(flows)
          if isinstance(f, dict)),
    ]  # fmt: skip
    for section, key in (("state", "path"), ("reports", "dir")):
        if isinstance(data.get(section), dict):
            paths.append(((section, key), data[section].get(key)))
    found = []
    for where, value in paths:
        problem = path_problem(value) if isinstance(value, str) else None
        if problem:
            found.append(Problem(problem, key_of(where), lines.line(where)))
    return found


def _finite_problems(node: Any, lines: Lines, here: JsonPath = ()) -> list[Problem]:
    """`.nan` and `.inf` pass a schema's minimum and maximum unnoticed (every comparison with
    NaN is false), so a NaN threshold would never fail: refuse them wherever they are."""
    if isinstance(node, float) and not math.isfinite(node):
        return [Problem(f"{node!r} is not a finite number; write a number", key_of(here),
                        lines.line(here))]  # fmt: skip
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _finite_problems(v, lines, (*here, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _finite_problems(v, lines, (*here, i))]
    return []
