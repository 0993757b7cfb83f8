"""SAP Gateway auth for the connector: a communication user (Basic) or an OAuth client
(client credentials, Bearer), plus the CSRF token every modifying request must carry.

SAP ties a CSRF token to the session cookie it was issued with: the hook fetches both once
per service root (a GET with `X-CSRF-Token: Fetch`), sends them on every POST, PATCH, PUT,
MERGE and DELETE, and when SAP answers 403 with `x-csrf-token: Required` (the token or the
session expired mid-run) drops them so the one retry the HTTP layer grants fetches new ones.
Secrets and tokens never reach the log.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sync.connectors.base import ConnectionSettings
from sync.connectors.http import HttpResponse, HttpSession
from sync.errors import AuthError, ConfigError, FatalVendorError

__all__ = ["MODIFYING", "TOKEN_PATH", "SapAuth", "service_root"]

TOKEN_PATH = "/sap/bc/sec/oauth2/token"
MODIFYING = frozenset({"POST", "PUT", "PATCH", "MERGE", "DELETE"})
_SERVICE = re.compile(r"^(/sap/opu/odata/sap/[^/]+)")
# Cookies of one Set-Cookie header joined with ", " by the HTTP layer: split before the next
# "name=" (an Expires date's comma is followed by a day number, never by "name=").
_COOKIE_SPLIT = re.compile(r",\s*(?=[^;,=\s]+=)")


def service_root(url: str) -> str | None:
    """The OData service root path of `url` (`/sap/opu/odata/sap/API_X`), or None."""
    match = _SERVICE.match(urlsplit(url).path)
    return match.group(1) if match else None


def session_cookies(set_cookie: str | None) -> str:
    """A `Cookie` header value from a (possibly joined) `Set-Cookie` header: names and values
    only, attributes dropped."""
    if not set_cookie:
        return ""
    pairs = []
    for cookie in _COOKIE_SPLIT.split(set_cookie):
        first = cookie.split(";", 1)[0].strip()
        if "=" in first:
            pairs.append(first)
    return "; ".join(pairs)


@dataclass(frozen=True)
class _Csrf:
    token: str
    cookies: str


class SapAuth:
    """The `AuthHook` of the SAP pack. `session` and `params` are set by the connector (the
    hook fetches tokens through the connector's own `HttpSession`, so they are counted)."""

    def __init__(self, settings: ConnectionSettings) -> None:
        creds = settings.credentials
        self._basic = bool(creds.get("username") or creds.get("password"))
        pair_keys = ("username", "password") if self._basic else ("client_id", "client_secret")
        missing = [k for k in pair_keys if not creds.get(k)]
        if missing:
            raise ConfigError(
                f"SAP credentials lack {', '.join(missing)}; give username and password (a"
                " communication user) or client_id and client_secret (an OAuth client)",
                key="credentials",
            )
        user, secret = (creds[k] for k in pair_keys)
        self._pair = base64.b64encode(f"{user}:{secret}".encode()).decode()
        self._lock = threading.Lock()
        self._bearer: str | None = None
        self._csrf: dict[str, _Csrf] = {}
        self._stale = threading.local()  # what the last stale-session answer was, per thread
        self.session: HttpSession | None = None
        self.params: dict[str, str] = {}
        self.csrf_fetches = 0

    @property
    def mode(self) -> str:
        return "basic" if self._basic else "oauth"

    # -- AuthHook ----------------------------------------------------------------------------

    def headers(self, method: str, url: str) -> dict[str, str]:
        out = {"Authorization": self._authorization()}
        root = service_root(url)
        if method.upper() in MODIFYING and root is not None:
            csrf = self._csrf.get(root) or self._fetch_csrf(root, None)
            out["X-CSRF-Token"] = csrf.token
            if csrf.cookies:
                out["Cookie"] = csrf.cookies
        return out

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        """A CSRF refusal drops the token it rejected (the retry fetches a new one). A 401
        means the logon or session lapsed: the session's tokens are dropped, an OAuth token
        is renewed, and the request is sent once more (a second 401 is final: the HTTP layer
        then raises AuthError, so wrong credentials cost one extra call)."""
        kind = getattr(self._stale, "kind", "auth")
        token = rejected.get("X-CSRF-Token")
        with self._lock:
            for root, csrf in list(self._csrf.items()):
                if kind == "auth" or csrf.token == token:
                    del self._csrf[root]
        if kind == "auth" and not self._basic:
            self._renew_bearer(rejected.get("Authorization"))
        return True

    def renew_session(self, response: HttpResponse) -> bool:
        """The `ErrorPolicy.renew_session` predicate: a 401, or SAP's CSRF 403."""
        if response.status == 401:
            self._stale.kind = "auth"
            return True
        required = (response.header("x-csrf-token") or "").lower() == "required"
        if response.status == 403 and required:
            self._stale.kind = "csrf"
            return True
        return False

    # -- tokens ------------------------------------------------------------------------------

    def _authorization(self) -> str:
        if self._basic:
            return f"Basic {self._pair}"
        return f"Bearer {self._bearer or self._renew_bearer(None)}"

    def _renew_bearer(self, rejected: str | None) -> str:
        with self._lock:
            # Another thread may have renewed the token while this one waited.
            if self._bearer is not None and f"Bearer {self._bearer}" != rejected:
                return self._bearer
            self._bearer = self._grant()
            return self._bearer

    def _grant(self) -> str:
        assert self.session is not None
        try:
            response = self.session.request(
                "POST",
                TOKEN_PATH,
                params=self.params or None,
                data={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {self._pair}"},
                read=True,
                authenticate=False,
            )
        except FatalVendorError as exc:
            raise AuthError(
                f"SAP refused the client-credentials grant ({exc.status}): check the SAP"
                " client_id and client_secret"
            ) from exc
        body: Any = response.json() or {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("the SAP token endpoint answered without an access_token")
        return str(token)

    def _fetch_csrf(self, root: str, rejected: str | None) -> _Csrf:
        """GET the service root with `X-CSRF-Token: Fetch`; keep the token and its cookies."""
        assert self.session is not None
        with self._lock:
            known = self._csrf.get(root)
            if known is not None and known.token != rejected:
                return known
        response = self.session.get(
            f"{root}/", params=self.params or None, headers={"X-CSRF-Token": "Fetch"}
        )
        token = response.header("x-csrf-token")
        if not token or token.lower() in {"required", "fetch"}:
            raise AuthError(f"SAP issued no CSRF token on {root}/; check the user's roles")
        csrf = _Csrf(token, session_cookies(response.header("set-cookie")))
        with self._lock:
            self._csrf[root] = csrf
            self.csrf_fetches += 1
        return csrf
