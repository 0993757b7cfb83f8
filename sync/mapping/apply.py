"""Run a mapping spec over source records: read, transform, check, and build the payload.

A spec is compiled once (field readers, bound transforms, target-path walks, message
labels) and the plan is kept on the spec, so mapping a page of records is a tight loop that
only builds messages when something is wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Protocol

from sync.errors import ConfigError
from sync.mapping import transforms as _transforms  # noqa: F401 - registers the built-ins
from sync.mapping.checks import key_path, path_conflicts
from sync.mapping.paths import Segment, get_path, split_path
from sync.mapping.registry import TransformError, TransformFn, blank, known_transforms
from sync.mapping.registry import transform_info as _info
from sync.mapping.result import FieldIssue, IssueCode, MappedRecord
from sync.mapping.spec import FieldRule, MappingSpec, Reference

_Step = tuple[str, TransformFn, dict[str, Any], bool]
_Walk = tuple[tuple[Segment, bool], ...]  # (segment, the next container is a list)


@dataclass(frozen=True, slots=True)
class _Labels:
    """Everything a message about one rule needs; only read when something is wrong."""

    rule: FieldRule
    source: str  # "Account.Name" or "a constant"
    target: str  # "customer.companyName"
    where: str  # where a person fixes a bad value
    hint: str  # the spec option that would let the record through
    reads: tuple[str, ...]  # the source fields behind the value


class ReferenceResolver(Protocol):
    """Swaps an id for the id another flow gave the same record (`sync.references`)."""

    def resolve(self, ref: Reference, value: str) -> str | None:
        """The other side's id, or None while that record has not been synced."""
        ...


# read, steps, required, max_length (0: none), truncate, parent path, walk to it, leaf,
# labels, reference, element plan (for `each`)
_Rule = tuple[
    Callable[[Mapping[str, Any]], Any],
    tuple[_Step, ...],
    bool,
    int,
    bool,
    str,
    _Walk,
    Segment,
    _Labels,
    Reference | None,
    "tuple[_Rule, ...] | None",
]


def apply_mapping(
    spec: MappingSpec, source: Mapping[str, Any], *, refs: ReferenceResolver | None = None
) -> MappedRecord:
    """Map one source record (vendor field names -> values) to a target payload.

    Per rule: read the source field(s) or constant, run the transforms, then check. A
    transform error is an `invalid` issue, or with `on_invalid: null` drops the value with a
    `dropped` flag. A required value that is missing or blank is a `required` issue. Text
    over `max_length` is a `too_long` issue (`on_overflow: reject`, never cut silently) or is
    cut with a `truncated` flag (`on_overflow: truncate`). A `reference` is swapped through
    `refs`; one not synced yet is an `unresolved_reference` issue (without `refs` the value
    passes as it is, as in a preview). An `each` rule maps every element of a source list
    with its own rules; an element's issues name its position. Values ending up None are left
    out of the payload. Never raises for bad data; only for a spec that cannot compile.
    """
    plan: tuple[_Rule, ...] = spec._plan or compile_spec(spec)
    payload: dict[str, Any] = {}
    issues: list[FieldIssue] = []
    flags: list[FieldIssue] = []
    _apply_plan(plan, source, payload, issues, flags, refs)
    key = get_path(payload, spec.key_rule.target)
    return MappedRecord(payload, tuple(issues), tuple(flags), key)


def _apply_plan(
    plan: tuple[_Rule, ...],
    source: Mapping[str, Any],
    payload: dict[str, Any],
    issues: list[FieldIssue],
    flags: list[FieldIssue],
    refs: ReferenceResolver | None,
) -> None:
    parents: dict[str, Any] = {"": payload}  # parent path -> its container in this payload
    for read, steps, required, limit, truncate, parent, walk, leaf, labels, ref, each in plan:
        value = raw = read(source)
        if each is not None:
            value = _apply_each(each, labels, raw, issues, flags, refs)
            if required and not value:
                issues.append(_required(labels, raw, None))
        for name, fn, params, handles_none in steps:
            if value is None and not handles_none:
                continue
            try:
                value = fn(value, record=source, **params)
            except TransformError as exc:
                _failed(labels, name, exc, raw, required, issues, flags)
                value = None
                break
        else:
            if required and blank(value) and each is None:
                issues.append(_required(labels, raw, None))
        if value is None:
            continue
        if ref is not None and refs is not None:
            resolved = refs.resolve(ref, str(value))
            if resolved is None:
                issues.append(_unresolved(labels, ref, value))
                continue
            value = resolved
        if limit and isinstance(value, str) and len(value) > limit:
            issues_or_flags = flags if truncate else issues
            issues_or_flags.append(_too_long(labels, value, limit, truncate))
            if truncate:
                value = value[:limit]
        node = parents.get(parent)
        if node is None:
            node = parents[parent] = _make_parent(payload, walk)
        if type(leaf) is int:
            _grow(node, leaf)
        node[leaf] = value


