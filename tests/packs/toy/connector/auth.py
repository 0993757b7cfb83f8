"""Toy CRM OAuth for the connector: the client-credentials grant (id and secret in Basic
auth); one token shared by every thread, renewed before it expires and after a 401."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping

from sync.connectors.base import ConnectionSettings
from sync.connectors.http import HttpSession
from sync.errors import AuthError, ConfigError, FatalVendorError

TOKEN_PATH = "/oauth/token"
EARLY = 30.0  # seconds before its expiry a token is renewed


class TokenAuth:
    """The `AuthHook` of the Toy connector; `session` is set once the session exists."""

    def __init__(
        self, settings: ConnectionSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        creds = settings.credentials
        missing = [k for k in ("client_id", "client_secret") if not creds.get(k)]
        if missing:
            raise ConfigError(f"Toy CRM credentials lack {', '.join(missing)}",
                              key="credentials")  # fmt: skip
        self._creds = creds
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self.session: HttpSession | None = None

    def headers(self, method: str, url: str) -> dict[str, str]:
        token = self._token
        if token is None or self._clock() >= self._expires:
            token = self._renew(None)
        return {"Authorization": f"Bearer {token}"}

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        self._renew(rejected.get("Authorization"))
        return True

    def _renew(self, rejected: str | None) -> str:
        with self._lock:
            # Another thread may have renewed the token while this one waited.
            fresh = self._token is not None and self._clock() < self._expires
            if fresh and f"Bearer {self._token}" != rejected:
                assert self._token is not None
                return self._token
            self._token, lifetime = self._fetch()
            self._expires = self._clock() + max(0.0, lifetime - EARLY)
            return self._token

    def _fetch(self) -> tuple[str, float]:
        assert self.session is not None, "TokenAuth.session is not set"
        pair = f"{self._creds['client_id']}:{self._creds['client_secret']}".encode()
        try:
            response = self.session.request(
                "POST",
                TOKEN_PATH,
                data={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {base64.b64encode(pair).decode()}"},
                read=True,
                authenticate=False,
            )
        except (AuthError, FatalVendorError) as exc:
            raise AuthError(f"the Toy CRM refused the client credentials: {exc}; check"
                            " client_id and client_secret") from exc  # fmt: skip
        body = response.json() or {}
        if not body.get("access_token"):
            raise AuthError("the Toy CRM token endpoint answered without an access_token")
        return str(body["access_token"]), float(body.get("expires_in") or 3600)


__all__ = ["TOKEN_PATH", "TokenAuth"]
