"""The NetSuite connector pack: REST web services with token-based auth and SuiteQL keys.

Only the descriptor lives here, so importing the pack stays cheap (no authlib); the
connector module loads on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

from sync.connectors.budget import ApiLimits
from sync.connectors.registry import ConnectorPack, CredentialSpec

PACK = ConnectorPack(
    name="netsuite",
    role="erp",
    label="NetSuite",
    connector="sync.connectors.netsuite.connector:NetSuiteConnector",
    credentials=(
        CredentialSpec("consumer_key", "HARNESS_NS_CONSUMER_KEY", "the integration record's key"),
        CredentialSpec(
            "consumer_secret", "HARNESS_NS_CONSUMER_SECRET", "the integration record's secret"
        ),
        CredentialSpec("token_id", "HARNESS_NS_TOKEN_ID", "the access token's id"),
        CredentialSpec("token_secret", "HARNESS_NS_TOKEN_SECRET", "the access token's secret"),
    ),
    options={
        "account": "the account id as the realm spells it, e.g. 1234567 or 1234567_SB1",
    },
    required_options=("account",),
    base_url_hint="https://ACCOUNT-ID.suitetalk.api.netsuite.com",
    profile_path=Path(__file__).resolve().parent / "profile.yaml",
    kits="sync.connectors.netsuite.kit:KITS",
    limits=ApiLimits(
        # The base service tier: 15 requests in flight (plus 10 per SuiteCloud Plus licence),
        # no daily cap on REST web services; the record service writes one record a call;
        # SuiteQL pages 1,000 rows, a page of bodies costing a key, a body and a names query.
        concurrency=15,
        read_page=1_000,
        read_calls_per_page=3,
        write_batch=1,
        lookup_batch=1_000,
        latency_seconds=0.32,
        source="NetSuite account governance limits (base service tier)",
    ),
)

__all__ = ["PACK"]
