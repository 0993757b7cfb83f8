"""Load a YAML mapping spec, check it whole, and hand back a frozen `MappingSpec`.

The YAML is composed to nodes first so every problem can name its line; then the JSON
Schema (`fixtures/schemas/mapping.schema.json`) and the semantic checks run, and every
problem found is raised together as one `ConfigError` (file, line and key path each).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import yaml

from sync.errors import ConfigError
from sync.governance import FieldGovernance, Governance
from sync.mapping.apply import compile_spec
from sync.mapping.checks import (
    Problem,
    json_problems,
    key_path,
    schema_problems,
    semantic_problems,
    spec_validator,
)
from sync.mapping.paths import Segment
from sync.mapping.spec import (
    Deletes,
    EndpointRef,
    Explode,
    FieldRule,
    FuzzyMatch,
    MappingSpec,
    MatchSpec,
    Reference,
    RuleKind,
    TransformStep,
)

_Lines = dict[tuple[Segment, ...], int]


def load_mapping(path: str | os.PathLike[str]) -> MappingSpec:
    """Read and check the mapping spec at `path`.

    Raises `ConfigError` naming the file, line and key of every problem: unreadable file,
    malformed YAML, schema violations (unknown keys come with the nearest valid one),
    unknown transforms or bad transform params, duplicate or conflicting target paths.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise ConfigError("is a directory; name a mapping spec file", file=name) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read the mapping spec: {exc.strerror or exc}", file=name
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # saved in another encoding, or not text at all
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise ConfigError(message, file=name, line=line) from None
    return parse_mapping(text, file=name)


def parse_mapping(source: str | Mapping[str, Any], *, file: str | None = None) -> MappingSpec:
    """Check and build a spec from YAML text, or from already-parsed data (no line numbers
    then). `file` only labels the messages. Raises `ConfigError` as `load_mapping` does."""
    if isinstance(source, str):
        data, lines, problems = _read_yaml(source, file)
    else:
        data, lines, problems = copy.deepcopy(dict(source)), {}, []
    problems += json_problems(data)
    schema = schema_problems(spec_validator(), data)
    problems += schema
    if isinstance(data, dict):
        problems += semantic_problems(data, (p.path for p in schema))
    if problems:
        _raise(problems, lines, file)
    spec = _build(data, lines, file)
    compile_spec(spec)
    return spec


def _read_yaml(text: str, file: str | None) -> tuple[Any, _Lines, list[Problem]]:
    try:
        loader = yaml.SafeLoader(text)  # the reader checks every character up front
    except yaml.reader.ReaderError as exc:
        message, at = _unreadable(exc, text)
        raise ConfigError(message, file=file, line=at) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError(
                "the file is empty; a mapping spec starts with 'version: 1'", file=file, line=1
            )
        # Index before constructing: construction flattens merge keys (<<) into the nodes.
        lines: _Lines = {(): node.start_mark.line + 1}
        problems: list[Problem] = []
        _index(node, (), lines, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            context += f" started on line {exc.context_mark.line + 1}"
        detail = "; ".join(p for p in (context, exc.problem) if p)
        line = mark.line + 1 if mark else None
        raise ConfigError(f"not valid YAML: {detail or exc}", file=file, line=line) from exc
    except yaml.reader.ReaderError as exc:
        message, at = _unreadable(exc, text)
        raise ConfigError(message, file=file, line=at) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=file) from exc
    except RecursionError:  # nesting deeper than the parser's stack
        raise ConfigError("not valid YAML: nested too deeply", file=file) from None
    finally:
        loader.dispose()
    return data, lines, problems


def _unreadable(exc: yaml.reader.ReaderError, text: str) -> tuple[str, int]:
    """A character YAML refuses (a NUL byte, a control character), named with its line."""
    char = exc.character
    code = ord(char) if isinstance(char, str) else char
    name = "a NUL byte" if code == 0 else f"character U+{code:04X}"
    line = text.count("\n", 0, exc.position) + 1
    return f"not valid YAML: {name} is not allowed; remove it (a binary file?)", line


