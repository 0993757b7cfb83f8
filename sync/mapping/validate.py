"""Check a mapped payload against what the target says about its fields (describe/metadata).

This catches, before a write, what the target would refuse or silently damage: unknown or
read-only fields, missing required fields, over-long text and values of the wrong type.
Only the payload's top-level fields are checked; a nested value (a subrecord or a child
list) is only checked for being a dict or list. References are ids and child collections
lists: the connectors' dialects hand every vendor's payloads over in that plain form.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from sync.connectors.base import FieldSchema, FieldType, ObjectSchema
from sync.errors import ConfigError
from sync.mapping.registry import blank
from sync.mapping.result import FieldIssue
from sync.mapping.spec import MappingSpec

_TEXT: frozenset[FieldType] = frozenset(
    {"id", "string", "textarea", "email", "phone", "url", "picklist", "date", "datetime"}
)
_NUMBER: frozenset[FieldType] = frozenset({"currency", "double"})
_EXPECTED: dict[FieldType, tuple[tuple[type, ...], str]] = {
    **{t: ((str,), "text") for t in _TEXT},
    **{t: ((int, float), "a number") for t in _NUMBER},
    "int": ((int,), "a whole number"),
    "boolean": ((bool,), "true or false"),
    "reference": ((str, int), "an id"),
    "object": ((dict,), "an object"),
    "array": ((list,), "a list"),
}


def validate_against_schema(
    payload: Mapping[str, Any],
    schema: ObjectSchema,
    *,
    spec: MappingSpec | None = None,
    update: bool = False,
) -> list[FieldIssue]:
    """Every reason `schema`'s object would refuse `payload`, in payload order, then the
    required fields it lacks (on a create: an `update` of an existing record may leave them
    out, and only blanking one is refused). With `spec`, messages also name the source fields
    mapped to each target field. An empty list means the payload looks writable."""
    issues: list[FieldIssue] = []
    where = schema.name
    for name, value in payload.items():
        sources = _sources(spec, name)
        field = schema.field(name)
        if field is None:
            issues.append(
                FieldIssue(
                    name,
                    "unknown_field",
                    f"{where} has no field {name!r}"
                    f"{_suggest(name, schema.fields)}{_from(sources)}; "
                    "fix the mapping's target path",
                    sources,
                    value,
                )
            )
            continue
        if not field.createable:
            issues.append(
                FieldIssue(
                    name,
                    "read_only",
                    f"{where}.{name} is read-only (not "
                    f"createable){_from(sources)}; remove it from the mapping",
                    sources,
                    value,
                )
            )
            continue
        issue = _check_value(where, field, value, sources)
        if issue is not None:
            issues.append(issue)
    for field in schema.fields.values():
        if update and field.name not in payload:
            continue
        if field.required and field.createable and blank(payload.get(field.name)):
            sources = _sources(spec, field.name)
            cause = (
                f"{', '.join(sources)} gave no value" if sources else "the mapping does not map it"
            )
            issues.append(
                FieldIssue(
                    field.name,
                    "required",
                    f"{where}.{field.name} is required but {cause}",
                    sources,
                    payload.get(field.name),
                )
            )
    return issues


def _check_value(
    where: str, field: FieldSchema, value: Any, sources: tuple[str, ...]
) -> FieldIssue | None:
    if value is None:
        return None
    expected = _EXPECTED.get(field.type)
    if expected is not None:
        types, wanted = expected
        wrong_bool = isinstance(value, bool) and bool not in types
        if wrong_bool or not isinstance(value, types):
            return FieldIssue(
                field.name,
                "type",
                f"{where}.{field.name} ({field.type}) needs "
                f"{wanted}, got {type(value).__name__} {value!r}{_from(sources)}",
                sources,
                value,
            )
    if isinstance(value, str) and field.length is not None and len(value) > field.length:
        return FieldIssue(
            field.name,
            "too_long",
            f"{where}.{field.name} allows {field.length} "
            f"characters, got {len(value)}{_from(sources)}; set max_length: "
            f"{field.length} in the mapping",
            sources,
            value,
        )
    if field.picklist and isinstance(value, str) and value not in field.picklist:
        allowed = ", ".join(field.picklist[:12]) + (", ..." if len(field.picklist) > 12 else "")
        return FieldIssue(
            field.name,
            "invalid",
            f"{where}.{field.name} does not allow {value!r} (allowed: {allowed}){_from(sources)}",
            sources,
            value,
        )
    return None


def _sources(spec: MappingSpec | None, name: str) -> tuple[str, ...]:
    if spec is None:
        return ()
    found: list[str] = []
    for path in spec.target_paths:
        rule = spec.rule_for(path)
        if rule is not None and (path == name or path.startswith(f"{name}.")):
            found.extend(rule.reads)
    return tuple(dict.fromkeys(found))


def _from(sources: tuple[str, ...]) -> str:
    return f"; mapped from {', '.join(sources)}" if sources else ""


def _suggest(name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_target_fields(spec: MappingSpec, schema: ObjectSchema) -> None:
    """Refuse, before any write, a mapping whose target paths start at a field the target
    does not have: every record would be refused for it. Raises one ConfigError naming the
    spec's file and line, each unknown field and the nearest known one. A schema with no
    fields (the target did not say) checks nothing."""
    if not schema.fields:
        return
    unknown = [
        (i, rule) for i, rule in enumerate(spec.fields)
        if rule.target.split(".")[0] not in schema.fields
    ]  # fmt: skip
    top = spec.external_id_field.split(".")[0]
    problems = [
        (rule.line, f"fields[{i}].target", _no_field(schema, rule.target.split(".")[0]))
        for i, rule in unknown
    ]
    if top not in schema.fields:
        problems.insert(0, (None, "target.external_id", _no_field(schema, top)))
    if not problems:
        return
    if len(problems) == 1:
        line, key, message = problems[0]
        raise ConfigError(message, file=spec.file, key=key, line=line)
    where = spec.file or "<mapping>"
    listing = "\n".join(
        f"  {where}:{line}: [{key}] {message}" if line else f"  {where}: [{key}] {message}"
        for line, key, message in problems
    )
    error = ConfigError(f"{len(problems)} target fields unknown:\n{listing}", file=spec.file)
    error.line, error.key = problems[0][0], problems[0][1]
    raise error


def _no_field(schema: ObjectSchema, name: str) -> str:
    known = sorted(schema.fields)
    shown = ", ".join(known[:15]) + (f", ... ({len(known)} in all)" if len(known) > 15 else "")
    return (
        f"{schema.name} has no field {name!r}{_suggest(name, schema.fields)}; "
        f"fix the mapping's target (known fields: {shown})"
    )
