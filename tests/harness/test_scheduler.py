"""Flow schedules in harness.yaml and the scheduler behind `harness run`, on a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.api import load_flows
from harness.config import ConfigValidationError, FlowConfig, HarnessConfig, load_config
from harness.config.schedule import Schedule, dependency_order, find_cycles
from harness.scheduler import RunOutcome, Scheduler, next_due
from sync.engine import RunCounts, RunResult
from sync.errors import ConfigError, FatalError
from sync.flow import DEFAULT_BATCH_SIZE
from sync.flowlock import FlowBusyError
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # on a minute boundary

HEAD = """\
version: 1
systems:
  crm:
    vendor: salesforce
    base_url: https://127.0.0.1:8443
  erp:
    vendor: netsuite
    base_url: https://127.0.0.1:8444
flows:
"""


def _flow(name: str, extra: str = "") -> str:
    """One flow entry, `extra` lines appended under it (already indented by 4)."""
    return f"  - name: {name}\n    mapping: {MAPPING}\n    source: crm\n    target: erp\n{extra}"


def _write(tmp_path: Path, flows: str) -> Path:
    path = tmp_path / "harness.yaml"
    path.write_text(HEAD + flows, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# -- config ------------------------------------------------------------------------------------


def test_schedules_dependencies_and_run_tuning_load_into_flow_configs(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _flow("customers", "    schedule: {realtime: 30}\n    lookback_seconds: 120\n")
        + _flow("products")
        + _flow(
            "orders",
            "    schedule: {cron: '0 9 * * 1-5', timezone: Europe/Paris}\n"
            "    depends_on: [customers, products]\n    schema_recheck_seconds: 0\n",
        ),
    )
    config = load_config(path, {})
    customers, products, orders = config.flows
    assert customers.schedule == Schedule(realtime=30.0)
    assert customers.lookback_seconds == 120.0 and customers.schema_recheck_seconds == 60.0
    assert products.schedule is None and products.depends_on == ()
    assert products.lookback_seconds == 0.0
    assert orders.schedule == Schedule(cron="0 9 * * 1-5", timezone="Europe/Paris")
    assert orders.depends_on == ("customers", "products")
    assert orders.schema_recheck_seconds == 0.0


def test_engine_flow_carries_lookback_and_schema_recheck(tmp_path: Path) -> None:
    extra = "    lookback_seconds: 90\n    schema_recheck_seconds: 15\n"
    config = load_config(_write(tmp_path, _flow("customers", extra)), {})
    (plan,) = load_flows(config, ["customers"])
    flow = plan.engine_flow()
    assert flow.lookback == timedelta(seconds=90)
    assert flow.schema_recheck == timedelta(seconds=15)
    assert flow.batch_size == DEFAULT_BATCH_SIZE


@pytest.mark.parametrize(
    ("flows", "needle", "message"),
    [
        pytest.param(
            _flow("customers", "    schedule: {realtme: 5}\n"),
            "realtme",
            "unknown key 'realtme' (did you mean 'realtime'?)",
            id="unknown-schedule-key",
        ),
        pytest.param(
            _flow("customers", "    schedul: {realtime: 5}\n"),
            "schedul:",
            "unknown key 'schedul' (did you mean 'schedule'?)",
            id="unknown-flow-key",
        ),
        pytest.param(
            _flow("customers", "    schedule: {realtime: 0}\n"),
            "realtime: 0",
            "must be a number of seconds, 1 or more",
            id="realtime-below-one",
        ),
        pytest.param(
            _flow("customers", "    schedule: {cron: '61 * * * *'}\n"),
            "61 *",
            "not a valid cron expression",
            id="cron-out-of-range",
        ),
        pytest.param(
            _flow("customers", "    schedule: {cron: '0 */5 * * * *'}\n"),
            "0 */5",
            "cron needs 5 fields (minute hour day-of-month month day-of-week), got 6",
            id="cron-six-fields",
        ),
        pytest.param(
            _flow("customers", "    schedule: {cron: 'every monday'}\n"),
            "every monday",
            "cron needs 5 fields",
            id="cron-prose",
        ),
        pytest.param(
            _flow("customers", "    schedule: {realtime: 5, cron: '* * * * *'}\n"),
            "realtime: 5",
            "give either realtime (seconds) or cron, not both",
            id="realtime-and-cron",
        ),
        pytest.param(
            _flow("customers", "    schedule: {}\n"),
            "schedule:",
            "needs realtime: SECONDS or cron:",
            id="empty-schedule",
        ),
        pytest.param(
            _flow("customers", "    schedule: {cron: '* * * * *', timezone: Europe/Pariss}\n"),
            "Pariss",
            "unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)",
            id="unknown-timezone",
        ),
        pytest.param(
            _flow("customers", "    schedule: {realtime: 5, timezone: UTC}\n"),
            "timezone",
            "timezone applies to cron schedules only",
            id="timezone-without-cron",
        ),
        pytest.param(
            _flow("customers", "    schedule: every 5 minutes\n"),
            "schedule:",
            "must be a mapping, not 'every 5 minutes'",
            id="schedule-not-a-mapping",
        ),
        pytest.param(
            _flow("customers") + _flow("orders", "    depends_on:\n      - custmers\n"),
            "- custmers",
            "unknown flow 'custmers' (did you mean 'customers'?); known flows: customers, orders",
            id="unknown-dependency",
        ),
        pytest.param(
            _flow("customers", "    depends_on: customers\n"),
            "depends_on",
            "must be a list, not 'customers'",
            id="depends-on-not-a-list",
        ),
        pytest.param(
            _flow("customers", "    depends_on:\n      - customers\n"),
            "- customers",
            "a flow cannot depend on itself",
            id="self-dependency",
        ),
        pytest.param(
            _flow("customers", "    depends_on:\n      - orders\n")
            + _flow("orders", "    depends_on: [customers]\n"),
            "- orders",
            "dependency cycle: customers -> orders -> customers; remove one of these",
            id="two-flow-cycle",
        ),
        pytest.param(
            _flow("customers", "    depends_on: [invoices]\n")
            + _flow("orders", "    depends_on: [customers]\n")
            + _flow("invoices", "    depends_on: [orders]\n"),
            "depends_on: [invoices]",
            "dependency cycle: customers -> invoices -> orders -> customers",
            id="three-flow-cycle",
        ),
        pytest.param(
            _flow("customers", "    lookback_seconds: -1\n"),
            "lookback_seconds",
            "must be a number of seconds, 0 or more",
            id="negative-lookback",
        ),
        pytest.param(
            _flow("customers", "    schema_recheck_seconds: soon\n"),
            "schema_recheck_seconds",
            "must be a number of seconds, 0 or more",
            id="schema-recheck-not-a-number",
        ),
    ],
)
def test_schedule_problems_name_file_line_and_what_to_do(
    tmp_path: Path, flows: str, needle: str, message: str
) -> None:
    path = _write(tmp_path, flows)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    text = str(caught.value)
    assert message in text
    assert f"{path}:{_line_of(path, needle)}:" in text, text


def test_every_schedule_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _flow("customers", "    schedule: {cron: '* * *'}\n    depends_on: [prodcts]\n")
        + _flow("orders", "    schedule: {realtime: 0.5}\n"),
    )
    with pytest.raises(ConfigValidationError) as caught:
        load_config(path, {})
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3, messages
    assert any("cron needs 5 fields" in m for m in messages)
    assert any("unknown flow 'prodcts'" in m for m in messages)
    assert any("1 or more" in m for m in messages)


# -- dependency order --------------------------------------------------------------------------


def test_dependency_order_puts_every_flow_after_what_it_references() -> None:
    graph = {"orders": ["customers", "products"], "invoices": ["orders"], "customers": [],
             "products": [], "notes": []}  # fmt: skip
    order = dependency_order(graph)
    assert order == ["customers", "products", "orders", "invoices", "notes"]


def test_dependency_order_names_a_cycle() -> None:
    with pytest.raises(ConfigError, match="dependency cycle: a -> b -> c -> a"):
        dependency_order({"a": ["b"], "b": ["c"], "c": ["a"], "d": []})


def test_find_cycles_reports_each_cycle_once() -> None:
    graph = {"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c", "a"], "e": ["a"]}
    assert find_cycles(graph) == [["a", "b", "a"], ["c", "d", "c"]]


# -- next due ----------------------------------------------------------------------------------


def test_realtime_flow_is_due_at_start_then_every_n_seconds_after_its_last_start() -> None:
    every = Schedule(realtime=15)
    assert next_due(every, None, T0) == T0
    started = T0 + timedelta(seconds=42)
    assert next_due(every, started, T0) == started + timedelta(seconds=15)


def test_cron_flow_is_due_at_the_next_fire_time_after_its_last_start() -> None:
    every_five = Schedule(cron="*/5 * * * *")
    assert next_due(every_five, None, T0 + timedelta(seconds=1)) == T0 + timedelta(minutes=5)
    assert next_due(every_five, None, T0) == T0 + timedelta(minutes=5)  # strictly after
    late = T0 + timedelta(minutes=5, seconds=3)
    assert next_due(every_five, late, T0) == T0 + timedelta(minutes=10)


def test_cron_is_read_in_its_timezone_across_daylight_saving() -> None:
    nine_in_paris = Schedule(cron="0 9 * * *", timezone="Europe/Paris")
    winter = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert next_due(nine_in_paris, None, winter) == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert next_due(nine_in_paris, None, summer) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


# -- the loop on a fake clock ------------------------------------------------------------------


class FakeTime:
    """A clock that moves only when the scheduler sleeps or a run takes time."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the scheduler must never spin"
        assert len(self.sleeps) < 1000, "the loop should have ended"
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def offset(self) -> float:
        return (self.now - T0).total_seconds()


