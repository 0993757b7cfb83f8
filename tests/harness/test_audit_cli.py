"""`harness audit` against the real mock servers: who changed what, where, when and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from harness import output
from harness.cli import app
from harness.sandbox import Sandbox, write_config
from mocks.world.generator import WorldSettings
from tests.harness.test_rollback_cli import _shouting_mapping
from tests.paths import CUSTOMERS_MAPPING

ACCOUNTS = 6
runner = CliRunner()


@pytest.fixture
def history(
    harness_sandbox_session: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, str]]:
    """A clean sync, a shouting one, a conflict settled by the owner, then a rollback of the
    shouting run: the config and the run ids."""
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=23, accounts=ACCOUNTS))
    box.restore_settings()
    for name, value in box.mocks.env.items():
        monkeypatch.setenv(name, value)
    state = tmp_path / "state.db"
    good = write_config(box.mocks, tmp_path / "good.yaml", mapping=CUSTOMERS_MAPPING,
                        state_path=state, reports_dir=tmp_path / "r")  # fmt: skip
    bad = write_config(box.mocks, tmp_path / "bad.yaml", mapping=_shouting_mapping(tmp_path),
                       state_path=state, reports_dir=tmp_path / "r")  # fmt: skip
    runs = {"first": _sync(good, "--full"), "shout": _sync(bad, "--full")}
    done = runner.invoke(app, ["rollback", runs["shout"], "--config", str(good), "--json"])
    assert done.exit_code == 0, done.output
    runs["rollback"] = orjson.loads(done.stdout)["run_id"]
    # Finance renames a customer in the ERP while sales renames it in the CRM: a conflict
    # the owner wins (the CRM owns the company name).
    erp, crm = box.mocks.erp.app.state.mock.store, box.mocks.crm.app.state.mock.store
    customer = erp.records("customer")[0]
    erp.update("customer", customer.id, {"companyName": "Finance Says So"})
    crm.update("Account", customer.fields["externalId"], {"Name": "Sales Says So"})
    runs["conflict"] = _sync(good)
    runs["external_id"] = customer.fields["externalId"]
    return good, runs


def _sync(config: Path, *args: str) -> str:
    result = runner.invoke(app, ["sync", "--config", str(config), *args, "--json"])
    assert result.exit_code == 0, result.output
    run_id: str = orjson.loads(result.stdout)["run_id"]
    return run_id


def _audit(config: Path, *args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["audit", "--config", str(config), *args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = orjson.loads(result.stdout)
    return rows


def test_audit_of_a_run_shows_each_changed_field_before_and_after(
    history: tuple[Path, dict[str, str]],
) -> None:
    config, runs = history
    rows = _audit(config, "--run", runs["shout"])
    assert len(rows) == ACCOUNTS
    for row in rows:
        assert (row["action"], row["outcome"], row["settled"]) == ("update", "applied", True)
        assert row["run_id"] == row["settled_by"] == runs["shout"]
        assert (row["flow"], row["side"]) == ("customers", "erp")
        assert row["decision"] == "owner wins: crm owns the fields written"
        (change,) = row["changes"]  # only the field that changed
        assert change["field"] == "companyName"
        assert change["after"] == change["before"].upper() != change["before"]


def test_audit_of_a_record_tells_its_whole_story_newest_first(
    history: tuple[Path, dict[str, str]],
) -> None:
    config, runs = history
    rows = _audit(config, "--record", runs["external_id"])
    assert [(r["run_id"], r["action"]) for r in rows] == [
        (runs["conflict"], "update"),
        (runs["rollback"], "restore"),
        (runs["shout"], "update"),
        (runs["first"], "create"),
    ]
    conflict, restore = rows[0], rows[1]
    assert conflict["decision"] == "conflict on companyName: owner_wins, source kept"
    assert {c["field"]: c["after"] for c in conflict["changes"]} == {"companyName": "Sales Says So"}
    assert conflict["changes"][0]["before"] == "Finance Says So"
    assert (
        restore["decision"] == f"rollback of run {runs['shout']}: the run's before-image restored"
    )
    assert rows[-1]["changes"] and all(c["before"] is None for c in rows[-1]["changes"])


def test_audit_filters_by_side_and_flow_and_limits(history: tuple[Path, dict[str, str]]) -> None:
    config, _runs = history
    assert len(_audit(config, "--side", "erp", "--limit", "3")) == 3
    assert _audit(config, "--side", "crm") == []  # no flow writes into the CRM
    assert len(_audit(config, "--flow", "customers")) == 3 * ACCOUNTS + 1
    unknown = runner.invoke(app, ["audit", "--config", str(config), "--side", "sap"])
    assert unknown.exit_code == 2 and "unknown side 'sap'" in unknown.output
    assert "crm, erp" in unknown.output


def test_audit_reads_at_80_columns_with_ids_whole(
    history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, runs = history
    monkeypatch.setattr(output.console, "width", 80)
    result = runner.invoke(app, ["audit", "--config", str(config), "--record",
                                 runs["external_id"]])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for run_id in (runs["first"], runs["shout"], runs["rollback"], runs["conflict"]):
        assert any(run_id in line for line in lines), run_id
    assert any(runs["external_id"] in line for line in lines)
    assert "companyName: 'Finance Says So' -> 'Sales Says So'" in result.output
    assert "decision conflict on companyName: owner_wins, source kept" in result.output
    assert result.output.count("settled  yes") == 4
    assert "4 audit row(s)" in result.output
