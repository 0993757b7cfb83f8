"""The HTML report: self-contained, escaped, with one bar per flow and per field."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reconcile.model import ReconcileReport
from reconcile.render import write_reports
from reconcile.render_html import MISMATCH_SAMPLE, render_html
from sync.state import ReconcileSummary

from .conftest import HOSTILE, HOSTILE_FLOW


class _Texts(HTMLParser):
    """The visible text and the tags of a page, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Texts:
    parser = _Texts()
    parser.feed(page)
    return parser


def _svg(page: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<svg id="{chart_id}".*?</svg>', page, re.S)
    assert match, f"no chart {chart_id}"
    return ET.fromstring(match.group(0))  # inline SVG must be well-formed XML


def _bars(svg: ET.Element) -> list[ET.Element]:
    return [el for el in svg.iter() if el.tag.endswith("rect") and "bar" in el.get("class", "")]


def history(flows: tuple[str, ...], n: int) -> list[ReconcileSummary]:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        ReconcileSummary(
            flow=flow,
            generated_at=start + timedelta(days=i),
            verdict="NO-GO",
            passed=i % 2 == 0,
            record_accuracy=0.9 + i / 100,
            field_accuracy=0.95 + i / 200,
            reconcile_id=f"r{i}",
        )
        for i in range(n)
        for flow in flows
    ]


def test_the_page_is_self_contained(no_go_report: ReconcileReport) -> None:
    page = render_html(no_go_report)
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert not re.search(r'(src|href)\s*=\s*"', page)
    assert "<style>" in page


def test_hostile_values_are_escaped_and_shown_as_text(no_go_report: ReconcileReport) -> None:
    page = render_html(no_go_report)
    assert "<script>" not in page and "<o>" not in page
    text = "".join(_parse(page).text)
    assert HOSTILE in text  # the full expected value, side by side with the cut actual one
    assert HOSTILE[:20] in text
    assert HOSTILE_FLOW in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Smith &amp; &quot;Sons&quot;" in page


def test_verdict_checks_and_root_causes_are_shown(no_go_report: ReconcileReport) -> None:
    text = " ".join(_parse(render_html(no_go_report)).text)
    assert "NO-GO" in text
    for reason in no_go_report.verdict.reasons:
        assert reason in text
    assert "quarantined (validation: required)" in text
    assert "dropped phone" in text
    assert text.count("FAIL") == len(no_go_report.verdict.reasons)


def test_charts_have_one_bar_per_flow_and_per_field(no_go_report: ReconcileReport) -> None:
    page = render_html(no_go_report)
    assert len(_bars(_svg(page, "record-accuracy"))) == len(no_go_report.flows)
    for i, flow in enumerate(no_go_report.flows):
        bars = _bars(_svg(page, f"field-accuracy-{i}"))
        assert len(bars) == len(flow.fields)
        widths = [float(b.get("width", "nan")) for b in bars]
        assert all(0 <= w <= 420 for w in widths)
    low = [b for b in _bars(_svg(page, "record-accuracy")) if "low" in b.get("class", "")]
    assert len(low) == 1  # the dirty flow, under the record-accuracy threshold


def test_the_mismatch_sample_is_capped(no_go_report: ReconcileReport) -> None:
    dirty = no_go_report.flows[1]
    many = replace(dirty, findings=dirty.findings * 10)
    page = render_html(replace(no_go_report, flows=(no_go_report.flows[0], many)))
    assert page.count('<div class="finding ') == MISMATCH_SAMPLE
    assert f"Mismatches ({MISMATCH_SAMPLE} of {len(many.findings)})" in page


def test_no_trend_without_history(go_report: ReconcileReport) -> None:
    assert "trend-chart" not in render_html(go_report)


def test_history_draws_one_point_per_reconcile(go_report: ReconcileReport) -> None:
    page = render_html(go_report, history(("customers", "orders"), 5))
    assert "Trend across reconciles" in page
    for chart in ("trend-0", "trend-1"):
        svg = _svg(page, chart)
        points = [el for el in svg.iter() if el.tag.endswith("circle")]
        assert len(points) == 5
        assert sum("nogo" in p.get("class", "") for p in points) == 2


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "junit"])
def test_write_reports_writes_every_format(
    go_report: ReconcileReport, tmp_path: Path, fmt: str
) -> None:
    paths = write_reports(go_report, tmp_path)
    assert set(paths) == {"json", "markdown", "html", "junit"}
    assert paths["junit"].name == "reconcile.xml"
    assert paths[fmt].is_file() and paths[fmt].stat().st_size > 0