def _config_flow(name: str, schedule: Schedule | None, *depends: str) -> FlowConfig:
    return FlowConfig(name, MAPPING, "crm", "erp", schedule=schedule, depends_on=depends)


class Recorder:
    """A stand-in for `run_sync`: records (seconds since T0, flow) and can fail or take time."""

    def __init__(
        self,
        fake: FakeTime,
        takes: float = 0.0,
        fail: Callable[[str, int], BaseException | None] = lambda _f, _n: None,
    ) -> None:
        self.fake, self.takes, self.fail = fake, takes, fail
        self.calls: list[tuple[float, str]] = []

    def __call__(self, flow: str) -> RunResult:
        self.calls.append((self.fake.offset(), flow))
        self.fake.now += timedelta(seconds=self.takes)
        if (error := self.fail(flow, len(self.calls))) is not None:
            raise error
        counts = RunCounts(read=5, created=3, updated=1, quarantined=1)
        return RunResult(f"run-{len(self.calls)}", flow, "live", "incremental", "partial", counts)


FLOWS = (
    _config_flow("orders", Schedule(cron="* * * * *"), "customers", "products"),
    _config_flow("customers", Schedule(realtime=10)),
    _config_flow("products", Schedule(realtime=30)),
    _config_flow("notes", None),  # on demand only: never scheduled
)


