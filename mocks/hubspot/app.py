"""The HubSpot CRM v3 sandbox as a FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from mocks.admin import build_admin_router
from mocks.context import MockContext
from mocks.faults.install import install_faults
from mocks.hubspot.auth import AuthGate, TokenBook
from mocks.hubspot.auth import build_router as oauth_router
from mocks.hubspot.config import HubSpotMockConfig
from mocks.hubspot.errors import install_error_handlers
from mocks.hubspot.faults import DIALECT
from mocks.hubspot.limits import RateGate
from mocks.hubspot.routes import associations, batch, objects, owners, properties, search
from mocks.hubspot.seed import seed_hubspot
from mocks.hubspot.state import HubSpotState
from mocks.hubspot.webhooks import WebhookHub, WebhookTap
from mocks.hubspot.webhooks import routes as webhook_routes
from mocks.store import RecordStore


def _lifespan(hub: WebhookHub) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The webhook sender runs while the server serves, and stops with it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        hub.start()
        try:
            yield
        finally:
            hub.stop()

    return lifespan


def create_app(
    config: HubSpotMockConfig | None = None, store: RecordStore | None = None
) -> FastAPI:
    """Build the portal: objects, batches, search, associations, properties, owners, OAuth,
    webhooks, the admin API and fault injection. Runtime knobs
    (`HubSpotMockConfig.initial_settings`) change through `PATCH /__harness/settings`."""
    config = config or HubSpotMockConfig()
    config.validate()
    store = store if store is not None else RecordStore()
    ctx = MockContext(
        vendor="hubspot",
        store=store,
        admin_token=config.admin_token,
        seeder=seed_hubspot,
        settings=config.initial_settings(),
    )
    hub = WebhookHub(config, ctx.settings)
    app = FastAPI(
        title="HubSpot mock",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(hub),
    )
    app.state.mock = ctx
    app.state.hubspot_webhooks = hub
    app.state.hubspot = HubSpotState(config=config, ctx=ctx)
    tokens = TokenBook(config, store)
    app.state.hubspot_tokens = tokens
    app.include_router(build_admin_router())
    app.include_router(oauth_router(tokens, ctx.settings))
    app.include_router(properties.build_router())
    app.include_router(search.build_router())  # before objects: "search" is no record id
    app.include_router(batch.build_router())
    app.include_router(objects.build_router())
    app.include_router(associations.build_router())
    app.include_router(owners.build_router())
    app.include_router(webhook_routes.build_router())
    app.include_router(webhook_routes.build_admin_router())
    install_error_handlers(app)
    # Inside the journal and faults (added later, so outer): it chains onto the journal's
    # write observer, and only writes a request really made send events.
    app.add_middleware(WebhookTap, store=store, sink=hub.publish)
    app.add_middleware(RateGate, ctx=ctx)  # inside the auth gate: it counts accepted tokens
    app.add_middleware(AuthGate, tokens=tokens)
    install_faults(app, DIALECT)  # last: its middleware is outermost, so faults also cover auth
    return app


def build_app(
    credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """The pack's app builder (`mocks.hubspot.PACK`): a portal accepting these credentials."""
    config = HubSpotMockConfig(
        access_token=credentials["access_token"],
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
        refresh_token=credentials["refresh_token"],
        admin_token=admin_token,
    )
    return create_app(config, store)


__all__ = ["build_app", "create_app"]
