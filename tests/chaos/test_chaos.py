"""Chaos: a 5,000-account dirty world synced through flaky vendors by a process killed -9.

Both mocks serve `fixtures/faults/chaos_kill.yaml` (5xx, 429 with Retry-After, hangs past the
client timeout, connection resets); the CLI sync runs as a subprocess and is killed with
SIGKILL at five seeded points, then restarted until a run completes. Afterwards nothing may
be lost or doubled: every Salesforce account is in NetSuite exactly once by externalId or
open in quarantine with a reason, and the reconciler explains every difference it finds.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from harness.api import run_reconcile
from harness.config import load_config
from harness.sandbox import Sandbox
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.world.generator import WorldSettings
from sync.engine import INTERRUPTED
from sync.state import StateStore

PLAN = Path(__file__).resolve().parents[2] / "fixtures" / "faults" / "chaos_kill.yaml"
SEED = 20261127
ACCOUNTS = 5000
DIRTY = 0.2  # a fifth of the accounts carry a defect, as in the audit scenario
KILLS = 5
PAGE = 500  # records per CRM query page (one committed page) and per ERP write batch
FLOW = "customers"
# Every wait below is bounded; a run that outlives these is a hang, and fails the test.
SPAWN_LIMIT = 12  # processes started to reach the kill points
FINISH_ATTEMPTS = 4  # runs allowed to finish the flow (a breaker may open once)
RUN_TIMEOUT = 240.0  # seconds one sync process may take


@dataclass(frozen=True)
class KillPoint:
    """When to kill a run: once its row shows `pages` committed pages (0: once it has
    started), after a further `delay` seconds."""

    pages: int
    delay: float


@dataclass(frozen=True)
class Kill:
    """What the state store held for the killed run the moment it was killed."""

    run_id: str | None
    committed: int  # records this run had committed (crosswalk + quarantine rows)
    known: int  # records the flow had settled in all (crosswalk + open quarantine)


class StateProbe:
    """Read-only peeks into the state file while another process writes it (WAL mode)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not self.path.exists():
            return []
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)) as db:
                return db.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # not migrated yet, or busy: ask again next poll
            return []

    def running_run(self, exclude: set[str]) -> str | None:
        """The newest run still marked running, leaving out runs of processes known dead
        (their rows stay 'running' until the next run closes them)."""
        rows = self._query(
            "SELECT run_id FROM runs WHERE flow = ? AND status = 'running' "
            "ORDER BY started_at DESC, rowid DESC",
            (FLOW,),
        )
        alive = [str(row[0]) for row in rows if str(row[0]) not in exclude]
        return alive[0] if alive else None

    def committed(self, run_id: str) -> int:
        rows = self._query(
            "SELECT (SELECT count(*) FROM crosswalk WHERE flow = ?1 AND last_run_id = ?2)"
            " + (SELECT count(*) FROM quarantine WHERE flow = ?1 AND run_id = ?2)",
            (FLOW, run_id),
        )
        return int(rows[0][0]) if rows else 0

    def known(self) -> int:
        rows = self._query(
            "SELECT (SELECT count(*) FROM crosswalk WHERE flow = ?1)"
            " + (SELECT count(*) FROM quarantine WHERE flow = ?1 AND status = 'open')",
            (FLOW,),
        )
        return int(rows[0][0]) if rows else 0


def _kill_points(rng: random.Random) -> list[KillPoint]:
    """Three kills after 1-2 committed pages plus up to 1 s, two at 0.5-4 s after the run
    started (most often before its first page is committed)."""
    by_pages = set(rng.sample(range(KILLS), 3))
    return [
        KillPoint(rng.randint(1, 2), rng.uniform(0.0, 1.0))
        if i in by_pages
        else KillPoint(0, rng.uniform(0.5, 4.0))
        for i in range(KILLS)
    ]


