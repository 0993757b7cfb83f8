"""Shared fixtures of the sync tests: the engine's rig, both mocks in process."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mocks.netsuite import NetSuiteMockConfig
from mocks.netsuite import create_app as netsuite_app
from mocks.salesforce import create_app as salesforce_app
from mocks.world.generator import WorldSettings
from sync.connectors import ConnectionSettings, create_connector
from sync.connectors.base import Connector
from sync.engine import Flow, SyncEngine
from sync.mapping import MappingSpec, load_mapping, parse_mapping
from sync.state import StateStore
from tests.paths import CUSTOMERS_MAPPING

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

MAPPING = CUSTOMERS_MAPPING
ACCOUNTS = 40
FAST = {"backoff_base": 0.001, "backoff_max": 0.01}


@dataclass
class Rig:
    crm_client: TestClient
    erp_client: TestClient
    crm: Connector
    erp: Connector
    state: StateStore
    state_path: Path
    flow: Flow

    @property
    def erp_store(self):  # type: ignore[no-untyped-def]
        return self.erp_client.app.state.mock.store  # type: ignore[attr-defined]

    @property
    def crm_store(self):  # type: ignore[no-untyped-def]
        return self.crm_client.app.state.mock.store  # type: ignore[attr-defined]

    def engine(self) -> SyncEngine:
        return SyncEngine(self.crm, self.erp, self.state)

    def customers(self) -> dict[str, dict]:  # type: ignore[type-arg]
        return {r.fields["externalId"]: r.fields for r in self.erp_store.records("customer")}

    def reopen_state(self) -> None:
        self.state.close()
        self.state = StateStore(self.state_path)


def _connector(vendor: str, client: TestClient, **credentials: str) -> Connector:
    defaults = {
        "salesforce": {"client_id": "harness-sf-client", "client_secret": "harness-sf-secret"},
        "netsuite": {
            "consumer_key": "harness-ns-consumer",
            "consumer_secret": "harness-ns-consumer-secret",
            "token_id": "harness-ns-token",
            "token_secret": "harness-ns-token-secret",
        },
    }[vendor]
    options = {"account": "1234567_SB1", **FAST} if vendor == "netsuite" else dict(FAST)
    settings = ConnectionSettings(
        vendor=vendor,
        base_url="https://127.0.0.1:1",
        credentials={**defaults, **credentials},
        options=options,
    )
    return create_connector(settings, client=client)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    crm_app = salesforce_app()
    crm_app.state.mock.seed(WorldSettings(seed=11, accounts=ACCOUNTS))
    erp_app = netsuite_app(NetSuiteMockConfig())
    with TestClient(crm_app) as crm_client, TestClient(erp_app) as erp_client:
        state_path = tmp_path / "state.db"
        state = StateStore(state_path)
        flow = Flow("customers", load_mapping(MAPPING), batch_size=15)
        rig = Rig(crm_client, erp_client, _connector("salesforce", crm_client),
                  _connector("netsuite", erp_client), state, state_path, flow)  # fmt: skip
        yield rig
        rig.state.close()


def mapping_variant(**sections: Any) -> MappingSpec:
    """The customers mapping with some top-level sections replaced (or removed with None)."""
    data = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    for key, value in sections.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return parse_mapping(data, file=str(MAPPING))
