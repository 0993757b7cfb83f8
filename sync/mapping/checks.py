"""Every check a mapping spec gets before it is used: its JSON Schema, then the meaning.

Checks never stop at the first problem; each returns `Problem`s (a data path and a message
that says what to do), and the loader reports them all at once with file and line.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from sync.errors import ConfigError
from sync.mapping.countries import phone_region_problem
from sync.mapping.paths import Segment
from sync.mapping.registry import known_transforms, transform_info

# `harness_fixtures` is the repository's fixtures/ (a link in a checkout, a folder in the wheel).
_FIXTURES = (Path(__file__).resolve().parents[2] / "harness_fixtures").resolve()
SCHEMA_PATH = _FIXTURES / "schemas" / "mapping.schema.json"

# The compare hints that choose how a value is read; a field is read one way only.
COMPARE_KINDS = ("phone", "country", "datetime", "date")
_KINDS = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: where (a path into the data) and what to do about it."""

    path: tuple[Segment, ...]
    message: str
    line: int | None = None  # set when the path cannot find it (YAML-level problems)


@lru_cache(maxsize=1)
def spec_validator() -> Draft202012Validator:
    """The validator for `fixtures/schemas/mapping.schema.json`, read once."""
    try:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the mapping JSON Schema: {exc}", file=str(SCHEMA_PATH)
        ) from exc
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_problems(
    validator: Draft202012Validator, data: Any, base: tuple[Segment, ...] = ()
) -> list[Problem]:
    """Every JSON Schema violation of `data`, as actionable problems under `base`."""
    return [p for err in validator.iter_errors(data) for p in _translate(err, base)]


def _origin_problems(
    rule: Mapping[str, Any], here: tuple[Segment, ...], clean: Callable[..., bool]
) -> list[Problem]:
    """One value origin per field; a child collection (`each`) reads one `source` list, and
    each of its element rules is held to the same checks."""
    problems: list[Problem] = []
    given = [k for k in ("source", "sources", "value") if k in rule]
    if len(given) != 1 and clean(*here):
        got = f"; got {' and '.join(given)}" if given else ""
        problems.append(
            Problem(here, f"a field takes exactly one of source, sources or value{got}")
        )
    if "each" in rule and given != ["source"] and clean(*here):
        problems.append(
            Problem((*here, "each"), "a child collection (each) reads one `source` list")
        )
    if "key" in rule and "each" not in rule:
        problems.append(
            Problem((*here, "key"), "key names a child's identifying path; it needs each")
        )
    each = rule.get("each") if clean(*here, "each") else None
    each = each if isinstance(each, list) else []  # the schema reports any other type
    for j, child in enumerate(each):
        if not isinstance(child, dict):
            continue
        inner: tuple[Segment, ...] = (*here, "each", j)
        problems += _origin_problems(child, inner, clean)
        if clean(*inner, "transforms"):
            for k, step in enumerate(child.get("transforms", ())):
                problems += _transform_problems(step, (*inner, "transforms", k))
    children = [c.get("target") for c in each if isinstance(c, dict)]
    if each and rule.get("key") is not None and rule.get("key") not in children:
        problems.append(
            Problem(
                (*here, "key"),
                f"key {rule.get('key')!r} is not one of the child targets {children}",
            )
        )
    return problems


