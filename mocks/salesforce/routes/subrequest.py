"""One subrequest of a composite call, run inside the same HTTP request.

A subrequest is routed through the app's own router (not its middleware): it answers
exactly as the same call made alone would, under the caller's session, and counts no API
call of its own (Salesforce counts a composite call once). `@{ref.path}` references to
earlier answers are resolved in its URL and body first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message

from mocks.salesforce.errors import NOT_FOUND_MESSAGE

_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")
_STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")
REFERENCE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


class UnresolvedReference(Exception):
    """A `@{ref.path}` naming no earlier answer, or a path that answer does not have."""

    def __init__(self, reference: str, halted: bool) -> None:
        super().__init__(reference)
        self.reference = reference
        self.halted = halted  # the subrequest it names failed


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def ok(self) -> bool:
        return self.status < 400

    def wire(self, reference_id: str) -> dict[str, Any]:
        return {"body": self.body, "httpHeaders": self.headers, "httpStatusCode": self.status,
                "referenceId": reference_id}  # fmt: skip


def _follow(value: Any, path: str, reference: str) -> Any:
    for name, index in _STEP.findall(path):
        if name and isinstance(value, dict):
            value = value.get(name)
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            value = None
        if value is None:
            raise UnresolvedReference(reference, halted=False)
    return value


def resolve(value: Any, answers: dict[str, Answer]) -> Any:
    """`value` with every `@{ref.path}` replaced from the answers so far. A string that is
    one whole reference takes the referenced value's JSON type."""
    if isinstance(value, dict):
        return {k: resolve(v, answers) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, answers) for v in value]
    if not isinstance(value, str) or "@{" not in value:
        return value

    def lookup(match: re.Match[str]) -> Any:
        answer = answers.get(match.group(1))
        if answer is None or not answer.ok:
            raise UnresolvedReference(match.group(0), halted=answer is not None)
        return _follow(answer.body, match.group(2), match.group(0))

    whole = _REFERENCE.fullmatch(value)
    if whole is not None:
        return lookup(whole)
    return _REFERENCE.sub(lambda m: str(lookup(m)), value)


async def dispatch(
    request: Request, method: str, url: str, body: Any, headers: dict[str, str] | None = None
) -> Answer:
    """Run `method url` with `body` through the router under the caller's session."""
    path, _, query = url.partition("?")
    raw = b"" if body is None else orjson.dumps(body)
    sent = [(b"authorization", request.headers.get("authorization", "").encode()),
            (b"content-type", b"application/json")]  # fmt: skip
    sent += [(k.lower().encode(), str(v).encode()) for k, v in (headers or {}).items()]
    scope = {**request.scope, "method": method, "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": sent, "path_params": {}}  # fmt: skip
    scope.pop("route", None)
    scope.pop("endpoint", None)
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": raw, "more_body": False}

    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await request.app.router(scope, receive, send)
    except StarletteHTTPException as exc:
        return _framework_error(exc, method)
    payload = b"".join(chunks)
    out_headers = {k.decode().title(): v.decode() for k, v in start.get("headers", [])
                   if k.lower() in (b"location", b"etag", b"last-modified")}  # fmt: skip
    return Answer(int(start.get("status", 500)), out_headers, _decoded(payload))


def _decoded(payload: bytes) -> Any:
    """A subrequest's body as the composite answer carries it: JSON parsed, anything else
    (a bulk job's CSV) as text."""
    if not payload.strip():
        return None
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload.decode("utf-8", errors="replace")


def _framework_error(exc: StarletteHTTPException, method: str) -> Answer:
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
        return Answer(405, {}, [{"errorCode": "METHOD_NOT_ALLOWED", "message": message}])
    return Answer(404, {}, [{"errorCode": "NOT_FOUND", "message": NOT_FOUND_MESSAGE}])


__all__ = ["REFERENCE_ID", "Answer", "UnresolvedReference", "dispatch", "resolve"]
