"""Vendor sandboxes: mock CRM and ERP servers seeded from a deterministic business world.

Each vendor is a mock pack (`mocks.registry`, fed by the `harness.mocks` entry points) whose
app serves the vendor's wire API from a `RecordStore` on a real loopback server
(`start_server`), seeded by `generate_world` and disturbed on purpose by a `FaultPlan`. The
mocks share no code with `sync`, so a connector and its mock cannot share a bug.

`__all__` is the declared, pinned public API (tests/test_public_api.py). The names resolve
lazily (PEP 562), so `import mocks` stays cheap and a submodule (with the web framework or
the world generator behind it) loads only when one of its names is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mocks.faults import FaultPlan, load_plan
    from mocks.registry import MockPack, known_mocks, mock_pack, register_mock_pack
    from mocks.server import RunningServer, start_server
    from mocks.store import RecordStore
    from mocks.world.generator import WorldSettings, generate_world

# Public name -> "module:attribute" it is loaded from on first access.
_EXPORTS: dict[str, str] = {
    "FaultPlan": "mocks.faults:FaultPlan",
    "MockPack": "mocks.registry:MockPack",
    "RecordStore": "mocks.store:RecordStore",
    "RunningServer": "mocks.server:RunningServer",
    "WorldSettings": "mocks.world.generator:WorldSettings",
    "generate_world": "mocks.world.generator:generate_world",
    "known_mocks": "mocks.registry:known_mocks",
    "load_plan": "mocks.faults:load_plan",
    "mock_pack": "mocks.registry:mock_pack",
    "register_mock_pack": "mocks.registry:register_mock_pack",
    "start_server": "mocks.server:start_server",
}

__all__ = [
    "FaultPlan",
    "MockPack",
    "RecordStore",
    "RunningServer",
    "WorldSettings",
    "generate_world",
    "known_mocks",
    "load_plan",
    "mock_pack",
    "register_mock_pack",
    "start_server",
]


def __getattr__(name: str) -> object:
    """Import a public name's module on first access and cache the value in the module, so
    later lookups never come back here. Unknown names raise AttributeError, which is also what
    lets `from mocks import server` fall through to importing the submodule."""
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The loaded names plus the lazy ones, so completion and `dir()` show the whole API."""
    return sorted({*globals(), *__all__})
