"""The HubSpot connector pack: CRM v3 objects through batch upserts and search windows.

Only the descriptor lives here, so importing the pack stays cheap; the connector module loads
on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

from sync.connectors.budget import ApiLimits
from sync.connectors.registry import ConnectorPack, CredentialSpec

PACK = ConnectorPack(
    name="hubspot",
    role="crm",
    label="HubSpot",
    connector="sync.connectors.hubspot.connector:HubSpotConnector",
    credentials=(
        CredentialSpec("access_token", "HARNESS_HUBSPOT_ACCESS_TOKEN", "a private app's token"),
        CredentialSpec(
            "client_id", "HARNESS_HUBSPOT_CLIENT_ID", "a public app's OAuth client id", True
        ),
        CredentialSpec(
            "client_secret", "HARNESS_HUBSPOT_CLIENT_SECRET", "that app's client secret", True
        ),
        CredentialSpec(
            "refresh_token", "HARNESS_HUBSPOT_REFRESH_TOKEN", "the portal's refresh token", True
        ),
    ),
    base_url_hint="https://api.hubapi.com",
    profile_path=Path(__file__).resolve().parent / "profile.yaml",
    kits="sync.connectors.hubspot.kit:KITS",
    limits=ApiLimits(
        # Professional tier, private app: 190 requests per ten seconds and 650,000 a day;
        # lists page 100, batches carry 100 inputs (search: 200 a page, its own 4 a second).
        daily_calls=650_000,
        burst_calls=190,
        burst_seconds=10,
        concurrency=10,
        read_page=100,
        write_batch=100,
        lookup_batch=100,
        latency_seconds=0.2,
        source="HubSpot API usage guidelines (Professional, private app)",
    ),
)

__all__ = ["PACK"]
