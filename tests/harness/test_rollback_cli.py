"""`harness rollback` against the real mock servers: a shouting sync is undone exactly."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from typer.testing import CliRunner

from harness import output
from harness.cli import app
from harness.config import load_config
from harness.sandbox import Sandbox, write_config
from mocks.world.generator import WorldSettings
from sync.state import StateStore
from tests.paths import CUSTOMERS_MAPPING

DEFAULT_MAPPING = CUSTOMERS_MAPPING

ACCOUNTS = 10
runner = CliRunner()


def _shouting_mapping(tmp_path: Path) -> Path:
    spec = yaml.safe_load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    for rule in spec["fields"]:
        if rule["target"] == "companyName":
            rule["transforms"] = [*rule.get("transforms", []), "upper"]
    path = tmp_path / "shouting.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _customers(box: Sandbox) -> dict[str, dict[str, Any]]:
    store = box.mocks.erp.app.state.mock.store
    return {r.fields["externalId"]: copy.deepcopy(r.fields) for r in store.records("customer")}


@pytest.fixture
def world(
    harness_sandbox_session: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Sandbox, Path, Path]:
    """A seeded sandbox, a good config and a shouting one sharing one state file."""
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=21, accounts=ACCOUNTS))
    box.restore_settings()
    monkeypatch.setattr(output.console, "width", 200)
    for name, value in box.mocks.env.items():
        monkeypatch.setenv(name, value)
    state = tmp_path / "state.db"
    good = write_config(box.mocks, tmp_path / "good.yaml", mapping=DEFAULT_MAPPING,
                        state_path=state, reports_dir=tmp_path / "r")  # fmt: skip
    bad = write_config(box.mocks, tmp_path / "bad.yaml", mapping=_shouting_mapping(tmp_path),
                       state_path=state, reports_dir=tmp_path / "r")  # fmt: skip
    return box, good, bad


def _sync(config: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["sync", "--config", str(config), "--full", "--json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = orjson.loads(result.stdout)
    return doc


def test_rollback_cli_undoes_a_corrupting_run_and_refuses_a_second_time(
    world: tuple[Sandbox, Path, Path],
) -> None:
    box, good, bad = world
    _sync(good)
    snapshot = _customers(box)
    shouted = _sync(bad)
    assert shouted["counts"]["updated"] == ACCOUNTS
    assert all(c["companyName"].isupper() for c in _customers(box).values())

    preview = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good),
                                  "--dry-run", "--json"])  # fmt: skip
    assert preview.exit_code == 0, preview.output
    plan = orjson.loads(preview.stdout)
    assert plan["run_id"] is None and plan["counts"]["planned"] == ACCOUNTS
    assert {tuple(i["fields"]) for i in plan["items"]} == {("companyName",)}
    assert all(c["companyName"].isupper() for c in _customers(box).values())

    done = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good)])
    assert done.exit_code == 0, done.output
    assert f"rollback of run {shouted['run_id']}" in done.output and "restored 10" in done.output
    assert _customers(box) == snapshot

    with StateStore(load_config(good).state_path) as state:
        rollback = state.rolled_back_by(shouted["run_id"])
        assert rollback is not None and rollback.mode == "rollback"
        audit = state.audit_for_run(rollback.run_id)
    assert len(audit) == ACCOUNTS and {a.action for a in audit} == {"restore"}

    again = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good)])
    assert again.exit_code == 2
    assert f"already rolled back by run {rollback.run_id}" in again.output
    assert "a run is rolled back once" in again.output
    assert f"harness rollback {rollback.run_id}" in again.output  # how to undo the rollback


def test_rollback_cli_skips_records_edited_since_and_exits_1(
    world: tuple[Sandbox, Path, Path],
) -> None:
    box, good, bad = world
    _sync(good)
    shouted = _sync(bad)
    store = box.mocks.erp.app.state.mock.store
    victim = store.records("customer")[0]
    store.update("customer", victim.id, {"companyName": "Renamed By Finance"})

    preview = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good),
                                  "--dry-run"])  # fmt: skip
    assert preview.exit_code == 0, preview.output  # a plan is an answer, conflicts and all
    assert "conflict" in preview.output and "dry run: nothing written" in preview.output

    result = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good)])
    assert result.exit_code == 1, result.output
    assert "conflict" in result.output and "--force" in result.output
    after = _customers(box)
    assert after[victim.fields["externalId"]]["companyName"] == "Renamed By Finance"
    assert sum(not c["companyName"].isupper() for c in after.values()) == ACCOUNTS


def test_rollback_of_an_unknown_run_exits_2(world: tuple[Sandbox, Path, Path]) -> None:
    _box, good, _bad = world
    _sync(good)
    result = runner.invoke(app, ["rollback", "20990101T000000Z-dead", "--config", str(good)])
    assert result.exit_code == 2 and "no run '20990101T000000Z-dead'" in result.output


def test_a_rollback_whose_process_died_is_resumed_not_refused(
    world: tuple[Sandbox, Path, Path],
) -> None:
    box, good, bad = world
    _sync(good)
    snapshot = _customers(box)
    shouted = _sync(bad)
    with StateStore(load_config(good).state_path) as state:
        dead = state.start_rollback(shouted["run_id"])  # as if killed -9 right after starting
    result = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good)])
    assert result.exit_code == 0, result.output
    assert f"rollback run {dead.run_id}" in result.output and "restored 10" in result.output
    assert _customers(box) == snapshot
    with StateStore(load_config(good).state_path) as state:
        done = state.get_run(dead.run_id)
    assert done is not None and done.status == "succeeded"


def test_a_rollback_running_on_another_host_is_taken_over_only_with_force(
    world: tuple[Sandbox, Path, Path],
) -> None:
    box, good, bad = world
    _sync(good)
    snapshot = _customers(box)
    shouted = _sync(bad)
    state_path = load_config(good).state_path
    with StateStore(state_path) as state:
        other = state.start_rollback(shouted["run_id"])
        state._db.execute("UPDATE runs SET host = 'elsewhere', pid = 4242 WHERE run_id = ?",
                          (other.run_id,))  # fmt: skip
    refused = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good)])
    assert refused.exit_code == 2, refused.output
    assert "running on host elsewhere (pid 4242)" in refused.output
    assert "--force" in refused.output
    taken = runner.invoke(app, ["rollback", shouted["run_id"], "--config", str(good), "--force"])
    assert taken.exit_code == 0, taken.output
    assert f"rollback run {other.run_id}" in taken.output
    assert _customers(box) == snapshot
