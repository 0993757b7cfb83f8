"""The Toy CRM mock pack (`harness.mocks` entry point `toy = tests.packs.toy.mock:PACK`).

Only the descriptor lives here, so importing the pack stays cheap; the app, its seeder and
its kit load on first use (`mocks.registry`).
"""

from __future__ import annotations

from mocks.registry import MockPack

PACK = MockPack(
    name="toy",
    role="crm",
    label="Toy CRM",
    app="tests.packs.toy.mock.app:build_app",
    credentials=("client_id", "client_secret"),
    world_ids="tests.packs.toy.mock.seed:world_ids",
    conformance="tests.packs.toy.mock.kit:KIT",
)

__all__ = ["PACK"]
