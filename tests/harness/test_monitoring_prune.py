"""`harness prune`: the retention window over the state file and the rotated log files."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config import HarnessConfig, load_config
from harness.monitoring.retention import parse_window
from sync.state import QuarantineEntry, StateStore
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> HarnessConfig:
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {tmp_path / "state" / "state.db"}}}
flows:
  - {{name: customers, mapping: {MAPPING}, source: crm, target: erp}}
retention: {{days: 60}}
""", encoding="utf-8")  # fmt: skip
    return load_config(path, {})


def _seed(config: HarnessConfig, age_days: int) -> tuple[str, str]:
    """A run `age_days` old with two quarantined records, one of them discarded; returns the
    (open, discarded) qids. The old log file is as old."""
    then = datetime.now(UTC) - timedelta(days=age_days)
    with StateStore(config.state_path, clock=lambda: then) as state:
        run = state.start_run("customers", "live", "full")
        held = [QuarantineEntry.new(run_id=run.run_id, flow="customers", source_id=s,
                                    reason="validation", code="REQUIRED", message="m",
                                    payload={}, created_at=then) for s in ("A", "B")]  # fmt: skip
        state.commit_page(run.run_id, "customers", quarantine=held)
        state.finish_run(run.run_id, "partial", {"read": 2, "quarantined": 2})
        a, b = state.quarantined("customers")
        state.quarantine_discard([b.qid], by="steward")
        dry = state.start_run("customers", "dry-run", "full")
        state.finish_run(dry.run_id, "succeeded", {})
    config.logs_dir.mkdir(parents=True)
    for name in ("harness.log", "harness.log.2026-01-01"):
        (config.logs_dir / name).write_text("{}\n", encoding="utf-8")
    os.utime(config.logs_dir / "harness.log.2026-01-01", (then.timestamp(), then.timestamp()))
    return a.qid, b.qid


def test_prune_uses_the_configured_window_and_keeps_open_quarantine(
    config: HarnessConfig,
) -> None:
    open_qid, discarded_qid = _seed(config, age_days=100)
    preview = runner.invoke(app, ["prune", "--config", str(config.path), "--dry-run", "--json"])
    assert preview.exit_code == 0, preview.output
    doc = orjson.loads(preview.stdout)
    assert doc["dry_run"] is True and doc["rows"]["quarantine"] == 1 and doc["rows"]["runs"] == 1
    assert doc["log_files"] == [str(config.logs_dir / "harness.log.2026-01-01")]
    assert (config.logs_dir / "harness.log.2026-01-01").exists()

    done = runner.invoke(app, ["prune", "--config", str(config.path)])
    assert done.exit_code == 0, done.output
    assert "deleted audit 0, planned_changes 0, quarantine 1" in done.output
    with StateStore(config.state_path) as state:
        assert state.quarantine_get(discarded_qid) is None
        assert [q.qid for q in state.quarantined("customers")] == [open_qid]
        assert [r.mode for r in state.runs("customers")] == ["live"]  # the held entry's run
    assert sorted(p.name for p in config.logs_dir.iterdir()) == ["harness.log"]


def test_prune_keeps_what_is_younger_than_the_window(config: HarnessConfig) -> None:
    _seed(config, age_days=10)
    result = runner.invoke(app, ["prune", "--config", str(config.path), "--older-than", "30d",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert sum(doc["rows"].values()) == 0 and doc["log_files"] == []
    shorter = runner.invoke(app, ["prune", "--config", str(config.path), "--older-than", "1w",
                                  "--json"])  # fmt: skip
    assert orjson.loads(shorter.stdout)["rows"]["quarantine"] == 1


@pytest.mark.parametrize(
    ("text", "days"), [("90d", 90), ("12h", 0.5), ("2w", 14), ("7", 7)], ids=str
)
def test_windows_are_read_in_days_hours_or_weeks(text: str, days: float) -> None:
    assert parse_window(text) == timedelta(days=days)


def test_a_bad_window_exits_2_with_examples(config: HarnessConfig) -> None:
    result = runner.invoke(app, ["prune", "--config", str(config.path), "--older-than", "soon"])
    assert result.exit_code == 2 and "90d" in result.output
