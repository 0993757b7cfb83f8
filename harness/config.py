"""`harness.yaml`: read once at the edge, validated whole, handed down as frozen objects.

Every problem in a file is collected (JSON Schema errors and cross-references alike) and
raised together as one `ConfigValidationError`, each with file:line and key path; the YAML
is composed to nodes first so a key path maps back to its line. Secrets never live in the
file: credentials name environment variables, read only by
`SystemConfig.connection_settings()`, and no message or repr carries their values.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from sync.connectors.base import ConnectionSettings
from sync.errors import ConfigError

KNOWN_VENDORS: tuple[str, ...] = ("salesforce", "netsuite")
CONFIG_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "harness.schema.json"

JsonPath = tuple[Any, ...]  # keys and list indexes from the document root
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# -- the typed config ----------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """What a GO verdict needs; every one must hold."""

    record_accuracy: float = 0.99
    field_accuracy: float = 0.995
    max_missing_in_target: int = 0
    max_unexpected_in_target: int = 0
    max_quarantined: int = 0


@dataclass(frozen=True)
class FlowConfig:
    name: str
    mapping: Path  # absolute
    source: str  # system names
    target: str
    batch_size: int = 200


@dataclass(frozen=True)
class SystemConfig:
    """One system. `credentials` maps a credential name to the name of the environment
    variable that holds it: names only, never values."""

    name: str
    vendor: str
    base_url: str
    ca_path: Path | None = None
    read_only: bool = False
    timeout: float = 30.0
    concurrency: int = 4
    max_retries: int = 5
    page_size: int | None = None
    credentials: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = field(default=None, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def connection_settings(self) -> ConnectionSettings:
        """Settings for a connector, credentials read from the environment now; a missing
        variable raises ConfigError naming it and the key that wants it."""
        resolved: dict[str, str] = {}
        missing: list[Problem] = []
        for key, variable in self.credentials.items():
            if value := self.environ.get(variable):
                resolved[key] = value
                continue
            path = f"systems.{self.name}.credentials.{key}"
            hint = "export it, or put it in a file given with --env-file"
            message = f"environment variable {variable} is not set (or empty); {hint}"
            missing.append(Problem(message, path, self.lines.get(path)))
        if missing:
            raise ConfigValidationError(self.file, missing)
        return ConnectionSettings(
            vendor=self.vendor,
            base_url=self.base_url,
            credentials=resolved,
            ca_path=None if self.ca_path is None else str(self.ca_path),
            read_only=self.read_only,
            timeout=self.timeout,
            max_retries=self.max_retries,
            concurrency=self.concurrency,
            page_size=self.page_size,
            options=dict(self.options),
        )


@dataclass(frozen=True)
class HarnessConfig:
    path: Path  # the config file, absolute; relative paths in it resolve against its folder
    systems: dict[str, SystemConfig]
    state_path: Path
    reports_dir: Path
    flows: tuple[FlowConfig, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)

    def flow(self, name: str) -> FlowConfig:
        for flow in self.flows:
            if flow.name == name:
                return flow
        known = ", ".join(f.name for f in self.flows) or "none"
        raise ConfigError(f"unknown flow {name!r}; known flows: {known}", file=str(self.path))

    def system(self, name: str) -> SystemConfig:
        if name in self.systems:
            return self.systems[name]
        known = ", ".join(self.systems) or "none"
        raise ConfigError(f"unknown system {name!r}; known systems: {known}", file=str(self.path))


# -- problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file."""

    message: str
    key: str | None = None
    line: int | None = None

    def render(self, file: str | None) -> str:
        where = ":".join(str(p) for p in (file, self.line) if p is not None)
        at_key = f"[{self.key}] " if self.key else ""
        return f"{where}: {at_key}{self.message}" if where else f"{at_key}{self.message}"