def _apply_each(
    plan: tuple[_Rule, ...],
    labels: _Labels,
    raw: Any,
    issues: list[FieldIssue],
    flags: list[FieldIssue],
    refs: ReferenceResolver | None,
) -> list[dict[str, Any]] | None:
    """Map every element of a child collection; None when the source has none."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        issues.append(
            _issue(labels, "invalid", f"{labels.source} is not a list of child records", raw)
        )
        return None
    children: list[dict[str, Any]] = []
    for index, element in enumerate(raw):
        child: dict[str, Any] = {}
        child_issues: list[FieldIssue] = []
        child_flags: list[FieldIssue] = []
        if isinstance(element, Mapping):
            _apply_plan(plan, element, child, child_issues, child_flags, refs)
        else:
            child_issues.append(
                _issue(labels, "invalid", f"{labels.source}[{index}] is not a record", element)
            )
        where = f"{labels.rule.target}[{index}]"
        issues.extend(_within(where, index, i) for i in child_issues)
        flags.extend(_within(where, index, f) for f in child_flags)
        children.append(child)
    return children or None


def _within(where: str, index: int, issue: FieldIssue) -> FieldIssue:
    target = where if issue.target == "" else f"{where}.{issue.target}"
    return replace(issue, target=target, message=f"child {index + 1}: {issue.message}")


def _unresolved(labels: _Labels, ref: Reference, value: Any) -> FieldIssue:
    side = "source" if ref.via == "source" else "target"
    message = (
        f"{labels.target} <- {labels.source}: {value!r} is not synced yet (no {side} record "
        f"{value!r} in flow {ref.flow!r}); the record waits in quarantine and is retried on "
        f"every run of this flow"
    )
    return _issue(labels, "unresolved_reference", message, value)


def _make_parent(payload: dict[str, Any], walk: _Walk) -> Any:
    """The container a nested target path ends in, created along the way as needed."""
    node: Any = payload
    for segment, list_next in walk:
        if type(segment) is str:
            child = node.get(segment)
        else:
            _grow(node, segment)  # type: ignore[arg-type]
            child = node[segment]
        if child is None:
            child = node[segment] = [] if list_next else {}
        node = child
    return node


def _grow(node: list[Any], index: int) -> None:
    if index >= len(node):
        node.extend([None] * (index + 1 - len(node)))


def _failed(
    labels: _Labels,
    step: str,
    exc: TransformError,
    raw: Any,
    required: bool,
    issues: list[FieldIssue],
    flags: list[FieldIssue],
) -> None:
    """Report a transform error: a `dropped` flag (plus `required` if it was) or `invalid`."""
    rule, mapped = labels.rule, f"{labels.target} <- {labels.source}"
    if rule.on_invalid == "null" and rule.kind != "key":
        message = f"{mapped}: dropped {raw!r} ({exc}) [{step}, on_invalid: null]"
        flags.append(_issue(labels, "dropped", message, raw))
        if required:
            issues.append(_required(labels, raw, exc))
        return
    message = f"{mapped}: {exc} [{step}]; fix the value in {labels.where}{labels.hint}"
    issues.append(_issue(labels, "invalid", message, raw))


def _required(labels: _Labels, raw: Any, dropped: TransformError | None) -> FieldIssue:
    why = f"dropped as invalid: {dropped}" if dropped else "missing or blank"
    message = (
        f"{labels.target} is required but {labels.source} gave no value ({why}); "
        f"fill it in {labels.where}"
    )
    return _issue(labels, "required", message, raw)


def _too_long(labels: _Labels, value: str, limit: int, truncate: bool) -> FieldIssue:
    size = f"{labels.target} <- {labels.source}: {len(value)} characters, limit {limit}"
    if truncate:
        return _issue(labels, "truncated", f"{size}; cut to {limit} [on_overflow: truncate]", value)
    fix = f"shorten it in {labels.where} or set on_overflow: truncate"
    return _issue(labels, "too_long", f"{size} [on_overflow: reject]; {fix}", value)


def _issue(labels: _Labels, code: IssueCode, message: str, value: Any) -> FieldIssue:
    return FieldIssue(labels.rule.target, code, message, labels.reads, value)


def compile_spec(spec: MappingSpec) -> tuple[_Rule, ...]:
    """Build the spec's plan once and keep it on the spec (the loader calls this, so a spec
    that cannot compile fails at load time). Raises ConfigError for an unknown transform or
    target paths that do not fit together (possible only in specs built by hand)."""
    if spec._plan is not None:
        return spec._plan  # type: ignore[no-any-return]
    rules = (spec.key_rule, *spec.fields)
    origins: dict[str, tuple[Segment, ...]] = {spec.key_rule.target: ("target", "external_id")}
    origins.update({rule.target: ("fields", i) for i, rule in enumerate(spec.fields)})
    conflicts = path_conflicts(origins)
    if conflicts:
        raise ConfigError(conflicts[0].message, file=spec.file, key=key_path(conflicts[0].path))
    plan = tuple(_compile_rule(spec, rule) for rule in rules)
    object.__setattr__(spec, "_plan", plan)
    return plan


def _compile_rule(spec: MappingSpec, rule: FieldRule, within: str = "") -> _Rule:
    path = split_path(rule.target)
    walk = tuple((seg, isinstance(nxt, int)) for seg, nxt in pairwise(path))
    obj = f"{spec.source.object}.{within}[]." if within else f"{spec.source.object}."
    label = ", ".join(f"{obj}{s}" for s in rule.sources) or "a constant"
    hint = ""
    if rule.kind in ("source", "sources") and rule.on_invalid == "quarantine":
        hint = ", or set on_invalid: null to sync the record without it"
    where = "the mapping spec" if rule.kind == "constant" else spec.source.system
    target = f"{spec.target.object}.{within + '[].' if within else ''}{rule.target}"
    labels = _Labels(rule, label, target, where, hint, rule.reads)
    steps = tuple(_bind(spec, rule, i) for i in range(len(rule.transforms)))
    limit, truncate = rule.max_length or 0, rule.on_overflow == "truncate"
    parent = rule.target.rpartition(".")[0]
    each = None
    if rule.kind == "each":
        inner = f"{within}[].{rule.sources[0]}" if within else rule.sources[0]
        each = tuple(_compile_rule(spec, child, inner) for child in rule.each)
    return (_reader(rule), steps, rule.required, limit, truncate, parent, walk, path[-1],
            labels, rule.reference, each)  # fmt: skip


def _bind(spec: MappingSpec, rule: FieldRule, index: int) -> _Step:
    step = rule.transforms[index]
    info = _info(step.name)
    if info is None:
        known = ", ".join(known_transforms())
        message = f"unknown transform {step.name!r}; known transforms: {known}"
        where = f"{rule.target}.transforms[{index}]"
        raise ConfigError(message, file=spec.file, key=where, line=rule.line)
    return step.name, info.fn, dict(step.params), info.handles_none


def _reader(rule: FieldRule) -> Callable[[Mapping[str, Any]], Any]:
    if rule.kind == "constant":
        constant = rule.constant
        if isinstance(constant, list | dict):
            return lambda record: copy.deepcopy(constant)
        return lambda record: constant
    readers = [_field_reader(name) for name in rule.sources]
    if rule.kind == "sources":
        return lambda record: [read(record) for read in readers]
    return readers[0]


def _field_reader(name: str) -> Callable[[Mapping[str, Any]], Any]:
    if "." not in name:
        return lambda record: record.get(name)
    segments = split_path(name)
    return lambda record: get_path(record, segments)
