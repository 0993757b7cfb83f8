"""The start-up figure of the bench: fresh `harness --help` processes, their wall and CPU
times and the load average beside them (no time is asserted: speed belongs to the bench)."""

from __future__ import annotations

from bench.startup_bench import STARTUP_LABELS, bench_startup
from bench.targets import judge


def test_the_startup_section_records_every_run_and_the_load() -> None:
    figures = bench_startup(repeat=2)
    assert figures["repeat"] == 2
    assert len(figures["runs"]) == len(figures["cpu"]) == 2
    assert set(figures["median"]) == set(STARTUP_LABELS)
    assert all(value > 0 for value in figures["median"].values())
    assert len(figures["load_average"]) == 3


def test_the_help_target_is_judged_on_the_median() -> None:
    results = {"run": {"started_at": "now"}, "startup": {"median": {"help_s": 0.4},
                                                         "from_run": "now"}}  # fmt: skip
    row = next(r for r in judge(results) if r["section"] == "startup")
    assert (row["measured"], row["met"], row["this_run"]) == (0.4, True, True)
