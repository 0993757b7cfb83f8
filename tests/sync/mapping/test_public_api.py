"""The public surface of sync.mapping is pinned: changing it is a deliberate act."""

from __future__ import annotations

import inspect

import sync.mapping
from sync.errors import RecordError


def test_all_is_pinned() -> None:
    assert sorted(sync.mapping.__all__) == sorted(
        [
            "MappingSpec",
            "FieldRule",
            "EndpointRef",
            "MatchSpec",
            "FuzzyMatch",
            "load_mapping",
            "parse_mapping",
            "apply_mapping",
            "MappedRecord",
            "FieldIssue",
            "validate_against_schema",
            "get_path",
            "set_path",
            "TRANSFORMS",
            "register_transform",
            "TransformError",
            "changed_paths",
            "same",
            "with_clears",
        ]
    )


def test_every_export_exists_and_public_callables_are_documented() -> None:
    for name in sync.mapping.__all__:
        obj = getattr(sync.mapping, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_transform_error_is_a_record_error() -> None:
    assert issubclass(sync.mapping.TransformError, RecordError)


def test_builtin_transforms_are_registered() -> None:
    assert {
        "trim",
        "collapse_whitespace",
        "upper",
        "lower",
        "title_case",
        "default",
        "null_if_empty",
        "concat",
        "split",
        "split_lines",
        "phone_e164",
        "country_iso2",
        "country_name",
        "lookup",
        "url",
        "email",
        "to_int",
        "to_float",
        "round",
        "to_bool",
        "to_string",
        "date_iso",
        "datetime_iso",
        "regex_replace",
        "coalesce",
    } == set(sync.mapping.TRANSFORMS)
