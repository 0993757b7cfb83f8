"""The Toy CRM sandbox as a FastAPI app: OAuth token, clients API, admin API, faults."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from mocks.admin import build_admin_router
from mocks.context import MockContext
from mocks.faults.install import install_faults
from mocks.store import RecordStore
from tests.packs.toy.mock.auth import BearerGate, build_auth_router
from tests.packs.toy.mock.errors import install_error_handlers
from tests.packs.toy.mock.faults import DIALECT
from tests.packs.toy.mock.routes import build_clients_router
from tests.packs.toy.mock.schema import OBJECT
from tests.packs.toy.mock.seed import seed_toy
from tests.packs.toy.mock.state import ToyState

# Runtime knobs, changeable through `PATCH /__harness/settings` while the app runs.
DEFAULT_SETTINGS = {"token_ttl_seconds": 3600, "default_page_size": 50, "max_page_size": 100}


def create_app(
    client_id: str, client_secret: str, admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """A Toy CRM accepting one client id and secret; `app.state.mock` is the shared
    `MockContext`, `app.state.toy` the tokens and the id counter."""
    store = store if store is not None else RecordStore()
    store.ensure_index(OBJECT, "ref")
    app = FastAPI(
        title="Toy CRM mock",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    app.state.mock = MockContext(
        vendor="toy",
        store=store,
        admin_token=admin_token,
        seeder=seed_toy,
        settings=dict(DEFAULT_SETTINGS),
    )
    app.state.toy = ToyState(client_id, client_secret)
    install_error_handlers(app)
    app.include_router(build_auth_router())
    app.include_router(build_clients_router())
    app.include_router(build_admin_router())
    app.add_middleware(BearerGate)
    install_faults(app, DIALECT)  # last: its middleware is outermost, so faults cover auth too
    return app


def build_app(
    credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
) -> FastAPI:
    """The pack's app builder (`MockPack.app`)."""
    return create_app(credentials["client_id"], credentials["client_secret"], admin_token, store)


__all__ = ["DEFAULT_SETTINGS", "build_app", "create_app"]
