"""Credentials and the files that hold data stay private: `harness mock-up` says where its
credentials are instead of printing them (unless `--show-secrets`), and the env file, the
state file and the log file are created owner-only (0600), in owner-only folders (0700)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config import load_config
from harness.monitoring.logs import configure_logging
from sync.state import StateStore
from tests.children import interrupt, read_until, start_harness
from tests.paths import CUSTOMERS_MAPPING


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def _mock_up(tmp_path: Path, *extra: str) -> str:
    """Run `harness mock-up` until it has described its mocks; return what it printed."""
    args = ["mock-up", "--accounts", "3", "--seed", "2", "--http", "--workdir", ".harness",
            "--config-out", "harness.yaml", *extra]  # fmt: skip
    proc = start_harness(args, tmp_path)
    try:
        text = read_until(proc, "ground truth:")
    finally:
        rest = interrupt(proc)
    return text + rest


def _secrets(env_file: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines())
    return {name: value for name, value in pairs}


def test_mock_up_names_the_env_file_and_variables_but_prints_no_secret(tmp_path: Path) -> None:
    text = _mock_up(tmp_path)
    env_file = tmp_path / ".harness" / "mock.env"
    secrets = _secrets(env_file)
    assert len(secrets) >= 4, secrets
    assert str(Path(".harness") / "mock.env") in text, text
    for name, value in secrets.items():
        assert name in text, f"{name} not named:\n{text}"
        if len(value) >= 4:  # short values such as an account number "1" are not secrets
            assert value not in text, f"{name}'s value printed:\n{text}"
    assert _mode(env_file) == "0o600"


def test_mock_up_prints_the_secrets_when_asked(tmp_path: Path) -> None:
    text = _mock_up(tmp_path, "--show-secrets")
    for name, value in _secrets(tmp_path / ".harness" / "mock.env").items():
        assert f"export {name}={value}" in text


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_state_and_log_files_are_owner_only(tmp_path: Path, restore_logging: None) -> None:
    config_path = tmp_path / "harness.yaml"
    state_path = tmp_path / "new" / "state.db"
    config_path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {state_path}}}
flows:
  - {{name: customers, mapping: {CUSTOMERS_MAPPING}, source: crm, target: erp}}
""", encoding="utf-8")  # fmt: skip
    config = load_config(config_path, {})
    with StateStore(config.state_path) as state:
        state.finish_run(state.start_run("customers", "live", "full").run_id, "succeeded", {})
        assert _mode(state_path) == "0o600"
        for suffix in ("-wal", "-shm"):
            side = Path(f"{state_path}{suffix}")
            if side.exists():
                assert _mode(side) == "0o600", side
    assert _mode(state_path.parent) == "0o700"
    log_file = configure_logging(config, {}, json_format=True, to_file=True)
    assert log_file is not None
    logging.getLogger("harness.test").warning("a line for the file")
    assert _mode(log_file) == "0o600"
    assert _mode(log_file.parent) == "0o700"
