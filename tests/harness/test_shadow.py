"""Shadow mode against real servers: a shadow run writes nothing, its planned changes are
exactly what the following live run writes, and the shadow report says so in numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from harness.api.shadow import shadow_report
from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.mapping import get_path, load_mapping
from sync.state import StateStore

ACCOUNTS = 120
CITY = "addressBook.0.addressBookAddress.city"
TARGET_TEXT = ["companyName", "comments", CITY]
SOURCE_TO_TARGET = {"Name": "companyName", "Description": "comments", "BillingCity": CITY}
runner = CliRunner()

Plan = set[tuple[str, str, tuple[str, ...]]]


def _drift(box: Sandbox) -> list[dict[str, Any]]:
    """Production drifted from the source after an earlier load: edits on both sides and
    deleted customers (the state file of that load is lost, so every record is looked up)."""
    box.reseed(WorldSettings(seed=31, accounts=ACCOUNTS))
    box.restore_settings()
    assert box.sync(full=True).status == "succeeded"
    source = box.drift(
        "crm", object="Account", seed=5, count=8, kinds={"source_edit": 1},
        paths={"source_edit": list(SOURCE_TO_TARGET)},
    )  # fmt: skip
    kinds = {"edit_value": 1, "truncate": 1, "blank": 1, "case_change": 1, "delete": 1}
    target = box.drift(
        "erp", object="customer", external_id="externalId", seed=6, count=20, kinds=kinds,
        paths={k: TARGET_TEXT for k in kinds}, exclude=[f["id"] for f in source],
    )  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{box.config.state_path}{suffix}").unlink(missing_ok=True)
    return source + target


def _expected_plan(facts: list[dict[str, Any]]) -> Plan:
    plan: Plan = set()
    for fact in facts:
        if fact["drift"] == "delete":
            continue  # a create: its fields are every mapped value, checked against the audit
        if fact["drift"] == "source_edit":
            plan.add((fact["id"], "update", (SOURCE_TO_TARGET[fact["field"]],)))
        else:
            plan.add((fact["external_id"], "update", (fact["field"],)))
    return plan


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _audit_fields(paths: tuple[str, ...], before: Any, after: Any) -> tuple[str, ...]:
    """The target paths a write changed, read off its before and after images."""
    if before is None:
        return tuple(p for p in paths if get_path(after, p) is not None)
    return tuple(
        p
        for p in paths
        if not (_blank(get_path(before, p)) and _blank(get_path(after, p)))
        and get_path(before, p) != get_path(after, p)
    )


@pytest.fixture
def drifted(harness_sandbox_session: Sandbox) -> tuple[Sandbox, list[dict[str, Any]]]:
    box = harness_sandbox_session
    return box, _drift(box)


def test_a_shadow_run_writes_nothing_and_predicts_the_live_run_exactly(
    drifted: tuple[Sandbox, list[dict[str, Any]]], tmp_path: Path
) -> None:
    box, facts = drifted
    seq, crm_seq = box.last_change_seq("erp"), box.last_change_seq("crm")
    shadow = box.sync(mode="shadow", full=True)
    assert shadow.status == "succeeded", shadow.error
    assert box.changes_since(seq, "erp") == [] and box.changes_since(crm_seq, "crm") == []

    report, paths = shadow_report(box.config, shadow.run_id, reports_dir=tmp_path)
    deletes = {f["external_id"] for f in facts if f["drift"] == "delete"}
    edits = len(facts) - len(deletes)
    assert (report.would_create, report.would_update) == (len(deletes), edits)
    assert report.unchanged == ACCOUNTS - len(facts) and report.quarantined == 0
    assert report.agreement == pytest.approx((ACCOUNTS - len(facts)) / ACCOUNTS)
    assert sum(report.field_updates.values()) == edits
    for rec in report.records:
        if rec.action == "update":
            (change,) = rec.changes
            assert change.before != change.after
    on_disk = orjson.loads(paths["json"].read_bytes())
    assert on_disk["would_write"] == len(facts) and on_disk["run_id"] == shadow.run_id
    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert f"{report.agreement:.2%}" in markdown and "would create" in markdown

    with StateStore(box.config.state_path) as state:
        planned = state.planned_for_run(shadow.run_id)
    predicted: Plan = {(p.external_id, p.action, tuple(p.fields)) for p in planned}
    assert {p for p in predicted if p[1] == "update"} == _expected_plan(facts)
    assert {p[0] for p in predicted if p[1] == "create"} == deletes

    live = box.sync(full=True)
    assert live.status == "succeeded", live.error
    spec = load_mapping(box.config.flow("customers").mapping)
    with StateStore(box.config.state_path) as state:
        audit = state.audit_for_run(live.run_id)
    written: Plan = {
        (a.external_id, a.action, _audit_fields(spec.target_paths, a.before, a.after))
        for a in audit
    }
    assert written == predicted
    assert len(audit) == len(planned) == len(facts)


def test_shadow_report_cli_and_reconcile_shadow_option(
    harness_sandbox_session: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=8, accounts=20))
    box.restore_settings()
    for name, value in box.mocks.env.items():
        monkeypatch.setenv(name, value)
    config = str(box.config_path)
    live = box.sync(full=True)
    box.drift("crm", object="Account", seed=1, count=3, kinds={"source_edit": 1},
              paths={"source_edit": ["Name"]})  # fmt: skip
    shadow = box.sync(mode="shadow", full=True)

    result = runner.invoke(
        app, ["shadow-report", shadow.run_id, "--config", config, "--json",
              "--reports-dir", str(tmp_path / "a")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # writes planned: differences
    data = orjson.loads(result.stdout)
    assert (data["would_create"], data["would_update"], data["read"]) == (0, 3, 20)
    assert data["field_updates"] == {"companyName": 3}
    assert (tmp_path / "a" / f"shadow-{shadow.run_id}.md").exists()

    result = runner.invoke(
        app, ["reconcile", "--shadow", shadow.run_id, "--config", config,
              "--reports-dir", str(tmp_path / "b")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "would create 0, update 3" in result.output
    assert (tmp_path / "b" / f"shadow-{shadow.run_id}.json").exists()

    refused = runner.invoke(app, ["shadow-report", live.run_id, "--config", config])
    assert refused.exit_code == 2 and "live run" in refused.output
    unknown = runner.invoke(app, ["shadow-report", "nope", "--config", config])
    assert unknown.exit_code == 2 and "no run 'nope'" in unknown.output
