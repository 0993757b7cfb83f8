"""Store-level traps from VENDORS.md section 8, set off through `POST /__harness/traps`.

- `timestamp_ties`: N records re-saved in one transaction, so they share one modified time
  (a `>` watermark skips some, a `>=` one re-reads others);
- `silent_edit`: a field of N records changes while version and modified time stay put
  (a formula or roll-up recalculating);
- `hard_delete`: N records purged, so neither `queryAll`, the deleted feed nor a list shows
  them ever again.

Late visibility, offset paging drift and duplicate rules act on requests, so they are
fault plan effects (`late_visibility`, `paging_drift`, `duplicate_rule`). Every record a trap
touches is one ground-truth fact (`kind: "trap"`). Choices are seeded.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mocks.context import MockContext
from mocks.store import StoredRecord

TRAPS = ("timestamp_ties", "silent_edit", "hard_delete")
_KEYS = ("trap", "object", "count", "seed", "field", "value")


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class TrapError(ValueError):
    """A trap request that cannot be met; the message says what to change."""


@dataclass(frozen=True)
class TrapRequest:
    trap: str
    obj: str
    count: int = 1
    seed: int = 0
    field: str | None = None
    value: Any = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> TrapRequest:
        unknown = [k for k in body if k not in _KEYS]
        if unknown:
            hints = [f"{k!r}{_suggest(str(k), _KEYS)}" for k in unknown]
            raise TrapError(f"unknown trap option(s) {', '.join(hints)}; known: {list(_KEYS)}")
        trap = body.get("trap")
        if trap not in TRAPS:
            hint = _suggest(str(trap), TRAPS)
            raise TrapError(f"unknown trap {trap!r}{hint}; valid: {', '.join(TRAPS)}")
        if not isinstance(body.get("object"), str):
            raise TrapError('name the object to set the trap on: {"object": "<object>"}')
        count = body.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise TrapError(f"count must be a whole number >= 1, got {count!r}")
        if trap == "silent_edit" and not isinstance(body.get("field"), str):
            raise TrapError('silent_edit needs the field to change: {"field": "<field>"}')
        return cls(
            trap=str(trap),
            obj=body["object"],
            count=count,
            seed=int(body.get("seed", 0)),
            field=body.get("field"),
            value=body.get("value"),
        )


def _pick(ctx: MockContext, request: TrapRequest, rows: list[StoredRecord]) -> list[StoredRecord]:
    if len(rows) < request.count:
        raise TrapError(
            f"{request.trap} needs {request.count} live {request.obj} record(s) but "
            f"{len(rows)} qualify; ask for fewer or seed more data"
        )
    chosen = random.Random(f"{request.seed}:{request.trap}").sample(rows, request.count)
    return sorted(chosen, key=lambda r: r.id)


def _edited(value: Any) -> Any:
    if isinstance(value, str):
        return value + " (recalculated)"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return "recalculated"


def set_trap(ctx: MockContext, request: TrapRequest) -> list[dict[str, Any]]:
    """Apply the trap, log one ground-truth fact per record touched, return the facts."""
    store = ctx.store
    if request.obj not in store.objects() or store.count(request.obj) == 0:
        known = [o for o in store.objects() if store.count(o)]
        raise TrapError(f"no live {request.obj!r} records; objects with records: {known}")
    rows = store.records(request.obj)
    if request.trap == "silent_edit":
        rows = [r for r in rows if request.field in r.fields]
    facts: list[dict[str, Any]] = []
    chosen = _pick(ctx, request, rows)
    if request.trap == "timestamp_ties":
        at = max(r.modified_at for r in chosen)
        for rec in chosen:
            store.update(request.obj, rec.id, {}, at=at)
            facts.append({"id": rec.id, "modified_at": at.isoformat(), "version": rec.version})
    elif request.trap == "silent_edit":
        name = str(request.field)
        for rec in chosen:
            before = rec.fields.get(name)
            after = request.value if request.value is not None else _edited(before)
            store.update(request.obj, rec.id, {name: after}, touch=False)
            change = {"field": name, "before": before, "after": after}
            facts.append({"id": rec.id, **change, "version": rec.version})
    else:
        for rec in chosen:
            store.purge(request.obj, rec.id)
            facts.append({"id": rec.id})
    out = []
    for fact in facts:
        full = {"trap": request.trap, "object": request.obj, **fact}
        ctx.record_truth("trap", **full)
        out.append(full)
    return out
