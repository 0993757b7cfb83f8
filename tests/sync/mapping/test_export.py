"""A mapping as a sign-off table, and flows as a matrix and a Mermaid diagram."""

from __future__ import annotations

import csv
import io

from sync.connectors.base import FieldSchema, ObjectSchema
from sync.mapping import load_mapping
from sync.mapping.export import (
    FlowInfo,
    flows_matrix_markdown,
    flows_mermaid,
    mapping_rows,
    rows_to_csv,
    rows_to_markdown,
)

SPEC = load_mapping("fixtures/integrations/salesforce-netsuite/customers.yaml")


def test_offline_rows_come_from_the_mapping_alone() -> None:
    rows = mapping_rows(SPEC)
    assert rows[0].target_field == "externalId" and rows[0].source_field == "Id"
    name = next(r for r in rows if r.target_field == "companyName")
    assert (name.target_length, name.validation) == (83, "required; max 83 (reject)")
    assert name.transforms == "trim -> collapse_whitespace" and name.owner == "salesforce"
    constant = next(r for r in rows if r.target_field == "isPerson")
    assert (constant.source_field, constant.null_handling) == ("= False", "constant")
    phone = next(r for r in rows if r.target_field == "phone")
    assert phone.null_handling == "blank: null; invalid: null"
    assert not any(r.flags for r in rows), "no describe, nothing to compare"


def test_describes_flag_shorter_targets_and_type_changes() -> None:
    source = ObjectSchema(
        "Account",
        {
            "Name": FieldSchema("Name", "string", 255),
            "NumberOfEmployees": FieldSchema("NumberOfEmployees", "int"),
            "BillingCity": FieldSchema("BillingCity", "string", 40),
            "Phone": FieldSchema("Phone", "phone", 40),
        },
    )
    target = ObjectSchema(
        "customer",
        {
            "companyName": FieldSchema("companyName", "string", 83),
            "phone": FieldSchema("phone", "boolean"),
            "addressBook": FieldSchema("addressBook", "array"),
            "addressBook.addressBookAddress.city": FieldSchema(
                "addressBook.addressBookAddress.city", "string", 50
            ),
        },
    )
    rows = {r.target_field: r for r in mapping_rows(SPEC, source, target)}
    assert rows["companyName"].flags == "target shorter (83 < 255)"
    assert rows["phone"].flags == "target shorter (32 < 40); types differ (phone -> boolean)"
    city = rows["addressBook.0.addressBookAddress.city"]
    assert (city.target_type, city.target_length, city.flags) == ("string", 50, "")


def test_csv_and_markdown_hold_every_row() -> None:
    rows = mapping_rows(SPEC)
    parsed = list(csv.DictReader(io.StringIO(rows_to_csv(rows))))
    assert len(parsed) == len(rows) and parsed[1]["target_field"] == "companyName"
    markdown = rows_to_markdown(SPEC, rows)
    assert markdown.startswith("# Mapping `customers`: salesforce Account -> netsuite customer")
    assert markdown.count("\n| ") == len(rows) + 1


def test_flows_matrix_and_mermaid() -> None:
    flows = [
        FlowInfo("customers", "crm", "Account", "erp", "customer", 17),
        FlowInfo("invoices", "erp", "invoice", "crm", "Invoice__c", 9),
    ]
    matrix = flows_matrix_markdown(flows)
    assert "| customers | Account -> customer | source: Account | target: customer | 17 |" in matrix
    assert (
        "| invoices | invoice -> Invoice__c | target: Invoice__c | source: invoice | 9 |" in matrix
    )
    diagram = flows_mermaid(flows)
    assert diagram.startswith("flowchart LR\n  subgraph crm[crm]")
    assert '  crm_Account -- "customers (17 fields)" --> erp_customer' in diagram
