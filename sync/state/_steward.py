"""What a data steward does with the quarantine: look a record's entries up, and discard.

Nothing leaves the quarantine on its own: an entry is closed by a successful sync or replay
('replayed', in `commit_page`) or by a person discarding it with their name and a note.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.state import _codec as codec
from sync.state._db import Database
from sync.state.models import QuarantineEntry, StateError


class Steward(Database):
    """Quarantine look-ups and the discard a person makes."""

    def quarantine_for_source(self, flow: str, source_id: str) -> list[QuarantineEntry]:
        """Every entry (any status) a source record has had in `flow`, oldest first."""
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine WHERE flow = ? AND source_id = ? "
            "ORDER BY created_at, rowid",
            (flow, source_id),
        )
        return [codec.quarantine_from_row(row) for row in rows]

    def quarantine_discard(
        self, qids: Sequence[str], *, by: str, note: str | None = None
    ) -> list[QuarantineEntry]:
        """Close open entries as 'discarded' by the person `by`, all or none: an unknown or
        already closed qid refuses the lot, naming each."""
        wanted = list(dict.fromkeys(qids))
        if not wanted:
            raise StateError("name at least one quarantine id to discard")
        if not by.strip():
            raise StateError("say who discards (--by NAME): a discard is a person's decision")
        marks = ", ".join("?" for _ in wanted)
        with self._transaction("discarding quarantine entries") as conn:
            found = dict(
                conn.execute(
                    f"SELECT qid, status FROM quarantine WHERE qid IN ({marks})", wanted
                ).fetchall()
            )
            problems = [f"{q} is unknown" for q in wanted if q not in found]
            problems += [f"{q} is already {found[q]}" for q in wanted
                         if found.get(q, "open") != "open"]  # fmt: skip
            if problems:
                raise StateError(
                    f"nothing was discarded: {'; '.join(problems)}. List open entries with "
                    "`harness quarantine list`"
                )
            conn.execute(
                "UPDATE quarantine SET status = 'discarded', resolved_at = ?, resolved_by = ?, "
                f"note = ? WHERE qid IN ({marks})",
                [self._now(), by.strip(), note, *wanted],
            )
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine WHERE qid IN ({marks})", wanted
        )
        by_qid = {row[0]: codec.quarantine_from_row(row) for row in rows}
        return [by_qid[q] for q in wanted]
