"""Per-app Salesforce state beside the shared `MockContext`: tokens, ids, cursors, locks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fastapi import Request

from mocks.context import MockContext
from mocks.salesforce.auth_tokens import TokenRegistry
from mocks.salesforce.config import SalesforceMockConfig
from mocks.salesforce.ids import IdAllocator
from mocks.salesforce.paging import QueryCursors
from mocks.salesforce.render_cache import RenderCache
from mocks.salesforce.seed.directory import ensure_directory

OLDEST_VERSION = 31
DATA_ROOT = "/services/data"  # the versions root: open, uncounted
# How a version is written in a data API path: `v59.0`. Anything else there (`v59`,
# `v59.0x`, `V59.0`) is no version: 404 NOT_FOUND once the session checks out
# (`auth_gate`).
VERSION_PATTERN = r"\d+\.\d+"


def default_settings(config: SalesforceMockConfig) -> dict[str, Any]:
    """The runtime knobs, changeable through `PATCH /__harness/settings`."""
    return {
        "daily_api_limit": config.daily_api_limit,
        # Requests counted against the daily limit so far; set it to simulate a busy day.
        "api_requests_used": 0,
        "token_ttl_seconds": config.token_ttl_seconds,
        "max_batch_size": 200,
        "default_query_batch": 2000,
        "query_cursor_ttl_seconds": 900.0,
        "max_query_cursors": 10,
        "replication_lookback_days": 30,
    }


def supported_versions(newest: str) -> list[str]:
    top = int(float(newest))
    return [f"{v}.0" for v in range(OLDEST_VERSION, top + 1)]


@dataclass
class SalesforceState:
    config: SalesforceMockConfig
    versions: list[str]
    tokens: TokenRegistry = field(default_factory=TokenRegistry)
    ids: IdAllocator = field(default_factory=IdAllocator)
    cursors: QueryCursors = field(default_factory=QueryCursors)
    rendered: RenderCache = field(default_factory=RenderCache)
    usage_lock: threading.Lock = field(default_factory=threading.Lock)
    # Held from the first planned write of a request to its commit (see `dml.UnitOfWork`).
    write_lock: threading.RLock = field(default_factory=threading.RLock)


def sf_state(request: Request) -> SalesforceState:
    state: SalesforceState = request.app.state.salesforce
    return state


def mock_context(request: Request) -> MockContext:
    ctx: MockContext = request.app.state.mock
    return ctx


def api_version(request: Request) -> str:
    return str(request.path_params["version"])


def org_directory(request: Request) -> Callable[[Iterable[str]], None]:
    """Puts the org's users, organization and record types in the store on first use of
    any of those objects (`seed.directory`): what a write naming a user calls first."""
    return partial(ensure_directory, mock_context(request).store, sf_state(request).config)
