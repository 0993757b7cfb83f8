"""Before and after images of target records: which fields a write changed, and how to put
them back. Pure functions, no I/O; `sync.rollback` is their user.

An image is a target record's field dict as the connector reads it, nested values included
(`addressBook.0.addressBookAddress.city`). What a sync wrote is its mapped payload: only
that shape is known to be writable (a full image also holds read-only echoes such as NetSuite's
`addrText` or a sublist's `count`), so restore bodies are built on that shape.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sync.mapping import get_path, set_path


def leaf_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths of every leaf in `value` (an empty dict or list counts as a leaf)."""
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaf_paths(child, f"{prefix}{key}.")
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from leaf_paths(child, f"{prefix}{index}.")
    elif prefix:
        yield prefix[:-1]


def same(a: Any, b: Any) -> bool:
    """Equal as the engine compares: absent, None and "" alike; 1 and 1.0 alike."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


def _parent(path: str) -> str | None:
    return path.rsplit(".", 1)[0] if "." in path else None


def changed_paths(
    shape: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
) -> tuple[str, ...]:
    """The paths a write changed, within the `shape` it wrote.

    A leaf of `shape` whose value differs between `before` and `after`; and a leaf `before`
    held inside a container the write replaced (its parent is in `shape`) that neither
    `after` nor the `current` target holds any more: the write dropped it.
    """
    old = dict(before or {})
    written = list(leaf_paths(dict(shape)))
    found = [p for p in written if not same(get_path(old, p), get_path(after, p))]
    if current is not None:
        known = set(written)
        for path in leaf_paths(old):
            parent = _parent(path)
            if (
                path not in known
                and parent is not None
                and isinstance(get_path(shape, parent), dict | list)
                and get_path(after, path) is None
                and get_path(current, path) is None
                and get_path(old, path) not in (None, "")
            ):
                found.append(path)
    return tuple(found)


def drifted(paths: Sequence[str], expected: Mapping[str, Any], current: Mapping[str, Any]
            ) -> tuple[str, ...]:  # fmt: skip
    """The `paths` whose current value is no longer what `expected` says (edited since)."""
    return tuple(p for p in paths if not same(get_path(current, p), get_path(expected, p)))


def restore_body(
    paths: Sequence[str],
    shape: Mapping[str, Any],
    before: Mapping[str, Any],
    current: Mapping[str, Any],
) -> dict[str, Any]:
    """The update that puts `paths` back to their `before` values and touches nothing else.

    A top-level field is sent alone. A nested one is sent as its whole top-level value (a
    vendor replaces a sublist or sub-record wholesale), built on the written `shape`: the
    restored leaves take their `before` value, every other leaf keeps its current value.
    """
    body: dict[str, Any] = {}
    chosen = set(paths)
    for path in paths:
        top = path.split(".", 1)[0]
        if path == top:
            body[top] = copy.deepcopy(get_path(before, top))
            continue
        if top in body:
            continue
        holder: dict[str, Any] = {top: copy.deepcopy(shape.get(top))}
        for leaf in leaf_paths(holder):
            if leaf not in chosen and get_path(current, leaf) is not None:
                set_path(holder, leaf, copy.deepcopy(get_path(current, leaf)))
        for leaf in paths:
            if leaf.split(".", 1)[0] == top:
                set_path(holder, leaf, copy.deepcopy(get_path(before, leaf)))
        body[top] = holder[top]
    return body


def apply_paths(
    image: Mapping[str, Any], paths: Sequence[str], source: Mapping[str, Any]
) -> dict[str, Any]:
    """A copy of `image` with `paths` set to their values in `source` (the restored image)."""
    result = copy.deepcopy(dict(image))
    for path in paths:
        try:
            set_path(result, path, copy.deepcopy(get_path(source, path)))
        except (TypeError, ValueError):
            continue  # a shape the image no longer has; the body sent says what was written
    return result
