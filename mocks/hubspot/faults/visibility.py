"""Late visibility as a fault effect: for the requests a `late_visibility` rule fires on,
search lags by the effect's seconds (the `search_lag_seconds` setting does the same for
every search); the ids search could not see yet are logged as `hidden_ids`."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.faults.dialect import Stage
from mocks.faults.plan import LateVisibility
from mocks.hubspot.routes.search import HIDDEN_SCOPE_KEY, LAG_SCOPE_KEY


def late_stage(effect: LateVisibility, facts: dict[str, Any]) -> Stage:
    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        hidden: list[str] = []
        scope = {**scope, LAG_SCOPE_KEY: effect.seconds, HIDDEN_SCOPE_KEY: hidden}
        await inner(scope, receive, send)
        if hidden:
            facts.update(hidden_ids=hidden[:1000], seconds=effect.seconds)

    return stage


__all__ = ["late_stage"]
