"""The mapping's `match:` section (business keys and fuzzy fields for the reconciler) and the
reconciler's `compare` hints, as the loader checks them."""

from __future__ import annotations

import textwrap

import pytest

from reconcile.normalize import NORMALIZERS
from sync.errors import ConfigError
from sync.mapping import FuzzyMatch, MatchSpec, load_mapping, parse_mapping
from sync.mapping.checks import spec_validator
from sync.mapping.spec import KEY_NORMALIZERS
from tests.sync.mapping.test_loader import MAPPINGS

SPEC = """\
version: 1
name: t
source: {system: crm, object: Account, key: Id}
target: {system: erp, object: customer, external_id: externalId}
fields:
  - {target: companyName, source: Name, compare: {ignore_case: true}}
  - {target: email, source: Email}
  - {target: zip, source: Zip}
"""


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_mapping(text, file="spec.yaml")
    return str(caught.value)


def test_the_fixture_declares_business_keys_and_fuzzy_fields() -> None:
    match = load_mapping(MAPPINGS / "customers.yaml").match
    assert [dict(key) for key in match.keys][:2] == [{"email": "email"}, {"url": "domain"}]
    assert match.fuzzy is not None and match.fuzzy.name == "companyName"
    assert match.fuzzy.threshold == 90


def test_without_a_match_section_only_ids_pair() -> None:
    assert parse_mapping(SPEC).match == MatchSpec()


def test_a_match_section_is_parsed() -> None:
    text = SPEC + textwrap.dedent("""\
        match:
          keys: [{email: email}, {companyName: name, zip: text}]
          fuzzy: {name: companyName, block: [zip]}
        """)
    match = parse_mapping(text).match
    assert [dict(k) for k in match.keys] == [
        {"email": "email"},
        {"companyName": "name", "zip": "text"},
    ]
    assert match.fuzzy == FuzzyMatch("companyName", ("zip",), 90.0)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        pytest.param(
            "keys: [{emial: email}]",
            "spec.yaml:10: [match.keys[0].emial] 'emial' is not a "
            "mapped target path (did you mean 'email'?)",
            id="unknown-key-path",
        ),
        pytest.param("keys: [{email: emails}]", "[match.keys[0].email]", id="unknown-normalizer"),
        pytest.param(
            "fuzzy: {name: companyNme, block: [zip]}",
            "'companyNme' is not a mapped target path (did you mean 'companyName'?)",
            id="unknown-fuzzy-name",
        ),
        pytest.param(
            "fuzzy: {name: companyName, block: [zip], threshold: 101}",
            "[match.fuzzy.threshold]",
            id="threshold-over-100",
        ),
        pytest.param("fuzy: {name: companyName}", "did you mean 'fuzzy'", id="unknown-section-key"),
    ],
)
def test_match_problems_name_the_key(section: str, message: str) -> None:
    assert message in _error(SPEC + "match:\n  " + section + "\n")


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        pytest.param(
            "{phone: {default_region: USA}}",
            "[fields[0].compare.phone.default_region]",
            id="region-not-iso2",
        ),
        pytest.param("{datetme: true}", "did you mean 'datetime'", id="unknown-hint"),
        pytest.param("{countri: true}", "did you mean 'country'", id="misspelt-country"),
        pytest.param(
            "{phone: true, date: true}",
            "compare as one of phone, country, datetime, date",
            id="two-kinds",
        ),
    ],
)
def test_compare_hints_are_checked(hints: str, message: str) -> None:
    text = SPEC.replace("compare: {ignore_case: true}", f"compare: {hints}")
    assert message in _error(text)


def test_the_schema_the_spec_and_the_reconciler_know_the_same_normalizers() -> None:
    keys = spec_validator().schema["properties"]["match"]["properties"]["keys"]["items"]
    assert keys["additionalProperties"]["enum"] == list(KEY_NORMALIZERS) == list(NORMALIZERS)
