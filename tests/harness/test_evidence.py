"""No verdict without evidence: zero records, an empty object or a missing state file is never
GO, unless the user declared the emptiness expected."""

from __future__ import annotations

from pathlib import Path

import orjson
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.model import FlowScore, Thresholds
from reconcile.verdict import NO_EVIDENCE, judge

runner = CliRunner()


def _score(flow: str, sources: int) -> FlowScore:
    return FlowScore(
        flow, "Account", "customer", sources, sources, sources, sources, 0, 0, 0, 0, 0,
        sources * 3, sources * 3, (), {}, (),
    )  # fmt: skip


def test_a_flow_that_read_no_record_is_no_go_for_want_of_evidence() -> None:
    verdict = judge([_score("customers", 0)], Thresholds())
    assert not verdict.go
    (failed,) = [c for c in verdict.checks if not c.ok]
    assert failed.name == NO_EVIDENCE and "customers" in failed.reason


def test_an_empty_flow_declared_expected_is_judged_on_its_other_checks() -> None:
    thresholds = Thresholds(expect_empty=("invoices",))
    assert judge([_score("invoices", 0), _score("customers", 5)], thresholds).go
    assert not judge([_score("customers", 0)], thresholds).go


def test_no_flow_at_all_is_no_go() -> None:
    assert not judge([], Thresholds()).go


def test_the_sandbox_with_zero_accounts_is_no_go(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["sandbox", "--accounts", "0", "--seed", "1", "--workdir", str(tmp_path / "w"),
         "--reports-dir", str(tmp_path / "r")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "NO-GO" in result.output and "evidence" in result.output


def test_profiling_an_empty_object_is_no_go_unless_allowed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.reseed(WorldSettings(seed=2, accounts=30))  # companies only: no contacts
    args = ["profile", "--system", "crm", "--object", "Contact", "--config"]
    args += [str(sandbox.config_path), "--reports-dir", str(tmp_path)]
    result = runner.invoke(app, args, env=sandbox.mocks.env)
    assert result.exit_code == 1, result.output
    assert "no evidence" in result.output and "100" not in result.output
    data = orjson.loads((tmp_path / "profile-crm-Contact.json").read_bytes())
    assert data["no_evidence"] is True and data["score"] == 0.0
    allowed = runner.invoke(app, [*args, "--allow-empty"], env=sandbox.mocks.env)
    assert allowed.exit_code == 0, allowed.output


def _with_state_path(sandbox: Sandbox, tmp_path: Path, state: str) -> Path:
    data = yaml.safe_load(sandbox.config_path.read_text(encoding="utf-8"))
    data["state"] = {"path": state}
    # Beside the sandbox's own config: its relative paths (CA, mappings) still resolve.
    path = sandbox.config_path.with_name(f"harness-{tmp_path.name}.yaml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_misspelt_state_path_is_an_error_not_a_new_database(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    config = _with_state_path(sandbox, tmp_path, "typo.db")
    result = runner.invoke(app, ["reconcile", "--config", str(config)], env=sandbox.mocks.env)
    assert result.exit_code == 2, result.output
    assert "typo.db" in result.output and "state.path" in result.output
    assert not config.with_name("typo.db").exists()


def test_expect_empty_naming_an_unknown_flow_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    path = _with_state_path(sandbox, tmp_path, "state.db")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["thresholds"] = {"expect_empty": ["invoicez"]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["reconcile", "--config", str(path)], env=sandbox.mocks.env)
    assert result.exit_code == 2, result.output
    assert "invoicez" in result.output and "expect_empty" in result.output
