"""`harness review`: a week of runs, reconciles, quarantine and steward decisions per flow,
read from the state file a real sandbox wrote."""

from __future__ import annotations

import time
from pathlib import Path

from typer.testing import CliRunner

from harness.api import quarantine_discard
from harness.cli import app
from harness.review import build_review, render_markdown
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE

runner = CliRunner()


def test_a_week_of_one_flow_is_reviewed_with_its_numbers(
    harness_sandbox_session: Sandbox, tmp_path: Path
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=12, accounts=20, dirty=0.3))
    box.restore_settings()
    run = box.sync(full=True)
    assert run.counts.quarantined > 0, "a dirty world holds some records back"
    time.sleep(CLOCK_GRACE.total_seconds() + 1.2)
    box.reconcile(["customers"])
    held = [q for q in run.quarantined]
    quarantine_discard(box.config, [held[0].qid], by="dana", note="a test company")
    review = build_review(box.config)
    (week,) = [w for w in review.flows if w.flow == "customers"]
    assert week.runs >= 1 and week.read >= 20 and week.held >= run.counts.quarantined
    assert week.reconciles >= 1 and week.accuracy_last is not None
    assert sum(week.open_held.values()) == len(held) - 1
    assert week.steward == {"dana discarded": 1}
    text = render_markdown(review)
    assert "| customers |" in text and "dana discarded: 1" in text
    result = runner.invoke(app, ["review", "--config", str(box.config_path), "--out",
                                 str(tmp_path)], env=box.environ)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "review.html").read_text().startswith("<!doctype html>")
    unjudged = [w.flow for w in review.flows if w.reconciles == 0]
    if unjudged:  # the same warning in both renderings
        assert "No reconcile this period" in (tmp_path / "review.html").read_text()
    assert "Weekly data-quality review" in (tmp_path / "review.md").read_text()


def test_a_flow_no_reconcile_judged_is_named_in_both_renderings() -> None:
    from datetime import UTC, datetime

    from harness.review import FlowWeek, WeeklyReview, render_html

    week = WeeklyReview(datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC),
                        (FlowWeek("customers", reconciles=1, accuracy_last=1.0),
                         FlowWeek("orders")))  # fmt: skip
    for text in (render_markdown(week), render_html(week)):
        assert "No reconcile this period for: orders" in text
