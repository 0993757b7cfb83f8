"""`harness run`: the long-running scheduler over the flows that have a `schedule:`.

Exit codes: 0 when it ends on SIGTERM, `--max-runs`, `--max-seconds` or after `--once`;
130 when it ends on SIGINT (Ctrl-C), per the contract in `harness.commands.common`; 2 for bad
input, and for `--once` when any run failed or was busy. In the loop a failed run is logged
and the scheduler goes on: the state file (`harness status`) holds every outcome.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harness import output
from harness.api import run_sync
from harness.commands.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    guarded,
    load,
)
from harness.commands.shutdown import GracefulShutdown
from harness.config import HarnessConfig
from sync.flow import RunResult

if TYPE_CHECKING:
    from harness.monitoring.quality import CheckResult
from harness.scheduler import RunOutcome, Scheduler, SchedulerSummary, log_outcome, utc_now
from sync.errors import ConfigError
from sync.flow import MODES


def run(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    flow: Annotated[
        list[str] | None,
        typer.Option(
            "--flow", help="Only this scheduled flow or check (repeat for more); all by default."
        ),
    ] = None,
    once: Annotated[
        bool,
        typer.Option("--once", help="Run every scheduled flow and check once, in order."),
    ] = False,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, help="Stop after this many runs.")
    ] = None,
    max_seconds: Annotated[
        float | None,
        typer.Option("--max-seconds", min=0.0, help="Start no run after this many seconds."),
    ] = None,
    mode: Annotated[str, typer.Option(help=f"One of {', '.join(MODES)}.")] = "live",
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port",
            min=0,
            max=65535,
            help="Serve Prometheus metrics on 127.0.0.1:PORT/metrics meanwhile (0: any free).",
        ),
    ] = None,
) -> None:
    """Run the scheduled flows and checks (harness.yaml `checks:`: reconciles that alert on
    data quality) until stopped (SIGTERM / Ctrl-C finish the current run first)."""

    def body() -> int:
        if mode not in MODES:
            raise ConfigError(
                f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", key="--mode"
            )
        cfg = load(config, env_file)
        scheduler = Scheduler(
            [*cfg.flows, *cfg.checks],
            lambda name: _run_one(cfg, name, mode),
            only=flow or (),
            report=_print_outcome,
        )
        with ExitStack() as stack:
            shutdown = stack.enter_context(
                GracefulShutdown(lambda signum: _stopping(scheduler, signum))
            )
            if metrics_port is not None:
                stack.enter_context(_metrics(cfg, metrics_port))
            _print_plan(scheduler, once)
            if once:
                summary = scheduler.run_once()
            else:
                summary = scheduler.run(max_runs=max_runs, max_seconds=max_seconds)
        _print_end(summary, shutdown.received)
        if shutdown.received == signal.SIGINT:
            return EXIT_INTERRUPTED
        return EXIT_ERROR if once and summary.failed else EXIT_OK

    raise typer.Exit(guarded(body))


def _run_one(config: HarnessConfig, name: str, mode: str) -> RunResult | CheckResult:
    """A due flow's sync, or a due check's reconcile with its data-quality alerts."""
    for check in config.checks:
        if check.name == name:
            from harness.monitoring.quality import run_check

            return run_check(config, check)
    return run_sync(config, name, mode=mode)  # type: ignore[arg-type]


@contextmanager
def _metrics(config: HarnessConfig, port: int) -> Iterator[None]:
    from harness.monitoring.metrics import serve_metrics  # prometheus_client: only when serving

    flows = tuple(f.name for f in config.flows)
    with serve_metrics(port, config.state_path, flows=flows) as server:
        output.info(f"metrics at {server.url}")
        yield


def _stopping(scheduler: Scheduler, signum: int) -> None:
    scheduler.stop()
    name = signal.Signals(signum).name
    output.info(f"received {name}: finishing the current run, then stopping (again: abort now)")


def _plain(text: str) -> None:
    """A line as it is: no rich markup (an error message may hold brackets)."""
    output.console.print(text, markup=False, highlight=False, soft_wrap=True)


def _print_outcome(outcome: RunOutcome) -> None:
    """On stdout for people; also to the logs when logging is set up (`--log-json`, ...):
    unconfigured, Python's last-resort handler would print failures a second time."""
    _plain(outcome.line())
    if logging.getLogger().handlers:
        log_outcome(outcome)


def _print_plan(scheduler: Scheduler, once: bool) -> None:
    now = utc_now()
    due = scheduler.due_times(now)
    for flow in scheduler.flows:
        schedule = flow.schedule.describe() if flow.schedule else "on demand"
        after = f", after {', '.join(flow.depends_on)}" if flow.depends_on else ""
        when = "now" if once or due[flow.name] <= now else f"{due[flow.name]:%Y-%m-%dT%H:%M:%SZ}"
        _plain(f"scheduled {flow.name}: {schedule}{after}; next {when}")


def _print_end(summary: SchedulerSummary, received: int | None) -> None:
    why = signal.Signals(received).name if received is not None else summary.ended
    failed = len(summary.failed)
    _plain(f"scheduler stopped ({why}) after {summary.runs} run(s), {failed} failed or skipped")


def register(app: typer.Typer) -> None:
    app.command("run")(run)
