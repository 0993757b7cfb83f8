"""The SAP S/4HANA connector pack: OData v2 services with CSRF, ETags and `$batch`.

Only the descriptor lives here, so importing the pack stays cheap; the connector module loads
on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

from sync.connectors.budget import ApiLimits
from sync.connectors.registry import ConnectorPack, CredentialSpec

PACK = ConnectorPack(
    name="sap",
    role="erp",
    label="SAP S/4HANA",
    connector="sync.connectors.sap.connector:SapConnector",
    credentials=(
        CredentialSpec("username", "HARNESS_SAP_USERNAME", "the communication user"),
        CredentialSpec("password", "HARNESS_SAP_PASSWORD", "the communication user's password"),
        CredentialSpec(
            "client_id", "HARNESS_SAP_CLIENT_ID", "an OAuth client (client credentials)", True
        ),
        CredentialSpec("client_secret", "HARNESS_SAP_CLIENT_SECRET", "that client's secret", True),
    ),
    options={"sap_client": "the on-premise client number (sap-client), e.g. 100; blank on cloud"},
    base_url_hint="https://my000000-api.s4hana.cloud.sap",
    profile_path=Path(__file__).resolve().parent / "profile.yaml",
    kits="sync.connectors.sap.kit:KITS",
    limits=ApiLimits(
        # No published rate limit; what binds is the Gateway's work per call: a $batch of 100
        # change sets takes about a second, server pages about 1,000 rows.
        concurrency=10,
        read_page=1_000,
        write_batch=100,
        lookup_batch=100,
        latency_seconds=0.25,
        write_latency_seconds=1.0,
        source="SAP Gateway defaults (no published limits; sap_realistic.yaml latencies)",
    ),
)

__all__ = ["PACK"]
