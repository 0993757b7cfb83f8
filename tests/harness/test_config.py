"""harness.yaml: typed loading, every problem at once with file:line and key, secrets kept out."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.config import (
    SCHEMA_PATH,
    ConfigValidationError,
    FlowConfig,
    Thresholds,
    apply_env_file,
    load_config,
    load_env_file,
    render_config,
)
from sync.errors import ConfigError, FatalError
from sync.flow import DEFAULT_BATCH_SIZE

VALID = """\
version: 1
systems:
  crm:
    vendor: salesforce
    base_url: https://127.0.0.1:8443/
    ca_path: tls/ca.pem
    read_only: true
    timeout: 12.5
    concurrency: 2
    credentials:
      client_id: {env: HARNESS_SF_CLIENT_ID}
      client_secret: {env: HARNESS_SF_CLIENT_SECRET}
  erp:
    vendor: netsuite
    base_url: https://127.0.0.1:8444
    credentials:
      token_secret: {env: HARNESS_NS_TOKEN_SECRET}
    options: {account: "1234567_SB1"}
state: {path: .harness/state.db}
flows:
  - name: customers
    mapping: mappings/customers.yaml
    source: crm
    target: erp
    batch_size: 100
thresholds:
  record_accuracy: 0.98
  max_quarantined: 3
"""
SECRET = "s3cr3t-do-not-print"
ENV = {
    "HARNESS_SF_CLIENT_ID": "client-1",
    "HARNESS_SF_CLIENT_SECRET": SECRET,
    "HARNESS_NS_TOKEN_SECRET": SECRET + "-ns",
}

Write = Callable[[str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a config (and the mapping file it names) into tmp_path."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "customers.yaml").write_text("version: 1\n")

    def _write(text: str) -> Path:
        path = tmp_path / "harness.yaml"
        path.write_text(text)
        return path

    return _write


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def _problems(path: Path) -> ConfigValidationError:
    with pytest.raises(ConfigValidationError) as caught:
        load_config(path, ENV)
    return caught.value


# -- a valid file ----------------------------------------------------------------------------


def test_a_valid_config_loads_into_typed_objects(write: Write, tmp_path: Path) -> None:
    config = load_config(write(VALID), ENV)
    assert config.path == tmp_path / "harness.yaml"
    assert config.state_path == tmp_path / ".harness" / "state.db"
    assert config.reports_dir == tmp_path / "reports"  # default
    assert config.flows == (
        FlowConfig("customers", tmp_path / "mappings" / "customers.yaml", "crm", "erp", 100),
    )
    assert config.thresholds == Thresholds(record_accuracy=0.98, max_quarantined=3)
    crm = config.system("crm")
    assert (crm.vendor, crm.base_url, crm.ca_path) == (
        "salesforce",
        "https://127.0.0.1:8443",
        tmp_path / "tls" / "ca.pem",
    )
    assert (crm.read_only, crm.timeout, crm.concurrency, crm.max_retries) == (True, 12.5, 2, 5)
    assert crm.credentials == {
        "client_id": "HARNESS_SF_CLIENT_ID",
        "client_secret": "HARNESS_SF_CLIENT_SECRET",
    }
    erp = config.system("erp")
    assert (erp.read_only, erp.timeout, erp.ca_path, erp.options) == (
        False,
        30.0,
        None,
        {"account": "1234567_SB1"},
    )


def test_unknown_flow_and_system_names_list_the_known_ones(write: Write) -> None:
    config = load_config(write(VALID), ENV)
    assert config.flow("customers").source == "crm"
    with pytest.raises(ConfigError, match="unknown flow 'contacts'; known flows: customers"):
        config.flow("contacts")
    with pytest.raises(ConfigError, match="unknown system 'sap'; known systems: crm, erp"):
        config.system("sap")


def test_more_vendors_can_be_known(write: Write) -> None:
    text = VALID.replace("vendor: netsuite", "vendor: hubspot")
    config = load_config(write(text), ENV, known_vendors=("salesforce", "netsuite", "hubspot"))
    assert config.system("erp").vendor == "hubspot"


def test_the_schema_file_is_a_valid_json_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)


# -- one problem at a time -------------------------------------------------------------------

SECOND_FLOW = """\
  - name: customers
    mapping: mappings/customers.yaml
    source: erp
    target: crm