def _tune_config(path: Path) -> None:
    """Short client timeouts and backoff, so hangs and retries cost seconds, not minutes;
    500-record pages, so a run commits ten of them; each ERP write batch waits for its slowest
    request, so fewer, larger batches keep the chaos run short."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for role, system in document["systems"].items():
        system["timeout"] = 2
        system["max_retries"] = 8
        system["concurrency"] = 10
        system["options"].update(backoff_base=0.05, backoff_max=0.5, retry_deadline=60)
        if role == "crm":
            system["page_size"] = PAGE
    document["flows"][0]["batch_size"] = PAGE
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _spawn(box: Sandbox, number: int, *, full: bool) -> subprocess.Popen[bytes]:
    """`harness sync` in a child process, its output kept in a log file per attempt."""
    logs = box.workdir / "chaos-logs"
    logs.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "harness.cli", "sync", "--config", str(box.config_path)]
    command += ["--flow", FLOW] + (["--full"] if full else [])
    with (logs / f"run{number:02d}.out").open("wb") as out:
        return subprocess.Popen(
            command, cwd=box.workdir, env=box.environ, stdout=out, stderr=subprocess.STDOUT
        )


def _wait_for_kill_point(
    proc: subprocess.Popen[bytes],
    probe: StateProbe,
    point: KillPoint,
    dead: set[str],
    deadline: float,
) -> bool:
    """Poll until the kill point is reached; False if the process ended first (or hung past
    the deadline: then the caller kills it without counting a kill, and the test fails)."""
    while time.monotonic() < deadline and proc.poll() is None:
        run_id = probe.running_run(dead)
        if run_id is not None and probe.committed(run_id) >= point.pages * PAGE * 3 // 4:
            time.sleep(point.delay)
            return proc.poll() is None
        time.sleep(0.05)
    return False


def _kill_runs(box: Sandbox, probe: StateProbe, points: list[KillPoint]) -> list[Kill]:
    """Start `harness sync --full`, then incremental reruns, killing one at each point."""
    kills: list[Kill] = []
    dead: set[str] = set()  # runs of killed processes
    todo: Iterator[KillPoint] = iter(points)
    point = next(todo)
    for number in range(SPAWN_LIMIT):
        proc = _spawn(box, number, full=number == 0)
        try:
            deadline = time.monotonic() + RUN_TIMEOUT
            reached = _wait_for_kill_point(proc, probe, point, dead, deadline)
            if reached:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                # Probed after death: a run row written just before the kill counts too.
                run_id = probe.running_run(dead)
                committed = probe.committed(run_id) if run_id else 0
                kills.append(Kill(run_id, committed, probe.known()))
                if run_id is not None:
                    dead.add(run_id)
                next_point = next(todo, None)
                if next_point is None:
                    return kills
                point = next_point
        finally:
            if proc.poll() is None:  # only ever the process this loop started
                proc.kill()
                proc.wait(timeout=30)
    return kills


def _finish(box: Sandbox) -> list[int]:
    """Rerun until one run completes (exit 0); returns every attempt's exit code."""
    codes: list[int] = []
    for attempt in range(FINISH_ATTEMPTS):
        proc = _spawn(box, 50 + attempt, full=False)
        try:
            codes.append(proc.wait(timeout=RUN_TIMEOUT))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        if codes[-1] == 0:
            break
    return codes


def _snapshot(box: Sandbox, role: str, obj: str) -> list[dict[str, Any]]:
    """One object's live records as the mock's store holds them (admin API, never faulted)."""
    mock = box.mocks.crm if role == "crm" else box.mocks.erp
    verify: str | bool = str(box.mocks.tls.ca_path) if box.mocks.tls else True
    with httpx.Client(base_url=mock.url, verify=verify, timeout=60, trust_env=False) as client:
        response = client.get(
            f"{ADMIN_PREFIX}/snapshot",
            params={"objects": obj},
            headers={TOKEN_HEADER: box.mocks.admin_token},
        )
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["objects"][obj]
    return [row for row in rows if not row["deleted"]]


def _erp_customers(box: Sandbox) -> dict[str, list[str]]:
    """NetSuite's customers: internal ids by externalId ('' for none)."""
    found: dict[str, list[str]] = {}
    for row in _snapshot(box, "erp", "customer"):
        found.setdefault(str(row["fields"].get("externalId") or ""), []).append(str(row["id"]))
    return found


def _crm_ids(box: Sandbox) -> set[str]:
    return {str(row["id"]) for row in _snapshot(box, "crm", "Account")}


