"""`harness init`: a project for a pair, then `harness sandbox` and the standard scenarios in
it, run as a user runs them (real processes, real servers on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.config import load_config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "fixtures" / "integrations" / "salesforce-netsuite"
HARNESS = [sys.executable, "-m", "harness.cli"]
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "acme-integration"
    result = runner.invoke(app, ["init", str(folder), "--crm", "salesforce", "--erp", "netsuite"])
    assert result.exit_code == 0, result.output
    return folder


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def test_init_writes_a_project_for_the_pair(project: Path) -> None:
    for name in ("harness.yaml", ".env.example", ".gitignore", "pytest.ini", "test_features.py"):
        assert (project / name).is_file(), name
    for mapping in SHIPPED.glob("*.yaml"):  # the compiled mappings, as the project ships them
        assert (project / "mappings" / mapping.name).read_text() == mapping.read_text()
    assert (project / "features" / "customers.feature").is_file()
    config = load_config(project / "harness.yaml", {})
    assert {s.vendor for s in config.systems.values()} == {"salesforce", "netsuite"}
    assert config.flow("orders").depends_on == ("customers", "products")
    assert config.flow("customers").mapping == project / "mappings" / "customers.yaml"


def test_the_env_template_names_every_credential_and_holds_no_secret(project: Path) -> None:
    text = (project / ".env.example").read_text()
    config = yaml.safe_load((project / "harness.yaml").read_text())
    wanted = {c["env"] for s in config["systems"].values() for c in s["credentials"].values()}
    lines = [line for line in text.splitlines() if "=" in line]
    declared = {line.split("=")[0] for line in lines if not line.startswith("#")}
    assert declared == wanted
    assert "# HARNESS_SF_USERNAME=" in lines  # an optional credential, offered commented out
    assert all(line.endswith("=") for line in lines)


def test_init_never_overwrites_a_project(project: Path) -> None:
    result = runner.invoke(app, ["init", str(project)])
    assert result.exit_code == 2
    assert "harness.yaml exists already" in result.output


def test_an_unknown_pack_exits_2_naming_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--erp", "navision"])
    assert result.exit_code == 2
    assert "unknown vendor 'navision'" in result.output and "netsuite" in result.output


def test_sandbox_in_the_project_runs_its_own_mappings_and_ends_go(project: Path) -> None:
    done = _run([*HARNESS, "sandbox", "--accounts", "40", "--seed", "3"], project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "using harness.yaml: salesforce -> netsuite" in done.stdout
    report = json.loads((project / "reports" / "reconcile.json").read_text())
    (flow,) = report["flows"]
    assert flow["source_records"] == flow["equal"] == 40


def test_an_edit_to_the_projects_mapping_changes_what_the_sandbox_does(project: Path) -> None:
    mapping = project / "mappings" / "customers.yaml"
    text = mapping.read_text()
    assert "    max_length: 83\n" in text
    mapping.write_text(text.replace("    max_length: 83\n", "    max_length: 12\n", 1))
    done = _run([*HARNESS, "sandbox", "--accounts", "40", "--seed", "3"], project)
    assert done.returncode == 1, done.stdout + done.stderr  # NO-GO: long names held back
    assert "quarantined" in done.stdout


def test_the_projects_standard_scenarios_run_against_the_pair(project: Path) -> None:
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k",
                 "clean_full_sync or second_run"], project)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_mock_up_never_overwrites_a_projects_config(project: Path) -> None:
    before = (project / "harness.yaml").read_text()
    done = _run([*HARNESS, "mock-up", "--accounts", "1"], project, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "was not written for mocks" in done.stderr
    assert (project / "harness.yaml").read_text() == before


@pytest.mark.parametrize(
    "args",
    [["init", "{file}"], ["mapping", "compile", "--crm", "salesforce", "--erp", "netsuite",
                          "--out", "{file}/mappings"]],
    ids=["init-into-a-file", "compile-under-a-file"],
)  # fmt: skip
def test_a_path_that_cannot_be_written_exits_2_naming_it(tmp_path: Path, args: list[str]) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder\n")
    result = runner.invoke(app, [a.format(file=taken) for a in args])
    assert result.exit_code == 2, result.output
    assert str(taken) in result.output and "Traceback" not in result.output


def test_a_projects_systems_may_have_any_names(project: Path) -> None:
    from harness.sandbox import project_flows

    config = project / "harness.yaml"
    text = config.read_text()
    for old, new in (
        ("  crm:\n", "  sales:\n"),
        ("  erp:\n", "  finance:\n"),
        ("source: crm", "source: sales"),
        ("target: erp", "target: finance"),
        ("source: erp", "source: finance"),
        ("target: crm", "target: sales"),
    ):
        text = text.replace(old, new)  # fmt: skip
    config.write_text(text)
    pair = project_flows(config)
    assert pair is not None and (pair.crm, pair.erp) == ("salesforce", "netsuite")
    assert (pair.flow("orders").source, pair.flow("invoices").source) == ("crm", "erp")
