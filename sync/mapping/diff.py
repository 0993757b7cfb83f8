"""Which mapped target paths differ between a payload and a record image.

The sync asks it before writing (only fields that really differ are written and audited),
governance asks it to spot edits behind the flow's back, and a rollback's check asks it of a
snapshot. Equality is lenient where systems are: blank text equals null, numbers compare by
value, and a child collection differs only on the fields the mapping maps into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.mapping.paths import get_path
from sync.mapping.spec import FieldRule, MappingSpec


def same(a: Any, b: Any) -> bool:
    """Equal as a target would store them: blank text is null, 1 == 1.0, bools stay bools."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def changed_paths(
    spec: MappingSpec, payload: dict[str, Any], before: dict[str, Any] | None
) -> tuple[str, ...]:
    """The mapped target paths whose value in `payload` differs from the target's `before`
    image (every set path when there is none). A child collection differs when its length
    or any mapped child field differs; fields the target adds to its children do not count."""
    paths = spec.target_paths
    if before is None:
        return tuple(p for p in paths if get_path(payload, p) is not None)
    changed = []
    for path in paths:
        rule = spec.rule_for(path)
        mine, theirs = get_path(payload, path), get_path(before, path)
        if rule is not None and rule.kind == "each":
            if not same_children(rule.each, mine, theirs):
                changed.append(path)
        elif not same(mine, theirs):
            changed.append(path)
    return tuple(changed)


def with_clears(payload: dict[str, Any], changed: Sequence[str]) -> dict[str, Any]:
    """`payload` for an update, with an explicit null for each changed top-level path it has
    no value for: a value the source cleared, or one the mapping dropped (`on_invalid: null`)
    must clear the target's old value, or the target keeps a value its source no longer has.
    Paths inside child collections need none: the collection is written whole."""
    clears = {p: None for p in changed if "." not in p and payload.get(p) is None}
    return {**payload, **clears} if clears else payload


def same_children(rules: Sequence[FieldRule], mine: Any, theirs: Any) -> bool:
    """Two child collections agree element by element on every mapped child field."""
    mine, theirs = mine or [], theirs or []
    if not isinstance(mine, list) or not isinstance(theirs, list) or len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        for rule in rules:
            if rule.kind == "each":
                if not same_children(rule.each, get_path(a, rule.target), get_path(b, rule.target)):
                    return False
            elif not same(get_path(a, rule.target), get_path(b, rule.target)):
                return False
    return True
