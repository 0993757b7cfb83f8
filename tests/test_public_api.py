"""The declared public API of `harness`, `sync` and `mocks`, pinned, and `harness --version`.

A name leaves `__all__` only on purpose: scripts import these. The packages resolve their names
lazily (PEP 562), so this also checks each one really loads, and that importing a package stays
cheap: every CLI call imports `harness/__init__.py` first.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

import harness
import mocks
import sync
from harness.cli import app

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("fastapi", "deepdiff", "polars", "pandas")
PACKAGES = (harness, sync, mocks)


def test_harness_api_is_pinned() -> None:
    assert sorted(harness.__all__) == [
        "FlowPlan", "HarnessConfig", "Sandbox", "__version__", "health", "load_config",
        "load_flows", "metrics_text", "open_connectors", "profile_target", "prune_history",
        "quarantine_discard", "quarantine_list", "quarantine_show", "reconcile_history",
        "run_history", "run_profile", "run_reconcile", "run_replay", "run_resolve_conflicts",
        "run_rollback", "run_sync", "select_replay", "shadow_report",
    ]  # fmt: skip


def test_sync_api_is_pinned() -> None:
    assert sorted(sync.__all__) == [
        "ConfigError", "ConnectionSettings", "Connector", "ConnectorPack", "FatalError", "Flow",
        "MappingSpec", "Mode", "RecordError", "RunResult", "StateStore", "SyncEngine",
        "SyncError", "TransientError", "apply_mapping", "create_connector", "known_vendors",
        "load_mapping", "parse_mapping", "register_pack",
    ]  # fmt: skip


def test_mocks_api_is_pinned() -> None:
    assert sorted(mocks.__all__) == [
        "FaultPlan", "MockPack", "RecordStore", "RunningServer", "WorldSettings",
        "generate_world", "known_mocks", "load_plan", "mock_pack", "register_mock_pack",
        "start_server",
    ]  # fmt: skip


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_name_resolves(package: ModuleType) -> None:
    assert len(set(package.__all__)) == len(package.__all__)
    missing = [name for name in package.__all__ if getattr(package, name, None) is None]
    assert missing == []
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_unknown_names_still_raise_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = package.no_such_name


def test_lazy_names_are_the_defining_modules_objects() -> None:
    assert harness.run_sync is importlib.import_module("harness.api").run_sync
    assert sync.SyncEngine is importlib.import_module("sync.engine").SyncEngine
    assert mocks.start_server is importlib.import_module("mocks.server").start_server


@pytest.mark.parametrize("package", [p.__name__ for p in PACKAGES])
def test_importing_the_package_stays_cheap(package: str) -> None:
    """In a fresh interpreter: no heavy dependency and none of the package's own submodules."""
    probe = (
        f"import sys, {package}; "
        f"print(sorted(m for m in sys.modules if m in {HEAVY!r} or m.startswith('{package}.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_version_is_the_installed_distributions() -> None:
    assert harness.__version__ == version("crm-erp-harness")


def test_version_flag_prints_the_version_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"harness {harness.__version__}"
