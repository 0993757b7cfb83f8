"""HubSpot authentication: a private app's Bearer token, or an OAuth app's refresh grant.

With `access_token` the token is sent as it is and cannot be renewed (a 401 is final). With
`client_id`, `client_secret` and `refresh_token` (and no access token) the hook asks
`POST /oauth/v1/token` for an access token on first use, and again, once, when HubSpot
answers 401 (the token expired: category `EXPIRED_AUTHENTICATION`). One token is shared by
every thread of the connection; the newest refresh token HubSpot hands back is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sync.errors import AuthError, ConfigError, FatalVendorError

if TYPE_CHECKING:
    from sync.connectors.base import ConnectionSettings
    from sync.connectors.http import HttpSession

__all__ = ["TOKEN_PATH", "BearerAuth"]

TOKEN_PATH = "/oauth/v1/token"
_OAUTH_KEYS = ("client_id", "client_secret", "refresh_token")


class BearerAuth:
    """The `AuthHook` of the HubSpot connector (`Authorization: Bearer <access token>`)."""

    def __init__(self, settings: ConnectionSettings) -> None:
        creds = settings.credentials
        self._token: str | None = creds.get("access_token") or None
        self._oauth = self._token is None
        if self._oauth:
            missing = [k for k in _OAUTH_KEYS if not creds.get(k)]
            if missing:
                raise ConfigError(
                    "HubSpot credentials need access_token (a private app), or client_id,"
                    " client_secret and refresh_token (an OAuth app); missing "
                    + ", ".join(missing),
                    key="credentials",
                )
        self._creds = dict(creds)
        self._lock = threading.Lock()
        self.session: HttpSession | None = None  # set by the connector: the token call's road

    @property
    def renewable(self) -> bool:
        """True for OAuth credentials: an expired access token can be replaced."""
        return self._oauth

    def headers(self, method: str, url: str) -> dict[str, str]:
        token = self._token or self._renew(None)
        return {"Authorization": f"Bearer {token}"}

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        """Renew an OAuth access token after a 401; a private app's token cannot be renewed."""
        if not self._oauth:
            return False
        self._renew(rejected.get("Authorization"))
        return True

    def _renew(self, rejected: str | None) -> str:
        with self._lock:
            # Another thread may have renewed the token while this one waited for the lock.
            if self._token is not None and f"Bearer {self._token}" != rejected:
                return self._token
            self._token = self._grant()
            return self._token

    def _grant(self) -> str:
        """One refresh grant; HubSpot wants the form fields in the body, never the URL."""
        if self.session is None:
            raise ConfigError("the HubSpot auth hook has no session to ask for a token")
        form = {"grant_type": "refresh_token", **{k: self._creds[k] for k in _OAUTH_KEYS}}
        try:
            response = self.session.request(
                "POST", TOKEN_PATH, data=form, read=True, authenticate=False
            )
        except FatalVendorError as exc:
            raise AuthError(
                f"HubSpot refused the refresh_token grant ({exc.code or exc.status}); check"
                " HARNESS_HUBSPOT_CLIENT_ID, _CLIENT_SECRET and _REFRESH_TOKEN"
            ) from exc
        body = response.json() or {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("the HubSpot token endpoint answered without an access_token")
        if body.get("refresh_token"):
            self._creds["refresh_token"] = str(body["refresh_token"])
        return str(token)
