"""The decision record's context for a reconcile report: which systems were read (vendor and
URL, never a credential), which sync runs the scores judge, the harness version, when the
reconcile ran and for how long."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import harness
from harness.config import HarnessConfig
from reconcile.model import JudgedRun, ReportContext, SystemRef
from sync.state import RunInfo, StateError, StateStore

_RECENT_RUNS = 20  # per flow: enough to find the latest live run among dry and shadow runs


def public_url(url: str) -> str:
    """`url` without user, password, query or fragment: a base URL can carry a secret."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def judged_run(runs: Sequence[RunInfo]) -> RunInfo | None:
    """The run whose effect the target shows: the latest live run, else the latest run."""
    live = [r for r in runs if r.mode == "live"]
    chosen = live or list(runs)
    return chosen[0] if chosen else None


def report_context(
    config: HarnessConfig, flows: Sequence[str], started_at: datetime, seconds: float
) -> ReportContext:
    systems = tuple(
        SystemRef(name, system.vendor, public_url(system.base_url))
        for name, system in sorted(config.systems.items())
    )
    runs: list[JudgedRun] = []
    try:
        with StateStore(config.state_path) as state:
            for flow in flows:
                run = judged_run(state.runs(flow, limit=_RECENT_RUNS))
                if run is not None:
                    finished = None if run.finished_at is None else run.finished_at.isoformat()
                    runs.append(JudgedRun(flow, run.run_id, run.mode, run.kind, run.status,
                                          finished))  # fmt: skip
    except StateError:
        pass  # the report still says which systems and flows; the runs stay unknown
    return ReportContext(
        harness_version=harness.__version__,
        started_at=started_at.isoformat(timespec="seconds"),
        seconds=round(seconds, 3),
        config=str(config.path),
        systems=systems,
        runs=tuple(runs),
    )
