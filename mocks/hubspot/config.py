"""Start-up configuration of the HubSpot mock: the credentials it accepts and the runtime
settings it starts with (`MockContext.settings`, changed through `PATCH /__harness/settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEARCH_RESULT_CAP = 10_000  # HubSpot stops a search query at 10,000 results


@dataclass
class HubSpotMockConfig:
    """A portal's private-app token, one public app's OAuth client and its refresh token."""

    access_token: str = "pat-na1-harness-0000-0000-0000-000000000000"
    client_id: str = "harness-hubspot-client"
    client_secret: str = "harness-hubspot-secret"
    refresh_token: str = "harness-hubspot-refresh"
    admin_token: str = "harness-admin"
    portal_id: int = 2_470_101
    # The public app the portal installed: its webhooks are configured under this id
    # (`/webhooks/v3/{appId}/...`) with the developer account's API key (`hapikey`).
    app_id: int = 1_180_001
    developer_api_key: str = "harness-hubspot-developer-key"

    def validate(self) -> None:
        """Raise ValueError naming every empty credential at once."""
        empty = [
            name
            for name in (
                "access_token",
                "client_id",
                "client_secret",
                "refresh_token",
                "admin_token",
                "developer_api_key",
            )
            if not getattr(self, name)
        ]
        if empty:
            raise ValueError(f"invalid HubSpotMockConfig: empty {', '.join(empty)}")

    def initial_settings(self) -> dict[str, Any]:
        """The runtime knobs the app starts with (all changeable while it runs)."""
        return {
            # Search sees a write only this many seconds (store clock) after it happened.
            "search_lag_seconds": 0.0,
            # Results one search query reaches; a page starting at or past it answers 400.
            "search_result_cap": SEARCH_RESULT_CAP,
            "search_per_second": 4,  # search's own limit per token
            "burst_limit": 190,  # requests per token per rolling window
            "burst_interval_ms": 10_000,
            "secondly_limit": 100,  # requests per token per second
            "daily_limit": 1_000_000,  # requests per private-app token per UTC day
            "rate_limits": True,  # False: no limit is enforced (headers still sent)
            # "store": windows on the store's clock (real time on a live server, the test's
            # clock in process); "wall": always real time, whatever clock the store runs on.
            "rate_limit_clock": "store",
            "oauth_expires_in": 1800,  # seconds an OAuth access token lives
            # None: HubSpot's page limits (list 100, search 200); a number caps both.
            "page_size": None,
            # Webhooks (`mocks.hubspot.webhooks`): HubSpot's retry delays (about 22.6 hours
            # over 10 retries) times this factor; a test compresses them to milliseconds.
            "webhook_delay_scale": 1.0,
            "webhook_timeout_seconds": 5.0,  # HubSpot gives a delivery 5 seconds
            "webhook_max_retries": 10,  # re-sends after the first attempt
        }


__all__ = ["SEARCH_RESULT_CAP", "HubSpotMockConfig"]
