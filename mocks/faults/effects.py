"""The vendor-neutral effects: latency, error replies, throttling, hangs, resets and broken
JSON. Vendor-shaped bodies come from the dialect; everything here is plain ASGI."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import capture, drop_connection, hold, send_bytes, send_json
from mocks.faults.dialect import Dialect, Headers
from mocks.faults.plan import (
    HANG_CAP_SECONDS,
    Effect,
    Error,
    Hang,
    Latency,
    MalformedJson,
    RateLimit,
    Reset,
    TruncatedJson,
    WindowLimit,
)

WINDOW_HEADER = "X-HubSpot-RateLimit-"


def latency_seconds(effect: Latency, rng: random.Random) -> float:
    """One delay drawn from the effect's distribution (fixed, uniform or lognormal)."""
    if effect.ms is not None:
        ms = effect.ms
    elif effect.min_ms is not None and effect.max_ms is not None:
        ms = rng.uniform(effect.min_ms, effect.max_ms)
    else:
        median = effect.median_ms or 0.0
        ms = median * math.exp(rng.gauss(0.0, effect.sigma or 0.0))
    return max(0.0, ms) / 1000


def delayed(
    send: Send, seconds: float, started: float, clock: Callable[[], float] = time.monotonic
) -> Send:
    """A `send` whose response starts `seconds` after the request arrived (`started`, on
    `clock`), so the request stays in flight (and inside the vendor's concurrency limit)
    while it waits, as server time does.

    The drawn latency is the call's whole response time, as a vendor's observed latency is:
    the mock's own work (and its wait for a turn at the CPU) is part of it, not added on
    top. Work that outlasts the draw is not shortened: the response then starts at once."""
    if seconds <= 0:
        return send

    async def later(message: Message) -> None:
        if message["type"] == "http.response.start":
            left = seconds - (clock() - started)
            if left > 0:
                await asyncio.sleep(left)
        await send(message)

    return later


def _header_list(headers: dict[str, str]) -> Headers:
    return [(k.lower().encode(), v.encode()) for k, v in headers.items()]


async def answer_error(send: Send, dialect: Dialect, effect: Error) -> None:
    body, headers = dialect.error(effect.status, effect.code, effect.message)
    if effect.retry_after is not None:
        headers = [*headers, (b"retry-after", str(round(effect.retry_after)).encode())]
    await send_json(send, effect.status, body, headers)


async def answer_rate_limit(
    send: Send, dialect: Dialect, effect: RateLimit, ctx: MockContext, rng: random.Random
) -> dict[str, Any]:
    low, high = effect.retry_after
    retry_after = round(rng.uniform(low, high))  # Retry-After is whole seconds on the wire
    status, body, headers = dialect.rate_limited(effect, retry_after, ctx)
    await send_json(send, status, body, headers)
    return {"status": status, "retry_after": retry_after}


def hubspot_limit_body() -> dict[str, Any]:
    """HubSpot's 429 body for its ten-second bucket (VENDORS.md 2.5)."""
    return {
        "status": "error",
        "message": "You have reached your ten secondly rolling limit.",
        "errorType": "RATE_LIMIT",
        "policyName": "TEN_SECONDLY_ROLLING",
    }


def window_headers(effect: WindowLimit, remaining: int) -> Headers:
    """The X-HubSpot-RateLimit-* headers every answer inside a window carries."""
    return _header_list(
        {
            f"{WINDOW_HEADER}Max": str(effect.max),
            f"{WINDOW_HEADER}Remaining": str(remaining),
            f"{WINDOW_HEADER}Interval-Milliseconds": str(effect.interval_ms),
        }
    )


async def answer_window(
    send: Send, effect: WindowLimit, remaining: int, seconds_left: float
) -> dict[str, Any]:
    """HubSpot's ten-second bucket refusal: 429 with its rate-limit headers."""
    retry_after = max(1, math.ceil(seconds_left))
    headers = [*window_headers(effect, remaining), (b"retry-after", str(retry_after).encode())]
    await send_json(send, 429, hubspot_limit_body(), headers)
    return {"status": 429, "retry_after": retry_after}


async def answer_terminal(
    effect: Effect,
    *,
    scope: Scope,
    receive: Receive,
    send: Send,
    dialect: Dialect,
    ctx: MockContext,
    rng: random.Random,
) -> dict[str, Any]:
    """Answer the request with a terminal effect; returns facts for the ground truth."""
    if isinstance(effect, Error):
        await answer_error(send, dialect, effect)
        return {"status": effect.status}
    if isinstance(effect, RateLimit):
        return await answer_rate_limit(send, dialect, effect, ctx, rng)
    if isinstance(effect, MalformedJson):
        body = effect.body.encode()
        await send_bytes(send, 200, [(b"content-type", b"application/json")], body)
        return {"status": 200}
    if isinstance(effect, Hang):
        try:
            gone = await hold(receive, min(effect.seconds, HANG_CAP_SECONDS))
        except asyncio.CancelledError:
            # The server is shutting down: answer as a vendor going away does, and let the
            # task end normally so the shutdown is not reported as a crash.
            await answer_error(send, dialect, Error(status=503))
            return {"status": 503, "ended_by_shutdown": True}
        if gone:
            return {"client_gave_up": True}
        if effect.then == "reset":
            await drop_connection(send)
        await answer_error(send, dialect, Error(status=504))
        return {"status": 504}
    if isinstance(effect, Reset):
        await drop_connection(send)
    raise TypeError(f"{effect.TYPE} is not a terminal effect")


async def truncated(
    scope: Scope, receive: Receive, send: Send, inner: ASGIApp, effect: TruncatedJson
) -> dict[str, Any]:
    """The real response, its body cut to `keep` of its length (Content-Length matches)."""
    reply = await capture(inner, scope, receive)
    cut = reply.body[: max(1, int(len(reply.body) * effect.keep))] if reply.body else b""
    await send_bytes(send, reply.status, reply.headers, cut)
    return {"status": reply.status, "bytes_sent": len(cut), "bytes_full": len(reply.body)}
