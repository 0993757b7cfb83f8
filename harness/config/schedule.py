"""Flow schedules in `harness.yaml`: when `harness run` starts a flow, and after which others.

A flow's `schedule:` is either `{realtime: N}` (start every N seconds) or `{cron: "*/5 * * *
*"}` (five fields, evaluated in UTC unless `timezone:` names an IANA zone); `depends_on:`
lists the flows whose records it references (orders need customers and products first). A
flow without a schedule runs only on demand (`harness sync`).

The JSON Schema checks shapes; `schedule_problems` checks what it cannot: cron text, time
zones, one of realtime/cron, unknown flows in `depends_on` and dependency cycles (named).
`dependency_order` is the one topological sort the loader and the scheduler share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from harness.config.problems import Problem, key_of, suggest
from harness.config.yamllines import Lines
from sync.errors import ConfigError

CRON_FIELDS = "minute hour day-of-month month day-of-week"
CRON_EXAMPLE = "'*/5 * * * *' (every five minutes)"


@dataclass(frozen=True)
class Schedule:
    """When `harness run` starts a flow: every `realtime` seconds, or at `cron`'s fire times
    (read in `timezone`)."""

    realtime: float | None = None
    cron: str | None = None
    timezone: str = "UTC"

    @property
    def kind(self) -> Literal["realtime", "cron"]:
        return "realtime" if self.realtime is not None else "cron"

    def describe(self) -> str:
        """`every 5s` or `cron '*/5 * * * *' (UTC)`, for logs and errors."""
        if self.realtime is not None:
            return f"every {self.realtime:g}s"
        return f"cron {self.cron!r} ({self.timezone})"


def build_schedule(raw: Mapping[str, Any] | None) -> Schedule | None:
    """The `Schedule` of a flow's validated `schedule:` mapping (None when absent)."""
    if raw is None:
        return None
    realtime = raw.get("realtime")
    return Schedule(
        realtime=None if realtime is None else float(realtime),
        cron=raw.get("cron"),
        timezone=raw.get("timezone", "UTC"),
    )


def cron_problem(text: str) -> str | None:
    """Why `text` is not a usable five-field cron expression, or None when it is."""
    fields = text.split()
    if len(fields) != 5:
        return (
            f"cron needs 5 fields ({CRON_FIELDS}), got {len(fields)} in {text!r}; "
            f"e.g. {CRON_EXAMPLE}"
        )
    from croniter import CroniterError, croniter  # here: only a cron schedule needs it

    try:
        croniter(text)
    except CroniterError as exc:
        return f"not a valid cron expression: {exc}; e.g. {CRON_EXAMPLE}"
    return None


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_problem(name: str) -> str | None:
    """Why `name` is not a known IANA time zone, or None when it is."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = suggest(name, _zones())
        return f"unknown time zone {name!r}{hint}; use an IANA name such as 'Europe/Paris' or 'UTC'"
    return None


def find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every distinct cycle among `graph`'s edges (name -> names it depends on), each as the
    path that closes it: `['orders', 'invoices', 'orders']`. Edges to unknown names are ignored."""
    cycles: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = [*path[path.index(node) :], node]
            if frozenset(cycle) not in seen_sets:
                seen_sets.add(frozenset(cycle))
                cycles.append(cycle)
            return
        if node in done or node not in graph:
            return
        path.append(node)
        for dep in graph[node]:
            visit(dep, path)
        path.pop()
        done.add(node)

    for name in graph:
        visit(name, [])
    return cycles


def dependency_order(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """`graph`'s names with every name after the ones it depends on (transitively), otherwise
    in the given order. A cycle raises ConfigError naming it."""
    if cycles := find_cycles(graph):
        raise ConfigError(f"dependency cycle: {' -> '.join(cycles[0])}")
    ordered: list[str] = []
    placed: set[str] = set()

    def place(node: str) -> None:
        if node in placed or node not in graph:
            return
        placed.add(node)
        for dep in graph[node]:
            place(dep)
        ordered.append(node)

    for name in graph:
        place(name)
    return ordered


def schedule_problems(data: Mapping[str, Any], lines: Lines) -> list[Problem]:
    """What the schema cannot see in the flows' `schedule:` and `depends_on:` keys."""
    problems: list[Problem] = []

    def add(message: str, *path: Any) -> None:
        problems.append(Problem(message, key_of(path), lines.line(path)))

    flows = data.get("flows")
    flows = [f if isinstance(f, dict) else {} for f in flows] if isinstance(flows, list) else []
    names = [f["name"] for f in flows if isinstance(f.get("name"), str)]
    graph: dict[str, list[str]] = {}
    first_index: dict[str, int] = {}
    for index, flow in enumerate(flows):
        schedule = flow.get("schedule")
        if isinstance(schedule, dict):
            problems += one_schedule_problems(schedule, lines, ("flows", index, "schedule"))
        depends = flow.get("depends_on")
        depends = [d for d in depends if isinstance(d, str)] if isinstance(depends, list) else []
        name = flow.get("name")
        for position, dep in enumerate(depends):
            if dep == name:
                add("a flow cannot depend on itself", "flows", index, "depends_on", position)
            elif dep not in names:
                known = ", ".join(names) or "none"
                hint = suggest(dep, names)
                message = f"unknown flow {dep!r}{hint}; known flows: {known}"
                add(message, "flows", index, "depends_on", position)
        if isinstance(name, str) and name not in graph:
            graph[name] = [d for d in depends if d != name]
            first_index[name] = index
    for cycle in find_cycles(graph):
        start, after = cycle[0], cycle[1]
        at = ("flows", first_index[start], "depends_on", graph[start].index(after))
        message = f"dependency cycle: {' -> '.join(cycle)}; remove one of these depends_on entries"
        add(message, *at)
    return problems


def one_schedule_problems(
    raw: Mapping[str, Any], lines: Lines, path: tuple[Any, ...]
) -> list[Problem]:
    problems: list[Problem] = []

    def add(message: str, *sub: Any) -> None:
        problems.append(Problem(message, key_of((*path, *sub)), lines.line((*path, *sub))))

    has_realtime, has_cron = "realtime" in raw, "cron" in raw
    if has_realtime and has_cron:
        add("give either realtime (seconds) or cron, not both", "cron")
    elif not has_realtime and not has_cron and set(raw) <= {"timezone"}:
        add(f"needs realtime: SECONDS or cron: {CRON_EXAMPLE}")  # (a misspelt key says more)
    cron = raw.get("cron")
    if isinstance(cron, str) and (why := cron_problem(cron)):
        add(why, "cron")
    zone = raw.get("timezone")
    if isinstance(zone, str):
        if not has_cron:
            add("timezone applies to cron schedules only; remove it or use cron", "timezone")
        elif why := timezone_problem(zone):
            add(why, "timezone")
    return problems
