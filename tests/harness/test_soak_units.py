"""The soak's parts without a sandbox: its clock, the day plans, the verdict's arithmetic
and the timeline charts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.soak import ChurnRates, Incident, SoakClock, SoakLimits, plan_day
from harness.soak.timeline import Accounting, DayRow, FlowDay, Timeline, flow_breaches
from reconcile.render_timeline import timeline_section
from sync.errors import ConfigError

START = datetime(2026, 1, 20, tzinfo=UTC)


class FakeWall:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_clock_stands_still_until_moved_and_never_goes_back() -> None:
    clock = SoakClock(START, speed=0)
    assert clock() == START
    assert clock.advance_to(START + timedelta(hours=3)) == START + timedelta(hours=3)
    # An earlier time is refused silently: a run that overran its slot delays what follows.
    assert clock.advance_to(START) == START + timedelta(hours=3)
    assert clock.advance(60) == START + timedelta(hours=3, minutes=1)


def test_the_clock_runs_at_its_speed_between_jumps() -> None:
    wall = FakeWall()
    clock = SoakClock(START, speed=60, wall=wall)
    wall.now = 2.5  # two and a half real seconds: two and a half simulated minutes
    assert clock() == START + timedelta(minutes=2, seconds=30)
    clock.advance_to(START + timedelta(days=1))
    wall.now = 3.5
    assert clock() == START + timedelta(days=1, minutes=1)


def test_the_clock_is_safe_to_move_from_many_threads() -> None:
    clock = SoakClock(START, speed=0)

    def tick() -> None:
        for _ in range(200):
            clock.advance(1)

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each advance moves at least one second from what the mover read; all 800 are counted
    # at most once each and none is lost backwards.
    assert START + timedelta(seconds=200) <= clock() <= START + timedelta(seconds=800)


def test_a_clock_refuses_a_naive_start_or_a_negative_speed() -> None:
    with pytest.raises(ValueError):
        SoakClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        SoakClock(START, speed=-1)


def test_a_day_plan_is_the_same_for_the_same_seed_and_inside_the_working_day() -> None:
    one = plan_day(3, START, 2000, seed=42)
    assert one == plan_day(3, START, 2000, seed=42)
    assert one != plan_day(3, START, 2000, seed=43)
    assert all(START + timedelta(hours=8) <= e.at < START + timedelta(hours=19) for e in one.events)
    assert [e.at for e in one.events] == sorted(e.at for e in one.events)
    assert one.total("new_customers") == 10 and one.total("crm_edits") == 20
    assert one.total("deletes") == 2 and not one.month_end


def test_the_last_day_of_a_month_brings_the_month_end_burst() -> None:
    normal = plan_day(1, datetime(2026, 1, 30, tzinfo=UTC), 2000, seed=1)
    month_end = plan_day(2, datetime(2026, 1, 31, tzinfo=UTC), 2000, seed=1)
    assert month_end.month_end and not normal.month_end
    assert month_end.total("new_customers") == 3 * normal.total("new_customers")
    assert month_end.total("erp_edits") == 3 * normal.total("erp_edits")
    assert month_end.total("crm_edits") == normal.total("crm_edits")


def test_a_small_business_still_changes_every_day_but_may_delete_nothing() -> None:
    plan = plan_day(1, START, 100, seed=42, rates=ChurnRates())
    assert plan.total("new_customers") == 1 and plan.total("order_edits") == 1
    assert plan.total("deletes") == 0


def test_an_incident_names_a_shipped_plan_or_a_file(tmp_path: Path) -> None:
    assert Incident.parse("9:rate_limit_storm").path().name == "rate_limit_storm.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules:\n  - {name: x, effect: {type: nonsense}}\n")
    with pytest.raises(ConfigError, match="unknown effect 'nonsense'"):
        Incident.parse(f"2:{bad}")
    with pytest.raises(ConfigError, match="rate_limit_storm"):
        Incident.parse("9:no_such_plan")
    with pytest.raises(ConfigError, match="DAY:PLAN"):
        Incident.parse("rate_limit_storm")


def _flow(name: str, **values: object) -> FlowDay:
    base: dict[str, object] = dict(
        flow=name,
        runs=6,
        failed_runs=0,
        written=3,
        record_accuracy=1.0,
        field_accuracy=1.0,
        lag_p95_seconds=3600.0,
        lag_changes=3,
        open_quarantine=0,
        new_quarantine=0,
        errors=0,
        error_rate=0.0,
        api_calls={"netsuite": 20},
    )
    base.update(values)
    flow = FlowDay(**base)  # type: ignore[arg-type]
    from dataclasses import replace

    return replace(flow, breaches=flow_breaches(flow, SoakLimits(), 0))


def _row(day: int, *flows: FlowDay) -> DayRow:
    return DayRow(
        day=day,
        date=f"2026-01-{19 + day}",
        month_end=False,
        incident=None,
        churn={"new_customers": 1},
        flows=flows,
        api_calls={"salesforce": 100},
        allowance={"salesforce": 1000},
        profiles={},
        wall_seconds=1.0,
    )


def test_each_limit_names_its_breach() -> None:
    assert _flow("customers").breaches == ()
    assert "lag p95 9.0 h" in _flow("customers", lag_p95_seconds=9 * 3600.0).breaches[0]
    assert "grew by 2" in _flow("orders", open_quarantine=2).breaches[0]
    assert "12.5%" in _flow("orders", errors=5, error_rate=0.125).breaches[0]
    assert "1 of 6" in _flow("orders", failed_runs=1).breaches[0]


def test_the_verdict_is_go_only_when_every_day_passed_and_the_incident_is_accounted() -> None:
    good = Timeline(
        "salesforce",
        "netsuite",
        100,
        42,
        4.0,
        SoakLimits(),
        (_row(1, _flow("customers")), _row(2, _flow("customers"))),
    )
    assert good.go and good.reasons() == []
    bad = Timeline(
        "salesforce",
        "netsuite",
        100,
        42,
        4.0,
        SoakLimits(),
        (_row(1, _flow("customers")), _row(2, _flow("orders", failed_runs=2))),
        accounting=Accounting(2, 3, unaccounted=("orders 801X",)),
    )
    assert not bad.go
    assert [b.day for b in bad.breaches()] == [2] and bad.breaches()[0].flow == "orders"
    assert any("801X" in r for r in bad.reasons())
    assert not Timeline("a", "b", 1, 1, 4.0, SoakLimits(), ()).go  # no day: no evidence


def test_the_timeline_section_draws_one_chart_per_measure_and_marks_breached_days() -> None:
    timeline = Timeline(
        "salesforce",
        "netsuite",
        100,
        42,
        4.0,
        SoakLimits(),
        (_row(1, _flow("customers")), _row(2, _flow("customers", errors=9, error_rate=0.3))),
    )
    html = timeline_section(timeline.to_json())
    for chart in ("soak-accuracy", "soak-lag", "soak-quarantine", "soak-errors", "soak-budget"):
        assert f'id="{chart}"' in html
    assert html.count('class="breach"') == 5  # day 2 banded in each of the five charts
    assert "customers, day 2: 9" in html  # the errors chart's tooltip
    assert "Soak: NO-GO" in html and "<script" not in html


def test_the_command_refuses_an_unknown_incident_plan_before_starting_anything(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    work = tmp_path / "work"
    result = CliRunner().invoke(app, ["soak", "--days", "3", "--incident", "2:no_such_plan",
                                      "--workdir", str(work)])  # fmt: skip
    assert result.exit_code == 2
    assert "no fault plan 'no_such_plan'" in result.output
    assert not work.exists()  # refused before any mock started
    late = CliRunner().invoke(app, ["soak", "--days", "3", "--incident", "5:rate_limit_storm",
                                    "--workdir", str(work)])  # fmt: skip
    assert late.exit_code == 2 and "not one of days 1-3" in late.output