def test_loop_runs_the_right_flows_at_the_right_ticks_in_dependency_order() -> None:
    fake = FakeTime()
    runs = Recorder(fake)
    scheduler = Scheduler(FLOWS, runs, clock=fake.clock, sleep=fake.sleep)
    summary = scheduler.run(max_seconds=61)
    assert runs.calls == [
        (0, "customers"), (0, "products"),
        (10, "customers"), (20, "customers"),
        (30, "customers"), (30, "products"),
        (40, "customers"), (50, "customers"),
        (60, "customers"), (60, "products"), (60, "orders"),
    ]  # fmt: skip
    assert fake.sleeps == [10, 10, 10, 10, 10, 10, 1]
    assert summary.ended == "max-seconds" and summary.runs == 11
    assert {o.status for o in summary.outcomes} == {"partial"}


def test_slow_runs_push_realtime_starts_and_missed_cron_fires_are_caught_up_once() -> None:
    fake = FakeTime()
    runs = Recorder(fake, takes=90)
    flows = [_config_flow("orders", Schedule(cron="* * * * *"))]
    Scheduler(flows, runs, clock=fake.clock, sleep=fake.sleep).run(max_runs=3)
    # fires at 60; that run ends at 150, past the 120 fire: caught up once at 150 (not twice)
    assert [at for at, _ in runs.calls] == [60, 150, 240]
    fake = FakeTime()
    runs = Recorder(fake, takes=25)
    flows = [_config_flow("customers", Schedule(realtime=10))]
    Scheduler(flows, runs, clock=fake.clock, sleep=fake.sleep).run(max_runs=3)
    assert [at for at, _ in runs.calls] == [0, 25, 50]  # overdue: started right away


def test_failed_run_is_reported_and_the_loop_goes_on() -> None:
    fake = FakeTime()

    def first_fails(_flow: str, call: int) -> BaseException | None:
        return FatalError("the ERP refused the credentials") if call == 1 else None

    seen: list[RunOutcome] = []
    flows = [_config_flow("customers", Schedule(realtime=5))]
    scheduler = Scheduler(
        flows, Recorder(fake, fail=first_fails), clock=fake.clock, sleep=fake.sleep,
        report=seen.append,
    )  # fmt: skip
    summary = scheduler.run(max_runs=3)
    assert [o.status for o in summary.outcomes] == ["failed", "partial", "partial"]
    assert summary.ended == "max-runs"
    assert seen == summary.outcomes
    assert seen[0].line() == (
        "2026-11-27T10:00:00Z customers failed after 0.00s: the ERP refused the credentials"
    )
    line = seen[1].line()
    assert line.startswith("2026-11-27T10:00:05Z customers partial read=5 written=4")
    assert "quarantined=1" in line and "run run-2" in line


