"""JSON logs with secrets masked: the formatter, the redaction filter, and the wiring."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config import load_config
from harness.monitoring.logs import (
    MASK,
    JsonFormatter,
    RedactionFilter,
    adopt_config,
    configure_logging,
    reset_logging,
    secret_values,
)
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    yield
    reset_logging()


def _capture(secrets: set[str]) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactionFilter(secrets))
    logger = logging.getLogger(f"test.redaction.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger, stream


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("message", "hidden"),
    [
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9"),
        ("POST /token?grant_type=x&access_token=00Dxx!AQ4AQFtoken&x=1", "00Dxx!AQ4AQFtoken"),
        ('OAuth realm="1", oauth_signature="c2lnbmF0dXJl%3D"', "c2lnbmF0dXJl"),
        ("body client_secret=harness-sf-secret&client_id=a", "harness-sf-secret"),
        ('{"access_token": "abc123def456", "instance_url": "x"}', "abc123def456"),
    ],
    ids=["bearer", "access-token", "oauth-signature", "client-secret", "json-token"],
)
def test_secret_looking_patterns_are_masked(message: str, hidden: str) -> None:
    logger, stream = _capture(set())
    logger.warning(message)
    (line,) = _lines(stream)
    assert hidden not in str(line["message"]) and MASK in str(line["message"])


def test_given_secrets_are_masked_in_message_args_extras_and_tracebacks() -> None:
    logger, stream = _capture({"s3cr3t-value-42"})
    extra = {"flow": "customers", "url": "https://x/?k=s3cr3t-value-42"}
    logger.info("calling with %s", "s3cr3t-value-42", extra=extra)
    try:
        raise RuntimeError("token s3cr3t-value-42 was refused")
    except RuntimeError:
        logger.exception("request failed")
    first, second = _lines(stream)
    assert first["message"] == f"calling with {MASK}" and first["flow"] == "customers"
    assert first["url"] == f"https://x/?k={MASK}" and first["level"] == "INFO"
    assert "s3cr3t-value-42" not in json.dumps(second) and "RuntimeError" in str(
        second["exception"]
    )


def _config_file(tmp_path: Path) -> Path:
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9",
         credentials: {{client_secret: {{env: HARNESS_SF_CLIENT_SECRET}}}}}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}},
         credentials: {{consumer: {{env: NS_CONSUMER}}}}}}
state: {{path: {tmp_path / "state" / "state.db"}}}
flows:
  - {{name: customers, mapping: {MAPPING}, source: crm, target: erp}}
alerts: {{webhook_url_env: SLACK_HOOK}}
""", encoding="utf-8")  # fmt: skip
    return path


def test_secret_values_come_from_credentials_webhook_and_secret_named_variables(
    tmp_path: Path,
) -> None:
    environ = {"HARNESS_SF_CLIENT_SECRET": "sf-secret-1", "NS_CONSUMER": "ns-consumer-2",
               "SLACK_HOOK": "https://hooks.example/T1/B2", "MY_API_KEY": "key-3333",
               "PATH": "/usr/bin", "SHORT_TOKEN": "ab"}  # fmt: skip
    config = load_config(_config_file(tmp_path), environ)
    assert secret_values(config, environ) == {
        "sf-secret-1", "ns-consumer-2", "https://hooks.example/T1/B2", "key-3333"
    }  # fmt: skip


def test_configure_logging_writes_json_lines_to_a_file_under_the_state_dir(
    tmp_path: Path,
) -> None:
    environ = {"HARNESS_LOG_FORMAT": "json", "HARNESS_SF_CLIENT_SECRET": "sf-secret-1"}
    config = load_config(_config_file(tmp_path), environ)
    path = configure_logging(config, environ)
    assert path == tmp_path / "state" / "logs" / "harness.log"
    logging.getLogger("sync.engine").warning("retrying with sf-secret-1", extra={"run": "r1"})
    reset_logging()
    (line,) = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert line["logger"] == "sync.engine" and line["run"] == "r1"
    assert line["message"] == f"retrying with {MASK}"


def test_cli_log_json_option_adopts_the_config_of_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config_file(tmp_path)
    monkeypatch.setenv("HARNESS_SF_CLIENT_SECRET", "sf-secret-1")
    result = runner.invoke(app, ["--log-json", "status", "--config", str(path)])
    assert result.exit_code == 0, result.output
    config = load_config(path, {"HARNESS_SF_CLIENT_SECRET": "sf-secret-1"})
    log_file = adopt_config(config, {"HARNESS_SF_CLIENT_SECRET": "sf-secret-1"})
    assert log_file == config.logs_dir / "harness.log"
    logging.getLogger("harness.test").error("leaking sf-secret-1?")
    reset_logging()
    text = log_file.read_text(encoding="utf-8")
    assert "sf-secret-1" not in text and json.loads(text.splitlines()[-1])["level"] == "ERROR"
