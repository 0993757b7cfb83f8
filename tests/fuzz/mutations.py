"""Hypothesis strategies that damage a YAML document the way people and tools do: a value of
the wrong type, a key dropped or a junk one added, odd unicode, huge numbers, a value nested
one level too deep or too shallow, a NUL byte or bytes that are not UTF-8 at all.

`mutated(document)` draws one to three structural edits of a parsed document, dumps it, and
sometimes damages the text too; it returns the bytes a file would hold."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import strategies as st

Path = tuple[Any, ...]  # keys and list indexes from the root

ODD_TEXT = st.one_of(
    st.sampled_from(
        [
            "", " ", "\u202e", "caf\u00e9", "\U0001f4a5", "\ufeff", "a\tb", "x" * 3000, "null",
            "~", "yes", "0x1F", "1e400", "\u0085", "'", '"', "{", "- ", "&a", "*a", ": ",
            "ZZ", "US", "..", "a.b.0", "$", "\\1", "(", "[a-", "\u00a0", "a\x00b",
            "~nosuchuser/x", "/", "/dev/null", ".",
        ]
    ),
    st.text(max_size=12),
)  # fmt: skip
HUGE = st.sampled_from([10**100, -(10**100), 2**63, 1e308, float("inf"), float("-inf"),
                        float("nan"), 3.5, 0, -1, 10**6])  # fmt: skip
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    HUGE,
    ODD_TEXT,
    st.lists(st.one_of(st.integers(), ODD_TEXT), max_size=2),
    st.dictionaries(ODD_TEXT, st.integers(), max_size=2),
)
TEXT_DAMAGE = st.sampled_from(["\x00", "\x07", "\x1b", "\ufffe", "\t", "\r", ":", "  ", "\n- "])


def paths_of(node: Any, here: Path = ()) -> list[Path]:
    """Every node's path, the root's `()` first."""
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths_of(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths_of(value, (*here, index))
    return found


def _get(node: Any, path: Path) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(root: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def _mutate_once(draw: st.DrawFn, doc: Any) -> Any:
    path = draw(st.sampled_from(paths_of(doc)))
    target = _get(doc, path)
    operation = draw(st.sampled_from(["replace", "drop", "insert", "wrap", "unwrap"]))
    if operation == "drop" and path:
        parent = _get(doc, path[:-1])
        del parent[path[-1]]
        return doc
    if operation == "insert" and isinstance(target, dict):
        target[draw(st.one_of(ODD_TEXT, st.integers()))] = draw(ODD_VALUES)
        return doc
    if operation == "wrap":
        wrapped = draw(st.sampled_from([[target], {"x": target}, {draw(ODD_TEXT): target}]))
        return _set(doc, path, wrapped)
    if operation == "unwrap" and isinstance(target, dict | list) and target:
        inner = next(iter(target.values())) if isinstance(target, dict) else target[0]
        return _set(doc, path, inner)
    return _set(doc, path, draw(ODD_VALUES))


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> bytes:
    """The bytes of a damaged copy of `document` (parsed YAML)."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        doc = _mutate_once(draw, doc)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    damage = draw(st.sampled_from(["none", "none", "char", "cut", "bytes"]))
    if damage == "char":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(TEXT_DAMAGE) + text[at:]
    elif damage == "cut":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    data = text.encode("utf-8")
    if damage == "bytes":  # not UTF-8: a file saved in another encoding, or binary
        at = draw(st.integers(min_value=0, max_value=len(data)))
        junk = draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\x00\xff"]))
        data = data[:at] + junk + data[at:]
    return data
