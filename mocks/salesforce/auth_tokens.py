"""Issued OAuth access and refresh tokens, with expiry decided at check time."""

from __future__ import annotations

import secrets
import threading
import time


class TokenRegistry:
    """Access tokens remember when they were issued, so changing `token_ttl_seconds` at run
    time expires (or revives) tokens already handed out, as a scenario expects."""

    def __init__(self, prefix: str = "00D") -> None:
        self._prefix = prefix
        self._access: dict[str, float] = {}
        self._refresh: dict[str, str] = {}
        self._lock = threading.Lock()

    def issue_access(self) -> str:
        token = f"{self._prefix}!{secrets.token_urlsafe(48)}"
        with self._lock:
            self._access[token] = time.monotonic()
        return token

    def issue_refresh(self, client_id: str) -> str:
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._refresh[token] = client_id
        return token

    def is_valid(self, token: str | None, ttl_seconds: float | None) -> bool:
        if not token:
            return False
        with self._lock:
            issued = self._access.get(token)
        if issued is None:
            return False
        return ttl_seconds is None or time.monotonic() - issued < float(ttl_seconds)

    def refresh_client(self, token: str | None) -> str | None:
        """The client a refresh token was issued to, or None for an unknown token."""
        with self._lock:
            return self._refresh.get(token or "")

    def revoke_access(self) -> int:
        """Invalidate every access token issued so far (refresh tokens keep working), as a
        session timeout does; returns how many were revoked."""
        with self._lock:
            count = len(self._access)
            self._access.clear()
        return count

    def revoke_all(self) -> None:
        with self._lock:
            self._access.clear()
            self._refresh.clear()
