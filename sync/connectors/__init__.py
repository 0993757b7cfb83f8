"""Vendor connectors, looked up by vendor name in the registry of connector packs.

`create_connector(settings)` builds the connector of the pack registered for
`settings.vendor`. Packs join through the `harness.connectors` entry points (or
`register_pack` in code) and then get the conformance battery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync.connectors.base import (
    ConnectionSettings,
    Connector,
    FieldSchema,
    ObjectSchema,
    Record,
    Watermark,
    WriteResult,
)
from sync.connectors.registry import (
    ConnectorFactory,
    ConnectorPack,
    CredentialSpec,
    connector_pack,
    known_vendors,
    register_pack,
    unregister_pack,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ConnectionSettings",
    "Connector",
    "ConnectorFactory",
    "ConnectorPack",
    "CredentialSpec",
    "FieldSchema",
    "ObjectSchema",
    "Record",
    "Watermark",
    "WriteResult",
    "connector_pack",
    "create_connector",
    "known_vendors",
    "register_pack",
    "unregister_pack",
]


def create_connector(
    settings: ConnectionSettings, *, client: httpx.Client | None = None
) -> Connector:
    """The connector for `settings.vendor`; an unknown vendor raises `ConfigError`."""
    return connector_pack(settings.vendor).factory(settings, client=client)
