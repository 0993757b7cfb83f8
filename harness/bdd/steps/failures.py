"""Gherkin steps for failure scenarios: faults injected into the mocks, the sync killed,
a bad run rolled back. Each scenario checks what reached the target and what waits in
quarantine, through the same API the CLI uses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.api import run_replay, run_rollback
from harness.api.profiling import run_profile
from harness.bdd.steps.customers import EXTERNAL_ID, crm_accounts, edit_account, erp_customers
from harness.sandbox import DEFAULT_MAPPING, Sandbox
from reconcile.snapshots import compare_to_snapshot, describe_diff, take_snapshot
from sync.engine import INTERRUPTED, RunResult
from sync.errors import SyncError
from sync.mapping import load_mapping
from sync.state import RunInfo, StateStore

KILL_WAIT = 60.0  # seconds a killed sync may take to commit its first page


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


@given(parsers.parse("NetSuite hangs for {seconds:d} seconds on its {a:d}th and {b:d}th write"))
def erp_hangs(sandbox: Sandbox, seconds: int, a: int, b: int) -> None:
    rule = {"match": {"kind": ["write"]}, "when": {"nth": [a, b]},
            "effect": {"type": "hang", "seconds": seconds}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))


@given("NetSuite answers 503 to every write")
def erp_storm(sandbox: Sandbox) -> None:
    rule = {"match": {"kind": ["write"]}, "effect": {"type": "error", "status": 503}}
    sandbox.set_faults("erp", _plan(rule))


@given(parsers.parse("the sync stops a flow after {count:d} consecutive failures"))
def breaker(sandbox: Sandbox, count: int) -> None:
    sandbox.tune("erp", circuit_breaker_threshold=count, circuit_breaker_cooldown=60)


@given(parsers.parse("NetSuite answers {percent:d}% of its calls with 429 and Retry-After"))
def erp_429(sandbox: Sandbox, percent: int) -> None:
    rule = {"match": {"kind": ["query", "read", "write"]}, "when": {"rate": percent / 100},
            "effect": {"type": "rate_limit", "retry_after": [0, 1]}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))


@given("two accounts are the same company typed twice")
def typed_twice(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    first, second = crm_accounts(sandbox)[:2]
    twin = {
        "Name": f"{first.fields['Name'].upper()}, Inc.",
        "Website": first.fields.get("Website"),
        "Phone": first.fields.get("Phone"),
        "BillingPostalCode": first.fields.get("BillingPostalCode"),
        "BillingCountry": first.fields.get("BillingCountry"),
    }
    edit_account(sandbox, second.id, twin)
    scenario_context["twins"] = {first.id, second.id}


@given(
    parsers.parse(
        "NetSuite sends a malformed body for {bad:d}% of its reads and truncates {cut:d}%"
    )
)
def erp_malformed(sandbox: Sandbox, bad: int, cut: int) -> None:
    reads = {"kind": ["query", "read"]}
    sandbox.set_faults(
        "erp",
        _plan(
            {"match": reads, "when": {"rate": bad / 100}, "effect": {"type": "malformed_json"}},
            {"match": reads, "when": {"rate": cut / 100}, "effect": {"type": "truncated_json"}},
        ),
    )


@given(parsers.parse("every Salesforce session expires after the {nth:d}nd query page"))
def crm_session_expires(sandbox: Sandbox, nth: int) -> None:
    rule = {"match": {"kind": ["query"]}, "when": {"nth": [nth + 1]},
            "effect": {"type": "token_expiry"}}  # fmt: skip
    sandbox.set_faults("crm", _plan(rule))


@given(
    parsers.parse("NetSuite retypes the customer phone field to a number after its {nth:d}th write")
)
def erp_retypes_phone(sandbox: Sandbox, nth: int) -> None:
    rule = {"match": {"kind": ["write"]}, "when": {"nth": [nth]},
            "effect": {"type": "schema_drift", "object": "customer", "field": "phone",
                       "retype": "double"}}  # fmt: skip
    sandbox.set_faults("erp", _plan(rule))


@given("the customer flow re-reads both schemas before every page")
def recheck_every_page(sandbox: Sandbox) -> None:
    sandbox.use_mapping(sandbox.mapping, schema_recheck_seconds=0)


@given(parsers.parse("NetSuite takes {ms:d} ms over every write"))
def erp_slow_writes(sandbox: Sandbox, ms: int) -> None:
    rule = {"match": {"kind": ["write"]}, "effect": {"type": "latency", "ms": ms}}
    sandbox.set_faults("erp", _plan(rule))


@given("NetSuite's customers are snapshotted")
def snapshot(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    spec = load_mapping(DEFAULT_MAPPING)
    scenario_context["snapshot"] = take_snapshot(spec, erp_customers(sandbox))
    assert len(scenario_context["snapshot"]) == len(crm_accounts(sandbox))


# -- When --------------------------------------------------------------------------------------


@when("the customer flow tries to run in full")
def tries_full(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    with pytest.raises(SyncError) as failure:
        sandbox.sync(full=True)
    with _state(sandbox) as state:
        (last,) = state.runs("customers", limit=1)
    scenario_context.update(failed_run=last, failure=failure.value)


@when("the storm has passed")
@when("Salesforce is healthy again")
def storm_passed(sandbox: Sandbox) -> None:
    sandbox.clear_faults()


@when("the schema is back and the held records are replayed")
def replay_after_drift(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    sandbox.clear_faults()
    held = [q.source_id for q in scenario_context["run"].quarantined]
    result = run_replay(sandbox.config, "customers", held)
    assert result.status == "succeeded", result.error
    scenario_context["run"] = result


@when("the customer flow is killed with SIGKILL after its first committed page")
def killed_mid_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
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
                    committed = state.crosswalk_count("customers")
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


@when("a bad mapping that upper-cases company names and drops comments runs in full")
def bad_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    text = DEFAULT_MAPPING.read_text(encoding="utf-8")
    upper = text.replace(
        "transforms: [trim, collapse_whitespace]\n    required: true",
        "transforms: [trim, collapse_whitespace, upper]\n    required: true",
        1,
    )
    corrupt = upper.replace(
        "  - target: comments\n    source: Description\n    transforms: [trim]",
        "  - target: comments\n    value: corrupted by a bad mapping",
        1,
    )
    assert corrupt != upper != text, "the fixture mapping changed shape; update this step"
    path = sandbox.workdir / "bad-mapping.yaml"
    path.write_text(corrupt, encoding="utf-8")
    sandbox.use_mapping(path)
    result = sandbox.sync(full=True)
    assert result.status == "succeeded", result.error
    scenario_context["bad_run"] = result


@when("that run is rolled back")
def rolled_back(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    bad: RunResult = scenario_context["bad_run"]
    scenario_context["rollback"] = run_rollback(sandbox.config, bad.run_id)


# -- Then --------------------------------------------------------------------------------------


@then("every account is in NetSuite exactly once")
def exactly_once(sandbox: Sandbox) -> None:
    ids = [c.fields.get(EXTERNAL_ID) for c in erp_customers(sandbox)]
    accounts = {a.id for a in crm_accounts(sandbox)}
    assert len(ids) == len(set(ids)), "a customer exists twice"
    assert set(ids) == accounts, {"missing": accounts - set(ids), "extra": set(ids) - accounts}


@then(parsers.parse('the ground truth shows {count:d} injected "{effect}" faults'))
@then(parsers.parse('the ground truth shows {count:d} injected "{effect}" fault'))
def faults_exactly(sandbox: Sandbox, count: int, effect: str) -> None:
    seen = _faults(sandbox, "crm") + _faults(sandbox, "erp")
    assert seen[effect] == count, seen


@then(parsers.parse('the ground truth shows at least {count:d} injected "{effect}" faults'))
def faults_at_least(sandbox: Sandbox, count: int, effect: str) -> None:
    seen = _faults(sandbox, "crm") + _faults(sandbox, "erp")
    assert seen[effect] >= count, seen


@then(parsers.parse("that run failed because the {vendor} circuit opened"))
def circuit_opened(scenario_context: dict[str, Any], vendor: str) -> None:
    run: RunInfo = scenario_context["failed_run"]
    assert run.status == "failed"
    assert f"{vendor} circuit open" in (run.error or ""), run.error


@then("the data-quality audit of Salesforce lists those two accounts as duplicates")
def audit_lists_twins(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    report, _paths = run_profile(sandbox.config, "crm", write=False)
    groups = [set(g.record_ids) for g in report.duplicates]
    assert any(scenario_context["twins"] <= group for group in groups), groups


@then("the run reports the phone field was retyped")
def drift_reported(scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    assert any("customer.phone was retyped" in d for d in run.drift), run.drift


@then("every record held back names the drift and has a phone")
def held_for_drift(scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    assert run.quarantined, "some accounts with a phone come after the drift"
    for entry in run.quarantined:
        assert (entry.reason, entry.code) == ("drift", "SCHEMA_DRIFT"), entry
        assert "phone" in entry.message and entry.mapped and entry.mapped.get("phone")


@then("no customer written after the drift carries a phone")
def nothing_written_wrong(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    detected = min(q.created_at for q in run.quarantined)
    with _state(sandbox) as state:
        later = [a for a in state.audit_for_run(run.run_id) if a.at > detected]
    assert all(not (a.after or {}).get("phone") for a in later), [a.source_id for a in later]


@then(parsers.parse('every account is either in NetSuite or held for "{reason}"'))
def in_target_or_held(sandbox: Sandbox, scenario_context: dict[str, Any], reason: str) -> None:
    synced = {c.fields.get(EXTERNAL_ID) for c in erp_customers(sandbox)}
    with _state(sandbox) as state:
        held = {q.source_id for q in state.quarantined("customers") if q.reason == reason}
    accounts = {a.id for a in crm_accounts(sandbox)}
    assert synced | held == accounts and not synced & held


@then("the killed run is recorded as interrupted")
def killed_recorded(sandbox: Sandbox) -> None:
    with _state(sandbox) as state:
        runs = state.runs("customers")
    assert [r.status for r in runs if r.error == INTERRUPTED] == ["failed"]
    assert all(r.status != "running" for r in runs)


@then("NetSuite's company names are upper case")
def names_upper(sandbox: Sandbox) -> None:
    names = [c.fields["companyName"] for c in erp_customers(sandbox)]
    assert names and all(n == n.upper() for n in names)


@then("NetSuite matches its snapshot from before the bad run at 100%")
def matches_snapshot(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    spec = load_mapping(DEFAULT_MAPPING)
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
