"""Admin routes for faults and traps, under `/__harness/` and its token guard.

- `GET /__harness/faults`: the active plan, per-rule matched/fired counts, drifts in force;
- `PUT /__harness/faults`: replace the plan (the YAML shape as JSON); 400 lists problems;
- `DELETE /__harness/faults`: clear the plan and restore the settings it patched;
- `POST /__harness/traps`: set off a store-level trap (see `mocks.faults.traps`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request

from mocks.admin import ADMIN_PREFIX, OrjsonResponse, _require_token
from mocks.context import MockContext
from mocks.faults.runtime import FaultRuntime
from mocks.faults.traps import TrapError, TrapRequest, set_trap
from mocks.faults.validate import PlanError, parse_plan


def _runtime(request: Request) -> FaultRuntime:
    runtime: FaultRuntime = request.app.state.faults
    return runtime


def build_faults_router() -> APIRouter:
    router = APIRouter(
        prefix=ADMIN_PREFIX,
        default_response_class=OrjsonResponse,
        dependencies=[Depends(_require_token)],
    )

    @router.get("/faults")
    def get_faults(request: Request) -> dict[str, Any]:
        return _runtime(request).status()

    @router.put("/faults")
    def put_faults(request: Request, body: Any = Body(...)) -> dict[str, Any]:
        runtime = _runtime(request)
        try:
            runtime.apply(parse_plan(body, "PUT /__harness/faults"))
        except PlanError as exc:
            raise HTTPException(
                status_code=400, detail={"error": "invalid fault plan", "problems": exc.problems}
            ) from exc
        return runtime.status()

    @router.delete("/faults")
    def delete_faults(request: Request) -> dict[str, Any]:
        runtime = _runtime(request)
        runtime.clear()
        return runtime.status()

    @router.post("/traps")
    def traps(
        body: dict[str, Any] = Body(...), ctx: MockContext = Depends(_require_token)
    ) -> dict[str, Any]:
        try:
            facts = set_trap(ctx, TrapRequest.from_json(body))
        except TrapError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        return {"trap": body["trap"], "object": body["object"], "facts": facts}

    return router
