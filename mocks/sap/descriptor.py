"""What the SAP S/4HANA mock pack is, for the registry (`harness.mocks` entry point)."""

from __future__ import annotations

from mocks.registry import MockPack

PACK = MockPack(
    name="sap",
    role="erp",
    label="SAP S/4HANA",
    app="mocks.sap.app:build_app",
    # A communication user (Basic auth), and an OAuth client for the client-credentials grant.
    credentials=("username", "password", "client_id", "client_secret"),
    world_ids="mocks.sap.seed.ids:world_ids",
    knobs="mocks.sap.knobs:KNOBS",
    conformance="mocks.sap.conformance:KIT",
)
