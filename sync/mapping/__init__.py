"""Declarative field mapping: YAML specs, a transform library, and the code that applies them.

    spec = load_mapping("fixtures/integrations/salesforce-netsuite/customers.yaml")
    mapped = apply_mapping(spec, account_fields)
    if mapped.ok:
        issues = validate_against_schema(mapped.payload, customer_schema, spec=spec)

Everything here is pure (no I/O but the loader reading its file) and imports nothing from
`mocks`. Spec problems raise `sync.errors.ConfigError`; bad data never raises: it comes back
as `MappedRecord.issues` (quarantine the record) or `MappedRecord.flags` (log them).
"""

from __future__ import annotations

from sync.mapping.apply import apply_mapping
from sync.mapping.diff import changed_paths, same, with_clears
from sync.mapping.loader import load_mapping, parse_mapping
from sync.mapping.paths import get_path, set_path
from sync.mapping.result import FieldIssue, MappedRecord
from sync.mapping.spec import EndpointRef, FieldRule, FuzzyMatch, MappingSpec, MatchSpec
from sync.mapping.transforms import TRANSFORMS, TransformError, register_transform
from sync.mapping.validate import validate_against_schema

__all__ = [
    "TRANSFORMS",
    "EndpointRef",
    "FieldIssue",
    "FieldRule",
    "FuzzyMatch",
    "MappedRecord",
    "MappingSpec",
    "MatchSpec",
    "TransformError",
    "apply_mapping",
    "changed_paths",
    "get_path",
    "load_mapping",
    "parse_mapping",
    "register_transform",
    "same",
    "set_path",
    "validate_against_schema",
    "with_clears",
]
