"""SAP's staged traps, set off through `POST /__harness/sap/traps` (admin token):

- `csrf_expiry`: every CSRF token stops working at once (the next write gets 403 Required);
- `changeset_failure`: the `nth` operation (default 3) of the next `times` change sets fails,
  and the change set rolls back whole;
- `stale_etag`: `count` records of `object` (or the one `id`) change under the client, so an
  update carrying the ETag it read gets 412;
- `next_drift`: `$skiptoken` counts rows, and before the next page of `object` is served
  `count` records are inserted ahead of the cursor (a paging client reads some twice);
- `field_length`: `object`.`field` gets MaxLength `length` in `$metadata`, enforced at once;
- `write_warning`: the next `times` writes to `object` in change sets are applied, and
  answered with a `sap-message` warning (`code`, `message`) as SAP answers a save that
  went through with something to check.

Every trap logs a ground-truth fact (`kind: "trap"`)."""

from __future__ import annotations

import random
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request

from mocks.admin import ADMIN_PREFIX, OrjsonResponse, _require_token
from mocks.sap.rules import stamp
from mocks.sap.schema import ENTITY_TYPES
from mocks.sap.state import SapState

TRAPS = ("csrf_expiry", "changeset_failure", "stale_etag", "next_drift", "field_length",
         "write_warning")  # fmt: skip
DEFAULT_WARNING = ("R11/124", "Tax jurisdiction could not be determined for the address")


class SapTrapError(ValueError):
    """A trap request that cannot be met; the message says what to change."""


def _etype_of(body: dict[str, Any]) -> Any:
    name = body.get("object")
    if name not in ENTITY_TYPES:
        raise SapTrapError(f"name an entity set as object; known: {sorted(ENTITY_TYPES)}")
    return ENTITY_TYPES[name]


def _stale(state: SapState, body: dict[str, Any]) -> dict[str, Any]:
    etype = _etype_of(body)
    if not etype.has_etag:
        raise SapTrapError(f"{etype.set_name} has no ETag (no change stamp)")
    store = state.ctx.store
    rows = (
        [store.get(etype.set_name, str(body["id"]))]
        if "id" in body
        else store.records(etype.set_name)
    )
    live = [r for r in rows if r is not None]
    count = int(body.get("count", 1))
    if len(live) < count or not live:
        raise SapTrapError(f"not enough live {etype.set_name} records for the trap")
    chosen = random.Random(int(body.get("seed", 0))).sample(live, count)
    with state.write_lock:
        for rec in chosen:
            changes: dict[str, Any] = {}
            stamp(etype, changes, store.now(), "OTHER_USER", new=False)
            store.update(etype.set_name, rec.id, changes)
    return {"object": etype.set_name, "ids": sorted(r.id for r in chosen)}


def _field_length(state: SapState, body: dict[str, Any]) -> dict[str, Any]:
    etype = _etype_of(body)
    name, length = body.get("field"), body.get("length")
    if name not in etype.by_name or etype.by_name[name].type != "Edm.String":
        raise SapTrapError(f"name a string property of {etype.set_name} as field")
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise SapTrapError("length must be a whole number >= 1")
    limits = dict(state.settings.get("max_lengths") or {})
    limits[f"{etype.set_name}.{name}"] = length
    state.settings["max_lengths"] = limits
    return {
        "object": etype.set_name,
        "field": name,
        "length": length,
        "was": etype.by_name[name].max_length,
    }


def _write_warning(state: SapState, body: dict[str, Any]) -> dict[str, Any]:
    etype = _etype_of(body)
    times = body.get("times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise SapTrapError("times must be a whole number >= 1")
    code = str(body.get("code") or DEFAULT_WARNING[0])
    message = str(body.get("message") or DEFAULT_WARNING[1])
    state.settings["write_warning"] = {"object": etype.set_name, "times": times,
                                       "code": code, "message": message}  # fmt: skip
    return {"object": etype.set_name, "times": times, "code": code, "message": message}


def set_sap_trap(state: SapState, body: dict[str, Any]) -> dict[str, Any]:
    trap = body.get("trap")
    if trap not in TRAPS:
        raise SapTrapError(f"unknown trap {trap!r}; valid: {', '.join(TRAPS)}")
    facts: dict[str, Any]
    if trap == "csrf_expiry":
        facts = {"expired_tokens": state.auth.expire_csrf()}
    elif trap == "changeset_failure":
        nth, times = int(body.get("nth", 3)), int(body.get("times", 1))
        state.settings.update(changeset_fail_at=nth, changeset_fail_times=times)
        facts = {"nth": nth, "times": times}
    elif trap == "stale_etag":
        facts = _stale(state, body)
    elif trap == "next_drift":
        etype = _etype_of(body)
        count = int(body.get("count", 1))
        pending = dict(state.settings.get("drift_pending") or {})
        pending[etype.set_name] = count
        state.settings.update(skiptoken="offset", drift_pending=pending)
        facts = {"object": etype.set_name, "count": count}
    elif trap == "write_warning":
        facts = _write_warning(state, body)
    else:
        facts = _field_length(state, body)
    state.ctx.record_truth("trap", trap=trap, **facts)
    return {"trap": trap, "facts": facts}


def build_traps_router() -> APIRouter:
    router = APIRouter(
        prefix=ADMIN_PREFIX,
        default_response_class=OrjsonResponse,
        dependencies=[Depends(_require_token)],
    )

    @router.post("/sap/traps")
    def sap_traps(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        try:
            return set_sap_trap(request.app.state.sap, body)
        except (SapTrapError, ValueError, TypeError) as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc

    return router


__all__ = ["TRAPS", "build_traps_router", "set_sap_trap"]
