"""Fixtures for the packs defined under tests/: register them in code, or install them for a
subprocess the way a separately shipped package would be (a dist-info with entry points).

`toy_packs` makes sure both Toy CRM packs are registered in this process (the suite's
conftest registers them for the whole session); `toy` is their sandbox app, seeded, behind a
`TestClient`.

`pack_env` writes `toy_harness_pack-0.1.dist-info/` into a tmp dir and returns an
environment whose PYTHONPATH puts that dir (for `importlib.metadata`) and the repository
root (for `tests.packs.toy`) first: a subprocess finds the packs through the
`harness.connectors` and `harness.mocks` entry points alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mocks.registry import register_mock_pack
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings
from sync.connectors import register_pack
from tests.packs.toy.connector import PACK as TOY_CONNECTOR
from tests.packs.toy.mock import PACK as TOY_MOCK
from tests.packs.toy_sandbox import ACCOUNTS, ADMIN_TOKEN, CREDENTIALS, Sandbox, TestClient
from tests.paths import ROOT

DIST = "toy_harness_pack"
ENTRY_POINTS = {
    "harness.connectors": {"toy": "tests.packs.toy.connector:PACK"},
    "harness.mocks": {"toy": "tests.packs.toy.mock:PACK"},
}


def write_dist_info(directory: Path, version: str = "0.1") -> Path:
    """An installed-package record of the toy packs in `directory`: METADATA and
    entry_points.txt, which is all `importlib.metadata.entry_points` reads."""
    info = directory / f"{DIST}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    metadata = f"Metadata-Version: 2.1\nName: {DIST.replace('_', '-')}\nVersion: {version}\n"
    (info / "METADATA").write_text(metadata, encoding="utf-8")
    sections = [
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in points.items())
        for group, points in ENTRY_POINTS.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(sections), encoding="utf-8")
    return info


def subprocess_env(site: Path) -> dict[str, str]:
    """This process's environment with PYTHONPATH=<site>:<repo root>[:<existing>]."""
    paths = [str(site), str(ROOT)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


@pytest.fixture
def toy_packs() -> None:
    """Both Toy CRM packs registered in this process (idempotent: they stay registered)."""
    register_pack(TOY_CONNECTOR)
    register_mock_pack(TOY_MOCK)


@pytest.fixture
def pack_env(tmp_path: Path) -> dict[str, str]:
    """An environment for a subprocess that sees the toy packs as an installed package."""
    site = tmp_path / "site"
    write_dist_info(site)
    return subprocess_env(site)


@pytest.fixture
def toy(toy_packs: None) -> Iterator[Sandbox]:
    """The Toy CRM app (built through its registered mock pack) seeded with a world of
    `ACCOUNTS` companies, behind an in-process client."""
    app = TOY_MOCK.build_app(CREDENTIALS, ADMIN_TOKEN, RecordStore())
    app.state.mock.seed(WorldSettings(seed=5, accounts=ACCOUNTS))
    with TestClient(app) as client:
        yield Sandbox(app, client)
