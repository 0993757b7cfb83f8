"""The sync core: move records from one system to another through a declarative mapping.

A `SyncEngine` runs a `Flow` (a `MappingSpec` between a source and a target `Connector`) and
records every run, watermark, crosswalk entry and quarantined record in a `StateStore`. The
package knows nothing of the mocks or the harness: it reaches every system over its wire API.

`__all__` is the declared, pinned public API (tests/test_public_api.py). The names resolve
lazily (PEP 562), so `import sync` stays cheap and a submodule loads only when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.connectors import (
        ConnectionSettings,
        Connector,
        ConnectorPack,
        create_connector,
        known_vendors,
        register_pack,
    )
    from sync.engine import Flow, Mode, RunResult, SyncEngine
    from sync.errors import ConfigError, FatalError, RecordError, SyncError, TransientError
    from sync.mapping import MappingSpec, apply_mapping, load_mapping, parse_mapping
    from sync.state import StateStore

# Public name -> "module:attribute" it is loaded from on first access.
_EXPORTS: dict[str, str] = {
    "ConfigError": "sync.errors:ConfigError",
    "ConnectionSettings": "sync.connectors:ConnectionSettings",
    "Connector": "sync.connectors:Connector",
    "ConnectorPack": "sync.connectors:ConnectorPack",
    "FatalError": "sync.errors:FatalError",
    "Flow": "sync.engine:Flow",
    "MappingSpec": "sync.mapping:MappingSpec",
    "Mode": "sync.engine:Mode",
    "RecordError": "sync.errors:RecordError",
    "RunResult": "sync.engine:RunResult",
    "StateStore": "sync.state:StateStore",
    "SyncEngine": "sync.engine:SyncEngine",
    "SyncError": "sync.errors:SyncError",
    "TransientError": "sync.errors:TransientError",
    "apply_mapping": "sync.mapping:apply_mapping",
    "create_connector": "sync.connectors:create_connector",
    "known_vendors": "sync.connectors:known_vendors",
    "load_mapping": "sync.mapping:load_mapping",
    "parse_mapping": "sync.mapping:parse_mapping",
    "register_pack": "sync.connectors:register_pack",
}

__all__ = [
    "ConfigError",
    "ConnectionSettings",
    "Connector",
    "ConnectorPack",
    "FatalError",
    "Flow",
    "MappingSpec",
    "Mode",
    "RecordError",
    "RunResult",
    "StateStore",
    "SyncEngine",
    "SyncError",
    "TransientError",
    "apply_mapping",
    "create_connector",
    "known_vendors",
    "load_mapping",
    "parse_mapping",
    "register_pack",
]


def __getattr__(name: str) -> object:
    """Import a public name's module on first access and cache the value in the module, so
    later lookups never come back here. Unknown names raise AttributeError, which is also what
    lets `from sync import engine` fall through to importing the submodule."""
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
