"""`harness status`, `harness metrics`, `harness prune` and `harness alert test`: operating
a sync from its state file. Also installs the global `--log-json` / `--log-level` options.

Exit codes: `status` 0, or 1 when a flow's last run failed; `prune` and `metrics` 0;
`alert test` 0 when the webhook accepted the message, 2 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness import output
from harness.api import health, metrics_text, prune_history
from harness.commands.common import (
    EXIT_ERROR,
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)
from harness.monitoring.alerts import WebhookError, send_test
from harness.monitoring.health import health_json
from harness.monitoring.retention import parse_window
from harness.output import ops as ops_output
from sync.errors import ConfigError


def status(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each flow's last run, error rate, open quarantine, lag and last reconcile verdict."""

    def body() -> int:
        cfg = load(config, env_file)
        report = health(cfg)
        if report is None:
            output.info(f"no state file at {cfg.state_path} yet; run `harness sync` first")
            return EXIT_OK
        if as_json:
            sys.stdout.write(orjson.dumps(health_json(report)).decode() + "\n")
        else:
            ops_output.print_health(report)
        failed = any(f.last_run is not None and f.last_run.status == "failed" for f in report.flows)
        return EXIT_NO_GO if failed else EXIT_OK

    raise typer.Exit(guarded(body))


def metrics(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
) -> None:
    """Print the state file's metrics in Prometheus text format."""

    def body() -> int:
        sys.stdout.write(metrics_text(load(config, env_file)))
        return EXIT_OK

    raise typer.Exit(guarded(body))


def prune(
    config: ConfigOpt = Path("harness.yaml"),
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="Window such as 90d, 12h, 2w (default: retention.days)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count; delete nothing.")] = False,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete run history older than the retention window (never open quarantine entries,
    nor what the crosswalk or a watermark references) and old log files."""

    def body() -> int:
        window = None if older_than is None else parse_window(older_than)
        report = prune_history(load(config, env_file), older_than=window, dry_run=dry_run)
        if as_json:
            sys.stdout.write(orjson.dumps(ops_output.prune_json(report)).decode() + "\n")
        else:
            ops_output.print_prune(report)
        return EXIT_OK

    raise typer.Exit(guarded(body))


alert_app = typer.Typer(help="Alerts to a Slack-compatible webhook.", no_args_is_help=True)


@alert_app.command("test")
def alert_test(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
) -> None:
    """Post a test message to the configured webhook and report its HTTP status."""

    def body() -> int:
        try:
            code = send_test(load(config, env_file))
        except WebhookError as exc:
            raise ConfigError(str(exc)) from exc
        if 200 <= code < 300:
            output.info(f"the webhook accepted the test alert (HTTP {code})")
            return EXIT_OK
        output.error(f"the webhook answered HTTP {code}; check its URL and permissions")
        return EXIT_ERROR

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("metrics")(metrics)
    app.command("prune")(prune)
    app.add_typer(alert_app, name="alert")
