"""The shadow report model and its renderers, from planned changes held in memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from reconcile.shadow import build_shadow_report, render_shadow_markdown, write_shadow_reports
from sync.state import PlannedChange, RunInfo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
COUNTS = {"read": 10, "unchanged": 5, "in_sync": 2, "created": 1, "updated": 2, "quarantined": 0}


def _run() -> RunInfo:
    return RunInfo("20260301T120000Z-abcd", "customers", "shadow", "full", "succeeded", T0,
                   T0, COUNTS)  # fmt: skip


def _planned() -> list[PlannedChange]:
    city = "addressBook.0.addressBookAddress.city"
    old = {
        "companyName": "Acme",
        "addressBook": [{"addressBookAddress": {"city": "Leeds"}}],
    }
    new = {
        "companyName": "Acme Group",
        "addressBook": [{"addressBookAddress": {"city": "York"}}],
    }
    return [
        PlannedChange("r", "customers", "create", "S1", None, "S1", ("companyName",), None,
                      {"companyName": "New Co"}),
        PlannedChange("r", "customers", "update", "S2", "7", "S2", ("companyName", city), old, new),
        PlannedChange("r", "customers", "update", "S3", "8", "S3", ("companyName",),
                      {"companyName": "B"}, {"companyName": "B Ltd"}),
    ]  # fmt: skip


def test_counts_fields_and_agreement(tmp_path: Path) -> None:
    report = build_shadow_report(_run(), _planned())
    assert (report.would_create, report.would_update, report.would_write) == (1, 2, 3)
    assert (report.unchanged, report.read, report.agreement) == (7, 10, 0.7)
    city = "addressBook.0.addressBookAddress.city"
    assert report.field_updates == {"companyName": 2, city: 1}
    update = report.records[1]
    assert [(c.path, c.before, c.after) for c in update.changes] == [
        ("companyName", "Acme", "Acme Group"), (city, "Leeds", "York")]  # fmt: skip
    assert report.records[0].changes[0].before is None

    paths = write_shadow_reports(report, tmp_path)
    data = orjson.loads(paths["json"].read_bytes())
    assert (data["agreement"], data["would_write"], len(data["records"])) == (0.7, 3, 3)
    markdown = render_shadow_markdown(report)
    assert markdown.startswith("# Shadow run 20260301T120000Z-abcd: 3 write(s) planned")
    assert "**70.00%**" in markdown
    assert "`companyName`: 'Acme' -> 'Acme Group'" in markdown
    assert paths["markdown"].read_text(encoding="utf-8") == markdown


def test_an_empty_plan_means_production_agrees() -> None:
    report = build_shadow_report(_run(), [])
    assert report.would_write == 0 and report.records == ()
    assert "Planned writes" not in render_shadow_markdown(report)
