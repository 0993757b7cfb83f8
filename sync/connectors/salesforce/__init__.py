"""The Salesforce connector pack: REST API with OAuth 2.0, SOQL paging, sObject Collections,
and Bulk API 2.0 jobs for large writes and full reads.

Only the descriptor lives here, so importing the pack stays cheap; the connector module loads
on first use (`sync.connectors.registry`).
"""

from __future__ import annotations

from pathlib import Path

from sync.connectors.budget import ApiLimits
from sync.connectors.registry import ConnectorPack, CredentialSpec

PACK = ConnectorPack(
    name="salesforce",
    role="crm",
    label="Salesforce",
    connector="sync.connectors.salesforce.connector:SalesforceConnector",
    credentials=(
        CredentialSpec("client_id", "HARNESS_SF_CLIENT_ID", "the connected app's consumer key"),
        CredentialSpec(
            "client_secret", "HARNESS_SF_CLIENT_SECRET", "the connected app's consumer secret"
        ),
        CredentialSpec(
            "username",
            "HARNESS_SF_USERNAME",
            "the integration user, for the password grant",
            optional=True,
        ),
        CredentialSpec("password", "HARNESS_SF_PASSWORD", "that user's password", optional=True),
        CredentialSpec(
            "security_token",
            "HARNESS_SF_SECURITY_TOKEN",
            "that user's security token",
            optional=True,
        ),
    ),
    options={
        "api_version": "the REST API version, default 59.0",
        "bulk_threshold": "records in one write (or rows in a full read) above which the"
        " connector uses one Bulk API 2.0 job, default 2000; 0 sends everything through bulk",
        "bulk_timeout": "seconds a Bulk API job may run before the call gives up, default 3600",
        "bulk_batch": "records one write round holds when writes go through bulk jobs (the"
        " engine gathers source pages up to it), default 10000",
    },
    base_url_hint="https://YOUR-DOMAIN.my.salesforce.com",
    profile_path=Path(__file__).resolve().parent / "profile.yaml",
    kits="sync.connectors.salesforce.kit:KITS",
    limits=ApiLimits(
        # Enterprise edition: 100,000 calls a day plus 1,000 per user licence; 25 long-running
        # requests; 2,000 rows a query page; 200 records an sObject Collections call.
        daily_calls=100_000,
        concurrency=25,
        read_page=2_000,
        write_batch=200,
        lookup_batch=200,
        latency_seconds=0.15,
        write_latency_seconds=0.5,
        bulk_batch=10_000,
        bulk_calls=6,
        bulk_threshold=2_000,
        source="Salesforce API Request Limits and Allocations (Enterprise edition)",
    ),
)

__all__ = ["PACK"]
