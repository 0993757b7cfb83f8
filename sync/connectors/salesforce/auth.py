"""Salesforce OAuth 2.0 for the connector: the client-credentials grant, or the password
grant when a username is given; one token shared by every thread, renewed after a 401."""

from __future__ import annotations

import base64
import threading
from collections.abc import Mapping

from sync.connectors.base import ConnectionSettings
from sync.connectors.http import HttpSession
from sync.errors import AuthError, ConfigError, FatalVendorError

TOKEN_PATH = "/services/oauth2/token"


class TokenAuth:
    """Bearer-token auth hook: fetches a token on first use and again after a 401."""

    def __init__(self, settings: ConnectionSettings) -> None:
        creds = settings.credentials
        missing = [k for k in ("client_id", "client_secret") if not creds.get(k)]
        if bool(creds.get("username")) != bool(creds.get("password")):
            missing.append("password" if creds.get("username") else "username")
        if missing:
            raise ConfigError(
                f"Salesforce credentials lack {', '.join(missing)}; give client_id and"
                " client_secret, plus username and password for the password grant",
                key="credentials",
            )
        self._creds = creds
        self._lock = threading.Lock()
        self._token: str | None = None
        self.session: HttpSession | None = None
        self.instance_url: str | None = None

    def headers(self, method: str, url: str) -> dict[str, str]:
        token = self._token or self._renew(None)
        return {"Authorization": f"Bearer {token}"}

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        self._renew(rejected.get("Authorization"))
        return True

    def _renew(self, rejected: str | None) -> str:
        with self._lock:
            # Another thread may have renewed the token while this one waited.
            if self._token is not None and f"Bearer {self._token}" != rejected:
                return self._token
            self._token = self._fetch()
            return self._token

    def _fetch(self) -> str:
        assert self.session is not None
        creds = self._creds
        if creds.get("username"):
            form = {
                "grant_type": "password",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
                "username": creds["username"],
                "password": creds["password"] + creds.get("security_token", ""),
            }
            headers: dict[str, str] = {}
        else:
            form = {"grant_type": "client_credentials"}
            pair = f"{creds['client_id']}:{creds['client_secret']}".encode()
            headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        try:
            response = self.session.request(
                "POST", TOKEN_PATH, data=form, headers=headers, read=True, authenticate=False
            )
        except FatalVendorError as exc:
            raise AuthError(
                f"Salesforce refused the {form['grant_type']} grant ({exc.code}): {exc};"
                " check the Salesforce client id/secret (and username/password)"
            ) from exc
        body = response.json() or {}
        if not body.get("access_token"):
            raise AuthError("the Salesforce token endpoint answered without an access_token")
        self.instance_url = body.get("instance_url")
        return str(body["access_token"])


__all__ = ["TOKEN_PATH", "TokenAuth"]