thresholds:"""

CASES = [
    # id, old text, new text, line marker (needle, occurrence), key, message
    (
        "typo",
        "    credentials:\n      client_id",
        "    credentals:\n      client_id",
        ("credentals", 1),
        "systems.crm.credentals",
        "unknown key 'credentals' (did you mean 'credentials'?)",
    ),
    (
        "unknown-vendor",
        "vendor: netsuite",
        "vendor: netsuit",
        ("netsuit", 1),
        "systems.erp.vendor",
        "unknown vendor 'netsuit' (did you mean 'netsuite'?); known vendors: hubspot, netsuite,"
        " salesforce, sap",
    ),
    (
        "unknown-system",
        "target: erp",
        "target: erp2",
        ("erp2", 1),
        "flows[0].target",
        "unknown system 'erp2' (did you mean 'erp'?); known systems: crm, erp",
    ),
    (
        "same-system",
        "target: erp",
        "target: crm",
        ("target: crm", 1),
        "flows[0].target",
        "source and target are the same system",
    ),
    (
        "missing-mapping",
        "mappings/customers.yaml",
        "mappings/nope.yaml",
        ("nope.yaml", 1),
        "flows[0].mapping",
        "mapping file not found: ",
    ),
    (
        "duplicate-flow",
        "thresholds:",
        SECOND_FLOW,
        ("- name: customers", 2),
        "flows[1].name",
        "duplicate flow name 'customers' (first at line 21)",
    ),
    (
        "ratio-range",
        "record_accuracy: 0.98",
        "record_accuracy: 98",
        ("record_accuracy", 1),
        "thresholds.record_accuracy",
        "must be a ratio between 0 and 1",
    ),
    (
        "count-range",
        "max_quarantined: 3",
        "max_quarantined: -1",
        ("max_quarantined", 1),
        "thresholds.max_quarantined",
        "must be a whole number, 0 or more",
    ),
    (
        "literal-secret",
        "client_secret: {env: HARNESS_SF_CLIENT_SECRET}",
        f"client_secret: {SECRET}",
        ("client_secret", 1),
        "systems.crm.credentials.client_secret",
        "secrets come from environment variables only; write {env: VAR}",
    ),
    (
        "missing-key",
        "    base_url: https://127.0.0.1:8444\n",
        "",
        ("  erp:", 1),
        "systems.erp",
        "missing required key 'base_url'",
    ),
    (
        "wrong-type",
        "timeout: 12.5",
        "timeout: soon",
        ("timeout", 1),
        "systems.crm.timeout",
        "must be a number, not 'soon'",
    ),
    (
        "bad-url",
        "https://127.0.0.1:8444",
        "127.0.0.1:8444",
        ("127.0.0.1:8444", 1),
        "systems.erp.base_url",
        "must be an http:// or https:// URL",
    ),
    (
        "bad-name",
        "- name: customers",
        "- name: Customers!",
        ("Customers!", 1),
        "flows[0].name",
        "must start with a lower-case letter",
    ),
    (
        "newer-version",
        "version: 1",
        "version: 2",
        ("version", 1),
        "version",
        "version 2 needs a newer harness",
    ),
    (
        "duplicate-yaml-key",
        "    concurrency: 2\n",
        "    concurrency: 2\n    concurrency: 3\n",
        ("concurrency", 2),
        "systems.crm.concurrency",
        "duplicate key 'concurrency' (first at line 9)",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "key", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_problem_names_file_line_and_key(
    write: Write, old: str, new: str, marker: tuple[str, int], key: str, message: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = write(text)
    err = _problems(path)
    line = _line_of(text, *marker)
    assert [(p.line, p.key) for p in err.problems] == [(line, key)]
    assert message in err.problems[0].message
    assert str(err).startswith(f"{path}:{line}: [{key}] ")
    assert (err.file, err.line, err.key) == (str(path), line, key)
    assert isinstance(err, FatalError)


def test_every_problem_is_reported_together_in_file_order(write: Write) -> None:
    text = (
        VALID.replace("credentials:\n      client_id", "credentals:\n      client_id")
        .replace("vendor: netsuite", "vendor: oracle")
        .replace("target: erp", "target: erp2")
        .replace("record_accuracy: 0.98", "record_accuracy: 1.5")
    )
    path = write(text)
    err = _problems(path)
    keys = [
        "systems.crm.credentals",
        "systems.erp.vendor",
        "flows[0].target",
        "thresholds.record_accuracy",
    ]
    assert [p.key for p in err.problems] == keys
    assert str(err).startswith(f"{path}: 4 problems:\n")
    for problem in err.problems:
        assert f"  {path}:{problem.line}: [{problem.key}] {problem.message}" in str(err)
    assert err.line is None


# -- files that are not configs -------------------------------------------------------------


def test_malformed_yaml_names_the_line_and_never_quotes_it(write: Write) -> None:
    text = VALID.replace("    concurrency: 2\n", f"    concurrency: 2\n    password: [{SECRET}\n")
    path = write(text)
    with pytest.raises(ConfigError, match=r"YAML syntax error") as caught:
        load_config(path, ENV)
    assert caught.value.line is not None and caught.value.line >= _line_of(text, "password")
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "expected a mapping"),
        ("version: 1\n", "2 problems"),
    ],
    ids=["empty", "a-list", "nearly-empty"],
)
def test_files_that_are_not_configs(write: Write, text: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_config(write(text), ENV)


def test_anchors_and_merge_keys_are_plain_yaml(write: Write) -> None:
    text = VALID.replace(
        "  erp:\n    vendor: netsuite\n", "  erp:\n    <<: *crm\n    vendor: netsuite\n"
    )
    text = text.replace("  crm:\n", "  crm: &crm\n")
    config = load_config(write(text), ENV)
    assert config.system("erp").timeout == 12.5  # merged from crm
    assert config.system("erp").base_url == "https://127.0.0.1:8444"  # its own wins


def test_characters_yaml_refuses_are_a_config_error(write: Write) -> None:
    with pytest.raises(ConfigError, match="not readable as YAML"):
        load_config(write("version: 1\x00\n"), ENV)


def test_a_missing_file_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found; write one with `harness mock-up`"):
        load_config(tmp_path / "harness.yaml")


# -- secrets ---------------------------------------------------------------------------------


def test_credentials_resolve_from_the_given_environment(write: Write) -> None:
    config = load_config(write(VALID), ENV)
    settings = config.system("crm").connection_settings()
    assert settings.credentials == {"client_id": "client-1", "client_secret": SECRET}
    assert (settings.vendor, settings.read_only, settings.ca_path) == (
        "salesforce",
        True,
        str(config.system("crm").ca_path),
    )
    for shown in (repr(settings), str(settings), repr(config), str(config)):
        assert SECRET not in shown


def test_credentials_default_to_the_process_environment(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write(VALID))
    monkeypatch.setenv("HARNESS_NS_TOKEN_SECRET", "from-env")  # read when resolved, not loaded
    assert config.system("erp").connection_settings().credentials == {"token_secret": "from-env"}


def test_a_missing_variable_names_itself_and_the_key(write: Write) -> None:
    text = VALID
    path = write(text)
    config = load_config(path, {"HARNESS_SF_CLIENT_ID": "", "HARNESS_NS_TOKEN_SECRET": SECRET})
    with pytest.raises(ConfigError) as caught:
        config.system("crm").connection_settings()
    message = str(caught.value)
    assert "2 problems" in message
    line = _line_of(text, "client_secret")
    assert (
        f"{path}:{line}: [systems.crm.credentials.client_secret] environment variable "
        "HARNESS_SF_CLIENT_SECRET is not set"
    ) in message
    assert "HARNESS_SF_CLIENT_ID is not set (or empty)" in message
    assert SECRET not in message


@pytest.mark.parametrize(
    "literal",
    [SECRET, f"{{env: '{SECRET} x'}}", f"{{value: {SECRET}}}", f"[{SECRET}]", "12345"],
    ids=["string", "not-a-variable-name", "wrong-key", "list", "number"],
)
def test_literal_secrets_are_refused_without_echoing_them(write: Write, literal: str) -> None:
    text = VALID.replace("{env: HARNESS_SF_CLIENT_SECRET}", literal)
    err = _problems(write(text))
    assert {p.key for p in err.problems} <= {
        "systems.crm.credentials.client_secret",
        "systems.crm.credentials.client_secret.env",
        "systems.crm.credentials.client_secret.value",
    }
    assert SECRET not in str(err)
    assert "12345" not in str(err)


# -- env files -------------------------------------------------------------------------------

ENV_FILE = """\
# credentials for the local mocks
HARNESS_SF_CLIENT_ID=plain-id
export HARNESS_SF_CLIENT_SECRET = "two words \\"quoted\\"\\nnext"   # trailing comment
HARNESS_NS_TOKEN_SECRET='lit#eral $HOME \\n'
EMPTY=
WITH_EQUALS=a=b=c
HASH_INSIDE=abc#def
SPACED=  padded value   # comment

