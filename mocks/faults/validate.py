"""Checks a fault plan document before it is built: unknown keys, the JSON Schema, meaning.

Every problem is collected, then `PlanError` carries them all. Each message names where it
is (`rules[2] (storm).effect.status`), what is wrong and the valid choices, with a
did-you-mean for a mistyped key or effect type.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mocks.faults.plan import EFFECT_TYPES, KINDS, FaultPlan

# `harness_fixtures` is the repository's fixtures/ (a link in a checkout, a folder in the wheel).
_FIXTURES = (Path(__file__).resolve().parents[2] / "harness_fixtures").resolve()
SCHEMA_PATH = _FIXTURES / "schemas" / "fault-plan.schema.json"
_TOP_KEYS = ("version", "description", "seed", "settings", "rules")
_RULE_KEYS = ("name", "match", "when", "effect")
_MATCH_KEYS = ("vendor", "methods", "path", "kind")
_WHEN_KEYS = ("rate", "nth", "first", "after", "times")
_LATENCY_FORMS = (
    ("fixed", ("ms",)),
    ("uniform", ("min_ms", "max_ms")),
    ("lognormal", ("median_ms",)),
)


class PlanError(ValueError):
    """A fault plan that cannot be used; `problems` lists every reason, each actionable."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}invalid fault plan:\n  - " + "\n  - ".join(problems))
        self.problems = problems
        self.source = source


@lru_cache(maxsize=1)
def plan_validator() -> Draft202012Validator:
    """The validator for `fixtures/schemas/fault-plan.schema.json`, read once."""
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_keys(data: Any, known: tuple[str, ...], where: str) -> list[str]:
    if not isinstance(data, Mapping):
        return []
    return [
        f"{where}: unknown key {key!r}{_suggest(str(key), known)} (valid keys: {', '.join(known)})"
        for key in data
        if key not in known
    ]


def _effect_keys(effect: Mapping[str, Any]) -> tuple[str, ...]:
    cls = EFFECT_TYPES[str(effect["type"])]
    return ("type", *(name for name in cls.__dataclass_fields__))


def _rule_label(index: int, rule: Any) -> str:
    name = rule.get("name") if isinstance(rule, Mapping) else None
    return f"rules[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def _key_problems(data: Mapping[str, Any]) -> list[str]:
    problems = _unknown_keys(data, _TOP_KEYS, "plan")
    rules = data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        label = _rule_label(i, rule)
        if not isinstance(rule, Mapping):
            continue
        problems += _unknown_keys(rule, _RULE_KEYS, label)
        problems += _unknown_keys(rule.get("match"), _MATCH_KEYS, f"{label}.match")
        problems += _unknown_keys(rule.get("when"), _WHEN_KEYS, f"{label}.when")
        effect = rule.get("effect")
        if not isinstance(effect, Mapping):
            continue
        kind = effect.get("type")
        if kind not in EFFECT_TYPES:
            known = sorted(EFFECT_TYPES)
            hint = _suggest(str(kind), known) if isinstance(kind, str) else ""
            problems.append(
                f"{label}.effect.type: unknown effect {kind!r}{hint} (valid: {', '.join(known)})"
            )
            continue
        problems += _unknown_keys(effect, _effect_keys(effect), f"{label}.effect ({kind})")
    return problems


def _schema_message(err: ValidationError, data: Mapping[str, Any]) -> str | None:
    if err.validator == "additionalProperties":
        return None  # reported with a did-you-mean by `_key_problems`
    path = list(err.absolute_path)
    if err.validator == "enum" and path[-1:] == ["type"]:
        return None  # unknown effect types are reported by `_key_problems`
    where = "plan"
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        where = _rule_label(path[1], data["rules"][path[1]])
        path = path[2:]
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    if err.validator == "enum":
        choices = ", ".join(str(c) for c in err.validator_value)
        return f"{where}: {err.instance!r} is not one of {choices}"
    if err.validator == "oneOf" and path[-1:] == ["kind"]:
        return f"{where}: kind must be one of {', '.join(KINDS)} (or a list of them)"
    return f"{where}: {err.message}"


def _semantic_problems(data: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    names: dict[str, int] = {}
    for i, rule in enumerate(data.get("rules") or ()):
        label = _rule_label(i, rule)
        name = rule.get("name")
        if name in names:
            problems.append(f"{label}: the name {name!r} is already used by rules[{names[name]}]")
        elif name:
            names[name] = i
        effect = rule["effect"]
        kind = effect["type"]
        if kind == "latency":
            forms = [form for form, keys in _LATENCY_FORMS if any(k in effect for k in keys)]
            if len(forms) != 1:
                problems.append(
                    f"{label}.effect (latency): give exactly one of ms, min_ms+max_ms or "
                    f"median_ms(+sigma); got {', '.join(forms) or 'none'}"
                )
            if ("min_ms" in effect) != ("max_ms" in effect):
                problems.append(f"{label}.effect (latency): min_ms and max_ms go together")
            elif effect.get("min_ms", 0) > effect.get("max_ms", 0):
                problems.append(f"{label}.effect (latency): min_ms must not exceed max_ms")
        retry = effect.get("retry_after")
        if isinstance(retry, list) and len(retry) == 2 and retry[0] > retry[1]:
            problems.append(f"{label}.effect.retry_after: [min, max] needs min <= max")
        if kind == "schema_drift":
            changes = [k for k in ("rename", "remove", "retype") if k in effect]
            if len(changes) != 1:
                problems.append(
                    f"{label}.effect (schema_drift): give exactly one of rename, remove or "
                    f"retype; got {', '.join(changes) or 'none'}"
                )
        if kind == "partial_batch" and "rate" in effect and "count" in effect:
            problems.append(f"{label}.effect (partial_batch): give rate or count, not both")
    return problems


def plan_problems(data: Any) -> list[str]:
    """Everything wrong with a plan document; empty when it can be built."""
    if not isinstance(data, Mapping):
        got = type(data).__name__
        return [f"a fault plan is a mapping with seed, settings and rules; got {got}"]
    problems = _key_problems(data)
    schema = [
        message
        for err in sorted(plan_validator().iter_errors(data), key=lambda e: list(e.path))
        if (message := _schema_message(err, data)) is not None
    ]
    problems += schema
    if not problems:
        problems += _semantic_problems(data)
    return problems


def parse_plan(data: Any, source: str | None = None) -> FaultPlan:
    """Check a plan document (parsed YAML or JSON) and build it, or raise `PlanError`."""
    problems = plan_problems(data)
    if problems:
        raise PlanError(problems, source)
    return FaultPlan.from_dict(data)


def load_plan(path: Path | str) -> FaultPlan:
    """Read, check and build a YAML (or JSON) fault plan file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError([f"cannot read the plan: {exc.strerror or exc}"], str(path)) from exc
    except yaml.YAMLError as exc:
        raise PlanError([f"not valid YAML: {exc}"], str(path)) from exc
    return parse_plan(data if data is not None else {}, str(path))
