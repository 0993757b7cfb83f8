"""What the HubSpot mock pack is, for the registry (`harness.mocks` entry point)."""

from __future__ import annotations

from mocks.registry import MockPack

PACK = MockPack(
    name="hubspot",
    role="crm",
    label="HubSpot",
    app="mocks.hubspot.app:build_app",
    # A private app's access token, and a public app's OAuth client with a refresh token.
    credentials=("access_token", "client_id", "client_secret", "refresh_token"),
    world_ids="mocks.hubspot.seed.ids:world_ids",
    knobs="mocks.hubspot.knobs:KNOBS",
    conformance="mocks.hubspot.conformance:KIT",
    # HubSpot caps requests per window, not connections: at ~120 ms a call, ten in flight
    # are what it takes to spend its 19 a second (four would reach about 30 a second only
    # while nothing else waits, and a round's serial edges keep them well under).
    connection_limits={"concurrency": 10},
)
