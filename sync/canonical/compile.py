"""Compose two vendor profiles into pairwise mappings: one per business flow.

For each flow, the source profile says where each canonical field is read and how it becomes
canonical (`read` transforms); the target profile says where it is written and how
(`write` transforms, length, requirement, compare hints, constants). The result is the
mapping spec sync and reconcile read, as data (`compile_flow`) or as the YAML text people
review, edit and sign (`render_mapping`). Nothing here knows a vendor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sync.canonical.model import BusinessFlow, CanonicalField, CanonicalModel, load_model
from sync.canonical.profile import Profile, ProfileEntity, ProfileField
from sync.errors import ConfigError


class Unsupported(ConfigError):
    """A flow the pair cannot carry: one side has no such entity, or lacks a field the
    target requires. The message says which and why."""


@dataclass(frozen=True)
class CompiledFlow:
    flow: BusinessFlow
    mapping: dict[str, Any]
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class _Sides:
    flow: BusinessFlow
    source: Profile
    target: Profile
    src: ProfileEntity
    tgt: ProfileEntity


def compile_pair(
    crm: Profile,
    erp: Profile,
    flows: Sequence[str] | None = None,
    *,
    model: CanonicalModel | None = None,
) -> tuple[list[CompiledFlow], dict[str, str]]:
    """Every asked flow the pair supports, in the model's order, and {flow: why} for those
    it cannot carry. An unknown flow name raises ConfigError naming the known ones."""
    model = model or load_model()
    chosen = [model.flow(n) for n in flows] if flows else list(model.flows)
    wanted = {f.name for f in chosen}
    compiled: list[CompiledFlow] = []
    skipped: dict[str, str] = {}
    for flow in model.flows:
        if flow.name not in wanted:
            continue
        try:
            mapping = compile_flow(flow, crm, erp, model=model)
        except Unsupported as exc:
            skipped[flow.name] = str(exc)
            continue
        compiled.append(CompiledFlow(flow, mapping, model.depends_on(flow)))
    return compiled, skipped


def compile_flow(
    flow: BusinessFlow, crm: Profile, erp: Profile, *, model: CanonicalModel | None = None
) -> dict[str, Any]:
    """The mapping spec (as data) of one flow between `crm` and `erp`."""
    model = model or load_model()
    source, target = (crm, erp) if flow.source == "crm" else (erp, crm)
    src, tgt = source.entity(flow.entity), target.entity(flow.entity)
    for profile, side in ((source, src), (target, tgt)):
        if side is None:
            raise Unsupported(f"the {profile.vendor} profile has no {flow.entity!r} entity")
    assert src is not None and tgt is not None
    sides = _Sides(flow, source, target, src, tgt)
    owner_side = flow.source == model.entity(flow.entity).owner
    rules = _rules(sides, model)
    mapping: dict[str, Any] = {
        "version": 1,
        "name": flow.name,
        "entity": flow.entity,
        "description": f"{source.label} {src.object} -> {target.label} {tgt.object}"
        f" ({flow.description})",
        "source": _source_end(sides, owner_side),
        "target": _target_end(sides, owner_side),
        "fields": rules,
    }
    match = _match(flow, rules)
    if match:
        mapping["match"] = match
    if flow.governance:
        mapping["governance"] = dict(flow.governance)
    return mapping


def _source_end(sides: _Sides, owner_side: bool) -> dict[str, Any]:
    src = sides.src
    end: dict[str, Any] = {
        "system": sides.source.vendor,
        "object": src.object,
        # A flow back to the owner pairs by the owner's id, which this side keeps.
        "key": src.key if owner_side else src.external_id,
    }
    if src.modified:
        end["modified_field"] = src.modified
    if src.explode:
        end["explode"] = dict(src.explode)
    return end


def _target_end(sides: _Sides, owner_side: bool) -> dict[str, Any]:
    tgt = sides.tgt
    end: dict[str, Any] = {
        "system": sides.target.vendor,
        "object": tgt.object,
        "external_id": tgt.external_id if owner_side else tgt.key,
    }
    if sides.flow.update_only or not owner_side:
        end["update_only"] = True
    if tgt.scope:
        end["scope"] = dict(tgt.scope)
    return end


def _rules(sides: _Sides, model: CanonicalModel) -> list[dict[str, Any]]:
    entity = model.entity(sides.flow.entity)
    creates = not sides.flow.update_only and sides.flow.source == entity.owner
    rules: list[dict[str, Any]] = []
    for entry in sides.tgt.fields:
        if entry.name is None:
            if creates and entry.has_value and entry.writable:
                rules.append(_constant(entry))
            continue
        if entry.name not in sides.flow.fields or not entry.writable:
            continue
        canonical = entity.field(entry.name)
        assert canonical is not None
        rule = _rule(sides, model, canonical, entry, sides.src.reading(entry.name))
        if rule is not None:
            rules.append(rule)
    if not any("canonical" in r for r in rules):
        raise Unsupported(f"no field of {sides.flow.name!r} is both read by the "
                          f"{sides.source.vendor} profile and written by the "
                          f"{sides.target.vendor} profile")  # fmt: skip
    return rules


def _constant(entry: ProfileField) -> dict[str, Any]:
    rule: dict[str, Any] = {"target": entry.field, "value": entry.value}
    if entry.note:
        rule["note"] = entry.note
    return rule


def _rule(
    sides: _Sides,
    model: CanonicalModel,
    canonical: CanonicalField,
    entry: ProfileField,
    read: ProfileField | None,
) -> dict[str, Any] | None:
    required = entry.required or canonical.required
    if read is None:
        if required:
            raise Unsupported(
                f"{sides.target.vendor} {sides.tgt.object}.{entry.field} needs the "
                f"{canonical.name!r} of a {sides.flow.entity}, which the {sides.source.vendor}"
                " profile does not read"
            )
        return None
    rule: dict[str, Any] = {"target": entry.field}
    if read.has_value:
        rule["value"] = read.value
    else:
        rule["source"] = read.field
    rule["canonical"] = canonical.name
    transforms = [*read.read, *entry.write]
    if transforms:
        rule["transforms"] = transforms
    if required:
        rule["required"] = True
    if canonical.on_invalid == "null":
        rule["on_invalid"] = "null"
    if entry.length:
        truncate = canonical.on_overflow == "truncate"
        rule["max_length"] = (
            {"limit": entry.length, "on_overflow": "truncate"} if truncate else entry.length
        )
    if canonical.type == "reference" and canonical.entity:
        rule["reference"] = _reference(sides, model, canonical.entity)
    if canonical.type == "list":
        _children(sides, model, canonical, entry, read, rule)
    compare = entry.compare if entry.compare is not None else _compare(canonical, entry)
    if compare:
        rule["compare"] = dict(compare)
    note = "; ".join(n for n in (canonical.note, read.note, entry.note) if n)
    if note:
        rule["note"] = note
    return rule


def _compare(canonical: CanonicalField, entry: ProfileField) -> dict[str, Any]:
    """The canonical hints hold only where the target stores the canonical value itself."""
    return {} if entry.write else dict(canonical.compare)


def _reference(sides: _Sides, model: CanonicalModel, entity: str) -> dict[str, str]:
    """A reference goes through the crosswalk of the flow creating the referenced records:
    by their source id when that flow runs the same way as this one, else by their target id."""
    creator = model.identity_flow(entity)
    if creator.source == sides.flow.source:
        return {"flow": creator.name}
    return {"flow": creator.name, "via": "target"}


def _children(
    sides: _Sides,
    model: CanonicalModel,
    canonical: CanonicalField,
    entry: ProfileField,
    read: ProfileField,
    rule: dict[str, Any],
) -> None:
    children = []
    key = None
    for child in entry.each:
        field = canonical.child(str(child.name))
        if field is None or not child.writable:
            continue
        reader = next((r for r in read.each if r.name == child.name and r.readable), None)
        compiled = _rule(sides, model, field, child, reader)
        if compiled is not None:
            children.append(compiled)
            if canonical.key == field.name:
                key = child.field
    if key:
        rule["key"] = key
    rule["each"] = children


def _match(flow: BusinessFlow, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The flow's business keys and fuzzy match on the target paths that carry them; a key
    with a part the pair does not map is left out."""
    paths: dict[str, str] = {}
    for rule in rules:
        if "canonical" in rule:
            paths.setdefault(rule["canonical"], rule["target"])
    raw = flow.match
    keys = []
    for key in raw.get("keys") or ():
        if all(name in paths for name in key):
            keys.append({paths[name]: norm for name, norm in key.items()})
    out: dict[str, Any] = {}
    if keys:
        out["keys"] = keys
    fuzzy = raw.get("fuzzy")
    block = [paths[b] for b in (fuzzy or {}).get("block") or () if b in paths]
    if fuzzy and fuzzy.get("name") in paths and block:  # fuzzy matching needs a block
        out["fuzzy"] = {"name": paths[fuzzy["name"]], "block": block,
                        "threshold": fuzzy.get("threshold", 90)}  # fmt: skip
    return out


__all__ = ["CompiledFlow", "Unsupported", "compile_flow", "compile_pair"]
