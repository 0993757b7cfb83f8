"""The SAP S/4HANA mock as a FastAPI app: OData v2 services, OAuth, CSRF and the admin API."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from mocks.admin import build_admin_router
from mocks.context import MockContext
from mocks.faults.install import install_faults
from mocks.sap.auth import AuthState
from mocks.sap.config import SapMockConfig
from mocks.sap.faults import DIALECT
from mocks.sap.faults.traps import build_traps_router
from mocks.sap.limits import SapGate
from mocks.sap.routes import odata, token
from mocks.sap.seed import seed_base, seed_sap
from mocks.sap.state import SapState
from mocks.store import RecordStore


def create_app(config: SapMockConfig | None = None, store: RecordStore | None = None) -> FastAPI:
    """Build the mock. Runtime settings live in `app.state.mock.settings` (see
    `SapMockConfig.initial_settings`) and `PATCH /__harness/settings` changes them."""
    config = config or SapMockConfig()
    config.validate()
    store = store if store is not None else RecordStore()
    seed_base(store)
    ctx = MockContext(
        vendor="sap",
        store=store,
        admin_token=config.admin_token,
        seeder=seed_sap,
        settings=config.initial_settings(),
    )
    state = SapState(config, ctx, AuthState(config, store.now))
    app = FastAPI(
        title="SAP S/4HANA mock",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
    )
    app.state.mock = ctx
    app.state.sap = state
    app.include_router(build_admin_router())
    app.include_router(build_traps_router())
    app.include_router(token.router)
    app.include_router(odata.router)
    app.add_middleware(SapGate, state=state)
    install_faults(app, DIALECT)  # last: outermost, so faults also cover logon
    return app


def build_app(
    credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """The pack's app builder (`mocks.sap.PACK`): a system accepting these credentials."""
    config = SapMockConfig(
        username=credentials["username"],
        password=credentials["password"],
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
        admin_token=admin_token,
    )
    return create_app(config, store)


__all__ = ["build_app", "create_app"]
