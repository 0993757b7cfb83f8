"""Property: however a shipped mapping or a written harness.yaml is damaged, the outcome is a
valid config or a clean `ConfigError`, and through the CLI exit 0 or exit 2 with a message,
never a traceback. Bounded and derandomized, so it runs in seconds and CI sees the same
examples every time."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from harness.api import load_flows
from harness.cli import app
from harness.config import HarnessConfig, load_config, render_config
from sync.errors import ConfigError
from sync.mapping import MappingSpec, load_mapping
from tests.fuzz.mutations import mutated
from tests.paths import REFERENCE_PAIR

runner = CliRunner()
MAPPINGS = sorted(REFERENCE_PAIR.glob("*.yaml"))
BOUNDED = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
THROUGH_CLI = settings(BOUNDED, max_examples=15)  # each example runs a whole command
SF_KEYS = ("client_id", "client_secret")
NS_KEYS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
ENVIRON = {f"HARNESS_SF_{key.upper()}": "x" for key in SF_KEYS} | {
    f"HARNESS_NS_{key.upper()}": "x" for key in NS_KEYS
}


def _document(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    """A folder as `harness init` leaves it (harness.yaml and the pair's mappings), plus
    `mock-up.yaml` as `harness mock-up` writes one (a CA file, loopback URLs)."""
    with tempfile.TemporaryDirectory() as folder:
        result = runner.invoke(app, ["init", folder])
        assert result.exit_code == 0, result.output
        root = Path(folder)
        (root / "tls").mkdir()
        (root / "tls" / "ca.pem").write_text("not checked before a connection\n")
        systems = {
            "crm": {"vendor": "salesforce", "base_url": "https://127.0.0.1:9001"},
            "erp": {"vendor": "netsuite", "base_url": "https://127.0.0.1:9002",
                    "options": {"account": "1234567_SB1"}},
        }  # fmt: skip
        for role, prefix, names in (("crm", "SF", SF_KEYS), ("erp", "NS", NS_KEYS)):
            systems[role]["ca_path"] = "tls/ca.pem"
            systems[role]["credentials"] = {k: f"HARNESS_{prefix}_{k.upper()}" for k in names}
        text = render_config(
            systems=systems, mapping=root / "mappings" / "customers.yaml", base_dir=root
        )
        (root / "mock-up.yaml").write_text(text, encoding="utf-8")
        yield root


def _clean_exit(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and 'File "' not in result.output, result.output
    if result.exit_code == 2:  # our message, not the last-resort one `guarded` has for bugs
        assert "error:" in result.output, result.output
        assert "unexpected error" not in result.output, result.output


@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda p: p.stem)
def test_a_damaged_mapping_loads_or_is_a_config_error(mapping: Path) -> None:
    @BOUNDED
    @given(data=mutated(_document(mapping)))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / mapping.name
            path.write_bytes(data)
            try:
                assert isinstance(load_mapping(path), MappingSpec)
            except ConfigError as exc:
                assert str(exc).startswith(str(path)), exc

    check()


@THROUGH_CLI
@given(data=st.data())
def test_a_damaged_mapping_exits_0_or_2_through_the_cli(data: st.DataObject) -> None:
    mapping = data.draw(st.sampled_from(MAPPINGS))
    damaged = data.draw(mutated(_document(mapping)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / mapping.name
        path.write_bytes(damaged)
        out = ["--out-dir", folder, "--format", "md"]
        _clean_exit(["mapping", "export", "--mapping", str(path), *out])


@pytest.mark.parametrize("written", ["harness.yaml", "mock-up.yaml"])
@BOUNDED
@given(data=st.data())
def test_a_damaged_harness_yaml_loads_or_is_a_config_error(
    project: Path, written: str, data: st.DataObject
) -> None:
    damaged = data.draw(mutated(_document(project / written)))
    path = project / "fuzzed.yaml"
    path.write_bytes(damaged)
    try:
        config = load_config(path, ENVIRON)
    except ConfigError as exc:
        assert str(exc).startswith(str(path)), exc
        return
    assert isinstance(config, HarnessConfig)
    try:  # what a command does next: every flow's mapping, every system's settings
        load_flows(config)
        config.connection_settings()
    except ConfigError:
        pass


@pytest.mark.parametrize("written", ["harness.yaml", "mock-up.yaml"])
@THROUGH_CLI
@given(data=st.data())
def test_a_damaged_harness_yaml_exits_0_or_2_through_the_cli(
    project: Path, written: str, data: st.DataObject
) -> None:
    damaged = data.draw(mutated(_document(project / written)))
    path = project / "fuzzed-cli.yaml"
    path.write_bytes(damaged)
    _clean_exit(["flows", "--config", str(path), "--out-dir", str(project / "reports")])
