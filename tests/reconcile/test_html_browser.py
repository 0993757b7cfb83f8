"""The HTML report in a real headless Chromium: what a reviewer sees, not what we wrote.

Chromium comes from the Debian packages `chromium` and `chromium-driver`; `make test` installs
them when missing (the Makefile's `browser` step). Without it this test fails: it is part of
the sign-off, not an optional extra.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reconcile.model import ReconcileReport
from reconcile.render import write_reports
from sync.state import ReconcileSummary

from .conftest import HOSTILE, HOSTILE_FLOW

CHROMIUM = Path("/usr/bin/chromium")
T0_HISTORY = datetime(2026, 11, 1, tzinfo=UTC)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs the Debian packages "
            "chromium and chromium-driver before the suite"
        )
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


class _Visible(HTMLParser):
    """Text outside <style>/<title>, i.e. what the page shows."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "title", "head")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "title", "head")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _history(report: ReconcileReport) -> list[ReconcileSummary]:
    return [
        ReconcileSummary(
            flow=f.flow,
            generated_at=T0_HISTORY + timedelta(days=i),
            verdict="NO-GO",
            passed=False,
            record_accuracy=0.5 + i / 10,
            field_accuracy=0.9 + i / 100,
        )
        for i in range(3)
        for f in report.flows
    ]


@pytest.fixture
def page(tmp_path: Path, no_go_report: ReconcileReport) -> Path:
    paths = write_reports(no_go_report, tmp_path / "reports", history=_history(no_go_report))
    return paths["html"]


def test_chromium_renders_the_verdict_charts_and_escaped_values(
    tmp_path: Path, page: Path, no_go_report: ReconcileReport
) -> None:
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<html" in dom[:100] and dom.rstrip().endswith("</html>"), dom[:200]
    visible = _Visible()
    visible.feed(dom)
    text = " ".join(visible.parts)
    assert "NO-GO" in text
    assert "5 of 10 checks fail" in text
    assert "contacts" in text
    # a hostile value arrives as text: no element was made of it, it reads as it was stored
    assert HOSTILE in text and HOSTILE_FLOW in text
    assert "<script" not in dom.lower()
    assert re.search(r"<o\b", dom) is None
    # the record-accuracy chart the browser built has one bar per flow
    chart = re.search(r'<svg id="record-accuracy".*?</svg>', dom, re.S)
    assert chart is not None
    svg = ET.fromstring(chart.group(0))
    bars = [el for el in svg.iter() if el.tag.endswith("rect") and "bar" in el.get("class", "")]
    assert len(bars) == len(no_go_report.flows)
    field_chart = re.search(r'<svg id="field-accuracy-1".*?</svg>', dom, re.S)
    assert field_chart is not None
    assert field_chart.group(0).count('class="bar ') == len(no_go_report.flows[1].fields)
    trend = re.search(r'<svg id="trend-0".*?</svg>', dom, re.S)
    assert trend is not None and trend.group(0).count("<circle") == 3


def test_chromium_paints_a_screenshot(tmp_path: Path, page: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a blank page compresses to a few kB; ours has charts and tables