def _audit_creates(path: Path) -> Counter[str]:
    """How many audited creates each externalId got, over every run: creates that landed
    (an intent a killed run left, settled as not applied, made no record)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT external_id FROM audit WHERE flow = ? AND action = 'create'"
            " AND outcome != 'not_applied'",
            (FLOW,),
        ).fetchall()
    return Counter(str(row[0]) for row in rows)


def _unsyncable(facts: list[dict[str, Any]]) -> set[str]:
    """Accounts the world made unwritable: a name over the ERP's limit, or no country
    (so no subsidiary)."""
    return {
        str(f["record_id"])
        for f in facts
        if f.get("kind") == "overlong_value"
        or (f.get("kind") == "missing_value" and f.get("field") == "country")
    }


def _fault_effects(box: Sandbox, role: str) -> Counter[str]:
    return Counter(str(f["effect"]) for f in box.ground_truth(role) if f.get("kind") == "fault")


@pytest.mark.timeout(600)
def test_sync_killed_mid_run_under_faults_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    clock = [time.monotonic()]  # phase boundaries, printed at the end (-s)
    world = WorldSettings(seed=SEED, accounts=ACCOUNTS, dirty=DIRTY)
    with Sandbox.start(tmp_path / "box", world) as box:
        _tune_config(box.config_path)
        probe = StateProbe(box.config.state_path)
        crm_facts = box.ground_truth("crm")
        box.set_faults("crm", PLAN)
        box.set_faults("erp", PLAN)

        clock.append(time.monotonic())
        kills = _kill_runs(box, probe, _kill_points(rng))
        clock.append(time.monotonic())
        codes = _finish(box)
        clock.append(time.monotonic())
        assert len(kills) == KILLS, f"only {len(kills)} of {KILLS} kills landed: {kills}"
        assert codes[-1] == 0, f"no run finished in {FINISH_ATTEMPTS} attempts: {codes}"

        crm_faults, erp_faults = _fault_effects(box, "crm"), _fault_effects(box, "erp")
        box.clear_faults()
        accounts = _crm_ids(box)
        in_erp = _erp_customers(box)
        with StateStore(box.config.state_path) as state:
            quarantined = state.quarantined(FLOW)
            runs = state.runs(FLOW, limit=1000)
            crosswalk = state.crosswalk_all(FLOW)
        creates = _audit_creates(box.config.state_path)
        # With the short timeouts and the concurrency of the tuned config.
        report, _paths = run_reconcile(load_config(box.config_path, box.environ), [FLOW])
        clock.append(time.monotonic())

    # The chaos was real: every kind of fault hit the ERP, the CRM saw faults too, and the
    # kills landed mid-run (some pages of the run committed, the flow not yet done).
    assert {"error", "rate_limit", "hang", "reset"} <= set(erp_faults), erp_faults
    assert {"hang", "reset"} <= set(crm_faults), crm_faults
    mid_run = [k for k in kills if k.run_id and k.committed > 0 and k.known < ACCOUNTS]
    assert len({k.run_id for k in mid_run}) >= 3, f"kills that landed mid-run: {mid_run}"

    # Nothing lost, nothing doubled.
    assert len(accounts) == ACCOUNTS
    held = {q.source_id: q for q in quarantined}
    doubled = {eid: ids for eid, ids in in_erp.items() if len(ids) > 1}
    assert not doubled, f"externalIds held by several NetSuite customers: {doubled}"
    strangers = set(in_erp) - accounts
    assert not strangers, f"NetSuite customers with no Salesforce account: {sorted(strangers)[:10]}"
    lost = accounts - set(in_erp) - set(held)
    assert not lost, (
        f"{len(lost)} accounts neither in NetSuite nor quarantined: {sorted(lost)[:10]}"
    )
    assert not set(held) & set(in_erp), "a quarantined account is in NetSuite too"
    assert set(held) == _unsyncable(crm_facts), "quarantine differs from the world's defects"
    for entry in quarantined:
        assert entry.reason == "validation" and entry.code and entry.message.strip(), entry
    # The sync's memory agrees with NetSuite: one crosswalk entry per written account, naming
    # the customer that holds its externalId, and at most one audited create per account.
    assert set(crosswalk) == set(in_erp)
    wrong = [e.source_id for e in crosswalk.values() if [e.target_id] != in_erp[e.external_id]]
    assert not wrong, f"crosswalk entries naming the wrong NetSuite customer: {wrong[:10]}"
    created_twice = {eid: n for eid, n in creates.items() if n > 1}
    assert not created_twice, f"accounts created more than once: {created_twice}"

    # Every run is closed; each killed one as 'interrupted'.
    assert not [r.run_id for r in runs if r.status == "running"]
    interrupted = {r.run_id for r in runs if (r.status, r.error) == ("interrupted", INTERRUPTED)}
    killed = {k.run_id for k in kills if k.run_id is not None}
    assert len(killed) == KILLS, kills  # every kill landed on a started run
    assert interrupted == killed, f"interrupted {sorted(interrupted)}, killed {sorted(killed)}"
    assert runs[0].status in ("succeeded", "partial")

    # The reconciler finds only what the quarantine explains.
    (score,) = report.flows
    causes = Counter((f.kind, f.root_cause) for f in score.findings)
    unexplained = {
        k: n
        for k, n in causes.items()
        if k[0] != "missing_in_target" or not k[1].startswith("quarantined (")
    }
    assert not unexplained, f"findings the quarantine does not explain: {unexplained}"
    assert score.missing_in_target == score.quarantined == len(held)
    assert score.duplicates == score.unexpected_in_target == 0
    print(  # shown with -s: what the chaos did
        f"\nkills={kills}\nfinish exit codes={codes}\nerp faults={dict(erp_faults)}"
        f"\ncrm faults={dict(crm_faults)}\nquarantined={len(held)}"
        f"\nseconds (start, kills, finish, check+reconcile)="
        f"{[round(b - a, 1) for a, b in pairwise(clock)]}"
    )
