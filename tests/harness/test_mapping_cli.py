"""`harness mapping export` against both mocks' describes, offline, and `harness flows`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox import Sandbox
from tests.paths import CUSTOMERS_MAPPING

DEFAULT_MAPPING = CUSTOMERS_MAPPING

runner = CliRunner()


def test_export_with_describes_flags_shorter_targets_in_every_format(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["mapping", "export", "--config", str(sandbox.config_path), "--out-dir", str(tmp_path)],
        env=sandbox.mocks.env,
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "mapping-customers.csv").read_text())))
    by_target = {r["target_field"]: r for r in rows}
    name = by_target["companyName"]
    assert (name["source_type"], name["source_length"], name["target_length"]) == (
        "string",
        "255",
        "83",
    )
    assert name["flags"] == "target shorter (83 < 255)"
    assert "target shorter" in by_target["comments"]["flags"]
    sheet = load_workbook(tmp_path / "mapping-customers.xlsx").active
    assert sheet is not None
    assert sheet["A1"].value == "source field" and sheet.max_row == len(rows) + 1
    flagged = [r for r in sheet.iter_rows(min_row=2) if r[-1].value]
    assert flagged and all(c.fill.start_color.rgb.endswith("FFF2CC") for c in flagged[0])
    assert "target shorter" in (tmp_path / "mapping-customers.md").read_text()


def test_offline_export_needs_no_config_and_writes_the_chosen_format(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["mapping", "export", "--mapping", str(DEFAULT_MAPPING), "--format", "md",
         "--out-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["mapping-customers.md"]
    bad = runner.invoke(app, ["mapping", "export", "--mapping", str(DEFAULT_MAPPING),
                              "--format", "pdf", "--out-dir", str(tmp_path)])  # fmt: skip
    assert bad.exit_code == 2 and "pdf" in bad.output


def test_flows_prints_the_matrix_and_writes_a_mermaid_diagram(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["flows", "--config", str(sandbox.config_path), "--out-dir", str(tmp_path)],
        env=sandbox.mocks.env,
    )
    assert result.exit_code == 0, result.output
    assert "flowchart LR" in result.output and "customers" in result.output
    text = (tmp_path / "flows.md").read_text()
    assert "```mermaid\nflowchart LR" in text
    assert "| customers | Account -> customer |" in text
