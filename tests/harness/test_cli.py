"""The CLI as a user runs it: a real process, real servers on loopback, exit codes as contract."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox import Sandbox, write_config
from mocks.world.generator import WorldSettings
from tests.children import HARNESS, child_env, interrupt, read_until, start_harness
from tests.paths import INVALID_MAPPINGS

runner = CliRunner()


def test_malformed_config_exits_2_naming_file_line_and_key(tmp_path: Path) -> None:
    config = tmp_path / "harness.yaml"
    config.write_text("version: 1\nsystems:\n  crm:\n    vendr: salesforce\n", encoding="utf-8")
    result = runner.invoke(app, ["reconcile", "--config", str(config)])
    assert result.exit_code == 2
    assert "harness.yaml" in result.output
    assert "vendr" in result.output
    assert re.search(r"harness\.yaml:\d+", result.output), result.output


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sync", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


def test_unknown_mode_exits_2() -> None:
    result = runner.invoke(app, ["sync", "--mode", "yolo"])
    assert result.exit_code == 2
    assert "dry-run" in result.output


def test_sandbox_prints_go_scorecard_and_writes_reports(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = runner.invoke(
        app,
        ["sandbox", "--accounts", "40", "--seed", "3", "--workdir", str(tmp_path / "w"),
         "--reports-dir", str(reports)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "GO" in result.output
    assert (reports / "reconcile.json").exists()
    assert (
        (reports / "reconcile.md")
        .read_text(encoding="utf-8")
        .startswith("# Reconciliation: **GO**")
    )


def test_sandbox_with_dirty_world_is_no_go_with_reasons(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["sandbox", "--accounts", "60", "--seed", "5", "--missing-country-rate", "0.1",
         "--workdir", str(tmp_path / "w"), "--reports-dir", str(tmp_path / "r")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "NO-GO" in result.output
    assert "quarantined" in result.output


def test_mock_up_serves_until_interrupted_then_sync_and_reconcile_use_its_config(
    tmp_path: Path,
) -> None:
    env = child_env()
    stale = tmp_path / ".harness" / "state.db"  # an earlier sandbox's crosswalk
    stale.parent.mkdir()
    stale.write_bytes(b"earlier sandbox")
    args = ["mock-up", "--accounts", "25", "--seed", "9", "--workdir", ".harness",
            "--config-out", "harness.yaml"]  # fmt: skip
    proc = start_harness(args, tmp_path)
    try:
        text = read_until(proc, "ground truth:")  # printed once the mocks are described
        urls = re.findall(r"https://127\.0\.0\.1:\d+", text)
        assert len(urls) == 2, text
        ca = tmp_path / ".harness" / "tls" / "ca.pem"
        assert ca.exists() and str(ca.name) in text
        for url in urls:
            assert (
                httpx.get(f"{url}/__harness/health", verify=str(ca), trust_env=False).status_code
                == 200
            )
        assert (tmp_path / "harness.yaml").exists()
        retired = tmp_path / ".harness" / "state.previous.db"
        assert retired.read_bytes() == b"earlier sandbox" and "state.previous.db" in text
        env_file = tmp_path / ".harness" / "mock.env"
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"

        sync = subprocess.run(
            [*HARNESS, "sync", "--env-file", str(env_file), "--full"],
            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert sync.returncode == 0, sync.stdout + sync.stderr
        reconcile = subprocess.run(
            [*HARNESS, "reconcile", "--env-file", str(env_file), "--json"],
            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
        assert '"verdict":"GO"' in reconcile.stdout
        for secret_line in env_file.read_text().splitlines():
            assert secret_line.split("=", 1)[1] not in reconcile.stdout + sync.stdout
    finally:
        interrupt(proc)
    assert proc.returncode == 0
    for url in urls:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/__harness/health", verify=str(ca), trust_env=False, timeout=2)


def test_malformed_mapping_exits_2_and_writes_nothing(
    harness_sandbox_session: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=4, accounts=10))
    broken = INVALID_MAPPINGS / "typo_key.yaml"
    config = write_config(box.mocks, tmp_path / "harness.yaml", mapping=broken,
                          state_path=tmp_path / "state.db", reports_dir=tmp_path / "r")  # fmt: skip
    for name, value in box.mocks.env.items():
        monkeypatch.setenv(name, value)
    seq = box.last_change_seq("erp")
    result = runner.invoke(app, ["sync", "--config", str(config), "--full"])
    assert result.exit_code == 2
    assert re.search(r"typo_key\.yaml:\d+", result.output), result.output
    assert "did you mean" in result.output
    assert box.last_change_seq("erp") == seq
    assert not (tmp_path / "state.db").exists()  # refused before anything was opened


def test_sandbox_twice_in_one_workdir_is_go_both_times(tmp_path: Path) -> None:
    args = ["sandbox", "--accounts", "20", "--workdir", str(tmp_path / "w"),
            "--reports-dir", str(tmp_path / "r")]  # fmt: skip
    for _ in range(2):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
