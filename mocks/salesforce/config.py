"""Static configuration of one mock Salesforce org (credentials, ids, defaults of the knobs)."""

from __future__ import annotations

from dataclasses import dataclass

from mocks.salesforce.ids import make_id

DEFAULT_ORG_ID = make_id("00D", 1)
DEFAULT_USER_ID = make_id("005", 1)


@dataclass
class SalesforceMockConfig:
    """What a client must know to talk to the mock, plus the starting values of its settings.

    `daily_api_limit` and `token_ttl_seconds` seed the runtime settings of the same name, which
    the admin API can change while the server runs; `token_ttl_seconds=None` means tokens
    never expire.
    """

    client_id: str = "harness-sf-client"
    client_secret: str = "harness-sf-secret"
    username: str = "integration@harness.example"
    password: str = "harness-sf-password"
    # Appended to the password by the password grant and SOAP login, as an org asks of
    # logins from outside its trusted IP ranges; "" stands for a caller inside them.
    security_token: str = ""
    # PEM certificate (or public key) of the connected app, for the JWT bearer flow; empty
    # refuses every assertion.
    jwt_certificate: str = ""
    admin_token: str = "harness-admin"
    # The newest API version the org serves: Winter '27 (v68.0), out since October 2026 by
    # Salesforce's three-releases-a-year cadence; every version down to OLDEST_VERSION
    # answers. Clients pin older ones (simple-salesforce 1.12 defaults to 59.0).
    api_version: str = "68.0"
    daily_api_limit: int = 100_000
    token_ttl_seconds: float | None = None
    org_id: str = DEFAULT_ORG_ID
    user_id: str = DEFAULT_USER_ID
