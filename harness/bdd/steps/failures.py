"""Steps for failure scenarios: faults injected into either system, the sync killed, a bad
run rolled back. Each scenario checks what reached the ERP and what waits in quarantine,
through the same API the CLI uses.

Faults match requests by kind (query, read, write, ...), never by a vendor's URL; objects and
fields come from the customers flow's mapping, so the sentences hold for any CRM x ERP pair."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, then, when

from harness.api import run_replay, run_rollback
from harness.api.profiling import run_profile
from harness.bdd.business import FlowView, get
from harness.bdd.steps.common import (
    crm_customers,
    customers,
    edit_customer,
    erp_customers,
    role_of,
)
from harness.bdd.variants import write_variant
from harness.sandbox import Sandbox
from reconcile.snapshots import compare_to_snapshot, describe_diff, take_snapshot
from sync.engine import INTERRUPTED, RunResult
from sync.errors import SyncError
from sync.mapping import get_path
from sync.state import RunInfo, StateStore

KILL_WAIT = 60.0  # seconds a killed sync may take to commit its first page
# What a duplicate typed twice shares with its original (canonical fields of a customer).
TWIN_FIELDS = ("website", "phone", "postal_code", "country")
CORRUPTED = "corrupted by a bad mapping"


def _plan(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "seed": 41, "rules": list(rules)}


def _faults(box: Sandbox, role: str) -> Counter[str]:
    return Counter(f["effect"] for f in box.ground_truth(role) if f.get("kind") == "fault")


def _state(box: Sandbox) -> StateStore:
    return StateStore(box.config.state_path)


# -- Given: the faults -------------------------------------------------------------------------


@given("the sync gives up on a request after 1 second and retries quickly")
def quick_timeouts(sandbox: Sandbox) -> None:
    for role in ("crm", "erp"):
        sandbox.tune(role, timeout=1, max_retries=8, backoff_base=0.05, backoff_max=0.5)


@given(parsers.parse("the ERP hangs for {seconds:d} seconds on its {a:d}th and {b:d}th write"))
def erp_hangs(sandbox: Sandbox, seconds: int, a: int, b: int) -> None:
    rule = {"match": {"kind": ["write"]}, "when": {"nth": [a, b]},
            "effect": {"type": "hang", "seconds": seconds}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))


@given("the ERP answers 503 to every write")
def erp_storm(sandbox: Sandbox) -> None:
    rule = {"match": {"kind": ["write"]}, "effect": {"type": "error", "status": 503}}
    sandbox.set_faults("erp", _plan(rule))


@given(parsers.parse("the sync stops a flow after {count:d} consecutive failures"))
def breaker(sandbox: Sandbox, count: int) -> None:
    sandbox.tune("erp", circuit_breaker_threshold=count, circuit_breaker_cooldown=60)


@given(parsers.parse("the ERP answers {percent:d}% of its calls with 429 and Retry-After"))
def erp_429(sandbox: Sandbox, percent: int) -> None:
    rule = {"match": {"kind": ["query", "read", "write"]}, "when": {"rate": percent / 100},
            "effect": {"type": "rate_limit", "retry_after": [0, 1]}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))


@given("two customers are the same company typed twice")
def typed_twice(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = customers(sandbox)
    first, second = crm_customers(sandbox)[:2]
    twin: dict[str, Any] = {"name": f"{first.fields[flow.source_field('name')].upper()}, Inc."}
    twin |= {c: first.fields.get(flow.source_field(c)) for c in TWIN_FIELDS}
    edit_customer(sandbox, "crm", second.id, **twin)
    scenario_context["twins"] = {first.id, second.id}


@given(
    parsers.parse(
        "the ERP answers its first {bad:d} reads with a malformed body and truncates {cut:d}%"
    )
)
def erp_malformed(sandbox: Sandbox, bad: int, cut: int) -> None:
    # By count, not by rate: the connector reads the ERP in a few SuiteQL pages, so a rate
    # over a handful of requests could inject nothing.
    reads = {"kind": ["query", "read"]}
    sandbox.set_faults(
        "erp",
        _plan(
            {"match": reads, "when": {"nth": list(range(1, bad + 1))},
             "effect": {"type": "malformed_json"}},
            {"match": reads, "when": {"rate": cut / 100}, "effect": {"type": "truncated_json"}},
        ),
    )  # fmt: skip


@given(parsers.parse("every CRM session expires after the {nth:d}nd query page"))
def crm_session_expires(sandbox: Sandbox, nth: int) -> None:
    rule = {"match": {"kind": ["query"]}, "when": {"nth": [nth + 1]},
            "effect": {"type": "token_expiry"}}  # fmt: skip
    sandbox.set_faults("crm", _plan(rule))


@given(parsers.parse("the ERP retypes the customer's phone to a number after its {nth:d}th write"))
def erp_retypes_phone(sandbox: Sandbox, scenario_context: dict[str, Any], nth: int) -> None:
    flow = customers(sandbox)
    obj, path = flow.spec.target.object, flow.target_path("phone")
    rule = {"match": {"kind": ["write"]}, "when": {"nth": [nth]},
            "effect": {"type": "schema_drift", "object": obj, "field": path,
                       "retype": "double"}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))
    scenario_context["retyped"] = f"{obj}.{path}"


@given("the customer flow re-reads both schemas before every page")
def recheck_every_page(sandbox: Sandbox) -> None:
    sandbox.use_mapping(sandbox.mapping, schema_recheck_seconds=0)


@given(parsers.parse("the ERP takes {ms:d} ms over every write"))
def erp_slow_writes(sandbox: Sandbox, ms: int) -> None:
    rule = {"match": {"kind": ["write"]}, "effect": {"type": "latency", "ms": ms}}
    sandbox.set_faults("erp", _plan(rule))


@given("the ERP's customers are snapshotted")
def snapshot(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    spec = customers(sandbox).spec  # the mapping signed off, kept for the comparison
    scenario_context.update(snapshot=take_snapshot(spec, erp_customers(sandbox)), spec=spec)
    assert len(scenario_context["snapshot"]) == len(crm_customers(sandbox))


# -- When --------------------------------------------------------------------------------------


@when("the customer flow tries to run in full")
def tries_full(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    with pytest.raises(SyncError) as failure:
        sandbox.sync(full=True)
    with _state(sandbox) as state:
        (last,) = state.runs(customers(sandbox).name, limit=1)
    scenario_context.update(failed_run=last, failure=failure.value)


@when("the storm has passed")
@when("the CRM is healthy again")
def storm_passed(sandbox: Sandbox) -> None:
    sandbox.clear_faults()


@when("the schema is back and the held records are replayed")
def replay_after_drift(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    sandbox.clear_faults()
    held = [q.source_id for q in scenario_context["run"].quarantined]
    result = run_replay(sandbox.config, customers(sandbox).name, held)
    assert result.status == "succeeded", result.error
    scenario_context["run"] = result


@when("the customer flow is killed with SIGKILL after its first committed page")
def killed_mid_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = customers(sandbox).name
    command = [sys.executable, "-m", "harness.cli", "sync", "--config",
               str(sandbox.config_path), "--full"]  # fmt: skip
    proc = subprocess.Popen(command, env=sandbox.environ, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + KILL_WAIT
        committed = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if sandbox.config.state_path.exists():
                with _state(sandbox) as state:
                    committed = state.crosswalk_count(flow)
                if committed:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the sync finished before it could be killed"
        assert committed, "no page was committed in time"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    scenario_context["committed_before_kill"] = committed


def _bad_mapping(flow: FlowView, base: Path, out: Path) -> Path:
    """The flow's mapping with the customer's name upper-cased and its description replaced
    by a constant: the rules found by their canonical fields, whatever the pair names them."""
    rules: list[dict[str, Any]] = yaml.safe_load(base.read_text(encoding="utf-8"))["fields"]
    name, description = flow.target_path("name"), flow.target_path("description")
    (upper,) = [r for r in rules if r.get("target") == name]
    upper["transforms"] = [*(upper.get("transforms") or []), "upper"]
    (at,) = [i for i, r in enumerate(rules) if r.get("target") == description]
    rules[at] = {"target": description, "value": CORRUPTED}
    return write_variant(base, out, fields=rules)


@when("a bad mapping that upper-cases customer names and drops their descriptions runs in full")
def bad_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = customers(sandbox)
    path = _bad_mapping(flow, sandbox.default_mapping, sandbox.workdir / "bad-mapping.yaml")
    sandbox.use_mapping(path)
    result = sandbox.sync(full=True)
    assert result.status == "succeeded", result.error
    scenario_context["bad_run"] = result


@when("that run is rolled back")
def rolled_back(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    bad: RunResult = scenario_context["bad_run"]
    scenario_context["rollback"] = run_rollback(sandbox.config, bad.run_id)


# -- Then --------------------------------------------------------------------------------------


@then("every customer is in the ERP exactly once")
def exactly_once(sandbox: Sandbox) -> None:
    external = customers(sandbox).spec.external_id_field
    ids = [c.fields.get(external) for c in erp_customers(sandbox)]
    crm = {a.id for a in crm_customers(sandbox)}
    assert len(ids) == len(set(ids)), "a customer exists twice"
    assert set(ids) == crm, {"missing": crm - set(ids), "extra": set(ids) - crm}


@then(parsers.parse('the ground truth shows {count:d} injected "{effect}" faults'))
@then(parsers.parse('the ground truth shows {count:d} injected "{effect}" fault'))
def faults_exactly(sandbox: Sandbox, count: int, effect: str) -> None:
    seen = _faults(sandbox, "crm") + _faults(sandbox, "erp")
    assert seen[effect] == count, seen


@then(parsers.parse('the ground truth shows at least {count:d} injected "{effect}" faults'))
def faults_at_least(sandbox: Sandbox, count: int, effect: str) -> None:
    seen = _faults(sandbox, "crm") + _faults(sandbox, "erp")
    assert seen[effect] >= count, seen


@then(parsers.parse("that run failed because the {system}'s circuit opened"))
def circuit_opened(sandbox: Sandbox, scenario_context: dict[str, Any], system: str) -> None:
    run: RunInfo = scenario_context["failed_run"]
    vendor = sandbox.config.system(role_of(system)).vendor
    assert run.status == "failed"
    assert f"{vendor} circuit open" in (run.error or ""), run.error


@then("the data-quality audit of the CRM lists those two customers as duplicates")
def audit_lists_twins(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    report, _paths = run_profile(sandbox.config, "crm", write=False)
    groups = [set(g.record_ids) for g in report.duplicates]
    assert any(scenario_context["twins"] <= group for group in groups), groups


@then("the run reports the customer's phone was retyped")
def drift_reported(scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    retyped = f"{scenario_context['retyped']} was retyped"
    assert any(retyped in d for d in run.drift), run.drift


@then("every record held back names the drift and has a phone")
def held_for_drift(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    phone = customers(sandbox).target_path("phone")
    assert run.quarantined, "some customers with a phone come after the drift"
    for entry in run.quarantined:
        assert (entry.reason, entry.code) == ("drift", "SCHEMA_DRIFT"), entry
        assert phone in entry.message and entry.mapped and get_path(entry.mapped, phone)


@then("no customer written after the drift carries a phone")
def nothing_written_wrong(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    phone = customers(sandbox).target_path("phone")
    detected = min(q.created_at for q in run.quarantined)
    with _state(sandbox) as state:
        later = [a for a in state.audit_for_run(run.run_id) if a.at > detected]
    assert all(not get_path(a.after or {}, phone) for a in later), [a.source_id for a in later]


@then(parsers.parse('every customer is either in the ERP or held for "{reason}"'))
def in_target_or_held(sandbox: Sandbox, reason: str) -> None:
    flow = customers(sandbox)
    synced = {c.fields.get(flow.spec.external_id_field) for c in erp_customers(sandbox)}
    with _state(sandbox) as state:
        held = {q.source_id for q in state.quarantined(flow.name) if q.reason == reason}
    crm = {a.id for a in crm_customers(sandbox)}
    assert synced | held == crm and not synced & held


@then("the killed run is recorded as interrupted")
def killed_recorded(sandbox: Sandbox) -> None:
    with _state(sandbox) as state:
        runs = state.runs(customers(sandbox).name)
    assert [r.status for r in runs if r.error == INTERRUPTED] == ["interrupted"]
    assert all(r.status != "running" for r in runs)


@then("the ERP's customer names are upper case")
def names_upper(sandbox: Sandbox) -> None:
    path = customers(sandbox).target_path("name")
    names = [get(c, path) for c in erp_customers(sandbox)]
    assert names and all(n == n.upper() for n in names)


@then("the ERP matches its snapshot from before the bad run at 100%")
def matches_snapshot(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    spec = scenario_context["spec"]
    now = take_snapshot(spec, erp_customers(sandbox))
    diff = compare_to_snapshot(spec, scenario_context["snapshot"], now)
    assert diff.accuracy == 1.0, describe_diff(diff)


@then("the rollback is itself in the audit log")
def rollback_audited(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    rollback = scenario_context["rollback"]
    bad: RunResult = scenario_context["bad_run"]
    with _state(sandbox) as state:
        rows = state.audit_for_run(rollback.run_id)
    assert {r.action for r in rows} == {"restore"}
    assert len(rows) == bad.counts.updated
