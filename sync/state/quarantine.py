"""Choosing quarantine entries: for `harness quarantine list`, `show` and `replay`.

Pure look-ups over an open state store; `harness.api` wraps them for the CLI and the steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sync.state import AuditEntry, QuarantineEntry, StateError, StateStore
from sync.state.models import QUARANTINE_REASONS, QUARANTINE_STATUSES, check_choice


@dataclass(frozen=True)
class EntryDetail:
    """One entry with its record's story: earlier entries and every write to the target."""

    entry: QuarantineEntry
    earlier: tuple[QuarantineEntry, ...] = ()
    writes: tuple[AuditEntry, ...] = field(default_factory=tuple)


def list_entries(
    state: StateStore,
    *,
    flow: str | None = None,
    reason: str | None = None,
    status: str | None = "open",
) -> list[QuarantineEntry]:
    """Entries oldest first, filtered; `status=None` or "all" lists every status."""
    if reason is not None:
        check_choice(reason, QUARANTINE_REASONS, "quarantine reason")
    chosen = None if status in (None, "all") else status
    if chosen is not None:
        check_choice(chosen, QUARANTINE_STATUSES, "quarantine status")
    found = state.quarantined(flow, status=chosen)
    return [q for q in found if reason is None or q.reason == reason]


def entry_detail(state: StateStore, qid: str) -> EntryDetail:
    entry = state.quarantine_get(qid)
    if entry is None:
        raise StateError(f"no quarantine entry {qid!r}; list them with `harness quarantine list`")
    history = state.quarantine_for_source(entry.flow, entry.source_id)
    return EntryDetail(
        entry,
        tuple(q for q in history if q.qid != entry.qid),
        tuple(state.audit_for_source(entry.flow, entry.source_id)),
    )


def select_for_replay(
    state: StateStore,
    qids: Sequence[str] = (),
    *,
    flow: str | None = None,
    reason: str | None = None,
) -> dict[str, list[QuarantineEntry]]:
    """The open entries to replay, grouped by flow (in first-seen order).

    Named `qids` must all be open (an unknown or closed one refuses the lot, naming each);
    `flow` and `reason` narrow them, or select every open entry matching when no qid is
    named. Selecting nothing at all needs a filter: replaying everything is never implicit.
    """
    if not qids and flow is None and reason is None:
        raise StateError(
            "name quarantine ids to replay, or select them with --flow and/or --reason "
            "(see `harness quarantine list`)"
        )
    if qids:
        chosen: list[QuarantineEntry] = []
        problems: list[str] = []
        for qid in dict.fromkeys(qids):
            entry = state.quarantine_get(qid)
            if entry is None:
                problems.append(f"{qid} is unknown")
            elif entry.status != "open":
                problems.append(f"{qid} is already {entry.status}")
            else:
                chosen.append(entry)
        if problems:
            raise StateError(f"nothing was replayed: {'; '.join(problems)}")
        if reason is not None:
            check_choice(reason, QUARANTINE_REASONS, "quarantine reason")
        chosen = [q for q in chosen if (flow is None or q.flow == flow)
                  and (reason is None or q.reason == reason)]  # fmt: skip
    else:
        chosen = list_entries(state, flow=flow, reason=reason)
    grouped: dict[str, list[QuarantineEntry]] = {}
    for entry in chosen:
        grouped.setdefault(entry.flow, []).append(entry)
    return grouped


def source_ids_for(state: StateStore, flow: str, qids_or_source_ids: Sequence[str]) -> list[str]:
    """Source ids to replay in `flow`: a token naming an entry (its qid) stands for that
    entry's record, any other token is taken as a source id. An entry of another flow is
    refused (replay runs one flow at a time)."""
    found: list[str] = []
    for token in dict.fromkeys(qids_or_source_ids):
        entry = state.quarantine_get(token)
        if entry is None:
            found.append(token)
        elif entry.flow != flow:
            raise StateError(
                f"quarantine entry {token} belongs to flow {entry.flow!r}, not {flow!r}; "
                "replay it with that flow"
            )
        else:
            found.append(entry.source_id)
    return list(dict.fromkeys(found))
