"""Fault-plan effects SAP shows in its own way, as stages around one request:

- `partial_batch`: SAP has no partial change set; the `$batch`'s change sets fail at their
  operation number `count` (default 1) with the effect's message, and roll back whole;
- `paging_drift`: before a `$skiptoken` page is served, `count` records are inserted ahead
  of the cursor. With the default key `$skiptoken` the pages stay whole (as SAP's
  key-based paging does); with the setting `skiptoken: offset` rows are read twice."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.dialect import Stage
from mocks.faults.plan import PagingDrift, PartialBatch
from mocks.sap.schema import find_service

ODATA = "/sap/opu/odata/sap/"
_FAIL_KEYS = ("changeset_fail_at", "changeset_fail_times", "changeset_fail_error")


def _segments(scope: Scope) -> list[str]:
    path = unquote(scope["path"])
    if not path.lower().startswith(ODATA):
        return []
    return [s for s in path[len(ODATA) :].split("/") if s]


def batch_stage(effect: PartialBatch, ctx: MockContext, facts: dict[str, Any]) -> Stage | None:
    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        parts = _segments(scope)
        if scope["method"] != "POST" or not parts or parts[-1] != "$batch":
            await inner(scope, receive, send)
            return
        saved = {k: ctx.settings.get(k) for k in _FAIL_KEYS}
        ctx.settings.update(
            changeset_fail_at=effect.count or 1,
            changeset_fail_times=1,
            changeset_fail_error={"code": effect.code, "message": effect.message},
        )
        facts.update(failed_operation=effect.count or 1, code=effect.code)
        try:
            await inner(scope, receive, send)
        finally:
            ctx.settings.update(saved)

    return stage


def drift_stage(effect: PagingDrift, ctx: MockContext, facts: dict[str, Any]) -> Stage | None:
    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        parts = _segments(scope)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        service = find_service(parts[0]) if parts else None
        name = parts[1] if len(parts) == 2 else ""
        if scope["method"] == "GET" and "$skiptoken" in query and service and name in service.sets:
            pending = dict(ctx.settings.get("drift_pending") or {})
            pending[name] = effect.count
            ctx.settings["drift_pending"] = pending
            facts.update(object=name, inserted_ahead=effect.count)
        await inner(scope, receive, send)

    return stage


__all__ = ["batch_stage", "drift_stage"]
