"""Start-up configuration of the NetSuite mock and the runtime knobs it seeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mocks.netsuite.schema import CUSTOMER

DEFAULT_ACCOUNT_ID = "1234567_SB1"  # a sandbox account id, as the realm spells it
OnOverflow = Literal["reject", "truncate"]
ON_OVERFLOW_CHOICES: tuple[str, ...] = ("reject", "truncate")


@dataclass
class NetSuiteMockConfig:
    """Credentials the mock accepts and the initial values of its runtime settings.

    `max_lengths`, `on_overflow`, `max_concurrent` and `date_format` only seed
    `MockContext.settings`; the admin API (`PATCH /__harness/settings`) can change them while
    the server runs.
    """

    account_id: str = DEFAULT_ACCOUNT_ID
    consumer_key: str = "harness-ns-consumer"
    consumer_secret: str = "harness-ns-consumer-secret"
    token_id: str = "harness-ns-token"
    token_secret: str = "harness-ns-token-secret"
    admin_token: str = "harness-admin"
    # Overrides of the customer field limits, keyed by field path
    # ("companyName", "addressBook.addressBookAddress.city", ...).
    max_lengths: dict[str, int] = field(default_factory=dict)
    on_overflow: OnOverflow = "reject"
    max_concurrent: int = 15
    # The user's date preference: how SuiteQL renders dates (tokens YYYY, MM, M, DD, D).
    date_format: str = "M/D/YYYY"

    def validate(self) -> None:
        """Raise ValueError naming every problem at once."""
        problems: list[str] = []
        known = set(CUSTOMER.max_lengths)
        unknown = sorted(set(self.max_lengths) - known)
        if unknown:
            problems.append(f"unknown max_lengths key(s) {unknown}; known: {sorted(known)}")
        for key, value in self.max_lengths.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"max_lengths[{key!r}] must be a positive integer, got {value!r}")
        if self.on_overflow not in ON_OVERFLOW_CHOICES:
            problems.append(
                f"on_overflow must be one of {list(ON_OVERFLOW_CHOICES)}, got {self.on_overflow!r}"
            )
        if not isinstance(self.max_concurrent, int) or self.max_concurrent < 0:
            problems.append(f"max_concurrent must be an integer >= 0, got {self.max_concurrent!r}")
        if not self.date_format:
            problems.append("date_format must not be empty")
        if problems:
            raise ValueError("invalid NetSuiteMockConfig: " + "; ".join(problems))

    def initial_settings(self) -> dict[str, Any]:
        """The `MockContext.settings` this configuration starts the app with."""
        return {
            "max_lengths": {**CUSTOMER.max_lengths, **self.max_lengths},
            "on_overflow": self.on_overflow,
            "max_concurrent": self.max_concurrent,
            "date_format": self.date_format,
            # False hides every maxLength from the metadata catalog, as systems that enforce
            # (or silently apply) limits without publishing them do.
            "advertise_max_lengths": True,
        }
