"""The mock Salesforce org as a FastAPI app: OAuth, REST data API, admin API."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from fastapi import APIRouter, FastAPI

from mocks.admin import build_admin_router
from mocks.context import MockContext
from mocks.faults.install import install_faults
from mocks.salesforce.auth import build_auth_router
from mocks.salesforce.auth_tokens import TokenRegistry
from mocks.salesforce.bulk.jobs import BulkJobs
from mocks.salesforce.config import SalesforceMockConfig
from mocks.salesforce.errors import install_error_handlers
from mocks.salesforce.faults import DIALECT
from mocks.salesforce.limits import ApiGate
from mocks.salesforce.routes.bulk1 import build_bulk1_router
from mocks.salesforce.routes.bulk2 import build_bulk2_router
from mocks.salesforce.routes.composite import build_composite_router
from mocks.salesforce.routes.composite_request import build_composite_request_router
from mocks.salesforce.routes.composite_tree import build_composite_tree_router
from mocks.salesforce.routes.meta import build_meta_router
from mocks.salesforce.routes.query import build_query_router
from mocks.salesforce.routes.search import build_search_router
from mocks.salesforce.routes.soap_login import build_soap_login_router
from mocks.salesforce.routes.sobjects import build_sobject_router
from mocks.salesforce.seed import seed_salesforce
from mocks.salesforce.state import SalesforceState, default_settings, supported_versions
from mocks.store import RecordStore


def create_app(
    config: SalesforceMockConfig | None = None, store: RecordStore | None = None
) -> FastAPI:
    """Build a mock Salesforce org.

    `app.state.mock` is the shared `MockContext` (store, admin token, seeder, settings);
    `app.state.salesforce` holds tokens, id counters and query cursors. Routes exist with and
    without a trailing slash and never redirect.
    """
    config = config or SalesforceMockConfig()
    store = store if store is not None else RecordStore()
    app = FastAPI(
        title="Mock Salesforce",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    app.state.mock = MockContext(
        vendor="salesforce",
        store=store,
        admin_token=config.admin_token,
        seeder=seed_salesforce,
        settings=default_settings(config),
    )
    app.state.salesforce = SalesforceState(
        config, supported_versions(config.api_version), TokenRegistry(config.org_id[:15])
    )
    app.state.salesforce_bulk = BulkJobs()  # Bulk API 1.0 and 2.0 jobs of this org
    install_error_handlers(app)
    app.add_middleware(ApiGate)
    for router in _routers():
        app.include_router(router)
    install_faults(app, DIALECT)  # last: its middleware is outermost, so faults also cover auth
    return app


def build_app(
    credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """The pack's app builder (`mocks.salesforce.PACK`): an org accepting these credentials."""
    config = SalesforceMockConfig(
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
        admin_token=admin_token,
    )
    # The integration user is optional: a pack caller may issue only the connected app.
    config.username = credentials.get("username", config.username)
    config.password = credentials.get("password", config.password)
    config.security_token = credentials.get("security_token", config.security_token)
    return create_app(config, store)


@cache
def _routers() -> tuple[APIRouter, ...]:
    # Order matters: `sobjects/X/describe` must match before `sobjects/X/{record_id}`.
    return (
        build_auth_router(),
        build_soap_login_router(),
        build_meta_router(),
        build_query_router(),
        build_search_router(),
        build_sobject_router(),
        build_composite_router(),
        build_composite_request_router(),
        build_composite_tree_router(),
        build_bulk2_router(),
        build_bulk1_router(),
        build_admin_router(),
    )
