"""The profile audits a seeded world through the real mock servers, scored against the
ground truth the mock publishes at `/__harness/ground-truth`."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from harness.api.profiling import run_profile
from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.profile.audit import score_audit

runner = CliRunner()


@pytest.mark.parametrize("seed", [3, 21])
def test_a_dirty_world_is_audited_against_its_ground_truth(
    sandbox: Sandbox, tmp_path: Path, seed: int
) -> None:
    sandbox.reseed(WorldSettings(seed=seed, accounts=1500, dirty=0.2))
    report, paths = run_profile(sandbox.config, "crm", reports_dir=tmp_path)
    facts = sandbox.ground_truth("crm")
    assert len(facts) > 200
    scores = score_audit(report, facts)
    dup, missing, fmt = scores["duplicates"], scores["missing"], scores["format"]
    assert dup.expected > 50 and dup.recall >= 0.95 and dup.precision >= 0.90, dup
    assert (missing.recall, missing.precision) == (1.0, 1.0), missing
    assert fmt.expected > 50 and fmt.recall >= 0.95, fmt
    assert scores["overlong"].recall == 1.0
    assert report.score < 0.99
    assert paths["json"].name == "profile-crm-Account.json" and paths["markdown"].exists()


def test_a_clean_world_scores_above_99_percent(sandbox: Sandbox) -> None:
    sandbox.reseed(WorldSettings(seed=8, accounts=1500))
    report, _ = run_profile(sandbox.config, "crm", write=False)
    assert report.records == 1500
    assert report.score > 0.99
    name = next(f for f in report.fields if f.name == "Name")
    assert (name.required, name.limit, name.completeness) == (True, 83, 1.0)


def test_profile_command_prints_a_table_and_writes_reports(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.reseed(WorldSettings(seed=2, accounts=120, dirty=0.3))
    args = ["profile", "--system", "crm", "--config", str(sandbox.config_path)]
    args += ["--reports-dir", str(tmp_path)]
    result = runner.invoke(app, args, env=sandbox.mocks.env)
    assert result.exit_code == 0, result.output
    assert "data-quality score" in result.output and "Website" in result.output, result.output
    data = orjson.loads((tmp_path / "profile-crm-Account.json").read_bytes())
    assert data["records"] == 120 and data["issue_counts"]["missing_value"] > 0
    markdown = (tmp_path / "profile-crm-Account.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Data-quality profile: crm Account")

    strict = runner.invoke(app, [*args, "--min-score", "0.999", "--json"], env=sandbox.mocks.env)
    assert strict.exit_code == 1
    assert orjson.loads(strict.stdout)["object"] == "Account"


def test_profile_reads_the_erp_after_a_sync_and_refuses_unknown_systems(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.reseed(WorldSettings(seed=6, accounts=40))
    sandbox.sync(full=True)
    report, _ = run_profile(sandbox.config, "erp", write=False)
    assert (report.object, report.records) == ("customer", 40)
    company = next(f for f in report.fields if f.name == "companyName")
    assert company.completeness == 1.0 and company.limit == 83
    bad = runner.invoke(
        app,
        ["profile", "--system", "warehouse", "--config", str(sandbox.config_path)],
        env=sandbox.mocks.env,
    )
    assert bad.exit_code == 2 and "crm" in bad.output
