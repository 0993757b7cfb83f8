"""The judge's calls to the sandboxes' admin API (its journal, records behind the API)."""

from __future__ import annotations

from typing import Any

import httpx

from harness.sandbox import Sandbox
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from sync.errors import ConfigError


def admin(box: Sandbox, role: str, method: str, path: str, **kwargs: Any) -> Any:
    """One admin call to a sandbox (the journal's routes are the judge's own)."""
    mock = box.mocks.crm if role == "crm" else box.mocks.erp
    verify: str | bool = str(box.mocks.tls.ca_path) if box.mocks.tls else True
    with httpx.Client(base_url=mock.url, verify=verify, timeout=30, trust_env=False) as client:
        response = client.request(
            method, ADMIN_PREFIX + path, headers={TOKEN_HEADER: box.mocks.admin_token}, **kwargs
        )
        if response.status_code >= 400:
            raise ConfigError(f"{role} sandbox refused {method} {path}: {response.text[:200]}")
        return response.json()


__all__ = ["admin"]
