"""Dotted paths into nested records: `addressBook.0.addressBookAddress.city`.

A segment made only of digits indexes a list; any other segment is a dict key. `set_path`
creates what is missing on the way (a list where the next segment is numeric, a dict
otherwise), so mapping rules can build nested vendor payloads from flat CRM records.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

Segment = str | int


@lru_cache(maxsize=4096)
def split_path(path: str) -> tuple[Segment, ...]:
    """`"a.lines.0.b"` -> `("a", "lines", 0, "b")`; digits-only segments become ints."""
    if not path:
        raise ValueError("a path cannot be empty")
    parts = path.split(".")
    if any(not part for part in parts):
        raise ValueError(f"path {path!r} has an empty segment")
    return tuple(int(part) if part.isdigit() else part for part in parts)


def get_path(obj: Any, path: str | Sequence[Segment]) -> Any:
    """The value at `path` inside `obj`, or None when any step is absent.

    Dict keys are matched exactly; an int segment indexes a list (a dict is tried with the
    digits as a string key, which is how JSON objects keyed by numbers arrive).
    """
    segments = split_path(path) if isinstance(path, str) else path
    current = obj
    for segment in segments:
        if isinstance(current, dict):
            current = current.get(segment if isinstance(segment, str) else str(segment))
        elif isinstance(current, list) and isinstance(segment, int):
            current = current[segment] if segment < len(current) else None
        else:
            return None
        if current is None:
            return None
    return current


def set_path(obj: dict[str, Any], path: str | Sequence[Segment], value: Any) -> None:
    """Set `value` at `path` inside `obj`, creating dicts and lists on the way.

    A list is padded with None up to the index it needs. Raises TypeError when the path runs
    into a value of the wrong shape (a string where a dict is needed, a dict where a list is).
    """
    segments = split_path(path) if isinstance(path, str) else tuple(path)
    if not segments or not isinstance(segments[0], str):
        raise ValueError(f"path {path!r} must start with a field name")
    current: Any = obj
    last = len(segments) - 1
    for pos, segment in enumerate(segments):
        if pos == last:
            _put(current, segment, value, segments)
            return
        child = _child(current, segment)
        if child is None:
            child = [] if isinstance(segments[pos + 1], int) else {}
            _put(current, segment, child, segments)
        elif not isinstance(child, list | dict):
            raise TypeError(
                f"cannot set {_join(segments)}: {_join(segments[: pos + 1])} "
                f"holds {type(child).__name__}, not a container"
            )
        current = child


def _child(container: Any, segment: Segment) -> Any:
    if isinstance(container, list):
        return container[segment] if isinstance(segment, int) and segment < len(container) else None
    return container.get(segment)


def _put(container: Any, segment: Segment, value: Any, segments: tuple[Segment, ...]) -> None:
    if isinstance(container, dict) and isinstance(segment, str):
        container[segment] = value
    elif isinstance(container, list) and isinstance(segment, int):
        if segment >= len(container):
            container.extend([None] * (segment + 1 - len(container)))
        container[segment] = value
    else:
        wanted = "a list index" if isinstance(container, list) else "a field name"
        raise TypeError(f"cannot set {_join(segments)}: segment {segment!r} is not {wanted}")


def _join(segments: Sequence[Segment]) -> str:
    return ".".join(str(s) for s in segments)