class ConfigValidationError(ConfigError):
    """Every problem found in one config file, in file order (also as `problems`)."""

    def __init__(self, file: str | None, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            only = self.problems[0]
            super().__init__(only.message, file=file, key=only.key, line=only.line)
        else:
            listing = "\n".join(f"  {p.render(file)}" for p in self.problems)
            super().__init__(f"{len(self.problems)} problems:\n{listing}", file=file)


def _key(path: JsonPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f"{'.' if out else ''}{part}"
    return out


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- YAML with line numbers ----------------------------------------------------------------


class _Lines:
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
                self.problems.append(Problem(message, _key((*path, key)), line))
            seen[key] = self.lines[(*path, key)] = line
            self._walk(value_node, (*path, key))

    def line(self, path: JsonPath) -> int:
        while path not in self.lines:  # () is always there
            path = path[:-1]
        return self.lines[path]


def _parse_yaml(text: str, file: str) -> tuple[Any, _Lines | None]:
    """The document and its line index. Malformed YAML raises ConfigError with the line; the
    message never quotes the offending line, which may hold a secret."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        lines = _Lines(node)  # before constructing: merge keys are still visible
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f" ({exc.context})" if exc.context else ""
        column = f" at column {mark.column + 1}" if mark else ""
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error{column}: {exc.problem}{context}"
        raise ConfigError(message, file=file, line=line) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        reason = getattr(exc, "reason", type(exc).__name__)
        raise ConfigError(f"not readable as YAML: {reason}", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()


# -- validation ----------------------------------------------------------------------------

_TYPE_WORDS = {"object": "a mapping", "array": "a list", "integer": "a whole number"}


def _brief(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = "empty" if value is None else repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


@cache
def _validator() -> jsonschema.Draft202012Validator:
    try:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except OSError as exc:
        message = f"the config schema is missing ({exc.strerror}); reinstall the harness"
        raise ConfigError(message, file=str(SCHEMA_PATH)) from exc
    return jsonschema.Draft202012Validator(schema)


def _schema_message(err: jsonschema.ValidationError, path: JsonPath) -> str:
    """A message for one schema error that never echoes a value from under `credentials`."""
    if err.validator == "const" and path == ("version",):
        if isinstance(err.instance, int) and err.instance > CONFIG_VERSION:
            return (
                f"this harness reads config version {CONFIG_VERSION}; version "
                f"{err.instance} needs a newer harness (pip install -U crm-erp-harness)"
            )
        return f"must be {CONFIG_VERSION}"
    if "x-message" in err.schema:
        return str(err.schema["x-message"])
    if "credentials" in path:
        return "is not valid here"
    if err.validator == "type":
        wanted = str(err.validator_value)
        return f"must be {_TYPE_WORDS.get(wanted, f'a {wanted}')}, not {_brief(err.instance)}"
    return err.message


def _schema_problems(data: Any, lines: _Lines) -> list[Problem]:
    problems: list[Problem] = []
    for err in _validator().iter_errors(data):
        path: JsonPath = tuple(err.absolute_path)
        if "propertyNames" in err.relative_schema_path:  # the error is about the key itself
            path = (*path, err.instance)
        if err.validator == "additionalProperties" and err.validator_value is False:
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed), key=str):
                hint = _suggest(str(extra), allowed) or f"; allowed: {', '.join(allowed)}"
                where = (*path, extra)
                problems.append(
                    Problem(f"unknown key {extra!r}{hint}", _key(where), lines.line(where))
                )
        elif err.validator == "required" and "x-message" not in err.schema:
            for name in err.validator_value:  # one error per missing key; duplicates merge later
                if name not in err.instance:
                    message = f"missing required key {name!r}"
                    problems.append(Problem(message, _key(path), lines.line(path)))
        else:
            problems.append(Problem(_schema_message(err, path), _key(path), lines.line(path)))
    return problems


def _semantic_problems(
    data: dict[str, Any], lines: _Lines, base: Path, known_vendors: Sequence[str]
) -> list[Problem]:
    """Cross-references the schema cannot express: vendors, system names, files, duplicates."""
    problems: list[Problem] = []

    def add(message: str, *path: Any) -> None:
        problems.append(Problem(message, _key(path), lines.line(path)))

    systems = data.get("systems")
    systems = systems if isinstance(systems, dict) else {}
    for name, system in systems.items():
        vendor = system.get("vendor") if isinstance(system, dict) else None
        if isinstance(vendor, str) and vendor and vendor not in known_vendors:
            known = f"known vendors: {', '.join(sorted(known_vendors))}"
            hint = _suggest(vendor, known_vendors)
            add(f"unknown vendor {vendor!r}{hint}; {known}", "systems", name, "vendor")
    flows = data.get("flows")
    first_seen: dict[str, int] = {}
    for index, flow in enumerate(flows if isinstance(flows, list) else []):
        if not isinstance(flow, dict):
            continue
        name = flow.get("name")
        if isinstance(name, str) and name in first_seen:
            message = f"duplicate flow name {name!r} (first at line {first_seen[name]})"
            add(message, "flows", index, "name")
        elif isinstance(name, str):
            first_seen[name] = lines.line(("flows", index, "name"))
        for side in ("source", "target"):
            ref = flow.get(side)
            if isinstance(ref, str) and ref not in systems:
                known = ", ".join(map(str, systems)) or "none"
                hint = _suggest(ref, [str(s) for s in systems])
                add(f"unknown system {ref!r}{hint}; known systems: {known}", "flows", index, side)
        if isinstance(flow.get("source"), str) and flow.get("source") == flow.get("target"):
            add("source and target are the same system; a flow joins two", "flows", index, "target")
        mapping = flow.get("mapping")
        if isinstance(mapping, str) and mapping and not _resolve(base, mapping).is_file():
            add(f"mapping file not found: {_resolve(base, mapping)}", "flows", index, "mapping")
    return problems


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


# -- loading -------------------------------------------------------------------------------


def load_config(
    path: Path,
    environ: Mapping[str, str] | None = None,
    *,
    known_vendors: Sequence[str] = KNOWN_VENDORS,
) -> HarnessConfig:
    """Read and validate `path`, raising one ConfigError that lists every problem.

    `environ` (default: the process environment, consulted when credentials are resolved)
    is where `SystemConfig.connection_settings()` reads secrets."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        message = "config file not found; write one with `harness mock-up` or pass --config"
        raise ConfigError(message, file=file) from None
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot read the config file: {exc}", file=file) from None
    data, lines = _parse_yaml(text, file)
    if lines is None:
        raise ConfigError("the file is empty; write one with `harness mock-up`", file=file)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of version, systems, flows, ...", file=file, line=1)
    base = Path(path).resolve().parent
    found = [*lines.problems, *_schema_problems(data, lines)]
    found += _semantic_problems(data, lines, base, known_vendors)
    if found:
        ordered = sorted(dict.fromkeys(found), key=lambda p: (p.line or 0, p.key or ""))
        raise ConfigValidationError(file, ordered)
    return _build(
        data, lines, Path(path).resolve(), file, os.environ if environ is None else environ
    )


def _build(
    data: dict[str, Any], lines: _Lines, path: Path, file: str, environ: Mapping[str, str]
) -> HarnessConfig:
    """Typed objects from a document that passed validation."""
    base = path.parent
    systems: dict[str, SystemConfig] = {}
    for name, raw in data["systems"].items():
        credentials = {key: ref["env"] for key, ref in raw.get("credentials", {}).items()}
        keys = [("systems", name, "credentials", key) for key in credentials]
        systems[name] = SystemConfig(
            name=name,
            vendor=raw["vendor"],
            base_url=raw["base_url"].rstrip("/"),
            ca_path=_resolve(base, raw["ca_path"]) if "ca_path" in raw else None,
            read_only=raw.get("read_only", False),
            timeout=float(raw.get("timeout", 30.0)),
            concurrency=raw.get("concurrency", 4),
            max_retries=raw.get("max_retries", 5),
            page_size=raw.get("page_size"),
            credentials=credentials,
            options=dict(raw.get("options", {})),
            file=file,
            lines={_key(k): lines.line(k) for k in keys},
            environ=environ,
        )
    flows = tuple(
        FlowConfig(
            name=f["name"],
            mapping=_resolve(base, f["mapping"]),
            source=f["source"],
            target=f["target"],
            batch_size=f.get("batch_size", 200),
        )
        for f in data["flows"]
    )
    limits = {**asdict(Thresholds()), **data.get("thresholds", {})}
    for ratio in ("record_accuracy", "field_accuracy"):
        limits[ratio] = float(limits[ratio])
    return HarnessConfig(
        path=path,
        systems=systems,
        state_path=_resolve(base, data.get("state", {}).get("path", ".harness/state.db")),
        reports_dir=_resolve(base, data.get("reports", {}).get("dir", "reports")),
        flows=flows,
        thresholds=Thresholds(**limits),
    )


# -- env files -----------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(?:#.*)?')
_SINGLE_QUOTED = re.compile(r"'([^']*)'\s*(?:#.*)?")


def load_env_file(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a dotenv file: `#` comments, an optional `export `, single
    quotes (literal) and double quotes (\\n \\t \\" \\\\ escapes). Errors never show values."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot read the env file: {exc}", file=file) from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line.removeprefix("export ").lstrip()
        name, sep, rest = line.partition("=")
        name = name.strip()
        if not sep or not _ENV_NAME.fullmatch(name):
            message = "expected KEY=VALUE (KEY: letters, digits and '_')"
            raise ConfigError(message, file=file, line=number)
        value = _env_value(rest.strip())
        if value is None:
            message = "a quoted value must end with its quote (then only a # comment)"
            raise ConfigError(message, file=file, key=name, line=number)
        values[name] = value
    return values


def _env_value(text: str) -> str | None:
    """The value of one line; None when a quoted value is not closed properly."""
    if text.startswith("'"):
        single = _SINGLE_QUOTED.fullmatch(text)
        return single[1] if single else None
    if text.startswith('"'):
        double = _DOUBLE_QUOTED.fullmatch(text)
        unescape = lambda m: _ESCAPES.get(m[1], m[1])  # noqa: E731
        return re.sub(r"\\(.)", unescape, double[1]) if double else None
    comment = re.search(r"\s#", text)
    return (text[: comment.start()] if comment else text).rstrip()


def apply_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set the env file's variables that are not set yet (the real environment wins);
    returns the names it set. `environ` defaults to the process environment."""
    target = os.environ if environ is None else environ
    added: list[str] = []
    for name, value in load_env_file(path).items():
        if name not in target:
            target[name] = value
            added.append(name)
    return added


# -- writing a config ----------------------------------------------------------------------


class _Inline(dict[str, Any]):
    """A mapping written on one line: `{env: NAME}`."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


_Dumper.add_representer(
    _Inline, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def render_config(
    *,
    systems: Mapping[str, Mapping[str, Any]],
    mapping: str | Path,
    state_path: str | Path = ".harness/state.db",
    reports_dir: str | Path = "reports",
    base_dir: Path | None = None,
    flow: str = "customers",
    source: str = "crm",
    target: str = "erp",
    thresholds: Thresholds | None = None,
) -> str:
    """A ready `harness.yaml` text (what `harness mock-up` writes), readable by `load_config`.

    `systems` maps a name to `vendor`, `base_url` and optionally `ca_path` (None: omitted),
    `credentials` ({name: ENV_VAR}), `options`, `read_only`, `timeout`, `concurrency`.
    With `base_dir` (the folder the file goes to), paths are written relative to it when
    they lie inside it, absolute otherwise; without it they are written as given."""

    def where(value: str | Path) -> str:
        if base_dir is None:
            return str(value)
        resolved, base = Path(value).expanduser().resolve(), base_dir.resolve()
        return str(resolved.relative_to(base)) if resolved.is_relative_to(base) else str(resolved)

    def system(raw: Mapping[str, Any]) -> dict[str, Any]:
        spec: dict[str, Any] = {"vendor": raw["vendor"], "base_url": raw["base_url"]}
        if raw.get("ca_path") is not None:
            spec["ca_path"] = where(raw["ca_path"])
        for key, default in (("read_only", False), ("timeout", 30), ("concurrency", 4)):
            spec[key] = raw.get(key, default)
        credentials = raw.get("credentials") or {}
        spec["credentials"] = {
            key: _Inline(env=var["env"] if isinstance(var, Mapping) else var)
            for key, var in credentials.items()
        }
        spec["options"] = _Inline(raw.get("options") or {})
        return spec

    job = {"name": flow, "mapping": where(mapping), "source": source, "target": target}
    document = {
        "version": CONFIG_VERSION,
        "systems": {name: system(raw) for name, raw in systems.items()},
        "state": _Inline(path=where(state_path)),
        "reports": _Inline(dir=where(reports_dir)),
        "flows": [{**job, "batch_size": 200}],
        "thresholds": asdict(thresholds or Thresholds()),
    }
    header = (
        "# harness.yaml, written by `harness mock-up`; edit freely (schema:\n"
        "# fixtures/schemas/harness.schema.json). Credentials name environment variables\n"
        "# ({env: NAME}); secrets come from the environment or --env-file, never this file.\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return header + body
