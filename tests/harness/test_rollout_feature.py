"""Step definitions of rollout.feature: a phased rollout walked through `harness.api` and
the `harness rollout` commands, as a team runs it, on the session's sandbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, scenarios, then, when
from typer.testing import CliRunner

from harness.api import run_reconcile, run_sync
from harness.cli import app
from harness.config import HarnessConfig, load_config
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE

scenarios(str(Path(__file__).with_name("features") / "rollout.feature"))
runner = CliRunner()
PILOT = 4


@pytest.fixture
def rollout(sandbox: Sandbox) -> Iterator[dict[str, Any]]:
    """The scenario's rollout; its state is removed after, so the session's sandbox goes on
    without one."""
    state = sandbox.config.state_path.with_name("rollout.json")
    state.unlink(missing_ok=True)
    yield {}
    state.unlink(missing_ok=True)


def _config(box: Sandbox, rollout: dict[str, Any]) -> HarnessConfig:
    return load_config(rollout["path"], box.environ)


def _erp_external_ids(box: Sandbox) -> set[str]:
    rows = box.stored("erp", "customer")
    return {str(r["fields"]["externalId"]) for r in rows if r["fields"].get("externalId")}


@given(parsers.parse("a CRM with {count:d} accounts and an empty ERP"))
def crm_with_accounts(sandbox: Sandbox, rollout: dict[str, Any], count: int) -> None:
    sandbox.reseed(WorldSettings(seed=31, accounts=count))
    with sandbox.connectors() as connectors:
        rollout["accounts"] = sorted(r.id for page in connectors["crm"].read("Account")
                                     for r in page)  # fmt: skip
    assert len(rollout["accounts"]) == count and _erp_external_ids(sandbox) == set()


@given(parsers.parse("a rollout of a shadow phase, a pilot of {count:d} listed accounts, and "
                     "everyone"))  # fmt: skip
def a_rollout(sandbox: Sandbox, rollout: dict[str, Any], count: int) -> None:
    rollout["pilot"] = rollout["accounts"][:count]
    data = yaml.safe_load(sandbox.config_path.read_text(encoding="utf-8"))
    data["rollout"] = {"phases": [
        {"name": "shadow", "mode": "shadow", "gate": {"min_days": 0}},
        {"name": "pilot", "segment": {"ids": rollout["pilot"]},
         "gate": {"min_days": 0, "record_accuracy": 0.99}},
        {"name": "all"},
    ]}  # fmt: skip
    path = sandbox.config_path.with_name("rollout.yaml")  # beside it: its relative paths hold
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rollout["path"] = path


@when("the customers flow runs")
def flow_runs(sandbox: Sandbox, rollout: dict[str, Any]) -> None:
    rollout["run"] = run_sync(_config(sandbox, rollout), "customers", full=True)
    assert rollout["run"].status == "succeeded", rollout["run"].error


@then("no customer reaches the ERP")
def nothing_written(sandbox: Sandbox, rollout: dict[str, Any]) -> None:
    run = rollout["run"]  # planned, compared, not written: a shadow phase writes nothing
    assert run.mode == "shadow" and run.counts.created == len(rollout["accounts"])
    assert _erp_external_ids(sandbox) == set()


@then(parsers.parse("the rollout advances to the {phase} phase"))
def advances(sandbox: Sandbox, rollout: dict[str, Any], phase: str) -> None:
    result = runner.invoke(app, ["rollout", "advance", "--config", str(rollout["path"]),
                                 "--by", "qa-lead"], env=sandbox.environ)  # fmt: skip
    assert result.exit_code == 0, result.output
    status = runner.invoke(app, ["rollout", "status", "--config", str(rollout["path"]),
                                 "--json"], env=sandbox.environ)  # fmt: skip
    assert f'"phase":"{phase}"' in status.stdout


@then(parsers.parse("only the {count:d} pilot accounts reach the ERP"))
def only_pilot(sandbox: Sandbox, rollout: dict[str, Any], count: int) -> None:
    run = rollout["run"]
    assert run.counts.created == count and run.counts.skipped == len(rollout["accounts"]) - count
    assert _erp_external_ids(sandbox) == set(rollout["pilot"])


@when("an ERP user edits a pilot customer and the pilot is reconciled")
def damage(sandbox: Sandbox, rollout: dict[str, Any]) -> None:
    time.sleep(CLOCK_GRACE.total_seconds() + 1.2)  # the edit comes visibly after the sync
    sandbox.drift("erp", object="customer", external_id="externalId", seed=9, count=1,
                  kinds={"edit_value": 1}, paths={"edit_value": ["comments"]})  # fmt: skip
    report, _ = run_reconcile(_config(sandbox, rollout), ["customers"], write=False)
    (score,) = report.flows
    assert score.source_records == PILOT and score.different == 1  # judged: the pilot only


@then("advancing is refused, naming the customers gate")
def refused(sandbox: Sandbox, rollout: dict[str, Any]) -> None:
    result = runner.invoke(app, ["rollout", "advance", "--config", str(rollout["path"])],
                           env=sandbox.environ)  # fmt: skip
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "the gate of pilot does not hold" in text and "customers: record accuracy 75.00%" in text
    forced = runner.invoke(app, ["rollout", "advance", "--force", "--config",
                                 str(rollout["path"])], env=sandbox.environ)  # fmt: skip
    assert forced.exit_code == 2 and "--reason" in forced.output  # forcing needs a reason


@when("the customers flow repairs the pilot and it is reconciled again")
def repair(sandbox: Sandbox, rollout: dict[str, Any]) -> None:
    flow_runs(sandbox, rollout)  # a full run verifies the target and repairs the edit
    report, _ = run_reconcile(_config(sandbox, rollout), ["customers"], write=False)
    assert report.flows[0].different == 0 and report.verdict.go, report.verdict.reasons


@then(parsers.parse("all {count:d} accounts reach the ERP"))
def everyone(sandbox: Sandbox, rollout: dict[str, Any], count: int) -> None:
    assert count == len(rollout["accounts"])
    assert _erp_external_ids(sandbox) == set(rollout["accounts"])
