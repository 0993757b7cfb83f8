"""The HTML report in a real headless Chromium: what a reviewer sees, not what we wrote.

Chromium comes from the Debian packages `chromium` and `chromium-driver`; `make test` installs
them when missing (the Makefile's `browser` step). Without it this test fails: it is part of
the sign-off, not an optional extra.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reconcile.decision import owner_of
from reconcile.model import JudgedRun, ReconcileReport, ReportContext, SystemRef
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
    checks = no_go_report.verdict.checks
    assert f"{sum(not c.ok for c in checks)} of {len(checks)} checks fail" in text
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


# -- the decision record, measured in the browser -------------------------------------------

CONTEXT = ReportContext(
    harness_version="9.8.7",
    started_at="2026-11-30T09:00:00+00:00",
    seconds=74.2,
    config="/srv/integration/harness.yaml",
    systems=(
        SystemRef("crm", "salesforce", "https://crm.example.com:8443"),
        SystemRef("erp", "netsuite", "https://erp.example.com/services/rest"),
    ),
    runs=(
        JudgedRun("contacts", "20261130T083000Z-1a2b", "live", "full", "succeeded", None),
        JudgedRun(
            HOSTILE_FLOW,
            "20261130T084500Z-3c4d",
            "live",
            "incremental",
            "partial",
            "2026-11-30T08:46:00+00:00",
        ),
    ),
)

LONG_FLOW = "customers from the EU Salesforce org to the NetSuite OneWorld UK subsidiary"

# Runs in the browser after layout: the boxes of every chart label and of the record's parts.
MEASURE = """<script>
const box = (el) => { const r = el.getBoundingClientRect();
  return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
const charts = [...document.querySelectorAll("svg.chart")].map((svg) => ({
  id: svg.id, box: box(svg),
  texts: [...svg.querySelectorAll("text")].map((t) => ({text: t.textContent, ...box(t)})),
}));
const parts = {};
for (const id of ["scope", "environment", "actions", "sign-off"]) {
  const el = document.getElementById(id);
  parts[id] = el && {...box(el), text: el.innerText};
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({charts, parts});
document.body.appendChild(out);
</script>"""


def _measured(tmp_path: Path, page: Path) -> dict[str, Any]:
    """The page as Chromium lays it out at 1280 px: a copy with the measuring script (the
    report itself carries no script)."""
    probe = tmp_path / "measured.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                     encoding="utf-8")  # fmt: skip
    dom = _chromium(tmp_path, "--window-size=1280,4000", "--virtual-time-budget=2000",
                    "--dump-dom", probe.as_uri()).stdout  # fmt: skip
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    width = min(a["r"], b["r"]) - max(a["l"], b["l"])
    height = min(a["b"], b["b"]) - max(a["t"], b["t"])
    return max(width, 0) * max(height, 0)


@pytest.fixture
def record_page(tmp_path: Path, no_go_report: ReconcileReport) -> tuple[Path, ReconcileReport]:
    # A flow named at length: its label must be drawn whole, not cut to its last characters.
    long_named = replace(no_go_report.flows[0], flow=LONG_FLOW)
    report = replace(no_go_report, context=CONTEXT, flows=(*no_go_report.flows, long_named))
    one, other = report.flows[0].flow, report.flows[1].flow
    history = [s for s in _history(report) if s.flow == other]
    single = ReconcileSummary(flow=one, generated_at=T0_HISTORY, verdict="NO-GO",
                              passed=False, record_accuracy=0.8, field_accuracy=0.95)  # fmt: skip
    history.append(single)
    paths = write_reports(report, tmp_path / "reports", history=history)
    return paths["html"], report


def test_the_decision_record_shows_scope_runs_version_owners_and_sign_off(
    tmp_path: Path, record_page: tuple[Path, ReconcileReport]
) -> None:
    page, report = record_page
    parts = _measured(tmp_path, page)["parts"]
    for name, part in parts.items():
        assert part is not None and part["r"] - part["l"] > 100 and part["b"] > part["t"], name
    scope = parts["scope"]["text"]
    for run in CONTEXT.runs:
        assert run.run_id in scope
    for f in report.flows:
        assert f.flow in scope and f"{f.source_records:,}" in scope
    environment = parts["environment"]["text"] + parts["scope"]["text"]
    assert "9.8.7" in environment and "1 min 14 s" in environment
    for system in CONTEXT.systems:
        assert system.url in environment
    actions = parts["actions"]["text"]
    for check in report.verdict.checks:
        if not check.ok:
            ownership = owner_of(check.name)
            assert ownership.owner in actions and ownership.action in actions.replace("\n", " ")
    assert "data steward" in actions and "integration engineer" in actions
    sign_off = parts["sign-off"]["text"]
    for line in ("Signed by", "Role", "Date", "Signature", "GO with conditions", "NO-GO"):
        assert line in sign_off


def test_no_chart_label_overlaps_another_or_is_cut(
    tmp_path: Path, record_page: tuple[Path, ReconcileReport]
) -> None:
    page, report = record_page
    charts = _measured(tmp_path, page)["charts"]
    assert {c["id"] for c in charts} >= {"record-accuracy", "field-accuracy-0", "trend-0"}
    for chart in charts:
        texts, frame = chart["texts"], chart["box"]
        for i, a in enumerate(texts):
            assert a["l"] >= frame["l"] - 0.5 and a["r"] <= frame["r"] + 0.5, (chart["id"], a)
            for b in texts[i + 1 :]:
                assert _overlap(a, b) < 1, (chart["id"], a, b)
    labels = {t["text"] for c in charts if c["id"].startswith("field-") for t in c["texts"]}
    for f in report.flows:
        for field in f.fields:
            assert field.path in labels  # whole, never shortened from the left
    flows = {t["text"] for c in charts if c["id"] == "record-accuracy" for t in c["texts"]}
    assert {f.flow for f in report.flows} <= flows
    single = next(c for c in charts if c["id"] == "trend-0")  # the flow with one reconcile
    assert any(t["text"] == "record 80.00%, field 95.00%" for t in single["texts"])
