"""The JSON report matches its published JSON Schema (fixtures/schemas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import jsonschema
import orjson
import pytest

from reconcile.model import REPORT_SCHEMA_VERSION, FindingKind, ReconcileReport
from reconcile.render import render_json

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "fixtures" / "schemas" / "reconcile-report.schema.json"
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = orjson.loads(SCHEMA_PATH.read_bytes())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _document(report: ReconcileReport) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(render_json(report))
    return data


def _errors(validator: jsonschema.Draft202012Validator, doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_a_go_report_is_valid(
    validator: jsonschema.Draft202012Validator, go_report: ReconcileReport
) -> None:
    doc = _document(go_report)
    assert doc["schema_version"] == REPORT_SCHEMA_VERSION
    assert doc["verdict"]["verdict"] == "GO"
    assert _errors(validator, doc) == []


def test_a_no_go_report_with_every_finding_kind_is_valid(
    validator: jsonschema.Draft202012Validator, no_go_report: ReconcileReport
) -> None:
    doc = _document(no_go_report)
    kinds = {f["kind"] for flow in doc["flows"] for f in flow["findings"]}
    assert kinds == set(get_args(FindingKind))
    assert any(flow["policy_flags"] for flow in doc["flows"])
    assert any(f["diffs"] for flow in doc["flows"] for f in flow["findings"])
    assert _errors(validator, doc) == []


def test_the_cli_json_shape_is_the_file_shape(
    validator: jsonschema.Draft202012Validator, no_go_report: ReconcileReport
) -> None:
    # `harness reconcile --json` prints to_json() without sorting or indenting
    doc = orjson.loads(orjson.dumps(no_go_report.to_json()))
    assert _errors(validator, doc) == []


def _drop_verdict_reasons(doc: dict[str, Any]) -> None:
    doc["verdict"]["reasons"] = []


def _misspell_kind(doc: dict[str, Any]) -> None:
    doc["flows"][1]["findings"][0]["kind"] = "differnt"


def _negative_count(doc: dict[str, Any]) -> None:
    doc["flows"][0]["missing_in_target"] = -1


def _accuracy_above_one(doc: dict[str, Any]) -> None:
    doc["flows"][0]["fields"][0]["accuracy"] = 1.5


def _unknown_key(doc: dict[str, Any]) -> None:
    doc["flows"][0]["surprise"] = True


def _no_schema_version(doc: dict[str, Any]) -> None:
    del doc["schema_version"]


def _go_with_nogo_label(doc: dict[str, Any]) -> None:
    doc["verdict"]["go"] = True


@pytest.mark.parametrize(
    ("break_it", "where"),
    [
        pytest.param(_drop_verdict_reasons, "verdict", id="no-go-without-reasons"),
        pytest.param(_misspell_kind, "kind", id="unknown-finding-kind"),
        pytest.param(_negative_count, "missing_in_target", id="negative-count"),
        pytest.param(_accuracy_above_one, "accuracy", id="accuracy-above-one"),
        pytest.param(_unknown_key, "surprise", id="unknown-key"),
        pytest.param(_no_schema_version, "schema_version", id="no-schema-version"),
        pytest.param(_go_with_nogo_label, "verdict", id="go-labelled-no-go"),
    ],
)
def test_an_invalid_document_is_rejected(
    validator: jsonschema.Draft202012Validator,
    no_go_report: ReconcileReport,
    break_it: Any,
    where: str,
) -> None:
    doc = _document(no_go_report)
    break_it(doc)
    errors = _errors(validator, doc)
    assert errors
    assert any(where in e for e in errors), errors
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, orjson.loads(SCHEMA_PATH.read_bytes()))
