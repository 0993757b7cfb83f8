"""What every vendor mock app carries: its store, its admin token and its runtime settings."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mocks.store import RecordStore
from mocks.world.generator import World, WorldSettings, generate_world

Seeder = Callable[[RecordStore, World], dict[str, int]]


@dataclass
class MockContext:
    """Shared state of one mock vendor app, reachable as `app.state.mock`.

    `settings` holds the vendor's runtime knobs (limits, truncation behaviour, ...); the admin
    API can change them while the server runs so a scenario can alter behaviour mid-run.
    """

    vendor: str
    store: RecordStore
    admin_token: str
    seeder: Seeder
    settings: dict[str, Any] = field(default_factory=dict)
    # Facts the mock knows and a client must discover: injected defects, faults, truncations.
    ground_truth: list[dict[str, Any]] = field(default_factory=list)
    world_settings: WorldSettings | None = None
    default_settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.default_settings = copy.deepcopy(self.settings)

    def restore_settings(self) -> dict[str, Any]:
        """Put every runtime knob back to its value at start-up (in place: routes hold it)."""
        self.settings.clear()
        self.settings.update(copy.deepcopy(self.default_settings))
        return self.settings

    def seed(self, settings: WorldSettings) -> dict[str, int]:
        """Reset the store and project a freshly generated world into it."""
        self.store.reset()
        self.ground_truth.clear()
        world = generate_world(settings)
        self.world_settings = settings
        counts = self.seeder(self.store, world)
        self.ground_truth.extend(world.defects_for(self.vendor))
        return counts

    def record_truth(self, kind: str, **facts: Any) -> None:
        """Log something the mock did that a client should detect (e.g. a silent truncation)."""
        self.ground_truth.append({"kind": kind, "vendor": self.vendor, **facts})
