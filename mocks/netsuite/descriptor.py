"""What the NetSuite mock pack is, for the registry (`harness.mocks` entry point)."""

from __future__ import annotations

from mocks.netsuite.config import DEFAULT_ACCOUNT_ID, NetSuiteMockConfig
from mocks.registry import MockPack

PACK = MockPack(
    name="netsuite",
    role="erp",
    label="NetSuite",
    app="mocks.netsuite.app:build_app",
    credentials=("consumer_key", "consumer_secret", "token_id", "token_secret"),
    connector_options={"account": DEFAULT_ACCOUNT_ID},
    # The base service tier's concurrency limit, which the sandbox enforces by default.
    connection_limits={"concurrency": NetSuiteMockConfig().max_concurrent},
    world_ids="mocks.netsuite.seed.ids:world_ids",
    knobs="mocks.netsuite.knobs:KNOBS",
    conformance="mocks.netsuite.conformance:KIT",
)
