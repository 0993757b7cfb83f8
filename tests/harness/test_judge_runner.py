"""How the judged command is run: bounded in time, stopped once the sandboxes are quiet, and
refused clearly when there is nothing (or nothing runnable) to judge."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.judge import run_command
from sync.errors import ConfigError

SLEEPER = (sys.executable, "-c", "import time; time.sleep(60)")


def test_a_command_past_its_time_limit_is_stopped_and_not_ok(tmp_path: Path) -> None:
    result = run_command(SLEEPER, env={}, cwd=tmp_path, log_path=tmp_path / "log", timeout=1)

    assert result.ending == "timed_out" and not result.ok
    assert "did not finish within the time limit" in result.describe()


def test_a_long_running_integration_is_stopped_once_the_sandboxes_are_quiet(
    tmp_path: Path,
) -> None:
    result = run_command(
        SLEEPER,
        env={},
        cwd=tmp_path,
        log_path=tmp_path / "log",
        timeout=60,
        quiet_for=2,
        quiet=lambda: 5.0,
    )

    assert result.ending == "quiet" and result.ok


def test_no_quiet_stop_before_the_first_request(tmp_path: Path) -> None:
    result = run_command(
        SLEEPER,
        env={},
        cwd=tmp_path,
        log_path=tmp_path / "log",
        timeout=1,
        quiet_for=0.5,
        quiet=lambda: None,
    )

    assert result.ending == "timed_out"


def test_the_command_output_is_kept_and_its_exit_status_reported(tmp_path: Path) -> None:
    argv = (sys.executable, "-c", "print('hello'); raise SystemExit(4)")
    result = run_command(argv, env={}, cwd=tmp_path, log_path=tmp_path / "log", timeout=30)

    assert (result.ending, result.exit_code, result.ok) == ("exited", 4, False)
    assert (tmp_path / "log").read_text().strip() == "hello"


@pytest.mark.parametrize("argv", [(), ("/no/such/program",)], ids=["none", "missing"])
def test_nothing_runnable_is_a_config_error(tmp_path: Path, argv: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError):
        run_command(argv, env={}, cwd=tmp_path, log_path=tmp_path / "log", timeout=5)
