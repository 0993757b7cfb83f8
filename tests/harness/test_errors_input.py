"""Bad input as a user gives it: every case ends in exit 2 with the cause named (file, line
and key where it is input), never a Python traceback, and exit 1 stays NO-GO's alone."""

from __future__ import annotations

import json
import re
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.errors import ConfigError
from sync.mapping import load_mapping
from tests.paths import CUSTOMERS_MAPPING, REFERENCE_PAIR

runner = CliRunner()
ORDERS_MAPPING = REFERENCE_PAIR / "orders.yaml"
SF_VARIABLES = ("HARNESS_SF_CLIENT_ID", "HARNESS_SF_CLIENT_SECRET")
NS_VARIABLES = (
    "HARNESS_NS_CONSUMER_KEY",
    "HARNESS_NS_CONSUMER_SECRET",
    "HARNESS_NS_TOKEN_ID",
    "HARNESS_NS_TOKEN_SECRET",
)


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _edited(tmp_path: Path, source: Path, old: str, new: str, name: str = "m.yaml") -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {source}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def _config(tmp_path: Path, *, crm: str = "", erp: str = "", port: int = 8443) -> Path:
    """A harness.yaml as `harness mock-up` writes it, against `port` on loopback."""
    path = tmp_path / "harness.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        version: 1
        systems:
          crm:
            vendor: salesforce
            base_url: http://127.0.0.1:{port}
            max_retries: 0 #CRM#
            credentials:
              client_id: {{env: HARNESS_SF_CLIENT_ID}}
              client_secret: {{env: HARNESS_SF_CLIENT_SECRET}}
          erp:
            vendor: netsuite
            base_url: http://127.0.0.1:{port}
            max_retries: 0 #ERP#
            credentials:
              consumer_key: {{env: HARNESS_NS_CONSUMER_KEY}}
              consumer_secret: {{env: HARNESS_NS_CONSUMER_SECRET}}
              token_id: {{env: HARNESS_NS_TOKEN_ID}}
              token_secret: {{env: HARNESS_NS_TOKEN_SECRET}}
            options: {{account: 1234567_SB1}}
        state: {{path: {tmp_path / "state.db"}}}
        flows:
          - {{name: customers, mapping: {CUSTOMERS_MAPPING}, source: crm, target: erp}}
        """)
        .replace(" #CRM#", crm)
        .replace(" #ERP#", erp),
        encoding="utf-8",
    )
    return path


def _all_credentials() -> dict[str, str]:
    return {name: "x" for name in (*SF_VARIABLES, *NS_VARIABLES)}


# -- mock-up on a port in use -------------------------------------------------------------


def test_mock_up_on_a_port_in_use_exits_2_naming_the_port_and_leaves_no_workdir(
    tmp_path: Path, busy_port: int
) -> None:
    workdir = tmp_path / "wd"
    args = ["mock-up", "--crm-port", str(busy_port), "--workdir", str(workdir)]
    result = runner.invoke(app, [*args, "--config-out", str(tmp_path / "h.yaml")])
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert f"127.0.0.1:{busy_port} is already in use" in result.output
    assert "--crm-port" in result.output
    assert not workdir.exists(), sorted(p.name for p in workdir.rglob("*"))
    assert not (tmp_path / "h.yaml").exists()


# -- mappings -------------------------------------------------------------------------------


def test_each_that_is_a_number_is_a_config_error_at_its_line(tmp_path: Path) -> None:
    path = _edited(tmp_path, ORDERS_MAPPING, "    each:\n", "    each: 3.5\n    xeach:\n")
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    assert caught.value.file == str(path)
    message = str(caught.value)
    assert f"{path}:{_line_of(path, 'each: 3.5')}:" in message
    assert re.search(r"\[fields\[\d+\]\.each\] must be a list, got number 3\.5", message)


def test_a_nul_byte_in_a_mapping_is_a_config_error_at_its_line(tmp_path: Path) -> None:
    path = _edited(tmp_path, CUSTOMERS_MAPPING, "name: customers", "name: cust\x00omers")
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    assert caught.value.line == _line_of(path, "name: cust")
    assert "NUL" in str(caught.value) and str(path) in str(caught.value)


def test_a_nul_byte_in_a_mapping_exits_2_through_the_cli(tmp_path: Path) -> None:
    path = _edited(tmp_path, CUSTOMERS_MAPPING, "name: customers", "name: cust\x00omers")
    args = ["mapping", "export", "--mapping", str(path), "--out-dir", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert f"{path}:{_line_of(path, 'name: cust')}" in result.output


def test_an_unknown_phone_region_is_refused_when_the_mapping_loads(tmp_path: Path) -> None:
    path = _edited(tmp_path, CUSTOMERS_MAPPING, "default_region: US}}]", "default_region: ZZ}}]")
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert caught.value.line == _line_of(path, "default_region: ZZ")
    assert "transforms[0].phone_e164.default_region" in message
    assert "'ZZ' is not a region phone numbers know" in message


def test_an_unknown_phone_region_in_a_compare_hint_is_refused_at_load(tmp_path: Path) -> None:
    path = _edited(
        tmp_path, CUSTOMERS_MAPPING, "compare: {phone: {default_region: US}}",
        "compare: {phone: {default_region: XX}}",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"compare\.phone\.default_region\] 'XX' is not"):
        load_mapping(path)


def test_a_replacement_naming_a_group_the_pattern_lacks_is_refused_at_load(
    tmp_path: Path,
) -> None:
    path = _edited(
        tmp_path, CUSTOMERS_MAPPING, "transforms: [trim, collapse_whitespace]",
        r"transforms: [{regex_replace: {pattern: '(\w+)', replacement: '\2'}}]",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"regex_replace\.replacement\] .*group 2"):
        load_mapping(path)


def test_a_lookup_whose_keys_collide_under_ignore_case_is_refused_at_load(
    tmp_path: Path,
) -> None:
    path = _edited(
        tmp_path, CUSTOMERS_MAPPING, "{lookup: {table: {US: '1',",
        "{lookup: {ignore_case: true, table: {us: '9', US: '1',",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"lookup\.table\] keys 'us' and 'US' are the same"):
        load_mapping(path)


def test_a_target_field_the_target_lacks_is_refused_before_any_write(tmp_path: Path) -> None:
    mapping = _edited(tmp_path, CUSTOMERS_MAPPING, "target: comments", "target: coments")
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=3, accounts=5)) as box:
        box.use_mapping(mapping)
        with pytest.raises(ConfigError) as caught:
            box.sync()
        assert box.stored("erp", "customer") == []
    message = str(caught.value)
    assert f"{mapping}:{_line_of(mapping, 'target: coments')}:" in message
    assert "customer has no field 'coments' (did you mean 'comments'?)" in message


# -- harness.yaml, env files, connections ---------------------------------------------------


def test_a_ca_path_that_does_not_exist_is_a_config_error_at_its_line(tmp_path: Path) -> None:
    path = _config(tmp_path, erp="\n    ca_path: tls/nope.pem")
    result = runner.invoke(app, ["sync", "--config", str(path)], env=_all_credentials())
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    message = " ".join(result.output.split())
    assert f"{path}:{_line_of(path, 'ca_path')}: [systems.erp.ca_path]" in message
    assert f"CA file not found: {tmp_path / 'tls' / 'nope.pem'}" in message


def test_missing_variables_of_every_system_are_named_at_once(tmp_path: Path) -> None:
    path = _config(tmp_path)
    environ = {"HARNESS_SF_CLIENT_ID": "x"}
    result = runner.invoke(app, ["sync", "--config", str(path)], env=environ)
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    missing = [v for v in (*SF_VARIABLES, *NS_VARIABLES) if v not in environ]
    for variable in missing:
        assert variable in result.output
    assert "HARNESS_SF_CLIENT_ID is not set" not in result.output


def test_a_missing_env_file_names_every_variable_the_config_lacks(tmp_path: Path) -> None:
    path = _config(tmp_path)
    env_file = tmp_path / "mock.env"
    result = runner.invoke(app, ["sync", "--config", str(path), "--env-file", str(env_file)])
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert f"{env_file}: env file not found; the config needs" in result.output
    for variable in (*SF_VARIABLES, *NS_VARIABLES):
        assert variable in result.output


def test_connection_refused_names_the_system_and_host_port(tmp_path: Path) -> None:
    port = _closed_port()
    path = _config(tmp_path, port=port)
    result = runner.invoke(app, ["sync", "--config", str(path)], env=_all_credentials())
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert f"cannot reach crm (salesforce) at 127.0.0.1:{port}: connection refused" in (
        " ".join(result.output.split())
    )


# -- --json ---------------------------------------------------------------------------------


def _commands_taking_json() -> Iterator[tuple[str, list[str]]]:
    """Every command with a --json option, with dummy values for its required inputs."""
    root = typer.main.get_command(app)

    def walk(command: Any, words: list[str]) -> Iterator[tuple[str, list[str]]]:
        if hasattr(command, "commands"):  # a group (typer ships its own click)
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, [*words, name])
            return
        if not any("--json" in p.opts for p in command.params):
            return
        args = list(words)
        for param in command.params:
            if param.required and param.param_type_name == "argument":
                args.append("x")
            elif param.required:
                args += [param.opts[0], "x"]
        yield " ".join(words), args

    yield from walk(root, [])


@pytest.mark.parametrize(("name", "args"), list(_commands_taking_json()), ids=lambda v: str(v))
def test_json_errors_are_json_on_stdout(tmp_path: Path, name: str, args: list[str]) -> None:
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(app, [*args, "--config", str(missing), "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["file"] == str(missing)
    assert "config file not found" in error["message"]
    assert error["exit_code"] == 2


def test_json_errors_carry_line_and_key(tmp_path: Path) -> None:
    path = _config(tmp_path, erp="\n    ca_path: nope.pem")
    result = runner.invoke(app, ["sync", "--config", str(path), "--json"], env=_all_credentials())
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["line"] == _line_of(path, "ca_path")
    assert error["key"] == "systems.erp.ca_path"
    assert error["file"] == str(path)


# -- other paths to a traceback ---------------------------------------------------------------


def test_an_unknown_log_level_is_a_usage_error_not_a_traceback() -> None:
    result = runner.invoke(app, ["--log-level", "LOUD", "status"])
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert "'LOUD' is not a log level" in result.output


def test_a_config_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = _config(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"vendor: netsuite", b"vendor: netsuit\xe9"))
    result = runner.invoke(app, ["sync", "--config", str(path)])
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    line = _line_of_bytes(path, b"netsuit\xe9")
    assert f"{path}:{line}: not UTF-8 text (byte 0xe9); save the file as UTF-8" in result.output


def test_a_mapping_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(CUSTOMERS_MAPPING.read_bytes().replace(b"name: customers", b"name: \xff"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xff\)") as caught:
        load_mapping(path)
    assert caught.value.line == _line_of_bytes(path, b"name: \xff")


def test_a_port_out_of_range_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    workdir = tmp_path / "wd"
    args = ["mock-up", "--erp-port", "70000", "--workdir", str(workdir), "--http"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "[--erp-port] port 70000 is not 0-65535" in result.output
    assert not workdir.exists()


def _line_of_bytes(path: Path, needle: bytes) -> int:
    data = path.read_bytes()
    return data.count(b"\n", 0, data.index(needle)) + 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a\\0b.db"', "a path cannot hold a NUL character"),
        ("~no-such-user-here/state.db", "'~no-such-user-here': no such user's home directory"),
    ],
    ids=["nul", "unknown-user"],
)
def test_a_path_this_machine_cannot_have_is_a_config_error(
    tmp_path: Path, value: str, message: str
) -> None:
    path = _config(tmp_path)
    text = path.read_text(encoding="utf-8").replace(f"{tmp_path / 'state.db'}", value)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["sync", "--config", str(path)])
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert f"{path}:{_line_of(path, 'state:')}: [state.path] {message}" in result.output


def test_a_threshold_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    path = _config(tmp_path)
    with path.open("a", encoding="utf-8") as out:
        out.write("thresholds: {record_accuracy: .nan}\n")
    result = runner.invoke(app, ["sync", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert "[thresholds.record_accuracy] nan is not a finite number" in result.output
