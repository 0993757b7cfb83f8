"""SAP's gates in front of every OData route, as ASGI middleware: the path as the ICF
resolves it (doubled slashes collapsed), logon (Basic for the communication user or a
Bearer token) and the `sap-client` a request may name. A refused logon is 401 with SAP's
Basic realm whatever the path, so no odd spelling of a route slips past."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.sap.errors import unauthorized
from mocks.sap.state import SapState

TOKEN_PATH = "/sap/bc/sec/oauth2/token"
MAX_BATCH_BYTES = 50 * 1024 * 1024  # the ICF's default request size limit
_SLASHES = re.compile(r"/{2,}")
_RAW_SLASHES = re.compile(rb"/{2,}")


def requested_client(scope: Scope) -> str | None:
    """The `sap-client` a request names; a request naming two different ones names ''
    (no client is called that), so it is refused rather than served under either."""
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = set(params.get("sap-client") or ())
    return (values.pop() if len(values) == 1 else "") if values else None


class SapGate:
    """Logon and client checks for everything under `/sap/` (any case, any slashes)."""

    def __init__(self, app: ASGIApp, state: SapState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _SLASHES.sub("/", scope["path"])
        if path != scope["path"]:
            raw = _RAW_SLASHES.sub(b"/", scope.get("raw_path") or path.encode())
            scope = {**scope, "path": path, "raw_path": raw}
        lowered = path.lower()
        if not lowered.startswith("/sap") or lowered.rstrip("/") == TOKEN_PATH:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = requested_client(scope)
        allowed = client is None or client == str(self.state.settings.get("sap_client"))
        if not allowed or not self.state.auth.authenticated(headers.get("authorization", "")):
            await unauthorized()(scope, receive, send)
            return
        await self.app(scope, receive, send)


__all__ = ["MAX_BATCH_BYTES", "TOKEN_PATH", "SapGate", "requested_client"]
