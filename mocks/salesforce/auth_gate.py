"""Which Salesforce paths need a session, and the session a request presents.

Default deny: every path under `/services/` needs a valid session, whatever it spells after
that (an API version such as `v59`, `v59.0x` or `vXX.0`, a resource that does not exist),
except the few doors a client knocks on before it has one: the versions root of the data
API, the OAuth token endpoint and the SOAP partner login. The earlier gate matched a
well-formed version with a regex and let every other path through untouched, so an odd
version string reached the routes with no token and without moving the API counter.

The session is checked before the version: the REST API documents 401 as "the session ID or
OAuth token used has expired or is invalid" for any request, and 404 as a resource that
cannot be found *for the caller* ("verify that there are no sharing issues"), which presumes
a caller (REST API Developer Guide, "Status Codes and Error Responses"). So a request without
a valid session learns nothing about which paths exist: 401 INVALID_SESSION_ID everywhere;
with one, an unknown or malformed version is 404 NOT_FOUND.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from starlette.types import Scope

SERVICES = "/services/"
# The doors open without a session (each with and without its trailing slash).
_OPEN = re.compile(r"/services/(?:data|oauth2/token|Soap/u/[^/]+)/?")
# Bulk API 1.0 (`/services/async/{version}/...`) carries the session in its own header.
_BULK_V1 = "/services/async/"

Door = Literal["open", "guarded", "outside"]
# The APIs whose second segment is an API version, and how a version is spelt there.
_VERSIONED = (("/services/data/", "v"), ("/services/async/", ""))


def door(path: str) -> Door:
    """`guarded` for a path that needs a session, `open` for the login doors and the
    versions root, `outside` for paths that are not Salesforce's (the admin API)."""
    if not path.startswith(SERVICES):
        return "outside"
    return "open" if _OPEN.fullmatch(path) else "guarded"


def known_version(path: str, versions: Iterable[str]) -> bool | None:
    """Whether the API version a path spells is one of `versions`, exactly as that API spells
    it (`v59.0` in the data API, `59.0` in Bulk API 1.0); None for a path without one (the
    data API's versions root, or outside the versioned APIs)."""
    for prefix, mark in _VERSIONED:
        if path.startswith(prefix):
            segment = path[len(prefix) :].split("/", 1)[0]
            if not segment and path.rstrip("/") + "/" == prefix:
                return None  # the versions root
            return segment in {f"{mark}{version}" for version in versions}
    return None


def presented_session(scope: Scope) -> str | None:
    """The session id the request carries: `Authorization: Bearer|OAuth <id>`, or for Bulk
    API 1.0 the `X-SFDC-Session` header."""
    bulk_v1 = str(scope.get("path", "")).startswith(_BULK_V1)
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() in ("bearer", "oauth") and token.strip():
                return token.strip()
        elif bulk_v1 and name == b"x-sfdc-session" and value.strip():
            return value.decode("latin-1").strip()
    return None


__all__ = ["SERVICES", "door", "known_version", "presented_session"]
