"""Suite-wide isolation (no test sees the developer's environment or writes outside tmp),
and the toy CRM pack defined under tests/packs/ registered for the whole session, so the
conformance batteries, the seam test and the scenarios treat it as any installed pack."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Variables a developer may have exported that would change what the harness does.
_ISOLATED_PREFIXES = ("HARNESS_", "SF_", "NS_", "SALESFORCE_", "NETSUITE_")


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HARNESS_HOME", str(tmp_path_factory.mktemp("harness-home")))
    yield


def pytest_configure(config: pytest.Config) -> None:
    """Register the toy packs before collection: the batteries parametrize over the
    registries when they are collected."""
    from mocks.registry import register_mock_pack
    from sync.connectors import register_pack
    from tests.packs.toy.connector import PACK as TOY_CONNECTOR
    from tests.packs.toy.mock import PACK as TOY_MOCK

    register_pack(TOY_CONNECTOR)
    register_mock_pack(TOY_MOCK)
