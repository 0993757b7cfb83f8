"""Who may call: Basic auth for the communication user, Bearer tokens from the OAuth
client-credentials endpoint, the `sap-client` a request names, and CSRF tokens tied to the
session cookie they were issued with. Every clock reading is the store's."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mocks.sap.config import SYSTEM_ID, SapMockConfig

Now = Callable[[], datetime]


def basic_pair(header: str) -> tuple[str, str] | None:
    """The (user, password) of a Basic Authorization header, or None."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


@dataclass
class _Csrf:
    cookie: str
    issued: datetime


@dataclass
class AuthState:
    """Issued OAuth tokens and CSRF tokens; thread-safe."""

    config: SapMockConfig
    now: Now
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> expiry
    csrf: dict[str, _Csrf] = field(default_factory=dict)  # token -> session cookie
    sessions: dict[str, str] = field(default_factory=dict)  # session cookie -> token
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def cookie_name(self, client: str) -> str:
        return f"SAP_SESSIONID_{SYSTEM_ID}_{client}"

    # -- OAuth -------------------------------------------------------------------------------

    def client_ok(self, client_id: str, secret: str) -> bool:
        return secrets.compare_digest(
            f"{client_id}\0{secret}", f"{self.config.client_id}\0{self.config.client_secret}"
        )

    def issue_token(self, ttl: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = self.now() + timedelta(seconds=ttl)
        return token

    # -- requests ----------------------------------------------------------------------------

    def authenticated(self, authorization: str) -> bool:
        """A valid Basic pair of the communication user or a live Bearer token."""
        pair = basic_pair(authorization)
        if pair is not None:
            want = f"{self.config.username}\0{self.config.password}"
            return secrets.compare_digest(f"{pair[0]}\0{pair[1]}", want)
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        with self._lock:
            expiry = self.tokens.get(token.strip())
            if expiry is not None and expiry <= self.now():
                del self.tokens[token.strip()]
                expiry = None
        return expiry is not None

    def revoke_all(self) -> int:
        """Expire every OAuth and CSRF token at once (a fault's token expiry)."""
        with self._lock:
            count = len(self.tokens) + len(self.csrf)
            self.tokens.clear()
            self.csrf.clear()
            self.sessions.clear()
        return count

    # -- CSRF --------------------------------------------------------------------------------

    def fetch_csrf(self, cookie: str | None, ttl: int) -> tuple[str, str, bool]:
        """(token, session cookie, new session?): a live session keeps its token."""
        with self._lock:
            if cookie and cookie in self.sessions:
                token = self.sessions[cookie]
                entry = self.csrf.get(token)
                if entry is not None and entry.issued + timedelta(seconds=ttl) > self.now():
                    return token, cookie, False
            cookie = secrets.token_urlsafe(24)
            token = base64.b64encode(secrets.token_bytes(18)).decode()
            self.csrf[token] = _Csrf(cookie, self.now())
            self.sessions[cookie] = token
            return token, cookie, True

    def csrf_ok(self, token: str | None, cookies: Mapping[str, str], client: str, ttl: int) -> bool:
        """The token is live and was issued with the session cookie this request carries."""
        if not token or token.lower() == "fetch":
            return False
        with self._lock:
            entry = self.csrf.get(token)
            if entry is None:
                return False
            if entry.issued + timedelta(seconds=ttl) <= self.now():
                del self.csrf[token]
                return False
        cookie = cookies.get(self.cookie_name(client))
        return cookie is not None and secrets.compare_digest(cookie, entry.cookie)

    def expire_csrf(self) -> int:
        """The "csrf expiry" trap: every CSRF token stops working at once."""
        with self._lock:
            count = len(self.csrf)
            self.csrf.clear()
            self.sessions.clear()
        return count


__all__ = ["AuthState", "basic_pair"]
