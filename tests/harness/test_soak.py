"""`harness soak` end to end on real mocks (in process, loopback): a short soak that ends
GO, one whose day-2 incident ends NO-GO with every record of the incident accounted for,
and the one clock driving the mocks' stamps and the state store's times.

Speed 0: simulated time moves only in the soak's jumps, so nothing depends on how fast
this machine is."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from harness.sandbox import Sandbox
from harness.soak import DEFAULT_START, DayRow, Incident, SoakSettings, run_soak
from sync.mapping import load_mapping
from sync.state import StateStore

DAY2 = (DEFAULT_START + timedelta(days=1)).date()
STORM = """\
version: 1
description: a short throttling storm on the ERP, answered without a wait
seed: 7
rules:
  - name: throttled
    match: {kind: [query, read, write]}
    when: {rate: 0.3}
    effect: {type: rate_limit, retry_after: 0}
"""


def _settings(tmp_path: Path, **changes: Any) -> SoakSettings:
    return SoakSettings(
        workdir=tmp_path / "work",
        reports_dir=tmp_path / "reports",
        days=3,
        accounts=100,
        seed=42,
        speed=0.0,
        **changes,
    )


def test_a_short_soak_ends_go_with_a_row_a_day_and_its_charts(tmp_path: Path) -> None:
    seen: dict[int, dict[str, Any]] = {}

    def observe(box: Sandbox, row: DayRow) -> None:
        seen[row.day] = _stamps(box)

    outcome = run_soak(_settings(tmp_path), observe=observe)
    timeline = outcome.timeline
    assert timeline.go, timeline.reasons()
    assert [row.day for row in timeline.days] == [1, 2, 3]
    assert {f.flow for f in timeline.days[0].flows} >= {"customers", "orders", "customer_finance"}
    for row in timeline.days:
        customers = next(f for f in row.flows if f.flow == "customers")
        assert customers.runs == 6 and customers.record_accuracy == 1.0  # every 4 hours
        # A change waits at most one cadence for the next run (speed 0: runs take no time).
        lags = [f.lag_p95_seconds for f in row.flows if f.lag_p95_seconds is not None]
        assert lags and all(0 <= lag <= 4 * 3600 for lag in lags)
        assert row.api_calls["salesforce"] > 0 and row.allowance["salesforce"]

    data = orjson.loads(outcome.paths["json"].read_bytes())
    assert data["verdict"] == "GO" and len(data["days"]) == 3
    html = outcome.paths["html"].read_text(encoding="utf-8")
    assert 'id="soak"' in html and 'id="soak-accuracy"' in html and 'id="soak-budget"' in html
    assert html.count('class="breach"') == 0
    assert "| 3 | 2026-01-22 |" in outcome.paths["markdown"].read_text(encoding="utf-8")

    # The clock drives the stamps: what the churn created on day 2 was stamped on day 2 by
    # the CRM, and the ERP record the sync made for it too.
    created = [
        t.source_id
        for t in outcome.ledger.on_day(2)
        if t.kind == "created" and t.flow == "customers"
    ]
    assert created
    crm, erp = seen[2]["crm"], seen[2]["erp"]
    for source_id in created:
        assert crm[source_id].date() == DAY2
        assert erp[source_id].date() == DAY2
    with StateStore(tmp_path / "work" / "state.db") as state:
        runs = state.runs(limit=10_000)
    end = DEFAULT_START + timedelta(days=3)
    assert runs and all(DEFAULT_START - timedelta(hours=12) <= r.started_at < end for r in runs)
    # The scheduler ran on the soak clock: at speed 0 every scheduled run starts exactly on
    # its 4-hour cadence, churn made while it "slept" never pushing a run later.
    scheduled = [r.started_at for r in runs if r.started_at >= DEFAULT_START]
    assert len(scheduled) == 3 * 6 * len(timeline.days[0].flows)
    assert {(t.hour % 4, t.minute, t.second) for t in scheduled} == {(0, 0, 0)}


def _stamps(box: Sandbox) -> dict[str, Any]:
    """Creation stamps of every CRM account (by id) and ERP customer (by external id)."""
    spec = load_mapping(box.config.flow("customers").mapping)
    crm = {
        r["id"]: datetime.fromisoformat(r["created_at"])
        for r in box.stored("crm", spec.source.object)
    }
    erp = {
        r["fields"].get(spec.external_id_field): datetime.fromisoformat(r["created_at"])
        for r in box.stored("erp", spec.target.object)
    }
    return {"crm": crm, "erp": erp}


@pytest.fixture
def storm(tmp_path: Path) -> Path:
    path = tmp_path / "storm.yaml"
    path.write_text(STORM, encoding="utf-8")
    return path


def test_an_incident_on_day_2_ends_no_go_naming_the_day_and_flows_it_hit(
    tmp_path: Path, storm: Path
) -> None:
    outcome = run_soak(_settings(tmp_path, incident=Incident(2, str(storm))))
    timeline = outcome.timeline
    assert not timeline.go
    breaches = timeline.breaches()
    assert breaches and {b.day for b in breaches} == {2}
    hit = {b.flow for b in breaches}
    day2 = timeline.days[1]
    assert hit == {f.flow for f in day2.flows if f.errors}  # exactly the flows that drew 429s
    assert {"customers", "customer_finance"} <= hit
    assert day2.incident == str(storm) and timeline.days[0].passed and timeline.days[2].passed

    # Every record the business changed on day 2 is accounted for: synced after its change
    # or held in quarantine with a reason; checked against the churn's own ledger.
    acc = timeline.accounting
    assert acc is not None and acc.complete
    touched = outcome.ledger.on_day(2)
    assert acc.touched == len(touched) > 0
    assert sum(acc.synced.values()) + sum(acc.quarantined.values()) + acc.deleted == len(touched)
    reasons = orjson.loads(outcome.paths["json"].read_bytes())["reasons"]
    assert reasons and all(r.startswith("day 2 (2026-01-21)") for r in reasons)
    html = outcome.paths["html"].read_text(encoding="utf-8")
    assert "<title>Soak: NO-GO</title>" in html
    assert html.count('class="breach"') == 5  # day 2 banded in each of the five charts
    assert "## Incident day 2: all accounted for" in outcome.paths["markdown"].read_text()
