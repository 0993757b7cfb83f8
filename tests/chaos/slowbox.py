"""A small sandbox whose ERP answers every write slowly, and `harness` in a child process.

A sync of this world spends seconds inside each page, between its first write and its page
commit, so a signal sent while it writes lands mid-page on purpose. The probes read the
state file read-only (WAL lets them beside the writer) and the ERP through the admin API.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from harness.sandbox import Sandbox
from tests.paths import ROOT

SLOW_WRITES = ROOT / "fixtures" / "faults" / "slow_writes.yaml"
FLOW = "customers"
PAGE = 10  # records per CRM query page (the plan's setting): one committed page
BATCH = 5  # records per ERP write round: two rounds a page
WAIT = 90.0  # seconds any one wait may take; longer is a hang, and fails the test


def slow_down(box: Sandbox) -> None:
    """Small pages (the plan's CRM setting), one ERP write at a time, slow ERP writes."""
    box.tune("crm", timeout=10)
    box.tune("erp", timeout=10, concurrency=1)
    box.use_mapping(box.mapping, batch_size=BATCH)
    box.set_faults("crm", SLOW_WRITES)
    box.set_faults("erp", SLOW_WRITES)


def harness(box: Sandbox, log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`harness ARGS --config ...` in a child process, stdout and stderr into `log`."""
    command = [sys.executable, "-m", "harness.cli", *args, "--config", str(box.config_path)]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=box.workdir, env=box.environ, stdout=out, stderr=subprocess.STDOUT
        )


def finish(proc: subprocess.Popen[bytes], log: Path) -> int:
    """Wait (bounded) for a child to end; kill it if it hangs, and fail showing its log."""
    try:
        return proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
        raise AssertionError(f"harness hung past {WAIT}s:\n{log.read_text()}") from None


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path,
               what: str) -> None:  # fmt: skip
    """Poll `check` until true (bounded); fail if the process ends first."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            raise AssertionError(f"exit {proc.returncode} before {what}:\n{log.read_text()}")
        time.sleep(0.03)
    raise AssertionError(f"gave up waiting for {what}:\n{log.read_text()}")


class Probe:
    """Read-only looks at the state file and the ERP while a child process writes both."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.path = box.config.state_path

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not self.path.exists():
            return []
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)) as db:
                return db.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # not created or migrated yet: ask again
            return []

    def running_run(self) -> str | None:
        rows = self.query(
            "SELECT run_id FROM runs WHERE flow = ? AND status = 'running' AND mode = 'live' "
            "ORDER BY started_at DESC, rowid DESC LIMIT 1",
            (FLOW,),
        )
        return str(rows[0][0]) if rows else None

    def committed(self) -> int:
        """Records whose write the flow has committed (crosswalk entries)."""
        rows = self.query("SELECT count(*) FROM crosswalk WHERE flow = ?", (FLOW,))
        return int(rows[0][0]) if rows else 0

    def audited(self) -> set[str]:
        """External ids with an audit row (any run, settled or not)."""
        rows = self.query("SELECT DISTINCT external_id FROM audit WHERE flow = ?", (FLOW,))
        return {str(row[0]) for row in rows}

    def run_status(self, run_id: str) -> str | None:
        rows = self.query("SELECT status FROM runs WHERE run_id = ?", (run_id,))
        return str(rows[0][0]) if rows else None

    def erp_customers(self) -> set[str]:
        """The external ids NetSuite's store holds (admin API, never faulted)."""
        return {
            str(row["fields"].get("externalId") or "")
            for row in self.box.stored("erp", "customer")
            if not row["deleted"]
        }
