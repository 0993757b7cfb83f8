"""Start-up configuration of the SAP mock and the runtime settings it seeds.

Every setting lives in `MockContext.settings`, so `PATCH /__harness/settings` (and a fault
plan's `settings.sap`) can change it while the server runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYSTEM_ID = "S4H"  # the system id SAP puts in the session cookie's name
DEFAULT_CLIENT = "100"
COMMUNICATION_USER = "HARNESS_COMM"


@dataclass
class SapMockConfig:
    """Credentials the system accepts and the initial values of its runtime settings."""

    username: str = COMMUNICATION_USER
    password: str = "harness-sap-password"
    client_id: str = "harness-sap-client"
    client_secret: str = "harness-sap-client-secret"
    admin_token: str = "harness-admin"
    sap_client: str = DEFAULT_CLIENT
    page_size: int = 1000
    etag_required: bool = False
    csrf_ttl_seconds: int = 1800
    token_ttl_seconds: int = 3600

    def validate(self) -> None:
        """Raise ValueError naming every problem at once."""
        problems = []
        for name in ("page_size", "csrf_ttl_seconds", "token_ttl_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{name} must be a positive integer, got {value!r}")
        if not (self.sap_client.isdigit() and len(self.sap_client) == 3):
            problems.append(f"sap_client must be three digits, got {self.sap_client!r}")
        if problems:
            raise ValueError("invalid SapMockConfig: " + "; ".join(problems))

    def initial_settings(self) -> dict[str, Any]:
        """The `MockContext.settings` the app starts with (see docs/sap-mock.md)."""
        return {
            "page_size": self.page_size,  # server-driven paging: rows per page before __next
            "etag_required": self.etag_required,  # True: 428 on an update without If-Match
            "csrf_ttl_seconds": self.csrf_ttl_seconds,
            "token_ttl_seconds": self.token_ttl_seconds,
            "sap_client": self.sap_client,
            # "<EntitySet>.<Property>" -> MaxLength advertised in $metadata and enforced
            "max_lengths": {},
            # "<EntitySet>.<Property>" -> limit writes are silently cut to (not advertised)
            "silent_truncation": {},
            "on_overflow": "reject",  # "truncate": cut to the advertised limit instead
            "advertise_max_lengths": True,
            # SAP keeps an address or role change out of the partner's LastChangeDate/Time
            "child_bumps_parent": False,
            "skiptoken": "key",  # "offset": $skiptoken counts rows (drifts under inserts)
            "changeset_fail_at": None,  # trap: the Nth operation of change sets fails
            "changeset_fail_times": 0,  # how many change sets the trap still fails
            "changeset_fail_error": None,  # {"code", "message"} of the trap's refusal
            "drift_pending": {},  # trap: entity set -> records to insert before its next page
            # trap: {"object", "times", "code", "message"}: writes SAP applies with a warning
            "write_warning": None,
        }


__all__ = ["COMMUNICATION_USER", "DEFAULT_CLIENT", "SYSTEM_ID", "SapMockConfig"]
