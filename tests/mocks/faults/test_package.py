"""The public API of `mocks.faults` is pinned, and its schema is a valid JSON Schema."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

import mocks.faults
from mocks.faults.plan import EFFECT_TYPES
from mocks.faults.validate import SCHEMA_PATH


def test_public_api_is_pinned() -> None:
    assert sorted(mocks.faults.__all__) == [
        "FaultPlan", "FaultRuntime", "PlanError", "Rule", "TrapError", "TrapRequest",
        "apply_plan", "install_faults", "load_plan", "parse_plan", "set_trap",
    ]  # fmt: skip
    for name in mocks.faults.__all__:
        assert getattr(mocks.faults, name) is not None


def test_published_schema_is_valid_and_lists_every_effect() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    listed = set(schema["$defs"]["effect"]["properties"]["type"]["enum"])
    assert listed == set(EFFECT_TYPES)
