"""`harness plan`: API calls, allowance shares and wall time of the configured flows, from the
volumes a team states and each vendor's published limits, before anything runs."""

from harness.plan.estimate import Load, Side, load
from harness.plan.planner import FlowPlan, Plan, build_plan, interval_seconds

__all__ = ["FlowPlan", "Load", "Plan", "Side", "build_plan", "interval_seconds", "load"]
