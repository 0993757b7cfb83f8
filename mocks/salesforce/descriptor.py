"""What the Salesforce mock pack is, for the registry (`harness.mocks` entry point)."""

from __future__ import annotations

from mocks.registry import MockPack

PACK = MockPack(
    name="salesforce",
    role="crm",
    label="Salesforce",
    app="mocks.salesforce.app:build_app",
    # The connected app, and an integration user for the username-password logins.
    credentials=("client_id", "client_secret", "username", "password", "security_token"),
    world_ids="mocks.salesforce.seed.ids:world_ids",
    knobs="mocks.salesforce.knobs:KNOBS",
    conformance="mocks.salesforce.conformance:KIT",
)
