"""What a person reads: ids stay whole at 80 columns and in a pipe, `harness status` stays
readable there, a dry run shows the values it would write, and a shadow run checks the whole
source after incremental live runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import harness
from harness import output
from harness.cli import app
from harness.config import load_config
from harness.output.plan import show_value
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.state import StateStore
from tests.paths import CUSTOMERS_MAPPING, ROOT

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    """Systems nobody listens on: status, history and quarantine list never reach them."""
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {tmp_path / "state.db"}}}
flows:
  - {{name: customers, mapping: {CUSTOMERS_MAPPING}, source: crm, target: erp}}
  - {{name: customer_finance, mapping: {CUSTOMERS_MAPPING}, source: crm, target: erp}}
""", encoding="utf-8")  # fmt: skip
    return path


def _seed(config_path: Path) -> list[str]:
    """Two runs (one per flow) and a quarantine entry with a long source id and message."""
    with StateStore(load_config(config_path, {}).state_path) as state:
        run = state.start_run("customers", "live", "full")
        entry = state.record_quarantine(
            run.run_id, "customers", source_id="001000000000001AAA", reason="validation",
            code="REQUIRED", payload={"Id": "001000000000001AAA"},
            message="subsidiary.id is required and was missing from the source record",
        )  # fmt: skip
        counts = {"read": 5000, "created": 4000, "updated": 999, "quarantined": 1}
        state.finish_run(run.run_id, "partial", counts)
        shadow = state.start_run("customer_finance", "shadow", "incremental")
        state.finish_run(shadow.run_id, "succeeded", {"read": 1234, "updated": 12})
    return [run.run_id, shadow.run_id, entry.qid, entry.source_id]


def _harness_at_80_columns(*args: str) -> str:
    """The CLI as a user pipes it: a real process, not a terminal, COLUMNS=80."""
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("command", [["status"], ["history"], ["quarantine", "list"]])
def test_ids_stay_whole_on_one_line_at_80_columns(tmp_path: Path, command: list[str]) -> None:
    config = _config(tmp_path)
    run_id, shadow_id, qid, source_id = _seed(config)
    text = _harness_at_80_columns(*command, "--config", str(config))
    lines = text.splitlines()
    wanted = [qid, source_id] if command[0] == "quarantine" else [run_id, shadow_id]
    for one in wanted:
        assert any(one in line for line in lines), f"{one} cut or wrapped in:\n{text}"


def test_status_at_80_columns_names_every_measure_once_per_flow(tmp_path: Path) -> None:
    config = _config(tmp_path)
    run_id, _, _, _ = _seed(config)
    text = _harness_at_80_columns("status", "--config", str(config))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    block = lines[lines.index("- customers") :]
    for label, value in (("last run", run_id), ("status", "partial"), ("read", "5000"),
                         ("written", "4999"), ("open quarantine", "validation 1")):  # fmt: skip
        assert any(line.split() [: len(label.split())] == label.split() and value in line
                   for line in block), f"{label} {value} not in:\n{text}"  # fmt: skip


@pytest.fixture
def box(tmp_path: Path) -> object:
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=21, accounts=40)) as sandbox:
        yield sandbox


def _sync(box: Sandbox, *args: str) -> str:
    """What `harness sync` printed on stdout (warnings a logger writes go to stderr)."""
    result = runner.invoke(app, ["sync", "--config", str(box.config_path), *args],
                           env=box.mocks.env)  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dry_run_prints_a_summary_and_the_values_of_the_first_records(
    box: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output.console, "width", 80)
    plan = orjson.loads(_sync(box, "--mode", "dry-run", "--json"))
    assert plan["planned_total"] == 40
    text = _sync(box, "--mode", "dry-run", "--limit", "3")
    lines = text.splitlines()
    assert any("would create 40" in line for line in lines), text
    shown = [p for p in plan["planned"] if any(p["external_id"] in line for line in lines)]
    assert [p["external_id"] for p in shown] == [p["external_id"] for p in plan["planned"][:3]]
    for planned in shown:
        for path, change in planned["changes"].items():
            value = show_value(change["after"])
            assert any(line.split()[:1] == [path] and value in line for line in lines), (
                f"{path} = {value} not shown:\n{text}"
            )
    assert "... and 37 more" in text
    assert len(lines) < 3 * (len(shown[0]["changes"]) + 2) + 20  # not 500 lines


def test_shadow_reads_the_whole_source_after_incremental_live_runs(box: Sandbox) -> None:
    box.sync(full=True)  # live: sets the watermark
    box.sync()  # live, incremental: reads only the look-back window
    shadow = orjson.loads(_sync(box, "--mode", "shadow", "--json"))
    assert shadow["kind"] == "full"
    assert shadow["counts"]["read"] == 40
    asked = orjson.loads(_sync(box, "--mode", "shadow", "--incremental", "--json"))
    assert asked["kind"] == "incremental"
    assert asked["counts"]["read"] < 40  # what the shadow checked before: the latest changes


def test_the_reconcile_report_records_what_was_judged_and_where_without_secrets(
    box: Sandbox,
) -> None:
    run = box.sync(full=True)
    box.sync(mode="dry-run")  # a later plan changes nothing in the target: not the judged run
    report, paths = box.reconcile()
    context = report.context
    assert context is not None
    assert context.harness_version == harness.__version__
    assert {s.url for s in context.systems} == {box.mocks.crm.url, box.mocks.erp.url}
    assert [(r.flow, r.run_id, r.mode) for r in context.runs] == [(run.flow, run.run_id, "live")]
    assert context.seconds >= 0 and context.config == str(box.config_path)
    written = paths["json"].read_text(encoding="utf-8") + paths["html"].read_text(encoding="utf-8")
    assert run.run_id in written
    for name, value in box.mocks.env.items():
        assert len(value) < 8 or value not in written, f"{name} leaked into a report"
