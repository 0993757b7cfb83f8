"""The `harness` command line. Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences,
2 error (bad input, config, vendor), 130 interrupted."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import orjson
import typer

from harness import output
from harness.api import run_reconcile, run_sync
from harness.config import HarnessConfig, apply_env_file, load_config
from harness.sandbox import run_sandbox, start_mock_environment
from mocks.world.generator import WorldSettings
from sync.engine import MODES
from sync.errors import ConfigError, SyncError

EXIT_OK, EXIT_NO_GO, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="harness",
    help="Build, test and sign off a CRM <-> ERP integration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="harness.yaml to use.")]
EnvFileOpt = Annotated[
    Path | None,
    typer.Option("--env-file", help="KEY=VALUE file whose variables fill gaps in the environment."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def _guarded(action: Callable[[], T]) -> T:
    """Run a command body, turning our errors into exit code 2 with an actionable message."""
    try:
        return action()
    except (ConfigError, SyncError) as exc:
        output.error(str(exc))
        raise typer.Exit(EXIT_ERROR) from exc
    except KeyboardInterrupt as exc:
        output.error("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from exc


def _load(config: Path, env_file: Path | None) -> HarnessConfig:
    if env_file is not None:
        apply_env_file(env_file, os.environ)
    return load_config(config, os.environ)


@app.command("mock-up")
def mock_up(
    crm: Annotated[str, typer.Option(help="CRM mock to start.")] = "salesforce",
    erp: Annotated[str, typer.Option(help="ERP mock to start.")] = "netsuite",
    seed: Annotated[int, typer.Option(help="World seed; the same seed gives the same data.")] = 42,
    accounts: Annotated[int, typer.Option(min=0, help="Accounts to seed into the CRM.")] = 1000,
    https: Annotated[
        bool, typer.Option("--https/--http", help="Serve TLS with a local CA.")
    ] = True,
    crm_port: Annotated[int, typer.Option(help="CRM port (0 = any free port).")] = 0,
    erp_port: Annotated[int, typer.Option(help="ERP port (0 = any free port).")] = 0,
    workdir: Annotated[Path, typer.Option(help="Where the CA, env file and state go.")] = Path(
        ".harness"
    ),
    config_out: Annotated[Path, typer.Option("--config-out", help="harness.yaml to write.")] = Path(
        "harness.yaml"
    ),
) -> None:
    """Start mock vendor servers on loopback until Ctrl-C, with a ready harness.yaml."""

    def body() -> None:
        world = WorldSettings(seed=seed, accounts=accounts)
        env = start_mock_environment(
            crm=crm,
            erp=erp,
            world=world,
            workdir=workdir,
            https=https,
            crm_port=crm_port,
            erp_port=erp_port,
            config_out=config_out,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            output.print_mock_environment(env)
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            env.mocks.stop()
            output.info("mocks stopped")

    _guarded(body)


@app.command()
def sync(
    config: ConfigOpt = Path("harness.yaml"),
    flow: Annotated[str, typer.Option(help="Flow to run (see harness.yaml).")] = "customers",
    mode: Annotated[str, typer.Option(help=f"One of {', '.join(MODES)}.")] = "live",
    full: Annotated[bool, typer.Option(help="Ignore the watermark and read everything.")] = False,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one flow now."""

    def body() -> int:
        if mode not in MODES:
            raise ConfigError(
                f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", key="--mode"
            )
        cfg = _load(config, env_file)
        with output.progress_bar(f"sync {flow}") as bar:
            result = run_sync(
                cfg,
                flow,
                mode=mode,
                full=full,  # type: ignore[arg-type]
                progress=lambda _e, n: bar.advance(n),
            )
        if as_json:
            sys.stdout.write(orjson.dumps(output.run_json(result)).decode() + "\n")
        else:
            output.print_run(result)
        return EXIT_OK if result.status in ("succeeded", "partial") else EXIT_ERROR

    raise typer.Exit(_guarded(body))


@app.command()
def reconcile(
    config: ConfigOpt = Path("harness.yaml"),
    flow: Annotated[
        list[str] | None, typer.Option(help="Flow(s) to reconcile; all by default.")
    ] = None,
    reports_dir: Annotated[Path | None, typer.Option(help="Where to write the reports.")] = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare both systems read-only and give a GO / NO-GO verdict (exit 0 / 1)."""

    def body() -> int:
        cfg = _load(config, env_file)
        with output.progress_bar("reconcile") as bar:
            report, paths = run_reconcile(
                cfg, flow or None, reports_dir=reports_dir, progress=lambda _o, n: bar.advance(n)
            )
        if as_json:
            sys.stdout.write(orjson.dumps(report.to_json()).decode() + "\n")
        else:
            output.print_scorecard(report, paths)
        return EXIT_OK if report.verdict.go else EXIT_NO_GO

    raise typer.Exit(_guarded(body))


@app.command()
def sandbox(
    seed: Annotated[int, typer.Option(help="World seed.")] = 42,
    accounts: Annotated[int, typer.Option(min=0, help="Accounts in the CRM.")] = 1000,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (CA, config, state).")] = Path(
        ".harness/sandbox"
    ),
    reports_dir: Annotated[Path, typer.Option(help="Where reports go.")] = Path("reports"),
    erp_overflow: Annotated[
        str, typer.Option(help="ERP behaviour on over-long text: reject or truncate.")
    ] = "reject",
    missing_country_rate: Annotated[float, typer.Option(min=0, max=1)] = 0.0,
    long_name_rate: Annotated[float, typer.Option(min=0, max=1)] = 0.0,
) -> None:
    """Start both mocks, seed them, sync, reconcile and print the go/no-go scorecard."""

    def body() -> int:
        if erp_overflow not in ("reject", "truncate"):
            raise ConfigError("choose reject or truncate", key="--erp-overflow")
        world = WorldSettings(
            seed=seed,
            accounts=accounts,
            missing_country_rate=missing_country_rate,
            long_name_rate=long_name_rate,
        )
        with output.progress_bar("starting mocks") as bar:
            outcome = run_sandbox(
                world=world,
                workdir=workdir,
                reports_dir=reports_dir,
                erp_overflow=erp_overflow,
                on_stage=bar.stage,
                progress=lambda _obj, n: bar.advance(n),
            )
        output.print_run(outcome.sync)
        output.print_scorecard(outcome.report, outcome.paths)
        return EXIT_OK if outcome.report.verdict.go else EXIT_NO_GO

    raise typer.Exit(_guarded(body))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
