"""Contacts of a full business, projected into the Salesforce mock, profiled through the
real servers and scored against the contact defects the mock publishes as ground truth."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from harness.api.profiling import run_profile
from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.profile.audit import score_audit

runner = CliRunner()


def test_the_contact_profile_finds_the_contact_defects_salesforce_holds(sandbox: Sandbox) -> None:
    sandbox.reseed(WorldSettings(seed=5, accounts=400, full_business=True, dirty=0.2))
    report, _ = run_profile(sandbox.config, "crm", "Contact", write=False)
    facts = [f for f in sandbox.ground_truth("crm") if f.get("entity") == "contact"]
    by_kind = {k: [f for f in facts if f["kind"] == k] for k in ("orphan", "invalid_email")}
    assert len(by_kind["orphan"]) >= 5 and len(by_kind["invalid_email"]) >= 10, facts
    assert {f["record_id"][:3] for fs in by_kind.values() for f in fs} == {"003"}
    # Missing last names cannot reach Salesforce (LastName is required): left out, and said so.
    skipped = [f for f in facts if f["kind"] == "missing_value"]
    assert skipped and all(
        f["not_loaded"] == "REQUIRED_FIELD_MISSING" and "record_id" not in f for f in skipped
    )
    assert report.object == "Contact" and report.duplicates == ()
    blank = {
        i.record_id for i in report.issues if (i.kind, i.field) == ("missing_value", "AccountId")
    }
    orphans = {f["record_id"] for f in by_kind["orphan"]}
    assert orphans <= blank and len(blank) == len(orphans)  # recall 1.0, and nothing else
    bad = {i.record_id for i in report.issues if (i.kind, i.field) == ("invalid_format", "Email")}
    emails = {f["record_id"] for f in by_kind["invalid_email"]}
    assert len(emails & bad) / len(emails) >= 0.95
    scores = score_audit(report, facts)
    assert scores["missing"].recall == 1.0 and scores["format"].recall >= 0.95, scores
    last_name = next(f for f in report.fields if f.name == "LastName")
    assert (last_name.required, last_name.completeness) == (True, 1.0)


def test_profile_command_reads_contacts(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.reseed(WorldSettings(seed=2, accounts=60, full_business=True, dirty=0.3))
    args = ["profile", "--system", "crm", "--object", "Contact"]
    args += ["--config", str(sandbox.config_path), "--reports-dir", str(tmp_path)]
    result = runner.invoke(app, args, env=sandbox.mocks.env)
    assert result.exit_code == 0, result.output
    data = orjson.loads((tmp_path / "profile-crm-Contact.json").read_bytes())
    assert data["records"] > 60 and data["issue_counts"]["invalid_format"] > 0


def test_a_companies_only_world_has_no_contacts(sandbox: Sandbox) -> None:
    sandbox.reseed(WorldSettings(seed=2, accounts=30))
    report, _ = run_profile(sandbox.config, "crm", "Contact", write=False)
    assert report.records == 0