def test_busy_flow_is_skipped_for_the_tick_and_not_counted_as_a_run() -> None:
    fake = FakeTime()

    def busy_twice(_flow: str, call: int) -> BaseException | None:
        return FlowBusyError("flow 'customers' is already running") if call <= 2 else None

    flows = [_config_flow("customers", Schedule(realtime=5))]
    runs = Recorder(fake, fail=busy_twice)
    summary = Scheduler(flows, runs, clock=fake.clock, sleep=fake.sleep).run(max_runs=1)
    assert [o.status for o in summary.outcomes] == ["busy", "busy", "partial"]
    assert [at for at, _ in runs.calls] == [0, 5, 10]
    assert "skipped this tick" in summary.outcomes[0].line()


def test_stop_during_a_run_lets_it_finish_and_starts_no_other() -> None:
    fake = FakeTime()
    scheduler: Scheduler

    def stop_on_first(_flow: str, call: int) -> BaseException | None:
        if call == 1:
            scheduler.stop()
        return None

    runs = Recorder(fake, fail=stop_on_first)
    scheduler = Scheduler(FLOWS, runs, clock=fake.clock, sleep=fake.sleep)
    summary = scheduler.run()
    assert runs.calls == [(0, "customers")]
    assert summary.ended == "stopped" and summary.outcomes[0].status == "partial"


def test_stop_from_another_thread_ends_a_long_wait_at_once() -> None:
    flows = [_config_flow("orders", Schedule(cron="0 0 1 1 *"))]  # next fire: months away
    runs = Recorder(FakeTime())
    scheduler = Scheduler(flows, runs)  # the real clock, and the stop event as the sleep
    stopper = threading.Timer(0.05, scheduler.stop)
    stopper.start()
    try:
        summary = scheduler.run()  # would wait for New Year; the event ends the wait
    finally:
        stopper.cancel()
    assert summary.ended == "stopped" and summary.outcomes == [] and runs.calls == []


def test_once_runs_every_scheduled_flow_once_in_dependency_order() -> None:
    fake = FakeTime()
    runs = Recorder(fake)
    summary = Scheduler(FLOWS, runs, clock=fake.clock, sleep=fake.sleep).run_once()
    assert [flow for _, flow in runs.calls] == ["customers", "products", "orders"]
    assert summary.ended == "once" and fake.sleeps == []


def test_only_restricts_the_scheduler_to_named_scheduled_flows() -> None:
    fake = FakeTime()
    runs = Recorder(fake)
    scheduler = Scheduler(FLOWS, runs, only=["orders"], clock=fake.clock, sleep=fake.sleep)
    assert [f.name for f in scheduler.flows] == ["orders"]
    scheduler.run(max_runs=1)
    assert runs.calls == [(60, "orders")]


@pytest.mark.parametrize(
    ("flows", "only", "message"),
    [
        pytest.param(FLOWS, ["orderz"], "unknown flow 'orderz'; known flows: orders, customers",
                     id="unknown-flow"),
        pytest.param(FLOWS, ["notes"], "flow 'notes' has no schedule; add one in harness.yaml "
                     "or run it now with `harness sync --flow notes`", id="unscheduled-flow"),
        pytest.param(FLOWS[3:], [], "no flow has a schedule; add `schedule: {realtime: 60}`",
                     id="nothing-scheduled"),
    ],
)  # fmt: skip
def test_scheduler_refuses_flows_it_cannot_schedule(
    flows: tuple[FlowConfig, ...], only: list[str], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Scheduler(flows, Recorder(FakeTime()), only=only)
    assert message in str(caught.value)


def test_due_times_follow_dependency_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _flow("orders", "    schedule: {cron: '*/5 * * * *'}\n    depends_on: [customers]\n")
        + _flow("customers", "    schedule: {realtime: 60}\n"),
    )
    config: HarnessConfig = load_config(path, {})
    scheduler = Scheduler(config.flows, Recorder(FakeTime()))
    due = scheduler.due_times(T0)
    assert list(due) == ["customers", "orders"]
    assert due == {"customers": T0, "orders": T0 + timedelta(minutes=5)}
