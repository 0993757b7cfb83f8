"""`harness soak`: weeks of business on a mock clock, in minutes (see `runner`)."""

from __future__ import annotations

from harness.soak.clock import SoakClock
from harness.soak.day import Incident
from harness.soak.plan import ChurnRates, DayPlan, plan_day
from harness.soak.runner import DEFAULT_START, SoakOutcome, SoakSettings, run_soak
from harness.soak.timeline import DayRow, FlowDay, SoakLimits, Timeline

__all__ = [
    "DEFAULT_START",
    "ChurnRates",
    "DayPlan",
    "DayRow",
    "FlowDay",
    "Incident",
    "SoakClock",
    "SoakLimits",
    "SoakOutcome",
    "SoakSettings",
    "Timeline",
    "plan_day",
    "run_soak",
]
