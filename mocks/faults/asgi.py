"""Small ASGI tools the fault effects share: read and replay a request body, capture a
response, send bytes with consistent headers, hold a request, drop a connection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NoReturn

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]
_HOP_BY_HOP = frozenset({b"content-length", b"transfer-encoding"})


class InjectedReset(Exception):
    """Raised to make the server drop the connection without answering (the `reset` fault).

    In-process clients (starlette's TestClient) see this exception itself; a client of a real
    uvicorn server sees the connection close (httpx: `RemoteProtocolError`)."""


class _QuietResets(logging.Filter):
    """Keeps uvicorn's error log free of the tracebacks of resets injected on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, InjectedReset)


logging.getLogger("uvicorn.error").addFilter(_QuietResets())


async def read_body(receive: Receive) -> bytes:
    """The whole request body (bounded by what the client sends)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands out `body` once, then defers to the original (disconnects)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def with_body_length(scope: Scope, length: int) -> Scope:
    """A copy of `scope` whose Content-Length header says `length`."""
    headers = [(k, v) for k, v in scope.get("headers", ()) if k != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}


@dataclass
class Captured:
    """A response held back so an effect can read or rewrite it."""

    status: int = 500
    headers: Headers = field(default_factory=list)
    body: bytes = b""

    def json(self) -> object:
        return orjson.loads(self.body)

    def is_json(self) -> bool:
        ctype = dict(self.headers).get(b"content-type", b"")
        return b"json" in ctype and bool(self.body)


async def capture(app: ASGIApp, scope: Scope, receive: Receive) -> Captured:
    """Run `app` and keep its whole response instead of sending it."""
    out = Captured()
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            out.status = int(message["status"])
            out.headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    out.body = b"".join(chunks)
    return out


async def send_bytes(
    send: Send, status: int, headers: Iterable[tuple[bytes, bytes]], body: bytes
) -> None:
    """Send a complete response; Content-Length always matches `body`."""
    kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, data: object, headers: Headers | None = None) -> None:
    base = [(k, v) for k, v in headers or [] if k.lower() != b"content-type"]
    base.append((b"content-type", b"application/json"))
    await send_bytes(send, status, base, orjson.dumps(data))


async def hold(receive: Receive, seconds: float) -> bool:
    """Keep the request open for `seconds`; True if the client went away first.

    Waiting on `receive` notices a disconnect at once, so abandoned requests do not pile up;
    server shutdown cancels the wait like any other task."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (remaining := deadline - loop.time()) > 0:
        try:
            message = await asyncio.wait_for(receive(), remaining)
        except TimeoutError:
            return False
        if message["type"] == "http.disconnect":
            return True
    return False


async def drop_connection(send: Send) -> NoReturn:
    """Close the connection with no response at all.

    uvicorn marks the response started before it checks header values, so a start message
    with an illegal header value makes it close the socket without writing a byte; the
    client sees the peer disconnect. Anything else (another server, a test client) gets
    `InjectedReset` raised, which a real server also turns into a dropped connection once a
    response has started."""
    try:
        illegal = [(b"x-reset", b"\r\n")]
        await send({"type": "http.response.start", "status": 500, "headers": illegal})
    except RuntimeError as exc:
        raise InjectedReset("connection reset by fault plan") from exc
    raise InjectedReset("connection reset by fault plan")
