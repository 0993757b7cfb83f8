"""Intent before effect under SIGKILL: every record a killed sync wrote has an audit row, and
`harness rollback` of the killed run undoes exactly what it wrote.

Real processes against real uvicorn mocks: `harness sync` runs as a child process over a
small world whose ERP answers each write after 150 ms (`fixtures/faults/slow_writes.yaml`),
and is killed with SIGKILL while a page's writes are landing: after at least one page of
the run committed, and once the ERP holds records the state file has not committed yet.
The last killed run is rolled back as it was left (no run has closed it or settled its
intents yet), then the one before it, whose intents the next run settled.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from tests.chaos.slowbox import PAGE, Probe, finish, harness, slow_down, wait_until

ACCOUNTS = 60
KILLS = 3


@dataclass(frozen=True)
class Kill:
    run_id: str
    before: frozenset[str]  # the ERP's external ids when the killed run started
    uncommitted: int  # records in the ERP the state file had not committed at the kill


def _kill_mid_page(box: Sandbox, probe: Probe, number: int) -> Kill:
    """Start a sync and SIGKILL it once it has committed a page and written past it."""
    before = frozenset(probe.erp_customers())
    start = probe.committed()
    log = box.workdir / f"sync{number}.log"
    args = ["sync", "--flow", "customers"] + (["--full"] if number == 0 else [])
    proc = harness(box, log, *args)
    try:

        def mid_page() -> bool:
            landed = len(probe.erp_customers())  # first: the ERP only grows meanwhile
            committed = probe.committed()
            return committed >= start + PAGE and landed > committed

        wait_until(mid_page, proc, log, "a committed page and writes past it")
        run_id = probe.running_run()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:  # only the process this test started
            proc.kill()
            proc.wait(timeout=30)
    assert run_id is not None
    return Kill(run_id, before, len(probe.erp_customers()) - probe.committed())


@pytest.mark.timeout(300)
def test_every_write_of_a_killed_sync_is_audited_and_rollback_undoes_it(tmp_path: Path) -> None:
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=71, accounts=ACCOUNTS)) as box:
        slow_down(box)
        probe = Probe(box)
        kills = [_kill_mid_page(box, probe, n) for n in range(KILLS)]

        # The kills landed between writes and their page commit.
        assert all(k.uncommitted > 0 for k in kills), kills
        # Every record in the ERP has its audit row, the uncommitted ones included.
        in_erp = probe.erp_customers()
        unaudited = in_erp - probe.audited()
        assert not unaudited, f"{len(unaudited)} written records have no audit row"
        # Earlier killed runs were closed as interrupted by the next run.
        assert [probe.run_status(k.run_id) for k in kills[:-1]] == ["interrupted"] * (KILLS - 1)

        last = kills[-1]
        log = tmp_path / "rollback.log"
        code = finish(harness(box, log, "rollback", last.run_id), log)
        text = log.read_text()
        assert code == 0, text
        assert f"rollback of run {last.run_id}" in text
        # The killed run's writes, committed or not, are gone; what was there before stays.
        assert probe.erp_customers() == last.before
        assert probe.run_status(last.run_id) == "interrupted"
        pending = probe.query("SELECT count(*) FROM audit WHERE outcome = 'pending'")
        assert pending == [(0,)]

        # The run before it was killed too; the next run settled what it left, and its
        # rollback undoes those writes as well.
        earlier = kills[-2]
        log = tmp_path / "rollback-earlier.log"
        code = finish(harness(box, log, "rollback", earlier.run_id), log)
        assert code == 0, log.read_text()
        assert probe.erp_customers() == earlier.before
