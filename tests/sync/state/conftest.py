"""A store on a real SQLite file in tmp_path, a hand-driven clock and entry factories."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.state import AuditEntry, CrosswalkEntry, QuarantineEntry, RunInfo, StateStore
from tests.clock import Clock

T0 = datetime(2026, 11, 27, 6, 1, 2, tzinfo=UTC)


@dataclass
class Make:
    """Entries for a run, with plausible defaults."""

    clock: Clock

    def crosswalk(self, run: RunInfo, source_id: str, **over: Any) -> CrosswalkEntry:
        values: dict[str, Any] = {
            "flow": run.flow,
            "source_id": source_id,
            "target_id": f"T-{source_id}",
            "external_id": f"EXT-{source_id}",
            "content_hash": "hash-1",
            "source_modified_at": self.clock.now - timedelta(minutes=5),
            "synced_at": self.clock.now,
            "last_run_id": run.run_id,
        }
        return CrosswalkEntry(**{**values, **over})

    def audit(self, run: RunInfo, source_id: str, **over: Any) -> AuditEntry:
        values: dict[str, Any] = {
            "run_id": run.run_id,
            "flow": run.flow,
            "action": "create",
            "source_id": source_id,
            "target_id": f"T-{source_id}",
            "external_id": f"EXT-{source_id}",
            "before": None,
            "after": {"companyName": f"Company {source_id}"},
            "at": self.clock.now,
        }
        return AuditEntry(**{**values, **over})

    def quarantine(self, run: RunInfo, source_id: str, **over: Any) -> QuarantineEntry:
        values: dict[str, Any] = {
            "run_id": run.run_id,
            "flow": run.flow,
            "source_id": source_id,
            "reason": "validation",
            "code": "REQUIRED",
            "message": "companyName is required",
            "payload": {"Id": source_id, "Name": None},
            "mapped": {"companyName": None},
            "created_at": self.clock.now,
        }
        qid = over.pop("qid", None)
        entry = QuarantineEntry.new(**{**values, **over})
        return entry if qid is None else replace(entry, qid=qid)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "state.db"


@pytest.fixture
def store(state_path: Path, clock: Clock) -> Iterator[StateStore]:
    with StateStore(state_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def make(clock: Clock) -> Make:
    return Make(clock)
