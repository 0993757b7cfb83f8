"""`harness run` as a user runs it: real processes, real mocks on loopback, real signals."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import httpx
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.flowlock import flow_lock
from sync.state import StateStore
from tests.paths import CUSTOMERS_MAPPING

HARNESS = [sys.executable, "-m", "harness.cli"]
MAPPING = CUSTOMERS_MAPPING
runner = CliRunner()


def _config(tmp_path: Path, customers: str = "", orders: str = "") -> Path:
    path = tmp_path / "harness.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        version: 1
        systems:
          crm: {{vendor: salesforce, base_url: https://127.0.0.1:8443}}
          erp: {{vendor: netsuite, base_url: https://127.0.0.1:8444}}
        state: {{path: {tmp_path / "state.db"}}}
        flows:
          - {{name: customers, mapping: {MAPPING}, source: crm, target: erp{customers}}}
          - {{name: orders, mapping: {MAPPING}, source: crm, target: erp{orders}}}
        """),
        encoding="utf-8",
    )
    return path


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_LOG")}


def _wait_for(
    check: Callable[[], bool], proc: subprocess.Popen[str], seconds: float, what: str, log: Path
) -> None:
    """Poll `check()` until true (bounded); fail early if the process ended, showing its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            raise AssertionError(f"exit {proc.returncode} before {what}:\n{log.read_text()}")
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}:\n{log.read_text()}")


def test_run_without_any_scheduled_flow_exits_2_saying_how_to_add_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--config", str(_config(tmp_path)), "--once"])
    assert result.exit_code == 2, result.output
    assert "no flow has a schedule" in result.output
    assert "harness sync --flow NAME" in result.output


def test_run_for_an_unscheduled_or_unknown_flow_exits_2_naming_the_choices(
    tmp_path: Path,
) -> None:
    path = _config(tmp_path, customers=", schedule: {realtime: 5}")
    result = runner.invoke(app, ["run", "--config", str(path), "--flow", "orders"])
    assert result.exit_code == 2
    assert "flow 'orders' has no schedule" in result.output
    assert "flows with a schedule: customers" in result.output
    result = runner.invoke(app, ["run", "--config", str(path), "--flow", "ordrs"])
    assert result.exit_code == 2
    assert "unknown flow 'ordrs'; known flows: customers, orders" in result.output


def test_run_with_a_bad_schedule_exits_2_with_file_and_line(tmp_path: Path) -> None:
    path = _config(tmp_path, orders=", schedule: {cron: '*/5 * *'}, depends_on: [orders]")
    result = runner.invoke(app, ["run", "--config", str(path), "--once"])
    assert result.exit_code == 2
    where = rf"{re.escape(str(path))}:8: \[flows\[1\]\.schedule\.cron\]"
    assert re.search(rf"{where} cron needs 5 fields", result.output), result.output
    assert "a flow cannot depend on itself" in result.output


def test_run_once_syncs_every_scheduled_flow_against_a_sandbox(tmp_path: Path) -> None:
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=11, accounts=12)) as box:
        _schedule(box.config_path, realtime=3600)
        result = runner.invoke(
            app, ["run", "--config", str(box.config_path), "--once"], env=box.mocks.env
        )
        assert result.exit_code == 0, result.output
        assert "scheduled customers: every 3600s; next now" in result.output
        assert re.search(r"customers succeeded read=12 written=12 quarantined=0", result.output)
        assert "scheduler stopped (once) after 1 run(s), 0 failed" in result.output
        with flow_lock(box.config.state_path, "customers"):  # as another process would
            busy = runner.invoke(
                app, ["run", "--config", str(box.config_path), "--once"], env=box.mocks.env
            )
        assert busy.exit_code == 2, busy.output
        assert "customers busy: already running in another process" in busy.output


def _schedule(config_path: Path, **schedule: object) -> None:
    """Give the sandbox config's customers flow a schedule."""
    document = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    document["flows"][0]["schedule"] = schedule
    config_path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _finished_runs(state_path: Path) -> int:
    if not state_path.exists():
        return 0
    with closing(sqlite3.connect(f"file:{state_path}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            row = conn.execute("SELECT count(*) FROM runs WHERE status != 'running'").fetchone()
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0
    return int(row[0])


def test_run_polls_a_realtime_flow_until_sigterm_then_exits_cleanly(tmp_path: Path) -> None:
    world = WorldSettings(seed=4, accounts=30)
    with Sandbox.start(tmp_path / "box", world) as box:
        _schedule(box.config_path, realtime=1)
        log = tmp_path / "run.log"
        with log.open("w", encoding="utf-8") as sink:
            proc = subprocess.Popen(
                [*HARNESS, "run", "--config", str(box.config_path), "--max-seconds", "90",
                 "--metrics-port", "0"],
                stdout=sink, stderr=subprocess.STDOUT, text=True, env={**_env(), **box.mocks.env},
            )  # fmt: skip
            try:
                state = box.config.state_path
                _wait_for(lambda: _finished_runs(state) >= 2, proc, 60, "two finished runs", log)
                url = re.search(r"metrics at (http://127\.0\.0\.1:\d+/metrics)", log.read_text())
                assert url, log.read_text()
                metrics = httpx.get(url.group(1), trust_env=False, timeout=10).text
                assert 'flow="customers"' in metrics
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=60) == 0, log.read_text()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)
        text = log.read_text(encoding="utf-8")
        assert "received SIGTERM: finishing the current run" in text
        assert "scheduler stopped (SIGTERM)" in text
        with StateStore(state) as store:
            runs = store.runs("customers")
        assert len(runs) >= 2 and all(r.status == "succeeded" for r in runs), runs
        assert runs[-1].counts["created"] == 30  # the first run; later ones find nothing new
        report, _ = box.reconcile(["customers"])
        (score,) = report.flows
        assert score.missing_in_target == 0 and score.equal == 30
        assert report.verdict.go


ABORT_SCRIPT = """
import sys, time
from harness.commands.shutdown import GracefulShutdown
try:
    with GracefulShutdown(lambda signum: print("first", signum, flush=True)):
        print("ready", flush=True)
        time.sleep(600)  # a blocking call, as a slow vendor read would be
except KeyboardInterrupt:
    print("aborted", flush=True)
    sys.exit(130)
"""


def test_a_second_signal_aborts_a_blocking_call_at_once(tmp_path: Path) -> None:
    log = tmp_path / "abort.log"
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", ABORT_SCRIPT], stdout=sink, stderr=subprocess.STDOUT,
            text=True, env=_env(), cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        try:
            _wait_for(lambda: "ready" in log.read_text(), proc, 60, "ready", log)
            proc.send_signal(signal.SIGTERM)
            first = f"first {int(signal.SIGTERM)}"
            _wait_for(lambda: first in log.read_text(), proc, 60, "the first signal's call", log)
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 130, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    lines = log.read_text().splitlines()
    assert lines.index("ready") < lines.index(first) < lines.index("aborted"), lines
