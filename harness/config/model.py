"""The typed config: frozen objects that `load_config` builds and the harness passes down.

Nothing below `harness/` reads the config file or the environment; these objects are the
whole contract. Credentials are environment variable *names*; the values are read only in
`SystemConfig.connection_settings()`, and no repr carries them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.problems import ConfigValidationError, Problem
from harness.config.quality_checks import CheckConfig
from harness.config.rollout import RolloutConfig
from harness.config.schedule import Schedule
from reconcile.model import Thresholds
from sync.connectors.base import ConnectionSettings
from sync.errors import ConfigError
from sync.flow import DEFAULT_BATCH_SIZE

CONFIG_VERSION = 1


@dataclass(frozen=True)
class FlowConfig:
    """One flow: records go from the `source` system to the `target` through `mapping`.

    `schedule` (None: on demand only) and `depends_on` are what `harness run` reads."""

    name: str
    mapping: Path  # absolute
    source: str  # system names
    target: str
    batch_size: int = DEFAULT_BATCH_SIZE
    schedule: Schedule | None = None
    depends_on: tuple[str, ...] = ()
    lookback_seconds: float = 0.0
    schema_recheck_seconds: float = 60.0


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
    # The account's own API limits where they differ from the vendor's published ones
    # (`sync.connectors.budget.ApiLimits` field names), for `harness plan`.
    limits: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = field(default=None, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def connection_settings(self) -> ConnectionSettings:
        """Settings for a connector, credentials read from the environment now; a missing
        variable raises ConfigError naming it and the key that wants it."""
        resolved, missing = self.resolve_credentials()
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
            system=self.name,
        )

    def resolve_credentials(self) -> tuple[dict[str, str], list[Problem]]:
        """The credentials found in the environment, and a problem per variable missing."""
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
        return resolved, missing

    def ca_problems(self) -> list[Problem]:
        """The CA file must exist when a connection is made (checked then, as credentials
        are: `harness mock-up` writes a fresh one; commands that connect nowhere need none)."""
        if self.ca_path is None or self.ca_path.is_file():
            return []
        what = "is a directory, not a CA file" if self.ca_path.is_dir() else "CA file not found"
        path = f"systems.{self.name}.ca_path"
        message = f"{what}: {self.ca_path} (`harness mock-up` writes its CA under its workdir)"
        return [Problem(message, path, self.lines.get(path))]

    def missing_variables(self) -> list[str]:
        """The environment variables this system's credentials name that are unset or empty."""
        return [v for v in self.credentials.values() if not self.environ.get(v)]


@dataclass(frozen=True)
class AlertsConfig:
    """When and where `harness sync` raises an alert (the `alerts:` section).

    `webhook_url_env` names the environment variable holding the webhook URL; the URL is read
    only by `webhook_url()`, never kept in a repr. Without it, alerts are off."""

    webhook_url_env: str | None = None
    error_rate: float = 0.05
    volume_factor: float = 5.0
    history: int = 10
    min_usual_reads: int = 10
    timeout: float = 10.0
    # Data quality, from scheduled reconciles: a drop of record accuracy below the flow's
    # recent median, and the quiet period in which the same alert is not sent again.
    accuracy_drop: float = 0.02
    quiet_minutes: float = 60.0
    # Who acts on what (`oncall`, `data_steward`, `crm`, `erp`, ...), named in the runbook.
    contacts: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def webhook_url(self) -> str | None:
        """The webhook URL from the environment, or None when unset (alerts are then off)."""
        if not self.webhook_url_env:
            return None
        return self.environ.get(self.webhook_url_env) or None


@dataclass(frozen=True)
class RetentionConfig:
    """How long `harness prune` keeps run history (the `retention:` section)."""

    days: int = 90


@dataclass(frozen=True)
class HarnessConfig:
    """A whole `harness.yaml`: its systems, flows, state and reports places, thresholds."""

    path: Path  # the config file, absolute; relative paths in it resolve against its folder
    systems: dict[str, SystemConfig]
    state_path: Path
    reports_dir: Path
    flows: tuple[FlowConfig, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    checks: tuple[CheckConfig, ...] = ()  # scheduled reconciles
    rollout: RolloutConfig = field(default_factory=RolloutConfig)  # phases, segments, gates

    @property
    def logs_dir(self) -> Path:
        """Where the harness writes its log files: `logs/` beside the state file."""
        return self.state_path.parent / "logs"

    def connection_settings(self) -> dict[str, ConnectionSettings]:
        """Every system's settings, to connect now: a variable missing anywhere, or a CA file
        that is not there, raises one ConfigError naming every one of them, with its line."""
        systems = self.systems.values()
        missing = [p for s in systems for p in (*s.resolve_credentials()[1], *s.ca_problems())]
        if missing:
            raise ConfigValidationError(str(self.path), missing)
        return {name: system.connection_settings() for name, system in self.systems.items()}

    def missing_variables(self) -> list[str]:
        """The environment variables the systems' credentials name that are not set."""
        return [v for system in self.systems.values() for v in system.missing_variables()]

    def flow(self, name: str) -> FlowConfig:
        """The flow called `name`; an unknown name raises ConfigError listing the known ones."""
        for flow in self.flows:
            if flow.name == name:
                return flow
        known = ", ".join(f.name for f in self.flows) or "none"
        raise ConfigError(f"unknown flow {name!r}; known flows: {known}", file=str(self.path))

    def system(self, name: str) -> SystemConfig:
        """The system called `name`; an unknown name raises ConfigError listing the known ones."""
        if name in self.systems:
            return self.systems[name]
        known = ", ".join(self.systems) or "none"
        raise ConfigError(f"unknown system {name!r}; known systems: {known}", file=str(self.path))


def path_problem(value: str) -> str | None:
    """Why `value` cannot be a path on this machine (None when it can): a NUL character, or
    a `~user` whose home directory is unknown."""
    if "\0" in value:
        return "a path cannot hold a NUL character"
    try:
        Path(value).expanduser()
    except RuntimeError:
        return f"{value.split('/')[0]!r}: no such user's home directory"
    return None


def resolve_path(base: Path, value: str) -> Path:
    """A path written in the config: `~` expanded, a relative one taken from `base`."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()
