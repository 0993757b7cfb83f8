"""YAML parsed with the line of every key, so a problem found later can point at its line.

The document is composed to nodes first (line marks are lost once it is constructed), and
duplicate keys, which YAML silently collapses, are reported as problems on the way.
"""

from __future__ import annotations

from typing import Any

import yaml

from harness.config.problems import JsonPath, Problem, key_of
from sync.errors import ConfigError


class Lines:
    """The line of every key and list item of a composed YAML document, by JSON path."""

    def __init__(self, root: yaml.Node) -> None:
        self.lines: dict[JsonPath, int] = {(): root.start_mark.line + 1}
        self.problems: list[Problem] = []
        self._keys = yaml.constructor.SafeConstructor()
        self._seen: set[int] = set()
        self._walk(root, ())

    def _walk(self, node: yaml.Node, path: JsonPath) -> None:
        if id(node) in self._seen:  # an alias: walked where its anchor is (and no cycles)
            return
        self._seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._walk(item, (*path, index))
        if not isinstance(node, yaml.MappingNode):
            return
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key, line = self._keys.construct_object(key_node), key_node.start_mark.line + 1
            if key in seen:
                message = f"duplicate key {key!r} (first at line {seen[key]}); YAML keeps the last"
                self.problems.append(Problem(message, key_of((*path, key)), line))
            seen[key] = self.lines[(*path, key)] = line
            self._walk(value_node, (*path, key))

    def line(self, path: JsonPath) -> int:
        """The line of `path`, or of its nearest ancestor that the document has."""
        while path not in self.lines:  # () is always there
            path = path[:-1]
        return self.lines[path]


def parse_yaml(text: str, file: str) -> tuple[Any, Lines | None]:
    """The document and its line index. Malformed YAML raises ConfigError with the line; the
    message never quotes the offending line, which may hold a secret."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        lines = Lines(node)  # before constructing: merge keys are still visible
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f" ({exc.context})" if exc.context else ""
        column = f" at column {mark.column + 1}" if mark else ""
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error{column}: {exc.problem}{context}"
        raise ConfigError(message, file=file, line=line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        name = "a NUL byte" if code == 0 else f"character U+{code:04X}"
        line = text.count("\n", 0, exc.position) + 1
        message = f"not readable as YAML: {name} is not allowed; remove it (a binary file?)"
        raise ConfigError(message, file=file, line=line) from None
    except yaml.YAMLError as exc:
        reason = getattr(exc, "reason", type(exc).__name__)
        raise ConfigError(f"not readable as YAML: {reason}", file=file) from None
    except RecursionError:  # nesting deeper than the parser's stack
        raise ConfigError("not readable as YAML: nested too deeply", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
