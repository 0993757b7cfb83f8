"""The token-guarded admin API every mock serves under `/__harness/`."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from mocks.context import MockContext
from mocks.drift import DriftError, DriftRequest, inject_drift
from mocks.journal import JournalQuery, RequestJournal
from mocks.registry import PackError, mock_pack
from mocks.store import RecordNotFound
from mocks.world.generator import WorldSettings

ADMIN_PREFIX = "/__harness"
TOKEN_HEADER = "X-Harness-Token"


class OrjsonResponse(JSONResponse):
    """JSON rendered by orjson (FastAPI's own ORJSONResponse is deprecated)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _context(request: Request) -> MockContext:
    ctx: MockContext = request.app.state.mock
    return ctx


def _require_token(
    request: Request, x_harness_token: str | None = Header(default=None)
) -> MockContext:
    ctx = _context(request)
    if x_harness_token is None or not hmac.compare_digest(x_harness_token, ctx.admin_token):
        raise HTTPException(
            status_code=401,
            detail=f"admin API needs the {TOKEN_HEADER} header with the mock's admin token",
        )
    return ctx


def build_admin_router() -> APIRouter:
    """Routes shared by every vendor mock; they read the vendor's `MockContext` from app state."""
    router = APIRouter(prefix=ADMIN_PREFIX, default_response_class=OrjsonResponse)

    @router.get("/health")
    def health(request: Request) -> dict[str, Any]:
        ctx = _context(request)
        return {"vendor": ctx.vendor, "status": "ok"}

    @router.post("/reset")
    def reset(ctx: MockContext = Depends(_require_token)) -> dict[str, Any]:
        ctx.store.reset()
        ctx.ground_truth.clear()
        return {"reset": True}

    @router.post("/seed")
    def seed(
        body: dict[str, Any] = Body(default_factory=dict),
        ctx: MockContext = Depends(_require_token),
    ) -> dict[str, Any]:
        try:
            settings = WorldSettings.from_mapping(body)
            for role in ("crm", "erp"):  # the pair's packs number the shared records
                name = getattr(settings, role)
                if name:
                    mock_pack(name, role)
        except (TypeError, ValueError, PackError) as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        counts = ctx.seed(settings)
        return {"seeded": counts, "settings": settings.to_json()}

    @router.get("/snapshot")
    def snapshot(
        objects: list[str] | None = Query(default=None),
        ctx: MockContext = Depends(_require_token),
    ) -> dict[str, Any]:
        return ctx.store.snapshot(objects)

    @router.get("/changes")
    def changes(
        since: int = 0,
        obj: str | None = Query(default=None, alias="object"),
        ctx: MockContext = Depends(_require_token),
    ) -> dict[str, Any]:
        return {
            "last_seq": ctx.store.last_seq,
            "changes": [c.to_json() for c in ctx.store.changes(since, obj)],
        }

    @router.get("/ground-truth")
    def ground_truth(ctx: MockContext = Depends(_require_token)) -> dict[str, Any]:
        return {"vendor": ctx.vendor, "facts": ctx.ground_truth}

    @router.post("/drift")
    def drift(
        body: dict[str, Any] = Body(...), ctx: MockContext = Depends(_require_token)
    ) -> dict[str, Any]:
        """Mutate records the way real systems drift after a sync; each one is ground truth."""
        try:
            request = DriftRequest.from_json(body)
            facts = inject_drift(ctx, request)
        except (DriftError, TypeError, ValueError) as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        counts: dict[str, int] = {}
        for fact in facts:
            counts[fact["drift"]] = counts.get(fact["drift"], 0) + 1
        return {"object": request.obj, "injected": counts, "facts": facts}

    @router.get("/settings")
    def get_settings(ctx: MockContext = Depends(_require_token)) -> dict[str, Any]:
        return ctx.settings

    @router.patch("/settings")
    def patch_settings(
        body: dict[str, Any] = Body(...), ctx: MockContext = Depends(_require_token)
    ) -> dict[str, Any]:
        unknown = sorted(set(body) - set(ctx.settings))
        if unknown:
            raise HTTPException(
                status_code=400,
                detail=f"unknown setting(s) {unknown}; known: {sorted(ctx.settings)}",
            )
        for key, value in body.items():
            current = ctx.settings[key]
            if isinstance(current, dict) and isinstance(value, dict):
                current.update(value)
            else:
                ctx.settings[key] = value
        return ctx.settings

    @router.delete("/settings")
    def restore_settings(ctx: MockContext = Depends(_require_token)) -> dict[str, Any]:
        return ctx.restore_settings()

    @router.patch("/records/{obj}/{record_id}")
    def patch_record(
        obj: str,
        record_id: str,
        body: dict[str, Any] = Body(...),
        touch: bool = True,
        at: datetime | None = None,
        ctx: MockContext = Depends(_require_token),
    ) -> dict[str, Any]:
        """Edit stored data behind the vendor API (a back-end job, a formula recalculating);
        `at` stamps the change with a past time, as a transaction committing late would."""
        if at is not None and at.tzinfo is None:
            raise HTTPException(status_code=400, detail="`at` needs a time zone (e.g. ...Z)")
        try:  # a value no answer could carry (an integer past 64 bits) would poison the record
            orjson.dumps(body)
        except TypeError as exc:
            raise HTTPException(status_code=400, detail=f"cannot store this body: {exc}") from exc
        try:
            rec = ctx.store.update(obj, record_id, body, touch=touch, at=at)
        except RecordNotFound as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        return rec.to_json()

    return router


def build_journal_router() -> APIRouter:
    """`GET /__harness/journal` (totals, a summary and entries, filtered) and `DELETE` (clear
    it); the journal is `app.state.journal` (`mocks.faults.install_faults` sets it)."""
    router = APIRouter(prefix=ADMIN_PREFIX, default_response_class=OrjsonResponse)

    def _journal(request: Request) -> RequestJournal:
        journal: RequestJournal = request.app.state.journal
        return journal

    @router.get("/journal")
    def read_journal(
        request: Request,
        since: int = Query(default=0, ge=0),
        kind: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        client: str | None = None,
        limit: int = Query(default=1000, ge=0, le=200_000),
        summary: bool = True,
        _ctx: MockContext = Depends(_require_token),
    ) -> dict[str, Any]:
        """`summary=false` skips the summary (a cheap poll of `quiet_seconds` and totals)."""
        query = JournalQuery(since, kind, method, path, status, client, limit)
        return _journal(request).read(query, summary=summary)

    @router.delete("/journal")
    def clear_journal(
        request: Request, _ctx: MockContext = Depends(_require_token)
    ) -> dict[str, Any]:
        _journal(request).clear()
        return {"cleared": True}

    return router
