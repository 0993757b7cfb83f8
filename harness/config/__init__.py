"""`harness.yaml`: read once at the edge, validated whole, handed down as frozen objects.

Every problem in a file is collected (JSON Schema errors and cross-references alike) and
raised together as one `ConfigValidationError`, each with file:line and key path; the YAML
is composed to nodes first so a key path maps back to its line. Secrets never live in the
file: credentials name environment variables, read only by
`SystemConfig.connection_settings()`, and no message or repr carries their values.

    config = load_config(Path("harness.yaml"))
    settings = config.system(config.flow("customers").source).connection_settings()

Modules: `model` (the frozen objects), `loader` (`load_config`), `yamllines` (YAML with
line marks), `checks` (schema and cross-reference checks), `problems` (what checks find),
`envfile` (`--env-file`), `schedule` (flow schedules and their dependency order) and
`render` (`render_config`, what `harness mock-up` writes).
"""

from __future__ import annotations

from harness.config.checks import SCHEMA_PATH
from harness.config.envfile import apply_env_file, load_env_file
from harness.config.loader import load_config
from harness.config.model import (
    CONFIG_VERSION,
    AlertsConfig,
    FlowConfig,
    HarnessConfig,
    RetentionConfig,
    SystemConfig,
    Thresholds,
)
from harness.config.problems import ConfigValidationError, JsonPath, Problem
from harness.config.render import render_config
from harness.config.schedule import Schedule

__all__ = [
    "CONFIG_VERSION",
    "SCHEMA_PATH",
    "AlertsConfig",
    "ConfigValidationError",
    "FlowConfig",
    "HarnessConfig",
    "JsonPath",
    "Problem",
    "RetentionConfig",
    "Schedule",
    "SystemConfig",
    "Thresholds",
    "apply_env_file",
    "load_config",
    "load_env_file",
    "render_config",
]
