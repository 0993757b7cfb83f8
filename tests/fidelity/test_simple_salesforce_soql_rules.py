"""simple-salesforce 1.12.10, unchanged, over real HTTPS: the SOQL Salesforce refuses beside
aggregates, and record owners written through the SDK and read back through REST and Bulk
API 2.0.

Rules: SOQL and SOSL Reference, "COUNT() and COUNT(fieldName)" and "LIMIT"
(developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/
sforce_api_calls_soql_select_count.htm and sforce_api_calls_soql_select_limit.htm); Object
Reference, Account: OwnerId "Create, Defaulted on create, Filter, Group, Sort, Update"
(developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
sforce_api_objects_account.htm).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from mocks.salesforce.ids import make_id
from tests.fidelity.salesforce_sdk import CONFIG, seeded_salesforce

pytestmark = pytest.mark.fidelity

WAIT = 0  # seconds the SDK sleeps between polls (its default is 5)
MARCO = make_id("005", 3)  # an active user of the mock org's directory


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Salesforce]:
    world = {"seed": 5, "accounts": 8}
    with seeded_salesforce(tmp_path_factory.mktemp("sf-soql-rules-tls"), world) as client:
        yield client


@pytest.mark.parametrize(
    "soql",
    [
        pytest.param("SELECT COUNT() FROM Account GROUP BY Industry", id="count-group-by"),
        pytest.param("SELECT COUNT() FROM Account ORDER BY Name", id="count-order-by"),
        pytest.param("SELECT MAX(CreatedDate) FROM Account LIMIT 1", id="aggregate-limit"),
    ],
)
def test_refused_aggregate_clauses_raise_malformed_request(sf: Salesforce, soql: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(soql)
    assert raised.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_allowed_aggregate_forms_still_answer(sf: Salesforce) -> None:
    assert sf.query("SELECT COUNT() FROM Account WHERE Name != null LIMIT 3")["totalSize"] == 3
    grouped = sf.query("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry LIMIT 2")
    assert 1 <= len(grouped["records"]) <= 2


def test_owner_written_by_the_sdk_reads_back_through_rest_and_bulk(sf: Salesforce) -> None:
    made = sf.Account.create({"Name": "Owner Fidelity", "OwnerId": MARCO})
    other = sf.Account.create({"Name": "Owner Fidelity Default"})
    assert sf.Account.get(made["id"])["OwnerId"] == MARCO
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Account.update(other["id"], {"OwnerId": make_id("005", 99)})
    assert raised.value.content[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    soql = ("SELECT Id, Owner.Name, CreatedBy.Name FROM Account "
            "WHERE Name LIKE 'Owner Fidelity%' ORDER BY Name")  # fmt: skip
    rest = sf.query(soql)["records"]
    expected = [(made["id"], "Marco Lindqvist"), (other["id"], "Integration User")]
    assert [(r["Id"], r["Owner"]["Name"]) for r in rest] == expected
    pages = list(sf.bulk2.Account.query(soql, wait=WAIT))
    rows = [r for page in pages for r in csv.DictReader(io.StringIO(page))]
    assert [(r["Id"], r["Owner.Name"]) for r in rows] == expected
    assert {r["CreatedBy.Name"] for r in rows} == {"Integration User"}
    assert sf.Account.update(other["id"], {"OwnerId": CONFIG.user_id}) == 204
