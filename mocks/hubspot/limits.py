"""HubSpot's rate limits per token: a rolling ten-second burst, a per-second limit and a
daily allowance (private-app tokens), with the `X-HubSpot-RateLimit-*` headers counting
down on every answer; search has its own per-second limit and sends none of the headers.

Windows run on the store clock (`rate_limit_clock: "store"`, the default): real time on a live
server, and in process the test's clock, so a test moves time rather than sleeping (a client
pacing itself in process must move that clock too: a clock standing still never lets a
window roll). `rate_limit_clock: "wall"` counts real time whatever the store's clock says.
A refusal is 429
with HubSpot's body (`errorType: RATE_LIMIT`, `policyName`) and `Retry-After`; refused
requests do not count. Every limit is a runtime setting (`burst_limit`, `burst_interval_ms`,
`secondly_limit`, `daily_limit`, `search_per_second`, `rate_limits`, `rate_limit_clock`)."""

from __future__ import annotations

import math
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.admin import ADMIN_PREFIX
from mocks.context import MockContext
from mocks.faults.asgi import send_json
from mocks.hubspot.auth import TOKEN_SCOPE_KEY
from mocks.hubspot.errors import correlation_id

HEADER = "x-hubspot-ratelimit-"
SEARCH = re.compile(r"^/crm/v3/objects/[^/]+/search/?$")
POLICY_MESSAGES = {
    "TEN_SECONDLY_ROLLING": "You have reached your ten secondly rolling limit.",
    "SECONDLY": "You have reached your secondly limit.",
    "DAILY": "You have reached your daily limit.",
}


@dataclass
class Windows:
    """One token's recent requests (store-clock seconds) and its count for the day."""

    burst: deque[float] = field(default_factory=deque)
    second: deque[float] = field(default_factory=deque)
    search: deque[float] = field(default_factory=deque)
    day: str = ""
    daily: int = 0


def limit_body(policy: str) -> dict[str, Any]:
    return {
        "status": "error",
        "message": POLICY_MESSAGES[policy],
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": policy,
        "requestId": correlation_id(),
    }


def _trim(window: deque[float], now: float, span: float) -> None:
    while window and window[0] <= now - span:
        window.popleft()


class RateGate:
    """Counts and limits requests per token (after `AuthGate` accepted them)."""

    def __init__(self, app: ASGIApp, ctx: MockContext) -> None:
        self.app = app
        self.ctx = ctx
        self._lock = threading.Lock()
        self._tokens: dict[str, Windows] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accepted = scope.get(TOKEN_SCOPE_KEY) if scope["type"] == "http" else None
        if accepted is None or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        token, private = accepted
        wall = self.ctx.settings.get("rate_limit_clock") == "wall"
        now = datetime.now(UTC) if wall else self.ctx.store.now()
        if scope["method"] == "POST" and SEARCH.match(scope["path"]):
            refusal = self._search(token, now)
            if refusal is not None:
                await send_json(send, 429, limit_body("SECONDLY"), refusal)
                return
            await self.app(scope, receive, send)
            return
        status, headers = self._count(token, private, now)
        if status is not None:
            await send_json(send, 429, limit_body(status), headers)
            return
        await self.app(scope, receive, _with_headers(send, headers))

    def _search(self, token: str, now: datetime) -> list[tuple[bytes, bytes]] | None:
        settings = self.ctx.settings
        per_second = int(settings.get("search_per_second") or 0)
        stamp = now.timestamp()
        with self._lock:
            window = self._tokens.setdefault(token, Windows()).search
            _trim(window, stamp, 1.0)
            if settings.get("rate_limits", True) and per_second and len(window) >= per_second:
                return [(b"retry-after", b"1")]
            window.append(stamp)
        return None

    def _count(
        self, token: str, private: bool, now: datetime
    ) -> tuple[str | None, list[tuple[bytes, bytes]]]:
        """(the policy refusing, or None; the headers to send)."""
        settings = self.ctx.settings
        burst = int(settings.get("burst_limit") or 0)
        interval = int(settings.get("burst_interval_ms") or 10_000) / 1000
        secondly = int(settings.get("secondly_limit") or 0)
        daily = int(settings.get("daily_limit") or 0)
        enforce = bool(settings.get("rate_limits", True))
        stamp, today = now.timestamp(), now.date().isoformat()
        with self._lock:
            w = self._tokens.setdefault(token, Windows())
            _trim(w.burst, stamp, interval)
            _trim(w.second, stamp, 1.0)
            if w.day != today:
                w.day, w.daily = today, 0
            policy, retry = None, 0.0
            if enforce and private and daily and w.daily >= daily:
                tomorrow = (now + timedelta(days=1)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                policy, retry = "DAILY", (tomorrow - now).total_seconds()
            elif enforce and burst and len(w.burst) >= burst:
                policy, retry = "TEN_SECONDLY_ROLLING", w.burst[0] + interval - stamp
            elif enforce and secondly and len(w.second) >= secondly:
                policy, retry = "SECONDLY", w.second[0] + 1.0 - stamp
            if policy is None:
                w.burst.append(stamp)
                w.second.append(stamp)
                w.daily += 1
            values = {
                "Max": burst,
                "Remaining": max(burst - len(w.burst), 0),
                "Interval-Milliseconds": int(interval * 1000),
                "Secondly": secondly,
                "Secondly-Remaining": max(secondly - len(w.second), 0),
            }
            if private:
                values.update({"Daily": daily, "Daily-Remaining": max(daily - w.daily, 0)})
        headers = [(f"{HEADER}{k.lower()}".encode(), str(v).encode()) for k, v in values.items()]
        if policy is not None:
            headers.append((b"retry-after", str(max(1, math.ceil(retry))).encode()))
        return policy, headers


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def add(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    return add


__all__ = ["HEADER", "POLICY_MESSAGES", "RateGate", "limit_body"]
