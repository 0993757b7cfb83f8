"""Loading specs: the shipped fixture, and every kind of broken spec named by file, line, key."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sync.errors import ConfigError
from sync.mapping import EndpointRef, MappingSpec, load_mapping, parse_mapping

ROOT = Path(__file__).resolve().parents[3]
MAPPINGS = ROOT / "fixtures" / "integrations" / "salesforce-netsuite"
INVALID = ROOT / "fixtures" / "mappings" / "invalid"
SCHEMA = ROOT / "fixtures" / "schemas" / "mapping.schema.json"

HEADER = """\
version: 1
name: t
source: {system: crm, object: Account, key: Id}
target: {system: erp, object: customer, external_id: externalId}
fields:
"""


def spec_text(fields: str) -> str:
    return HEADER + textwrap.dedent(fields)


def config_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_mapping(text, file="spec.yaml")
    return caught.value


@pytest.fixture(scope="module")
def spec() -> MappingSpec:
    return load_mapping(MAPPINGS / "customers.yaml")


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_fixture_endpoints(spec: MappingSpec) -> None:
    assert spec.name == "customers"
    assert spec.source == EndpointRef(
        "salesforce", "Account", key="Id", modified_field="SystemModstamp"
    )
    assert spec.target == EndpointRef("netsuite", "customer", external_id="externalId")


def test_fixture_source_fields(spec: MappingSpec) -> None:
    assert spec.source_fields == (
        "Id",
        "SystemModstamp",
        "Name",
        "Phone",
        "BillingCountry",
        "Billing_Email__c",
        "Website",
        "Description",
        "BillingStreet",
        "BillingCity",
        "BillingState",
        "BillingPostalCode",
    )


def test_fixture_target_paths(spec: MappingSpec) -> None:
    address = "addressBook.0.addressBookAddress"
    assert spec.target_paths == (
        "externalId",
        "companyName",
        "isPerson",
        "phone",
        "email",
        "url",
        "comments",
        "subsidiary",
        "addressBook.0.defaultBilling",
        "addressBook.0.defaultShipping",
        f"{address}.addr1",
        f"{address}.addr2",
        f"{address}.city",
        f"{address}.state",
        f"{address}.zip",
        f"{address}.country",
    )


def test_fixture_rules(spec: MappingSpec) -> None:
    company = spec.rule_for("companyName")
    assert company is not None
    assert (company.sources, company.required, company.max_length, company.on_overflow) == (
        ("Name",),
        True,
        83,
        "reject",
    )
    assert [t.name for t in company.transforms] == ["trim", "collapse_whitespace"]
    email = spec.rule_for("email")
    assert email is not None and email.on_invalid == "null"  # YAML's bare null
    assert dict(email.compare) == {"ignore_case": True}
    comments = spec.rule_for("comments")
    assert comments is not None and (comments.max_length, comments.on_overflow) == (999, "reject")
    phone = spec.rule_for("phone")
    assert phone is not None and phone.reads == ("Phone", "BillingCountry")
    assert dict(phone.transforms[0].params) == {
        "region_from": "BillingCountry",
        "default_region": "US",
    }
    person = spec.rule_for("isPerson")
    assert person is not None and (person.kind, person.constant) == ("constant", False)
    assert spec.rule_for("nope") is None


def test_external_id_rule_is_implicit(spec: MappingSpec) -> None:
    rule = spec.rule_for("externalId")
    assert rule is not None
    assert (rule.kind, rule.sources, rule.required) == ("key", ("Id",), True)
    assert all(r.target != "externalId" for r in spec.fields)


@pytest.mark.parametrize(
    ("fixture", "line", "key", "message"),
    [
        pytest.param(
            "typo_key.yaml",
            11,
            "fields[1].requird",
            "unknown key 'requird' (did you mean 'required'?)",
            id="typo-key",
        ),
        pytest.param(
            "unknown_transform.yaml",
            11,
            "fields[0].transforms[1]",
            "unknown transform 'trimm' (did you mean 'trim'?); known transforms: "
            "coalesce, collapse_whitespace",
            id="unknown-transform",
        ),
        pytest.param(
            "bad_yaml.yaml",
            8,
            None,
            "not valid YAML: while parsing a flow mapping started on line 7",
            id="bad-yaml",
        ),
        pytest.param(
            "duplicate_target.yaml",
            12,
            "fields[2].target",
            "target 'companyName' is already mapped by fields[0].target",
            id="duplicate",
        ),
    ],
)
def test_invalid_fixtures_name_file_line_and_key(
    fixture: str, line: int, key: str | None, message: str
) -> None:
    path = INVALID / fixture
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    error = caught.value
    assert (error.file, error.line, error.key) == (str(path), line, key)
    assert message in str(error)
    assert str(error).startswith(f"{path}:{line}: ")


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="cannot read the mapping spec"):
        load_mapping(MAPPINGS / "nope.yaml")


def test_empty_file() -> None:
    assert "the file is empty" in str(config_error("# nothing\n"))


def test_every_problem_is_reported_at_once() -> None:
    error = config_error(
        spec_text("""\
        - target: companyName
          source: Name
          transforms: [trimm, {lookup: {tabel: {}}}]
          max_lenght: 83
        - target: phone
          sorce: Phone
        """)
    )
    text = str(error)
    assert text.startswith("spec.yaml: 5 problems in the mapping spec:\n")
    for expected in (
        "spec.yaml:8: [fields[0].transforms[0]] unknown transform 'trimm'",
        "spec.yaml:8: [fields[0].transforms[1].lookup] missing required key 'table'",
        "spec.yaml:8: [fields[0].transforms[1].lookup.tabel] unknown key 'tabel' "
        "(did you mean 'table'?)",
        "spec.yaml:9: [fields[0].max_lenght] unknown key 'max_lenght' (did you mean 'max_length'?)",
        "spec.yaml:11: [fields[1].sorce] unknown key 'sorce' (did you mean 'source'?)",
    ):
        assert expected in text
    assert (error.line, error.key) == (8, "fields[0].transforms[0]")


@pytest.mark.parametrize(
    ("fields", "line", "key", "message"),
    [
        pytest.param(
            "- target: a\n  source: A\n  value: 1\n",
            6,
            "fields[0]",
            "exactly one of source, sources or value; got source and value",
            id="two-origins",
        ),
        pytest.param(
            "- target: a\n",
            6,
            "fields[0]",
            "exactly one of source, sources or value",
            id="no-origin",
        ),
        pytest.param(
            "- target: externalId\n  source: Id\n",
            6,
            "fields[0].target",
            "filled from the source key (Id) automatically",
            id="external-id-mapped",
        ),
        pytest.param(
            "- {target: a, source: A}\n- {target: a.b, source: B}\n",
            6,
            "fields[0].target",
            "a is mapped as a value, so a.b cannot be mapped inside it",
            id="value-and-child",
        ),
        pytest.param(
            "- {target: x.0.a, source: A}\n- {target: x.b, source: B}\n",
            7,
            "fields[1].target",
            "x cannot be both a list (x.0) and an object (x.b)",
            id="list-and-object",
        ),
        pytest.param(
            "- {target: x.items.1.a, source: A}\n",
            6,
            "fields[0].target",
            "x.items has item 1 but no item 0",
            id="list-gap",
        ),
        pytest.param(
            "- {target: a, source: A, transforms: [{split: {separator: ','}}]}\n",
            6,
            "fields[0].transforms[0].split",
            "missing required key 'index'",
            id="param-missing",
        ),
        pytest.param(
            "- {target: a, source: A, transforms: [{trim: {x: 1}}]}\n",
            6,
            "fields[0].transforms[0].trim.x",
            "(it takes no parameters)",
            id="param-on-bare",
        ),
        pytest.param(
            "- {target: a, source: A, transforms: [{round: {digits: two}}]}\n",
            6,
            "fields[0].transforms[0].round.digits",
            "must be a whole number, got text 'two'",
            id="param-type",
        ),
        pytest.param(
            "- {target: a, source: A, transforms: [{regex_replace: {pattern: '('}}]}\n",
            6,
            "fields[0].transforms[0].regex_replace.pattern",
            "'(' is not a valid regular expression",
            id="bad-regex",
        ),
        pytest.param(
            "- {target: a, source: A, transforms: [{lookup: {table: {NO: '6'}}}]}\n",
            6,
            "fields[0].transforms[0].lookup.table",
            "key False must be text: quote it",
            id="norway-problem",
        ),
        pytest.param(
            "- target: a\n  source: A\n  transforms:\n    - trim: null\n      upper: null\n",
            9,
            "fields[0].transforms[0]",
            "one transform per list item",
            id="missing-dash",
        ),
        pytest.param(
            "- {target: a, source: A, on_invalid: drop}\n",
            6,
            "fields[0].on_invalid",
            "'drop' is not one of quarantine, null, None",
            id="bad-enum",
        ),
        pytest.param(
            "- {target: a, source: A, max_length: {limit: 5, on_overflow: cut}}\n",
            6,
            "fields[0].max_length.on_overflow",
            "not one of reject, truncate",
            id="bad-overflow",
        ),
        pytest.param(
            "- {target: a, source: A, required: yes please}\n",
            6,
            "fields[0].required",
            "must be true or false, got text 'yes please'",
            id="bad-bool",
        ),
        pytest.param(
            "- {target: 0.a, source: A}\n",
            6,
            "fields[0].target",
            "is not a field name, or a dotted path",
            id="bad-path",
        ),
        pytest.param(
            "- {target: a, value: 2024-01-15}\n",
            6,
            "fields[0].value",
            "YAML read datetime.date(2024, 1, 15) as a date; quote it",
            id="unquoted-date",
        ),
        pytest.param(
            "- {target: a, value: null, required: true}\n",
            6,
            "fields[0].value",
            "a required field cannot be the constant null",
            id="required-null-constant",
        ),
        pytest.param(
            "- {target: a, source: A}\n- {target: b, source: B, target: c}\n",
            7,
            "fields[1].target",
            "appears twice (lines 7 and 7)",
            id="duplicate-yaml-key",
        ),
    ],
)
def test_semantic_and_schema_problems(fields: str, line: int, key: str, message: str) -> None:
    error = config_error(HEADER + fields)
    assert message in str(error)
    assert (error.line, error.key) == (line, key)


def test_top_level_problems() -> None:
    text = (
        "version: 2\nname: has space\nsource: {system: CRM, object: Account}\n"
        "target: {system: erp, object: customer, external_id: externalId}\nfields: []\nextra: 1\n"
    )
    message = str(config_error(text))
    for expected in (
        "spec.yaml:1: [version] must be 1, got 2",
        "spec.yaml:2: [name] 'has space' is not a short flow name",
        "spec.yaml:3: [source] missing required key 'key'",
        "spec.yaml:3: [source.system] 'CRM' is not a lower-case system name",
        "spec.yaml:5: [fields] [] should be non-empty",
        "spec.yaml:6: [extra] unknown key 'extra'",
    ):
        assert expected in message


def test_root_must_be_a_mapping() -> None:
    error = config_error("- just\n- a list\n")
    assert "must be a mapping, got a list" in str(error)
    assert error.line == 1


def test_parse_mapping_accepts_parsed_data() -> None:
    data: dict[str, Any] = {
        "version": 1,
        "name": "t",
        "source": {"system": "crm", "object": "Account", "key": "Id"},
        "target": {"system": "erp", "object": "customer", "external_id": "externalId"},
        "fields": [{"target": "companyName", "source": "Name", "required": True}],
    }
    spec = parse_mapping(data)
    assert spec.target_paths == ("externalId", "companyName")
    data["fields"][0]["sourc"] = "x"
    with pytest.raises(ConfigError, match=r"\[fields\[0\]\.sourc\] unknown key 'sourc'") as caught:
        parse_mapping(data, file="inline")
    assert caught.value.line is None and caught.value.file == "inline"


def test_sources_and_field_params_feed_source_fields() -> None:
    spec = parse_mapping(
        spec_text("""\
        - target: comments
          sources: [Description, Industry]
          transforms: [{concat: {separator: " | "}}]
        - target: phone
          source: Phone
          transforms: [{phone_e164: {region_from: ShippingCountry}}]
        - target: note
          source: Description
        """)
    )
    assert spec.source_fields == ("Id", "Description", "Industry", "Phone", "ShippingCountry")
    comments = spec.rule_for("comments")
    assert comments is not None and comments.kind == "sources"


def test_yaml_merge_keys_reuse_a_rule() -> None:
    spec = parse_mapping(
        spec_text("""\
        - &city {target: city, source: BillingCity, transforms: [trim], max_length: 50}
        - <<: *city
          target: state
          source: BillingState
        """)
    )
    state = spec.rule_for("state")
    assert state is not None
    assert (state.sources, state.max_length, state.transforms[0].name) == (
        ("BillingState",),
        50,
        "trim",
    )