def _index(
    node: yaml.Node, path: tuple[Segment, ...], lines: _Lines, problems: list[Problem]
) -> None:
    """Record the line of every key and list item; report keys YAML would silently overwrite."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            here = (*path, key_node.value)
            line = key_node.start_mark.line + 1
            if here in lines:
                problems.append(
                    Problem(
                        here,
                        f"key {key_node.value!r} appears twice (lines "
                        f"{lines[here]} and {line}); YAML keeps only the last",
                        line,
                    )
                )
                continue
            lines[here] = line
            _index(value_node, here, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), lines, problems)


def _line(path: tuple[Segment, ...], lines: _Lines) -> int | None:
    for depth in range(len(path), -1, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return None


def _raise(problems: list[Problem], lines: _Lines, file: str | None) -> None:
    located = sorted(
        ((p.line or _line(p.path, lines), key_path(p.path), p.message) for p in problems),
        key=lambda t: (t[0] or 0, t[1]),
    )
    if len(located) == 1:
        line, key, message = located[0]
        raise ConfigError(message, file=file, key=key or None, line=line)
    where = file or "<mapping>"
    bullets = "\n".join(
        f"  - {where}:{line}: [{key}] {message}" if line else f"  - {where}: [{key}] {message}"
        for line, key, message in located
    )
    error = ConfigError(f"{len(located)} problems in the mapping spec:\n{bullets}", file=file)
    error.line, error.key = located[0][0], located[0][1] or None
    raise error


def _build(data: dict[str, Any], lines: _Lines, file: str | None) -> MappingSpec:
    src, tgt = data["source"], data["target"]
    return MappingSpec(
        name=data["name"],
        description=data.get("description", ""),
        version=data["version"],
        source=EndpointRef(
            src["system"],
            src["object"],
            key=src["key"],
            modified_field=src.get("modified_field"),
            explode=Explode(src["explode"]["path"], src["explode"]["key"])
            if src.get("explode")
            else None,
        ),
        target=EndpointRef(
            tgt["system"],
            tgt["object"],
            external_id=tgt["external_id"],
            update_only=bool(tgt.get("update_only", False)),
            scope=MappingProxyType(dict(tgt.get("scope") or {})),
        ),
        fields=tuple(_rule(f, lines.get(("fields", i))) for i, f in enumerate(data["fields"])),
        file=file,
        match=_match(data.get("match") or {}),
        governance=_governance(data.get("governance") or {}),
        deletes=_deletes(data.get("deletes", "ignore")),
        entity=data.get("entity"),
    )


def _deletes(data: str | dict[str, Any]) -> Deletes:
    if isinstance(data, str):
        return Deletes(data)  # type: ignore[arg-type]  # the schema's enum
    return Deletes(data["policy"], data.get("field"), data.get("value", True))


def _governance(data: dict[str, Any]) -> Governance:
    return Governance(
        on_conflict=data.get("on_conflict", "owner_wins"),
        lock=bool(data.get("lock", False)),
        watch_target=bool(data.get("watch_target", False)),
        fields=MappingProxyType(
            {
                path: FieldGovernance(rule.get("owner"), rule.get("on_conflict"))
                for path, rule in (data.get("fields") or {}).items()
            }
        ),
    )


def _match(data: dict[str, Any]) -> MatchSpec:
    fuzzy = data.get("fuzzy")
    return MatchSpec(
        keys=tuple(MappingProxyType(dict(key)) for key in data.get("keys", ())),
        fuzzy=FuzzyMatch(
            name=fuzzy["name"],
            block=tuple(fuzzy.get("block", ())),
            threshold=float(fuzzy.get("threshold", 90)),
        )
        if fuzzy
        else None,
    )


def _rule(item: dict[str, Any], line: int | None) -> FieldRule:
    kind: RuleKind = "source"
    sources: tuple[str, ...] = ()
    if "value" in item:
        kind = "constant"
    elif "sources" in item:
        kind, sources = "sources", tuple(item["sources"])
    else:
        sources = (item["source"],)
        if "each" in item:
            kind = "each"
    ref = item.get("reference")
    limit = item.get("max_length")
    overflow = "reject"
    if isinstance(limit, dict):
        limit, overflow = limit["limit"], limit.get("on_overflow", "reject")
    return FieldRule(
        target=item["target"],
        kind=kind,
        sources=sources,
        constant=item.get("value"),
        transforms=tuple(_step(t) for t in item.get("transforms", ())),
        required=item.get("required", False),
        max_length=limit,
        on_overflow=overflow,  # type: ignore[arg-type]  # the schema's enum
        # YAML reads a bare `on_invalid: null` as None; both spellings mean "null".
        on_invalid="null"
        if item.get("on_invalid", "quarantine") in (None, "null")
        else "quarantine",
        compare=MappingProxyType(dict(item.get("compare", {}))),
        note=item.get("note", ""),
        line=line,
        reference=Reference(ref["flow"], ref.get("via", "source")) if ref else None,
        each=tuple(_rule(child, None) for child in item.get("each", ())),
        key=item.get("key"),
        canonical=item.get("canonical"),
    )


def _step(step: str | dict[str, Any]) -> TransformStep:
    if isinstance(step, str):
        return TransformStep(step)
    name, params = next(iter(step.items()))
    return TransformStep(name, MappingProxyType(dict(params or {})))
