"""`harness mock-up --faults PLAN.yaml`: one plan file drives both mocks of a pair."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox.mocks import apply_faults, load_fault_plan, start_mocks
from mocks.world.generator import WorldSettings
from sync.errors import ConfigError
from tests.children import interrupt, read_until, start_harness

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "faults"


def test_start_mocks_applies_each_vendors_share_of_the_plan(tmp_path: Path) -> None:
    plan = load_fault_plan(FIXTURES / "rate_limit_storm.yaml")
    world = WorldSettings(seed=1, accounts=5)
    with start_mocks(world=world, workdir=tmp_path, https=False, faults=plan) as pair:
        crm, erp = pair.crm.app.state, pair.erp.app.state
        assert [s.rule.name for s in crm.faults.states] == ["throttled", "ten-second-window"]
        assert [s.rule.name for s in erp.faults.states] == ["throttled"]
        assert erp.mock.settings["max_concurrent"] == 5
        counts = apply_faults(pair, load_fault_plan(FIXTURES / "schema_drift.yaml"))
        assert counts == {"salesforce": 1, "netsuite": 1}
        assert erp.mock.settings["max_concurrent"] == 15  # the first plan's patch undone


def test_a_bad_plan_file_is_a_config_error_naming_the_option(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - effect: {type: eror, status: 500}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"(?s)\[--faults\].*did you mean 'error'\?"):
        load_fault_plan(bad)


def test_mock_up_refuses_a_bad_plan_before_starting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {when: {rate: 3}, effect: {type: reset}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["mock-up", "--http", "--faults", str(bad)])
    assert result.exit_code == 2
    assert "rules[0].when.rate" in result.output


def test_mock_up_serves_with_the_plan_active(tmp_path: Path) -> None:
    plan = FIXTURES / "token_expiry.yaml"
    proc = start_harness(["mock-up", "--http", "--accounts", "5", "--faults", str(plan)], tmp_path)
    try:
        text = read_until(proc, "ground truth:")
        flat = " ".join(text.split())  # rich wraps long lines
        assert "1 rule(s) on salesforce, 1 rule(s) on netsuite" in flat, text
        token = dict(
            line.split("=", 1)
            for line in (tmp_path / ".harness" / "mock.env").read_text().splitlines()
            if "=" in line
        )["HARNESS_ADMIN_TOKEN"]
        for url in re.findall(r"http://127\.0\.0\.1:\d+", text):
            status = httpx.get(
                f"{url}/__harness/faults", headers={"X-Harness-Token": token}, trust_env=False
            ).json()
            assert status["active"] is True
            assert [r["effect"] for r in status["rules"]] == ["token_expiry"]
    finally:
        interrupt(proc)
