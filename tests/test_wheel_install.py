"""The harness installs whole: the built wheel, in a fresh virtual environment outside this
repository, runs a team's scenarios (a folder holding only `features/` and its mappings)
against the sandboxes with pytest, and writes JUnit.

The wheel is built from a copy of the sources (nothing is written into the checkout). The
fresh environment sees the dependencies through a `.pth` line naming this environment's
site-packages, so nothing is downloaded for it; a path a `.pth` line adds runs none of that
folder's own `.pth` hooks, so this checkout's editable install stays out of it, and the test
checks that `harness` is imported from the wheel's copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "salesforce_to_netsuite"
SOURCES = ("harness", "mocks", "sync", "reconcile", "fixtures")
pytestmark = pytest.mark.fidelity  # the scenarios run the example's vendor SDKs


def _run(*argv: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _build_wheel(tmp: Path) -> Path:
    """`pip wheel --no-deps` on a copy of the sources (build/ never lands in the checkout)."""
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    (source / "harness_fixtures").symlink_to("fixtures")
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source, cwd=tmp
    )
    (wheel,) = (tmp / "dist").glob("crm_erp_harness-*.whl")
    return wheel


def _venv(tmp: Path, wheel: Path) -> Path:
    """A fresh environment holding the wheel, with this one's dependencies visible."""
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp)
    python = venv / "bin" / "python"
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp
    ).stdout.strip()
    (Path(purelib) / "harness_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--force-reinstall",
        wheel,
        cwd=tmp,
    )
    return python


def test_the_wheel_runs_a_teams_features_against_the_sandboxes(tmp_path: Path) -> None:
    python = _venv(tmp_path, _build_wheel(tmp_path))
    team = tmp_path / "team"
    shutil.copytree(
        EXAMPLE / "features", team / "features", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(EXAMPLE / "mappings", team / "mappings")

    where = _run(
        python,
        "-c",
        "import harness, harness_fixtures.schemas as s; "
        "print(harness.__file__); print(list(s.__path__)[0])",
        cwd=team,
    )
    harness_file, schemas = where.stdout.split()
    assert Path(harness_file).is_relative_to(tmp_path / "venv")
    assert (Path(schemas) / "mapping.schema.json").is_file()

    command = f"{python} {EXAMPLE / 'sync.py'}"
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "features",
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml",
            "junit.xml",
            "--harness-command",
            command,
            "--harness-flows",
            "customers,orders",
            "--harness-mappings",
            "mappings",
        ],
        cwd=team,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    suite = ET.parse(team / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", "0")) == 3
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
