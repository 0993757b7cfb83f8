"""Retention: delete what runs left behind once it is older than a window.

Pruned: audit rows and planned changes, resolved quarantine entries, reconcile history, and
finished runs nothing still points at. Never pruned: an open quarantine entry, an audit row
whose intent is not settled yet, and any run the crosswalk or a watermark references (nor
the rows that run keeps alive). Deleting audit
rows means those runs can no longer be rolled back: that is what a retention window says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sync.state import _codec as codec
from sync.state._db import Database

# Runs whose history stays: the crosswalk and watermarks name the run that last wrote a
# record or moved the mark (its audit holds the before-images a rollback needs).
_KEPT_RUNS = "SELECT last_run_id FROM crosswalk UNION SELECT run_id FROM watermarks"

# An unsettled intent stays until a run of its flow settles it: it may be a write that landed.
_PRUNABLE_AUDIT = f"outcome != 'pending' AND run_id NOT IN ({_KEPT_RUNS})"

# (what, count query, delete query); every query takes the cutoff as its only parameter.
_STEPS: tuple[tuple[str, str, str], ...] = (
    (
        "audit",
        f"SELECT count(*) FROM audit WHERE at < ?1 AND {_PRUNABLE_AUDIT}",
        f"DELETE FROM audit WHERE at < ?1 AND {_PRUNABLE_AUDIT}",
    ),
    (
        "planned_changes",
        "SELECT count(*) FROM planned_changes WHERE run_id IN "
        f"(SELECT run_id FROM runs WHERE started_at < ?1) AND run_id NOT IN ({_KEPT_RUNS})",
        "DELETE FROM planned_changes WHERE run_id IN "
        f"(SELECT run_id FROM runs WHERE started_at < ?1) AND run_id NOT IN ({_KEPT_RUNS})",
    ),
    (
        "quarantine",
        "SELECT count(*) FROM quarantine WHERE status != 'open' AND resolved_at < ?1",
        "DELETE FROM quarantine WHERE status != 'open' AND resolved_at < ?1",
    ),
    (
        "reconciles",
        "SELECT count(*) FROM reconciles WHERE generated_at < ?1",
        "DELETE FROM reconciles WHERE generated_at < ?1",
    ),
)
# Runs go last: only those no remaining row refers to (foreign keys would refuse the rest).
_PRUNABLE_RUNS = f"""
    FROM runs WHERE status != 'running' AND coalesce(finished_at, started_at) < ?1
    AND run_id NOT IN ({_KEPT_RUNS})
    AND run_id NOT IN (SELECT run_id FROM quarantine WHERE status = 'open')
    AND run_id NOT IN (SELECT run_id FROM audit)
    AND run_id NOT IN (SELECT run_id FROM planned_changes)
    AND run_id NOT IN (SELECT run_id FROM quarantine)
"""
_UNLINK_ROLLBACKS = f"""
    DELETE FROM rollbacks WHERE rollback_run_id IN (SELECT run_id {_PRUNABLE_RUNS})
    OR of_run_id IN (SELECT run_id {_PRUNABLE_RUNS})
"""


@dataclass(frozen=True, slots=True)
class PruneCounts:
    """Rows deleted (or, in a dry run, that would be) per table."""

    audit: int = 0
    planned_changes: int = 0
    quarantine: int = 0
    reconciles: int = 0
    runs: int = 0

    @property
    def total(self) -> int:
        return self.audit + self.planned_changes + self.quarantine + self.reconciles + self.runs

    def as_dict(self) -> dict[str, int]:
        return {
            "audit": self.audit,
            "planned_changes": self.planned_changes,
            "quarantine": self.quarantine,
            "reconciles": self.reconciles,
            "runs": self.runs,
        }


class Retention(Database):
    """`prune`: the state file's retention window."""

    def prune(self, older_than: datetime, *, dry_run: bool = False) -> PruneCounts:
        """Delete run-derived rows older than `older_than`, in one transaction; with
        `dry_run`, count them and delete nothing. Runs are counted as the rows after the
        other deletions would leave them, so a dry run reports what a real one deletes."""
        cutoff = codec.iso(older_than, "prune cutoff")
        counts: dict[str, int] = {}
        with self._transaction("pruning the state file") as conn:
            conn.execute("SAVEPOINT prune")
            for what, count_sql, delete_sql in _STEPS:
                counts[what] = int(conn.execute(count_sql, (cutoff,)).fetchone()[0])
                conn.execute(delete_sql, (cutoff,))
            counts["runs"] = int(
                conn.execute(f"SELECT count(*) {_PRUNABLE_RUNS}", (cutoff,)).fetchone()[0]
            )
            conn.execute(_UNLINK_ROLLBACKS, (cutoff,))
            conn.execute(f"DELETE {_PRUNABLE_RUNS}", (cutoff,))
            conn.execute("ROLLBACK TO prune" if dry_run else "RELEASE prune")
        return PruneCounts(**counts)
