"""Rollout phases: config checks, segments resolved through the mapping, holds and forced
advances recorded with their reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.api import load_flows
from harness.cli import app
from harness.config import ConfigValidationError, load_config
from harness.rollout import RolloutRefused, advance, hold, standing

runner = CliRunner()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PHASES = [
    {"name": "shadow", "mode": "shadow", "gate": {"min_days": 2}},
    {"name": "pilot", "segment": {"field": "country", "values": ["United States", "CA"]}},
    {"name": "all"},
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path), "--crm", "salesforce", "--erp", "netsuite"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "harness.yaml"
    data = yaml.safe_load(path.read_text())
    data["rollout"] = {"phases": PHASES}
    data["flows"] = [f for f in data["flows"] if f["name"] == "customers"]
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_segment_named_canonically_reads_the_source_field_behind_it(project: Path) -> None:
    config = load_config(project, {})
    (plan,) = load_flows(config)
    assert plan.spec.segment is None  # the shadow phase moves every record (and writes none)
    advance(config, force=True, reason="demo", now=T0)
    (plan,) = load_flows(config)
    segment = plan.spec.segment
    assert segment is not None and segment.path == "BillingCountry"
    assert segment.holds("001A", {"BillingCountry": " united states "})
    assert not segment.holds("001B", {"BillingCountry": "Germany"})


def test_the_shadow_gate_counts_days_and_needs_a_shadow_run(project: Path) -> None:
    config = load_config(project, {})
    now = standing(config, T0)
    assert now.phase.name == "shadow" and not now.gate_ok
    failing = {c.name: c.detail for c in now.checks if not c.ok}
    assert failing["days"].startswith("0.0 of 2 days")
    assert failing["customers"] == "no shadow run since the phase started"
    with pytest.raises(RolloutRefused, match="the gate of shadow does not hold"):
        advance(config, now=T0 + timedelta(days=3))


def test_a_hold_and_a_forced_advance_are_recorded_with_their_reasons(project: Path) -> None:
    config = load_config(project, {})
    standing(config, T0)
    hold(config, "waiting for the finance sign-off", by="dana", now=T0)
    assert any(c.name == "hold" and not c.ok for c in standing(config, T0).checks)
    judged = advance(config, force=True, reason="sign-off by mail", by="dana", now=T0)
    assert judged.phase.name == "shadow"
    status = runner.invoke(app, ["rollout", "status", "--config", str(project), "--json"])
    assert status.exit_code == 1  # the pilot's gate has no reconcile yet
    assert '"phase":"pilot"' in status.stdout and '"held":null' in status.stdout
    assert '"forced":true' in status.stdout and "sign-off by mail" in status.stdout
    assert '"reason":"waiting for the finance sign-off"' in status.stdout


@pytest.mark.parametrize(
    ("phases", "key"),
    [
        ([{"name": "pilot"}, {"name": "pilot"}], "rollout.phases[1].name"),
        ([{"name": "pilot", "segment": {"values": ["x"]}}], "rollout.phases[0].segment"),
        ([{"name": "pilot", "mode": "dark"}], "rollout.phases[0].mode"),
    ],
    ids=["twice", "no-field-no-ids", "bad-mode"],
)
def test_bad_phases_are_refused_with_their_key(project: Path, phases: list, key: str) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(project.read_text())
    data["rollout"] = {"phases": phases}
    project.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigValidationError) as caught:
        load_config(project, {})
    assert key in [p.key for p in caught.value.problems]


def test_a_reconcile_that_read_no_record_is_no_evidence_for_the_gate(project: Path) -> None:
    from sync.state import ReconcileSummary, StateStore

    config = load_config(project, {})
    advance(config, force=True, reason="skip the shadow here", now=T0)
    empty = ReconcileSummary("customers", T0 + timedelta(hours=1), "GO", True, 1.0, 1.0,
                             {"source_records": 0, "equal": 0})  # fmt: skip
    with StateStore(config.state_path) as state:
        state.record_reconcile([empty])
    checks = {c.name: c for c in standing(config, T0 + timedelta(days=1)).checks}
    assert not checks["customers"].ok and "read no record" in checks["customers"].detail


DAMAGED = ["{}", "[]", '{"phase": "pilot", "since": "yesterday"}',
           '{"phase": "pilot", "since": "2026-12-01T09:00:00"}']  # fmt: skip


@pytest.mark.parametrize("text", DAMAGED)
def test_a_damaged_rollout_state_is_exit_2_naming_the_file(project: Path, text: str) -> None:
    config = load_config(project, {})
    config.state_path.parent.mkdir(parents=True, exist_ok=True)
    config.state_path.with_name("rollout.json").write_text(text)
    result = runner.invoke(app, ["rollout", "status", "--config", str(project)])
    assert result.exit_code == 2 and "rollout.json is unreadable" in " ".join(result.output.split())
    assert "bug" not in result.output
