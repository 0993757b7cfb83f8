"""Suite-wide isolation: no test sees the developer's environment or writes outside tmp."""

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
