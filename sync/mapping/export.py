"""A mapping as a field-by-field table a person signs off, and a set of flows as a matrix and
a Mermaid diagram. Pure: the caller reads the describes and writes the files.

Each row pairs a source field with its target field, their types and lengths (from the two
systems' describes when given, else from the mapping alone), the transforms, validation,
null handling and the owning system, and flags the pairs that can lose data: a target
shorter than its source, or types that differ.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields

from sync.connectors.base import FieldSchema, ObjectSchema
from sync.mapping.spec import FieldRule, MappingSpec

_INDEX = re.compile(r"\.(?:items\.)?\d+(?=\.|$)")
# Types that carry the same values, so a pair of them is not a type change worth flagging.
_TEXT = {"string", "textarea", "email", "phone", "url", "picklist", "id", "reference"}
_NUMBER = {"int", "double", "currency"}


@dataclass(frozen=True)
class MappingRow:
    source_field: str
    source_type: str
    source_length: int | None
    target_field: str
    target_type: str
    target_length: int | None
    transforms: str
    validation: str
    null_handling: str
    owner: str
    flags: str

    @classmethod
    def headers(cls) -> list[str]:
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class FlowInfo:
    name: str
    source_system: str
    source_object: str
    target_system: str
    target_object: str
    fields: int


def _lookup(schema: ObjectSchema | None, path: str) -> FieldSchema | None:
    if schema is None:
        return None
    for candidate in (path, _INDEX.sub("", path), path.split(".")[0]):
        found = schema.field(candidate)
        if found is not None and (candidate == path or found.type not in ("object", "array")):
            return found
    return None


def _steps(rule: FieldRule) -> str:
    parts = []
    for step in rule.transforms:
        params = ", ".join(f"{k}={v}" for k, v in step.params.items())
        parts.append(f"{step.name}({params})" if params else step.name)
    if rule.reference is not None:
        parts.append(f"id via flow {rule.reference.flow} ({rule.reference.via} id)")
    if rule.kind == "each":
        parts.append(f"each child{f', keyed by {rule.key}' if rule.key else ''}")
    return " -> ".join(parts)


def _flatten(
    rules: Sequence[FieldRule], src: str = "", tgt: str = ""
) -> Iterable[tuple[FieldRule, str, str]]:
    """Every rule with its source and target prefixes; a child collection's element rules
    follow it as `Lines[].Field`."""
    for rule in rules:
        yield rule, src, tgt
        if rule.kind == "each":
            yield from _flatten(rule.each, f"{src}{rule.sources[0]}[].", f"{tgt}{rule.target}[].")


def _validation(rule: FieldRule) -> str:
    checks = []
    if rule.required:
        checks.append("required")
    if rule.max_length:
        checks.append(f"max {rule.max_length} ({rule.on_overflow})")
    return "; ".join(checks)


def _nulls(rule: FieldRule) -> str:
    if rule.kind == "constant":
        return "constant"
    blank = "blank: quarantine" if rule.required else "blank: null"
    return f"{blank}; invalid: {rule.on_invalid}"


def _type_family(t: str) -> str:
    return "text" if t in _TEXT else "number" if t in _NUMBER else t


def mapping_rows(
    spec: MappingSpec,
    source: ObjectSchema | None = None,
    target: ObjectSchema | None = None,
) -> list[MappingRow]:
    """One row per mapped target path, the external-id rule first."""
    rows = []
    for rule, src_prefix, tgt_prefix in _flatten((spec.key_rule, *spec.fields)):
        nested = bool(src_prefix)
        src_name = (
            ", ".join(src_prefix + s for s in rule.sources)
            if rule.sources
            else f"= {rule.constant!r}"
        )
        single = rule.sources and len(rule.sources) == 1 and not nested
        src = _lookup(source, rule.sources[0]) if single else None
        tgt = None if tgt_prefix else _lookup(target, rule.target)
        limits = [x for x in (tgt.length if tgt else None, rule.max_length) if x]
        tgt_length = min(limits) if limits else None
        flags = []
        if src and src.length and tgt_length and tgt_length < src.length:
            flags.append(f"target shorter ({tgt_length} < {src.length})")
        if src and tgt and _type_family(src.type) != _type_family(tgt.type):
            flags.append(f"types differ ({src.type} -> {tgt.type})")
        rows.append(
            MappingRow(
                source_field=src_name,
                source_type=src.type if src else ("constant" if rule.kind == "constant" else ""),
                source_length=src.length if src else None,
                target_field=tgt_prefix + rule.target,
                target_type=tgt.type if tgt else "",
                target_length=tgt_length,
                transforms=_steps(rule),
                validation=_validation(rule),
                null_handling=_nulls(rule),
                owner=spec.source.system,
                flags="; ".join(flags),
            )
        )
    return rows


def _cells(row: MappingRow) -> list[str]:
    return ["" if v is None else str(v) for v in astuple(row)]


def rows_to_csv(rows: Iterable[MappingRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MappingRow.headers())
    writer.writerows(_cells(r) for r in rows)
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def rows_to_markdown(spec: MappingSpec, rows: Sequence[MappingRow]) -> str:
    flagged = sum(1 for r in rows if r.flags)
    lines = [
        f"# Mapping `{spec.name}`: {spec.source.system} {spec.source.object} -> "
        f"{spec.target.system} {spec.target.object}",
        "",
        spec.description,
        "",
        f"{len(rows)} target fields, {flagged} flagged.",
        "",
        "| " + " | ".join(h.replace("_", " ") for h in MappingRow.headers()) + " |",
        "|" + "---|" * len(MappingRow.headers()),
    ]
    lines += ["| " + " | ".join(_md(c) for c in _cells(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def flows_matrix_markdown(flows: Sequence[FlowInfo]) -> str:
    """Objects down, systems across: which flow carries which object from where to where."""
    systems = sorted({f.source_system for f in flows} | {f.target_system for f in flows})
    lines = [
        "| flow | object | " + " | ".join(systems) + " | fields |",
        "|---|---|" + "---|" * len(systems) + "---:|",
    ]
    for f in flows:
        cells = []
        for s in systems:
            role = "source" if s == f.source_system else "target" if s == f.target_system else ""
            obj = f.source_object if role == "source" else f.target_object if role else ""
            cells.append(f"{role}: {obj}" if role else "")
        lines.append(
            f"| {f.name} | {f.source_object} -> {f.target_object} | "
            + " | ".join(cells)
            + f" | {f.fields} |"
        )
    return "\n".join(lines) + "\n"


def _node(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def flows_mermaid(flows: Sequence[FlowInfo]) -> str:
    """A Mermaid flowchart: one subgraph per system, an arrow per flow."""
    lines = ["flowchart LR"]
    by_system: dict[str, set[str]] = {}
    for f in flows:
        by_system.setdefault(f.source_system, set()).add(f.source_object)
        by_system.setdefault(f.target_system, set()).add(f.target_object)
    for system in sorted(by_system):
        lines.append(f"  subgraph {_node(system)}[{system}]")
        for obj in sorted(by_system[system]):
            lines.append(f'    {_node(system)}_{_node(obj)}["{obj}"]')
        lines.append("  end")
    for f in flows:
        src = f"{_node(f.source_system)}_{_node(f.source_object)}"
        tgt = f"{_node(f.target_system)}_{_node(f.target_object)}"
        lines.append(f'  {src} -- "{f.name} ({f.fields} fields)" --> {tgt}')
    return "\n".join(lines) + "\n"
