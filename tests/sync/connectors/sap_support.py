"""What the SAP connector's test modules share: the connector a kit opens, typed."""

from __future__ import annotations

from typing import Any

from sync.connectors.sap.connector import SapConnector

from .conftest import Kit


def sap_connector(kit: Kit, **changes: Any) -> SapConnector:
    """`kit`'s connector with `changes` to its settings, as the SAP connector it is."""
    conn = kit.connector(**changes)
    assert isinstance(conn, SapConnector)
    return conn
