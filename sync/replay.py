"""Which source records a replay re-runs: re-read by key, or the quarantined payload.

A replay (after a mapping fix, typically) should write what the source holds now, so each
record is looked up again by its key. A source that cannot be looked up by that key (a key
that is not an external-id field there) falls back to the payload stored with the quarantine
entry, which is the latest version the sync read. A record the source no longer holds stays
in quarantine, saying so, for a person to discard.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sync import _entries as entries_
from sync.connectors.base import Connector, Record
from sync.errors import ConfigError, FatalVendorError
from sync.explode import explode, parent_of
from sync.flow import Flow, RunResult
from sync.state import QuarantineEntry, StateStore

log = logging.getLogger(__name__)


def replay_records(
    source: Connector,
    state: StateStore,
    flow: Flow,
    wanted: Sequence[str],
    result: RunResult,
    clock: Callable[[], datetime],
) -> tuple[list[Record], list[QuarantineEntry]]:
    """(records to run again, entries kept open because their record left the source)."""
    spec = flow.mapping
    stored = {q.source_id: q for q in state.quarantined(flow.name) if q.source_id in wanted}
    try:
        if spec.source.explode is not None:  # look the parents up, then pick their rows
            parents = list(dict.fromkeys(parent_of(s) for s in wanted))
            rows = explode(spec, list(source.get_by_external_id(
                spec.source.object, spec.source_key, parents, fields=spec.source_fields
            ).values()))  # fmt: skip
            found: dict[str, Record] | None = {r.id: r for r in rows}
        else:
            found = source.get_by_external_id(
                spec.source.object, spec.source_key, list(wanted), fields=spec.source_fields
            )
    except (FatalVendorError, ConfigError) as exc:
        log.warning(
            "cannot look %s up by %s (%s): replaying the quarantined payloads",
            spec.source.object, spec.source_key, exc,
        )  # fmt: skip
        found = None
    records: list[Record] = []
    gone: list[QuarantineEntry] = []
    for source_id in wanted:
        entry = stored.get(source_id)
        if found is not None and source_id in found:
            records.append(found[source_id])
        elif found is None and entry is not None:
            records.append(record_from_entry(entry, spec.source.modified_field))
        elif entry is not None:
            gone.append(entry)
    if not gone or result.mode != "live":
        return records, []
    now = clock()
    kept = [
        entries_.quarantine_entry(
            result.run_id,
            flow.name,
            record_from_entry(e, None),
            e.source_id,
            reason=e.reason,
            code="SOURCE_MISSING",
            mapped=e.mapped,
            now=now,
            message=f"{spec.source.object} {e.source_id} is no longer in the source "
            "(deleted?); discard it with `harness quarantine discard`",
        )
        for e in gone
    ]
    state.commit_page(result.run_id, flow.name, quarantine=kept)
    return records, kept


def record_from_entry(entry: QuarantineEntry, modified_field: str | None) -> Record:
    """The quarantined payload as a source record (when the source cannot be re-read)."""
    stamp = entry.updated_at or entry.created_at
    raw = entry.payload.get(modified_field) if modified_field else None
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            stamp = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("+0000", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return Record(entry.source_id, dict(entry.payload), stamp)
