"""`harness` starts fast: the command line loads no mock server, comparer or dataframe library
until a command needs one. Speed itself is measured by the bench (`harness --help` wall time in
bench/results.json), never asserted here."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from harness.cli import app
from tests.paths import ROOT

# Each of these cost every command a few hundred milliseconds when imported at start-up.
HEAVY = (
    "fastapi",
    "uvicorn",
    "starlette",
    "deepdiff",
    "pandas",
    "polars",
    "numpy",
    "openpyxl",
    "duckdb",
    "prometheus_client",
)


def _modules_loaded_by(statement: str) -> set[str]:
    probe = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_importing_the_cli_loads_no_heavy_dependency() -> None:
    loaded = _modules_loaded_by("import harness.cli")
    assert sorted(m for m in HEAVY if m in loaded) == []
    assert "harness.cli" in loaded


def test_help_lists_the_commands_without_loading_them() -> None:
    loaded = _modules_loaded_by(
        "from typer.main import get_command; from harness.cli import app; "
        "get_command(app).main(['--help'], standalone_mode=False)"
    )
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_help_still_lists_every_command_group() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for command in ("sync", "reconcile", "mock-up", "sandbox", "status", "mapping"):
        assert command in result.output
