"""Mappings compiled from two profiles: the shipped pair reproduced byte for byte, and the
composition rules (keys, references, update-only flows, match keys, unsupported flows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from sync.canonical import (
    compile_flow,
    compile_mappings,
    compile_pair,
    load_model,
    load_profile,
)
from sync.canonical.profile import parse_profile
from sync.connectors import connector_pack
from sync.errors import ConfigError
from sync.mapping import load_mapping, parse_mapping

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "fixtures" / "integrations" / "salesforce-netsuite"
runner = CliRunner()


def test_compiling_the_pair_reproduces_the_shipped_mappings() -> None:
    compiled = compile_mappings("salesforce", "netsuite")
    assert compiled.skipped == {}
    shipped = {p.stem: p.read_text(encoding="utf-8") for p in SHIPPED.glob("*.yaml")}
    assert set(shipped) == {f.flow.name for f in compiled.flows}
    for name, text in compiled.texts.items():
        assert text == shipped[name], f"{name}.yaml differs from what the profiles compile to"


def test_every_shipped_mapping_loads_and_names_its_canonical_fields() -> None:
    for path in sorted(SHIPPED.glob("*.yaml")):
        spec = load_mapping(path)
        assert spec.entity in load_model().entities
        carried = [r.canonical for r in spec.fields if r.kind != "constant"]
        assert carried and all(carried), path.name


def test_the_cli_writes_the_same_files(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["mapping", "compile", "--crm", "salesforce", "--erp", "netsuite", "--out",
              str(tmp_path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in SHIPPED.glob("*.yaml"):
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text("utf-8")
    assert "after: customers, products" in result.output  # orders' prerequisites


def test_one_flow_can_be_compiled_alone(tmp_path: Path) -> None:
    args = ["--crm", "salesforce", "--erp", "netsuite", "--flow", "orders", "--out", str(tmp_path)]
    result = runner.invoke(app, ["mapping", "compile", *args])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["orders.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--crm", "netsuite", "--erp", "salesforce"], "not the CRM"),
        (["--crm", "salesforce", "--erp", "oracle"], "unknown vendor 'oracle'"),
        (["--crm", "salesforce", "--erp", "netsuite", "--flow", "shipments"], "known flows"),
    ],
    ids=["roles-swapped", "unknown-pack", "unknown-flow"],
)
def test_bad_requests_exit_2_with_the_choices(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["mapping", "compile", *args])
    assert result.exit_code == 2
    assert message in result.output


def _flow(name: str) -> dict[str, Any]:
    crm, erp = connector_pack("salesforce").profile, connector_pack("netsuite").profile
    return compile_flow(load_model().flow(name), crm, erp)


def test_a_flow_from_the_owner_keys_on_the_record_id_and_creates() -> None:
    mapping = _flow("customers")
    assert mapping["source"]["key"] == "Id"
    assert mapping["target"] == {"system": "netsuite", "object": "customer",
                                 "external_id": "externalId"}  # fmt: skip


def test_a_flow_back_to_the_owner_pairs_by_the_owners_id_and_only_updates() -> None:
    mapping = _flow("customer_finance")
    assert mapping["source"]["key"] == "externalId"  # the ERP keeps the CRM's id there
    assert mapping["target"]["external_id"] == "Id"
    assert mapping["target"]["update_only"] is True


def test_references_go_through_the_flow_that_creates_the_records() -> None:
    orders = _flow("orders")
    customer = next(r for r in orders["fields"] if r["canonical"] == "customer")
    assert customer["reference"] == {"flow": "customers"}  # same direction: by source id
    lines = next(r for r in orders["fields"] if r["canonical"] == "lines")
    product = next(r for r in lines["each"] if r["canonical"] == "product")
    assert product["reference"] == {"flow": "products", "via": "target"}  # the other way
    assert lines["key"] == "line"


def test_source_read_and_target_write_transforms_compose_in_order() -> None:
    subsidiary = next(r for r in _flow("customers")["fields"] if r["target"] == "subsidiary")
    assert subsidiary["transforms"][0] == "country_iso2"  # Salesforce text -> ISO-2
    assert "lookup" in subsidiary["transforms"][1]  # ISO-2 -> NetSuite's subsidiary id
    assert "compare" not in subsidiary  # a looked-up id is not a country to compare as one


def test_dependencies_follow_references_and_identity() -> None:
    model = load_model()
    assert model.depends_on(model.flow("orders")) == ("customers", "products")
    assert model.depends_on(model.flow("payments")) == ("invoices",)
    assert model.depends_on(model.flow("customers")) == ()


def _toy_profile(fields: list[dict[str, Any]]) -> Any:
    return parse_profile({
        "vendor": "toycrm", "role": "crm", "label": "Toy",
        "entities": {"customer": {"object": "Client", "key": "id", "external_id": "ext",
                                  "modified": "updated", "fields": fields}},
    })  # fmt: skip


def test_a_pair_missing_a_field_the_target_requires_skips_the_flow_and_says_why() -> None:
    toy = _toy_profile([{"name": "name", "field": "title"}])  # no country: no subsidiary
    flows, skipped = compile_pair(toy, connector_pack("netsuite").profile)
    assert not flows
    assert "customers" in skipped and "country" in skipped["customers"]
    assert "no 'contact' entity" in skipped["contacts"]


def test_match_keys_keep_only_what_the_pair_maps() -> None:
    toy = _toy_profile([
        {"name": "name", "field": "title"},
        {"name": "country", "field": "nation", "read": ["country_iso2"]},
        {"name": "email", "field": "mail", "read": ["email"]},
    ])  # fmt: skip
    (flow,), _ = compile_pair(toy, connector_pack("netsuite").profile, ["customers"])
    spec = parse_mapping(flow.mapping)
    assert [dict(k) for k in spec.match.keys] == [{"email": "email"}]  # no website, no zip
    assert spec.match.fuzzy is None  # no postal code or city to block on: no fuzzy step


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "colour", "field": "x"}, "no canonical field 'colour'"),
        ({"field": "x"}, "canonical `name` or a constant `value`"),
        ({"name": "name", "field": "x", "only": "sometimes"}, "choose read or write"),
        ({"name": "name", "field": "x", "lenght": 3}, "unknown key"),
    ],
    ids=["unknown-field", "no-name", "bad-only", "typo"],
)
def test_a_bad_profile_entry_names_its_key(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        _toy_profile([entry])
    assert "entities.customer.fields[0]" in str(caught.value)


def test_every_registered_profile_loads_against_the_model() -> None:
    from sync.connectors import known_vendors

    for vendor in known_vendors():
        profile = connector_pack(vendor).profile
        assert profile.vendor == vendor and profile.entities


def test_a_profile_file_with_bad_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("vendor: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read the profile"):
        load_profile(path)


def test_compiled_yaml_is_plain_yaml() -> None:
    text = compile_mappings("salesforce", "netsuite", ["customers"]).texts["customers"]
    data = yaml.safe_load(text)
    assert data["entity"] == "customer" and data["fields"][0]["canonical"] == "name"


def _register_profile(tmp_path: Path, name: str, text: str) -> None:
    from sync.connectors import ConnectorPack, register_pack

    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    register_pack(ConnectorPack(name=name, role="crm", label=name, connector="x:y",
                                profile_path=path))  # fmt: skip


BAD_CRM = """
vendor: {vendor}
role: crm
entities:
  customer:
    object: Client
    key: id
    external_id: ref
    fields:
      - {{name: name, field: title, read: [titlecase_everything]}}
      - {{name: country, field: nation, read: [country_iso2]}}
"""


def test_a_profile_naming_an_unknown_transform_fails_at_compile_naming_the_flow(
    tmp_path: Path,
) -> None:
    from sync.connectors import unregister_pack

    _register_profile(tmp_path, "badcrm", BAD_CRM.format(vendor="badcrm"))
    try:
        with pytest.raises(ConfigError, match="unknown transform 'titlecase_everything'") as err:
            compile_mappings("badcrm", "netsuite")
        assert "customers.yaml compiled from badcrm x netsuite" in str(err.value)
    finally:
        unregister_pack("badcrm")


def test_a_profile_must_name_its_own_pack(tmp_path: Path) -> None:
    from sync.connectors import unregister_pack

    _register_profile(tmp_path, "oddcrm", BAD_CRM.format(vendor="someoneelse"))
    try:
        with pytest.raises(ConfigError, match="the profile says someoneelse"):
            compile_mappings("oddcrm", "netsuite")
    finally:
        unregister_pack("oddcrm")
