"""The HubSpot connector pack: CRM v3 objects through batch upserts and search windows.

Only the descriptor lives here, so importing the pack stays cheap; the connector module loads
on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

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
)

__all__ = ["PACK"]
