"""The NetSuite REST web services mock as a FastAPI app."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from mocks.admin import build_admin_router
from mocks.context import MockContext
from mocks.faults.install import install_faults
from mocks.netsuite.asyncjobs import JobStore
from mocks.netsuite.auth import TbaVerifier
from mocks.netsuite.config import NetSuiteMockConfig
from mocks.netsuite.errors import install_error_handlers
from mocks.netsuite.faults import DIALECT
from mocks.netsuite.limits import ConcurrencyGate
from mocks.netsuite.routes import asyncjobs, catalog, query, records
from mocks.netsuite.seed import seed_base, seed_netsuite
from mocks.netsuite.service import NetSuiteState
from mocks.store import RecordStore


def create_app(
    config: NetSuiteMockConfig | None = None, store: RecordStore | None = None
) -> FastAPI:
    """Build the mock: record service, SuiteQL, metadata catalog and the admin API.

    The store gets the seeded subsidiaries when it has none. Runtime knobs live in
    `app.state.mock.settings` (`max_lengths`, `on_overflow`, `max_concurrent`, `date_format`)
    and can be changed with `PATCH /__harness/settings`.
    """
    config = config or NetSuiteMockConfig()
    config.validate()
    store = store if store is not None else RecordStore()
    if store.count("subsidiary") == 0:
        seed_base(store)
    ctx = MockContext(
        vendor="netsuite",
        store=store,
        admin_token=config.admin_token,
        seeder=seed_netsuite,
        settings=config.initial_settings(),
    )
    app = FastAPI(title="NetSuite mock", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.mock = ctx
    app.state.netsuite = NetSuiteState(config=config, ctx=ctx)
    app.state.netsuite_jobs = JobStore(store.now)  # `Prefer: respond-async` jobs
    app.state.netsuite_tba = TbaVerifier(config)  # token-based auth, with its nonce cache
    app.include_router(build_admin_router())
    app.include_router(catalog.router)  # before the record routes: "metadata-catalog" is no type
    app.include_router(records.router)
    app.include_router(query.router)
    app.include_router(asyncjobs.router)
    install_error_handlers(app)
    app.add_middleware(ConcurrencyGate, ctx=ctx, default_limit=config.max_concurrent)
    install_faults(app, DIALECT)  # last: its middleware is outermost, so faults also cover auth
    return app


def build_app(
    credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """The pack's app builder (`mocks.netsuite.PACK`): an account accepting these tokens."""
    config = NetSuiteMockConfig(
        consumer_key=credentials["consumer_key"],
        consumer_secret=credentials["consumer_secret"],
        token_id=credentials["token_id"],
        token_secret=credentials["token_secret"],
        admin_token=admin_token,
    )
    return create_app(config, store)
