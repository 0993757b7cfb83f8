"""Scheduled checks (`checks:` in harness.yaml): a reconcile `harness run` starts on its own
schedule beside the flows, so data quality is watched after launch, not only before it.

    checks:
      - name: nightly-reconcile
        kind: reconcile
        flows: [customers, orders]   # default: every flow
        schedule: {cron: "0 2 * * *"}

What the schema cannot see is checked here: each check's flows exist, its name is unique
among the flows and checks (the scheduler knows both by name), and its schedule is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness.config.problems import Problem, key_of, suggest
from harness.config.schedule import Schedule, build_schedule, one_schedule_problems
from harness.config.yamllines import Lines


@dataclass(frozen=True)
class CheckConfig:
    """One scheduled check: a reconcile of `flows` (empty: all), or a profile of one
    `system` (its `object`, else the first flow's), on `schedule`."""

    name: str
    schedule: Schedule
    kind: Literal["reconcile", "profile"] = "reconcile"
    flows: tuple[str, ...] = ()
    system: str | None = None
    object: str | None = None
    depends_on: tuple[str, ...] = ()  # the scheduler's shape; checks wait for nothing

    def describe(self) -> str:
        if self.kind == "profile":
            return f"profile of {self.system}" + (f" {self.object}" if self.object else "")
        return f"reconcile of {', '.join(self.flows) or 'every flow'}"


def build_checks(raw: Any) -> tuple[CheckConfig, ...]:
    """The validated `checks:` list as typed objects."""
    checks = []
    for entry in raw or ():
        schedule = build_schedule(entry["schedule"])
        if schedule is None:  # the schema requires one
            continue
        checks.append(CheckConfig(entry["name"], schedule, entry.get("kind", "reconcile"),
                                  tuple(entry.get("flows", ())), entry.get("system"),
                                  entry.get("object")))  # fmt: skip
    return tuple(checks)


def check_problems(data: Mapping[str, Any], lines: Lines) -> list[Problem]:
    """Unknown flows, names taken twice and invalid schedules among the checks."""
    problems: list[Problem] = []

    def add(message: str, *path: Any) -> None:
        problems.append(Problem(message, key_of(path), lines.line(path)))

    checks = data.get("checks")
    if not isinstance(checks, list):
        return problems
    flows = data.get("flows")
    flows = flows if isinstance(flows, list) else []
    names = [f["name"] for f in flows if isinstance(f, dict) and isinstance(f.get("name"), str)]
    taken = set(names)
    for index, check in enumerate(checks):
        if not isinstance(check, dict):
            continue
        name = check.get("name")
        if isinstance(name, str) and name in taken:
            add(f"the name {name!r} is taken by a flow or another check", "checks", index, "name")
        if isinstance(name, str):
            taken.add(name)
        for position, flow in enumerate(check.get("flows") or ()):
            if isinstance(flow, str) and flow not in names:
                known = ", ".join(names) or "none"
                add(f"unknown flow {flow!r}{suggest(flow, names)}; known flows: {known}",
                    "checks", index, "flows", position)  # fmt: skip
        system = check.get("system")
        if check.get("kind") == "profile" and system not in (data.get("systems") or {}):
            known = ", ".join(sorted(data.get("systems") or {})) or "none"
            add(f"a profile check names the system it profiles: one of {known}", "checks",
                index, "system" if system is not None else "kind")  # fmt: skip
        if isinstance(check.get("schedule"), dict):
            where = ("checks", index, "schedule")
            problems += one_schedule_problems(check["schedule"], lines, where)
    return problems


__all__ = ["CheckConfig", "build_checks", "check_problems"]