def semantic_problems(data: Mapping[str, Any], refused: Iterable[tuple[Segment, ...]]
                      ) -> list[Problem]:  # fmt: skip
    """What the schema cannot say: one value origin per field, known transforms with valid
    params, and target paths that are unique and fit together. `refused` holds the paths
    the schema already reported: a check is skipped where its input is among them, so one
    mistake is reported once."""
    schema_paths = list(refused)

    def clean(*prefix: Segment) -> bool:
        return not any(p[: len(prefix)] == prefix for p in schema_paths)

    problems: list[Problem] = []
    target = data.get("target")
    external_id = target.get("external_id") if isinstance(target, dict) else None
    key = data["source"].get("key") if isinstance(data.get("source"), dict) else None
    targets: dict[str, tuple[Segment, ...]] = {}
    if isinstance(external_id, str) and clean("target"):
        targets[external_id] = ("target", "external_id")
    fields = data.get("fields")
    for i, rule in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(rule, dict):
            continue
        here: tuple[Segment, ...] = ("fields", i)
        problems += _origin_problems(rule, here, clean)
        if "value" in rule and rule["value"] is None and rule.get("required") is True:
            problems.append(
                Problem((*here, "value"), "a required field cannot be the constant null")
            )
        compare = rule.get("compare")
        if isinstance(compare, dict) and clean(*here, "compare"):
            problems += _compare_problems(compare, (*here, "compare"))
            kinds = [k for k in COMPARE_KINDS if compare.get(k)]
            if len(kinds) > 1:
                problems.append(
                    Problem(
                        (*here, "compare"),
                        f"compare as one of {', '.join(COMPARE_KINDS)}; got {' and '.join(kinds)}",
                    )
                )
        if clean(*here, "transforms"):
            for j, step in enumerate(rule.get("transforms", ())):
                problems += _transform_problems(step, (*here, "transforms", j))
        if not isinstance(rule.get("target"), str) or not clean(*here, "target"):
            continue
        path = rule["target"]
        if path == external_id:
            problems.append(
                Problem(
                    (*here, "target"),
                    f"{path} is filled from the source key "
                    f"({key}) automatically; remove this field",
                )
            )
        elif path in targets:
            problems.append(
                Problem(
                    (*here, "target"),
                    f"target {path!r} is already mapped by "
                    f"{key_path(targets[path])}; map each target once",
                )
            )
        else:
            targets[path] = (*here, "target")
    problems += _match_problems(data.get("match"), set(targets), clean)
    problems += _governance_problems(data.get("governance"), set(targets), clean)
    deletes = data.get("deletes")
    if isinstance(deletes, dict) and clean("deletes"):
        if deletes.get("policy") == "flag" and not deletes.get("field"):
            problems.append(
                Problem(("deletes",), "deletes: flag needs the target field to set (field: ...)")
            )
    elif deletes == "flag":
        problems.append(
            Problem(("deletes",), "deletes: flag needs {policy: flag, field: ..., value: ...}")
        )
    return problems + path_conflicts(targets)


def _compare_problems(compare: Mapping[str, Any], here: tuple[Segment, ...]) -> list[Problem]:
    """A phone hint's region must be one the phone library knows: the reconciler would read
    every national number as unparseable otherwise."""
    phone = compare.get("phone")
    if not isinstance(phone, dict) or "default_region" not in phone:
        return []
    problem = phone_region_problem(phone["default_region"])
    return [Problem((*here, "phone", "default_region"), problem)] if problem else []


def _governance_problems(governance: Any, targets: set[str], clean: Any) -> list[Problem]:
    """Per-field governance must name mapped target paths."""
    if not isinstance(governance, dict) or not clean("governance"):
        return []
    fields = governance.get("fields") or {}
    return [
        Problem(
            ("governance", "fields", path),
            f"{path!r} is not a mapped target path{_did_you_mean(path, targets)}",
        )
        for path in fields
        if path not in targets
    ]


def _match_problems(match: Any, targets: set[str], clean: Any) -> list[Problem]:
    """Business keys and fuzzy fields must name mapped target paths: the reconciler compares
    the mapping's prediction of them with what the target holds."""
    if not isinstance(match, dict) or not clean("match"):
        return []
    named: list[tuple[tuple[Segment, ...], Any]] = []
    for i, key in enumerate(match.get("keys", ())):
        named += [(("match", "keys", i, path), path) for path in key]
    fuzzy = match.get("fuzzy") or {}
    named.append((("match", "fuzzy", "name"), fuzzy.get("name")))
    named += [(("match", "fuzzy", "block", i), p) for i, p in enumerate(fuzzy.get("block", ()))]
    return [
        Problem(where, f"{path!r} is not a mapped target path{_did_you_mean(path, targets)}")
        for where, path in named
        if isinstance(path, str) and path not in targets
    ]


