"""The reconcile log: one row per flow per reconcile, read back for history and trends."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sync.state import _codec as codec
from sync.state._db import Database
from sync.state.models import RECONCILE_VERDICTS, ReconcileSummary, StateError, check_choice

_COLUMNS = (
    "reconcile_id, flow, generated_at, config, verdict, passed, record_accuracy, "
    "field_accuracy, counts"
)


def _from_row(row: tuple[Any, ...]) -> ReconcileSummary:
    return ReconcileSummary(
        reconcile_id=row[0],
        flow=row[1],
        generated_at=codec.parse_time(row[2]),
        config=row[3],
        verdict=row[4],
        passed=bool(row[5]),
        record_accuracy=float(row[6]),
        field_accuracy=float(row[7]),
        counts=codec.loads(row[8]) or {},
    )


class ReconcileLog(Database):
    """What the store remembers of past reconciles (a reconcile writes nothing else)."""

    def record_reconcile(self, summaries: Sequence[ReconcileSummary]) -> str:
        """Store the flows of one reconcile together; returns the reconcile id they share.

        Every summary must carry the same `generated_at`, `config` and `verdict`.
        """
        if not summaries:
            raise StateError("record_reconcile needs at least one flow summary")
        first = summaries[0]
        verdict = check_choice(first.verdict, RECONCILE_VERDICTS, "reconcile verdict")
        if any((s.generated_at, s.config, s.verdict) != (first.generated_at, first.config,
               first.verdict) for s in summaries):  # fmt: skip
            raise StateError("the flows of one reconcile must share generated_at, config, verdict")
        flows = [s.flow for s in summaries]
        if len(set(flows)) != len(flows):
            raise StateError(f"a reconcile lists each flow once; got {', '.join(flows)}")
        for s in summaries:
            for what, value in (("record", s.record_accuracy), ("field", s.field_accuracy)):
                if not 0.0 <= value <= 1.0:
                    raise StateError(f"{s.flow}: {what} accuracy {value!r} is not in [0, 1]")
        at = codec.iso(first.generated_at, "reconcile time")
        reconcile_id = (
            f"{first.generated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-R{secrets.token_hex(2)}"
        )
        rows = [
            (reconcile_id, s.flow, at, s.config, verdict, int(s.passed), s.record_accuracy,
             s.field_accuracy, codec.dumps(dict(s.counts), "reconcile counts"))
            for s in summaries
        ]  # fmt: skip
        with self._transaction("recording a reconcile") as conn:
            conn.executemany(
                f"INSERT INTO reconciles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
        return reconcile_id

    def reconcile_history(self, flow: str | None = None, limit: int = 50) -> list[ReconcileSummary]:
        """Past reconciles' per-flow summaries, newest first (`limit` rows at most)."""
        where, params = ("WHERE flow = ?", [flow]) if flow is not None else ("", [])
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM reconciles {where} "
            "ORDER BY generated_at DESC, rowid DESC LIMIT ?",
            [*params, limit],
        )
        return [_from_row(row) for row in rows]
