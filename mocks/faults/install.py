"""Wire fault injection into a vendor app: runtime on `app.state.faults`, the middleware
(outermost at the time of the call) and the admin routes."""

from __future__ import annotations

from fastapi import FastAPI

from mocks.context import MockContext
from mocks.faults.admin import build_faults_router
from mocks.faults.dialect import Dialect
from mocks.faults.middleware import FaultMiddleware
from mocks.faults.plan import FaultPlan
from mocks.faults.runtime import FaultRuntime


def install_faults(app: FastAPI, dialect: Dialect) -> FaultRuntime:
    """Call last in `create_app`, after the vendor's own middleware, so faults also cover
    authentication and the vendor's gates. Needs `app.state.mock` set; `dialect` is the
    pack's own (`mocks.<vendor>.faults.DIALECT`)."""
    ctx: MockContext = app.state.mock
    runtime = FaultRuntime(ctx, supported=dialect.supported)
    app.state.faults = runtime
    app.add_middleware(FaultMiddleware, runtime=runtime, dialect=dialect)
    app.include_router(build_faults_router())
    return runtime


def apply_plan(app: FastAPI, plan: FaultPlan) -> None:
    """Make `plan` the app's active fault plan (what `PUT /__harness/faults` does)."""
    runtime: FaultRuntime = app.state.faults
    runtime.apply(plan)