def json_problems(value: Any, path: tuple[Segment, ...] = ()) -> list[Problem]:
    """Values YAML produced that JSON cannot carry (unquoted dates and times, binary)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in json_problems(v, (*path, str(k)))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in json_problems(v, (*path, i))]
    if isinstance(value, float) and not math.isfinite(value):
        return [Problem(path, f"{value!r} is not a finite number; write a number")]
    if isinstance(value, date | time | bytes | set):
        return [
            Problem(
                path,
                f"YAML read {value!r} as a {type(value).__name__}; quote it to keep it as text",
            )
        ]
    return []


def _transform_problems(step: Any, here: tuple[Segment, ...]) -> list[Problem]:
    name, params = (step, None) if isinstance(step, str) else next(iter(step.items()))
    info = transform_info(name)
    if info is None:
        known = known_transforms()
        return [
            Problem(
                here,
                f"unknown transform {name!r}{_did_you_mean(name, known)}; "
                f"known transforms: {', '.join(known)}",
            )
        ]
    found = [] if info.validator is None else schema_problems(info.validator, params or {},
                                                               (*here, name))  # fmt: skip
    if found or info.check is None or not isinstance(params or {}, dict):
        return found
    return [Problem((*here, name, p), message) for p, message in info.check(params or {})]


def path_conflicts(targets: Mapping[str, tuple[Segment, ...]]) -> list[Problem]:
    """Target paths that cannot live in one payload: a value with a path inside it, a node
    that is both a list and an object, list items numbered with gaps. `targets` maps each
    path to where the spec declares it."""
    problems = []
    children: dict[str, dict[str, str]] = {}  # parent path -> child segment -> full path
    for path, origin in targets.items():
        for other in targets:
            if other.startswith(f"{path}."):
                problems.append(
                    Problem(
                        origin,
                        f"{path} is mapped as a value, so {other} cannot be mapped inside it",
                    )
                )
        parts = path.split(".")
        for depth in range(1, len(parts)):
            children.setdefault(".".join(parts[:depth]), {}).setdefault(parts[depth], path)
    for parent, kids in children.items():
        numeric = sorted(int(k) for k in kids if k.isdigit())
        if numeric and len(numeric) != len(kids):
            name = next(k for k in kids if not k.isdigit())
            problems.append(
                Problem(
                    targets[kids[name]],
                    f"{parent} cannot be both a list "
                    f"({parent}.{numeric[0]}) and an object ({parent}.{name})",
                )
            )
        elif numeric and numeric != list(range(len(numeric))):
            missing = sorted(set(range(numeric[-1])) - set(numeric))
            problems.append(
                Problem(
                    targets[kids[str(numeric[-1])]],
                    f"{parent} has item "
                    f"{numeric[-1]} but no item {missing[0]}; number list items "
                    "from 0 without gaps",
                )
            )
    return problems


def _translate(err: ValidationError, base: tuple[Segment, ...]) -> list[Problem]:
    path = (*base, *err.absolute_path)
    kind, inst = err.validator, err.instance
    if kind == "additionalProperties" and isinstance(inst, dict):
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in inst if k not in allowed]
        hint = "" if allowed else " (it takes no parameters)"
        return [
            Problem((*path, str(k)), f"unknown key {k!r}{_did_you_mean(str(k), allowed)}{hint}")
            for k in extra
        ]
    if kind == "required" and isinstance(inst, dict):
        return [
            Problem(path, f"missing required key {k!r}")
            for k in err.validator_value
            if k not in inst
        ]
    if kind == "type" and "propertyNames" in err.schema_path:
        return [
            Problem(
                path,
                f"key {inst!r} must be text: quote it (YAML reads unquoted yes, "
                "no, on, off as booleans and digits as numbers)",
            )
        ]
    if kind == "type":
        wanted = (
            err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        )
        kinds = " or ".join(_KINDS.get(str(t), str(t)) for t in wanted)
        return [Problem(path, f"must be {kinds}, got {_describe(inst)}")]
    if kind == "enum":
        options = [str(o) for o in err.validator_value]
        return [
            Problem(
                path,
                f"{inst!r} is not one of {', '.join(options)}{_did_you_mean(str(inst), options)}",
            )
        ]
    if kind == "const":
        return [Problem(path, f"must be {err.validator_value!r}, got {inst!r}")]
    if kind == "format" and err.validator_value == "regex":
        return [Problem(path, f"{inst!r} is not a valid regular expression")]
    if kind in ("minProperties", "maxProperties") and "description" in err.schema:
        return [
            Problem(
                path,
                f"expected {err.schema['description']}; one transform per list "
                "item, each on its own '- ' line",
            )
        ]
    if kind == "pattern" and "description" in err.schema:
        return [Problem(path, f"{inst!r} is not {err.schema['description']}")]
    return [Problem(path, err.message)]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    kind = {str: "text", int: "number", float: "number", dict: "a mapping", list: "a list"}
    return f"{kind.get(type(value), type(value).__name__)} {value!r}"[:80]


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def key_path(path: tuple[Segment, ...]) -> str:
    """`("fields", 3, "transforms", 0)` -> `fields[3].transforms[0]`."""
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out
