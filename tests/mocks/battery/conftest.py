"""The mock battery runs over every mock pack registered when the tests are collected
(`known_mocks()`, entry points and packs registered in code alike): each test that takes
`sandbox` runs once per pack, on a fresh app of that pack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mocks.registry import known_mocks
from tests.mocks.battery.support import Sandbox, open_sandbox


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "mock_name" in metafunc.fixturenames:
        names = list(known_mocks())
        metafunc.parametrize("mock_name", names, ids=names)


@pytest.fixture
def sandbox(mock_name: str) -> Iterator[Sandbox]:
    yield from open_sandbox(mock_name)
