"""Wire fault injection and the request journal into a vendor app: the fault runtime on
`app.state.faults`, the journal on `app.state.journal`, their middleware (the journal
outermost, so it sees the faults' answers too) and their admin routes.

Every pack calls `install_faults` last, so every pack gets the journal without asking."""

from __future__ import annotations

from fastapi import FastAPI

from mocks.admin import ADMIN_PREFIX, build_journal_router
from mocks.context import MockContext
from mocks.faults.admin import build_faults_router
from mocks.faults.dialect import Dialect
from mocks.faults.middleware import FaultMiddleware
from mocks.faults.plan import FaultPlan
from mocks.faults.runtime import FaultRuntime
from mocks.journal import JournalMiddleware, RequestJournal


def install_faults(app: FastAPI, dialect: Dialect) -> FaultRuntime:
    """Call last in `create_app`, after the vendor's own middleware, so faults also cover
    authentication and the vendor's gates. Needs `app.state.mock` set; `dialect` is the
    pack's own (`mocks.<vendor>.faults.DIALECT`)."""
    ctx: MockContext = app.state.mock
    runtime = FaultRuntime(ctx, supported=dialect.supported)
    app.state.faults = runtime
    app.add_middleware(FaultMiddleware, runtime=runtime, dialect=dialect)
    app.include_router(build_faults_router())
    install_journal(app, dialect)
    return runtime


def install_journal(app: FastAPI, dialect: Dialect, capacity: int | None = None) -> RequestJournal:
    """Record every vendor request in a journal (`mocks.journal`), sorted into the kinds of
    `dialect`; added after the fault middleware, so outside it."""
    journal = RequestJournal(capacity) if capacity else RequestJournal()
    app.state.journal = journal
    app.add_middleware(
        JournalMiddleware, journal=journal, kinds=dialect.kind, skip_prefix=ADMIN_PREFIX
    )
    app.include_router(build_journal_router())
    return journal


def apply_plan(app: FastAPI, plan: FaultPlan) -> None:
    """Make `plan` the app's active fault plan (what `PUT /__harness/faults` does)."""
    runtime: FaultRuntime = app.state.faults
    runtime.apply(plan)
