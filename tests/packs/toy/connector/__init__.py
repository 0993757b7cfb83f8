"""The Toy CRM connector pack (`harness.connectors` entry point
`toy = tests.packs.toy.connector:PACK`).

Only the descriptor lives here, so importing the pack stays cheap; the connector module
loads on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

from sync.connectors.registry import ConnectorPack, CredentialSpec

PACK = ConnectorPack(
    name="toy",
    role="crm",
    label="Toy CRM",
    connector="tests.packs.toy.connector.connector:ToyConnector",
    credentials=(
        CredentialSpec("client_id", "HARNESS_TOY_CLIENT_ID", "the API client's id"),
        CredentialSpec("client_secret", "HARNESS_TOY_CLIENT_SECRET", "the API client's secret"),
    ),
    base_url_hint="https://YOUR-TENANT.toycrm.example",
    profile_path=Path(__file__).resolve().parent / "profile.yaml",
    kits="tests.packs.toy.connector.kit:KITS",
)

__all__ = ["PACK"]