"""


def test_env_files_parse_comments_quotes_and_exports(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(ENV_FILE)
    assert load_env_file(path) == {
        "HARNESS_SF_CLIENT_ID": "plain-id",
        "HARNESS_SF_CLIENT_SECRET": 'two words "quoted"\nnext',
        "HARNESS_NS_TOKEN_SECRET": "lit#eral $HOME \\n",
        "EMPTY": "",
        "WITH_EQUALS": "a=b=c",
        "HASH_INSIDE": "abc#def",
        "SPACED": "padded value",
    }


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("OK=1\nnot a line\n", 2),
        (f'OK=1\n\nTOKEN="{SECRET}\n', 3),
        ("1BAD=x\n", 1),
        (f"TOKEN='{SECRET}' junk\n", 1),
    ],
    ids=["no-equals", "unterminated", "bad-name", "junk-after-quote"],
)
def test_env_file_errors_name_the_line_not_the_value(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / ".env"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_env_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert SECRET not in str(caught.value)


def test_apply_env_file_never_overrides_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ".env"
    path.write_text("HARNESS_A=from-file\nHARNESS_B=from-file\n")
    environ = {"HARNESS_A": "from-shell"}
    assert apply_env_file(path, environ) == ["HARNESS_B"]
    assert environ == {"HARNESS_A": "from-shell", "HARNESS_B": "from-file"}
    monkeypatch.setenv("HARNESS_B", "exported")
    assert apply_env_file(path) == ["HARNESS_A"]
    assert (os.environ["HARNESS_A"], os.environ["HARNESS_B"]) == ("from-file", "exported")
    monkeypatch.delenv("HARNESS_A")


def test_a_missing_env_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the env file"):
        load_env_file(tmp_path / "nope.env")


# -- writing a config ------------------------------------------------------------------------


def _systems(ca_path: str | Path | None) -> dict[str, dict[str, Any]]:
    return {
        "crm": {
            "vendor": "salesforce",
            "base_url": "https://127.0.0.1:9001",
            "ca_path": ca_path,
            "credentials": {"client_id": "MY_SF_ID", "client_secret": "MY_SF_SECRET"},
        },
        "erp": {
            "vendor": "netsuite",
            "base_url": "https://127.0.0.1:9002",
            "ca_path": ca_path,
            "credentials": {"token_secret": {"env": "MY_NS_SECRET"}},
            "options": {"account": "1234567_SB1"},
            "read_only": True,
        },
    }


def test_render_config_round_trips(write: Write, tmp_path: Path) -> None:
    text = render_config(
        systems=_systems(".harness/tls/ca.pem"),
        mapping="mappings/customers.yaml",
        thresholds=Thresholds(record_accuracy=0.95, max_quarantined=2),
    )
    assert "client_secret: {env: MY_SF_SECRET}" in text
    config = load_config(write(text), {"MY_SF_ID": "id", "MY_SF_SECRET": SECRET})
    crm, erp = config.system("crm"), config.system("erp")
    assert (crm.vendor, crm.base_url, crm.read_only) == (
        "salesforce",
        "https://127.0.0.1:9001",
        False,
    )
    assert (erp.vendor, erp.base_url, erp.read_only) == ("netsuite", "https://127.0.0.1:9002", True)
    assert crm.ca_path == erp.ca_path == tmp_path / ".harness" / "tls" / "ca.pem"
    assert crm.credentials == {"client_id": "MY_SF_ID", "client_secret": "MY_SF_SECRET"}
    assert erp.credentials == {"token_secret": "MY_NS_SECRET"}
    assert erp.options == {"account": "1234567_SB1"}
    mapping = tmp_path / "mappings" / "customers.yaml"
    assert config.flows == (FlowConfig("customers", mapping, "crm", "erp", DEFAULT_BATCH_SIZE),)
    assert config.thresholds == Thresholds(record_accuracy=0.95, max_quarantined=2)
    assert config.state_path == tmp_path / ".harness" / "state.db"
    assert crm.connection_settings().credentials["client_secret"] == SECRET


def test_render_config_writes_paths_relative_to_the_config_folder(
    write: Write, tmp_path: Path
) -> None:
    elsewhere = tmp_path.parent / "shared-reports"
    text = render_config(
        systems=_systems(None),
        mapping=tmp_path / "mappings" / "customers.yaml",
        state_path=tmp_path / "work" / "state.db",
        reports_dir=elsewhere,
        base_dir=tmp_path,
    )
    assert "ca_path" not in text
    assert "mapping: mappings/customers.yaml" in text
    assert "state: {path: work/state.db}" in text
    config = load_config(write(text), ENV)
    assert config.system("crm").ca_path is None
    assert config.state_path == tmp_path / "work" / "state.db"
    assert config.reports_dir == elsewhere.resolve()
