"""`load_config`: read `harness.yaml` once, check it whole, build the typed config.

Parsing, schema and cross-reference problems are gathered into one `ConfigValidationError`
in file order; only a document that passed every check is turned into objects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.config.checks import schema_problems, semantic_problems
from harness.config.model import (
    AlertsConfig,
    FlowConfig,
    HarnessConfig,
    RetentionConfig,
    SystemConfig,
    Thresholds,
    resolve_path,
)
from harness.config.problems import ConfigValidationError, key_of
from harness.config.quality_checks import build_checks, check_problems
from harness.config.rollout import build_rollout, rollout_problems
from harness.config.schedule import build_schedule, schedule_problems
from harness.config.yamllines import Lines, parse_yaml
from sync.connectors import known_vendors as registered_vendors
from sync.errors import ConfigError
from sync.flow import DEFAULT_BATCH_SIZE


def load_config(
    path: Path,
    environ: Mapping[str, str] | None = None,
    *,
    known_vendors: Sequence[str] | None = None,
) -> HarnessConfig:
    """Read and validate `path`, raising one ConfigError that lists every problem.

    `environ` (default: the process environment, consulted when credentials are resolved)
    is where `SystemConfig.connection_settings()` reads secrets. `known_vendors` defaults to
    the registered connector packs."""
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:  # saved in another encoding, or not text at all
        line = exc.object.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save the file as UTF-8"
        raise ConfigError(message, file=file, line=line) from None
    except FileNotFoundError:
        message = "config file not found; write one with `harness mock-up` or pass --config"
        raise ConfigError(message, file=file) from None
    except IsADirectoryError:
        raise ConfigError("is a directory; name the harness.yaml file", file=file) from None
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot read the config file: {exc}", file=file) from None
    data, lines = parse_yaml(text, file)
    if lines is None:
        raise ConfigError("the file is empty; write one with `harness mock-up`", file=file)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of version, systems, flows, ...", file=file, line=1)
    base = Path(path).resolve().parent
    found = [*lines.problems, *schema_problems(data, lines)]
    vendors = registered_vendors() if known_vendors is None else known_vendors
    found += semantic_problems(data, lines, base, vendors)
    found += schedule_problems(data, lines)
    found += check_problems(data, lines)
    found += rollout_problems(data, lines)
    if found:
        ordered = sorted(dict.fromkeys(found), key=lambda p: (p.line or 0, p.key or ""))
        raise ConfigValidationError(file, ordered)
    return _build(
        data, lines, Path(path).resolve(), file, os.environ if environ is None else environ
    )


def _build(
    data: dict[str, Any], lines: Lines, path: Path, file: str, environ: Mapping[str, str]
) -> HarnessConfig:
    """Typed objects from a document that passed validation."""
    base = path.parent
    systems: dict[str, SystemConfig] = {}
    for name, raw in data["systems"].items():
        credentials = {key: ref["env"] for key, ref in raw.get("credentials", {}).items()}
        keys: list[tuple[str, ...]] = [("systems", name, "ca_path")]
        keys += [("systems", name, "credentials", key) for key in credentials]
        systems[name] = SystemConfig(
            name=name,
            vendor=raw["vendor"],
            base_url=raw["base_url"].rstrip("/"),
            ca_path=resolve_path(base, raw["ca_path"]) if "ca_path" in raw else None,
            read_only=raw.get("read_only", False),
            timeout=float(raw.get("timeout", 30.0)),
            concurrency=raw.get("concurrency", 4),
            max_retries=raw.get("max_retries", 5),
            page_size=raw.get("page_size"),
            credentials=credentials,
            options=dict(raw.get("options", {})),
            limits=dict(raw.get("limits", {})),
            file=file,
            lines={key_of(k): lines.line(k) for k in keys},
            environ=environ,
        )
    flows = tuple(
        FlowConfig(
            name=f["name"],
            mapping=resolve_path(base, f["mapping"]),
            source=f["source"],
            target=f["target"],
            batch_size=f.get("batch_size", DEFAULT_BATCH_SIZE),
            schedule=build_schedule(f.get("schedule")),
            depends_on=tuple(f.get("depends_on", ())),
            lookback_seconds=float(f.get("lookback_seconds", 0)),
            schema_recheck_seconds=float(f.get("schema_recheck_seconds", 60)),
        )
        for f in data["flows"]
    )
    limits = {**asdict(Thresholds()), **data.get("thresholds", {})}
    for ratio in ("record_accuracy", "field_accuracy"):
        limits[ratio] = float(limits[ratio])
    limits["expect_empty"] = tuple(limits["expect_empty"])
    return HarnessConfig(
        path=path,
        systems=systems,
        state_path=resolve_path(base, data.get("state", {}).get("path", ".harness/state.db")),
        reports_dir=resolve_path(base, data.get("reports", {}).get("dir", "reports")),
        flows=flows,
        thresholds=Thresholds(**limits),
        alerts=_alerts(data.get("alerts", {}), environ),
        retention=RetentionConfig(**data.get("retention", {})),
        checks=build_checks(data.get("checks")),
        rollout=build_rollout(data.get("rollout")),
    )


def _alerts(raw: dict[str, Any], environ: Mapping[str, str]) -> AlertsConfig:
    defaults = AlertsConfig()
    return AlertsConfig(
        webhook_url_env=raw.get("webhook_url_env"),
        error_rate=float(raw.get("error_rate", defaults.error_rate)),
        volume_factor=float(raw.get("volume_factor", defaults.volume_factor)),
        history=int(raw.get("history", defaults.history)),
        min_usual_reads=int(raw.get("min_usual_reads", defaults.min_usual_reads)),
        timeout=float(raw.get("timeout", defaults.timeout)),
        accuracy_drop=float(raw.get("accuracy_drop", defaults.accuracy_drop)),
        quiet_minutes=float(raw.get("quiet_minutes", defaults.quiet_minutes)),
        contacts={str(k): str(v) for k, v in (raw.get("contacts") or {}).items()},
        environ=environ,
    )
