"""Ctrl-C during `harness sync`: a real child process sent SIGINT mid-page says what it had
committed, records its run as `interrupted`, exits 130, and the next run finishes the job.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import orjson
import pytest

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from tests.chaos.slowbox import PAGE, Probe, finish, harness, slow_down, wait_until

ACCOUNTS = 40


@pytest.mark.timeout(240)
def test_ctrl_c_reports_what_was_committed_records_interrupted_and_exits_130(
    tmp_path: Path,
) -> None:
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=72, accounts=ACCOUNTS)) as box:
        slow_down(box)
        probe = Probe(box)
        log = tmp_path / "sync.log"
        proc = harness(box, log, "sync", "--flow", "customers", "--full")
        try:
            wait_until(lambda: probe.committed() >= PAGE, proc, log, "a committed page")
            run_id = probe.running_run()
            proc.send_signal(signal.SIGINT)
            code = finish(proc, log)
        finally:
            if proc.poll() is None:  # only the process this test started
                proc.kill()
                proc.wait(timeout=30)
        text = log.read_text()
        assert code == 130, text
        assert run_id is not None and f"run {run_id} of customers stopped" in text, text
        committed = re.search(r"committed: (\d+) page\(s\), (\d+) record\(s\) written", text)
        assert committed, text
        pages, written = int(committed.group(1)), int(committed.group(2))
        assert pages >= 1 and written == probe.committed() >= PAGE
        assert re.search(r"watermark: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text), text
        assert "recorded as interrupted" in text and "resumes from the watermark" in text
        assert "Traceback" not in text
        assert probe.run_status(run_id) == "interrupted"

        history = tmp_path / "history.log"
        assert finish(harness(box, history, "history", "--json"), history) == 0
        runs = orjson.loads(history.read_text())["runs"]
        assert [(r["run_id"], r["status"]) for r in runs] == [(run_id, "interrupted")]
        status = tmp_path / "status.log"
        assert finish(harness(box, status, "status", "--json"), status) == 0  # not a failure
        (flow,) = orjson.loads(status.read_text())["flows"]
        assert flow["last_run"]["status"] == "interrupted"
        metrics = tmp_path / "metrics.log"
        assert finish(harness(box, metrics, "metrics"), metrics) == 0
        text = metrics.read_text()
        assert 'harness_last_run_interrupted{flow="customers"} 1.0' in text
        assert 'harness_last_run_failed{flow="customers"} 0.0' in text

        again = tmp_path / "again.log"
        assert finish(harness(box, again, "sync", "--flow", "customers"), again) == 0
        assert len(probe.erp_customers()) == ACCOUNTS
        assert probe.query("SELECT count(*) FROM audit WHERE outcome = 'pending'") == [(0,)]
