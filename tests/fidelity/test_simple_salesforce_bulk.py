"""simple-salesforce 1.12.10, unchanged, through Bulk API 2.0 (`sf.bulk2`) and Bulk API 1.0
(`sf.bulk`) against the mock Salesforce over real HTTPS."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from simple_salesforce import Salesforce

from tests.fidelity.salesforce_sdk import seeded_salesforce

pytestmark = pytest.mark.fidelity

SEEDED = 120
WAIT = 0  # seconds the SDK sleeps between polls (its default is 5)


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Salesforce]:
    with seeded_salesforce(
        tmp_path_factory.mktemp("sf-bulk-tls"), {"seed": 5, "accounts": SEEDED}
    ) as client:
        yield client


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_bulk2_insert_reports_partial_failure(sf: Salesforce) -> None:
    records = [
        {"Name": "Bulk One", "Phone": "1"},
        {"Name": "", "Phone": "2"},
        {"Name": "Bulk Three", "Phone": "3"},
    ]
    [result] = sf.bulk2.Account.insert(records=records, wait=WAIT)
    assert result["numberRecordsProcessed"] == 3 and result["numberRecordsFailed"] == 1
    assert result["numberRecordsTotal"] == 3
    job_id = result["job_id"]
    ok = _rows(sf.bulk2.Account.get_successful_records(job_id))
    assert sorted(r["Name"] for r in ok) == ["Bulk One", "Bulk Three"]
    assert all(r["sf__Created"] == "true" and r["sf__Id"].startswith("001") for r in ok)
    [failed] = _rows(sf.bulk2.Account.get_failed_records(job_id))
    assert failed["sf__Error"].startswith("REQUIRED_FIELD_MISSING") and failed["Phone"] == "2"
    assert _rows(sf.bulk2.Account.get_unprocessed_records(job_id)) == []
    everything = sf.bulk2.Account.get_all_ingest_records(job_id)
    assert len(everything["successfulRecords"]) == 2 and len(everything["failedRecords"]) == 1


def test_bulk2_upsert_update_delete_and_hard_delete(sf: Salesforce) -> None:
    records = [{"External_Id__c": f"B2-{n}", "Name": f"Upserted {n}"} for n in range(5)]
    [first] = sf.bulk2.Account.upsert(
        records=records, external_id_field="External_Id__c", wait=WAIT
    )
    assert first["numberRecordsFailed"] == 0
    records[0]["Name"] = "Upserted again"
    [second] = sf.bulk2.Account.upsert(
        records=records[:2], external_id_field="External_Id__c", wait=WAIT
    )
    created = {
        r["External_Id__c"]: r["sf__Created"]
        for r in _rows(sf.bulk2.Account.get_successful_records(second["job_id"]))
    }
    assert created == {"B2-0": "false", "B2-1": "false"}
    ids = [
        r["Id"]
        for r in sf.query("SELECT Id FROM Account WHERE External_Id__c LIKE 'B2-%'")["records"]
    ]
    [updated] = sf.bulk2.Account.update(records=[{"Id": ids[0], "Phone": "555"}], wait=WAIT)
    assert updated["numberRecordsFailed"] == 0
    assert sf.Account.get(ids[0])["Phone"] == "555"
    [deleted] = sf.bulk2.Account.delete(records=[{"Id": i} for i in ids[:2]], wait=WAIT)
    [hard] = sf.bulk2.Account.hard_delete(records=[{"Id": i} for i in ids[2:]], wait=WAIT)
    assert deleted["numberRecordsProcessed"] == 2 and hard["numberRecordsProcessed"] == 3
    left = sf.query_all(
        "SELECT Id FROM Account WHERE External_Id__c LIKE 'B2-%'", include_deleted=True
    )["records"]
    assert len(left) == 2  # soft-deleted stay in the recycle bin; hard-deleted are gone


def test_bulk2_query_pages_through_locators(sf: Salesforce) -> None:
    pages = list(sf.bulk2.Account.query("SELECT Id, Name FROM Account", max_records=50, wait=WAIT))
    assert len(pages) >= 3
    ids = [r["Id"] for page in pages for r in _rows(page)]
    assert len(ids) == len(set(ids)) >= SEEDED
    all_pages = list(sf.bulk2.Account.query_all("SELECT Id FROM Account", wait=WAIT))
    assert sum(len(_rows(p)) for p in all_pages) >= len(ids)


def test_bulk2_download_writes_one_file_per_page(sf: Salesforce, tmp_path: Path) -> None:
    results = sf.bulk2.Account.download(
        "SELECT Id FROM Account", path=str(tmp_path), max_records=100, wait=WAIT
    )
    assert len(results) >= 2
    assert sum(r["number_of_records"] for r in results) >= SEEDED
    assert all(Path(r["file"]).exists() for r in results)


def test_bulk1_dml_and_query(sf: Salesforce) -> None:
    data = [{"Name": "V1 One", "External_Id__c": "V1-1"}, {"Name": None, "External_Id__c": "V1-2"}]
    inserted = sf.bulk.Account.insert(data)
    assert [r["success"] for r in inserted] == [True, False]
    assert inserted[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    new_id = inserted[0]["id"]
    upserted = sf.bulk.Account.upsert(
        [
            {"External_Id__c": "V1-1", "Name": "V1 Renamed"},
            {"External_Id__c": "V1-3", "Name": "V1 Three"},
        ],
        "External_Id__c",
    )
    assert [(r["success"], r["created"]) for r in upserted] == [(True, False), (True, True)]
    assert sf.bulk.Account.update([{"Id": new_id, "Phone": "42"}])[0]["success"] is True
    rows = sf.bulk.Account.query(
        f"SELECT Id, Name, Phone, CreatedDate FROM Account WHERE Id = '{new_id}'", wait=WAIT
    )
    assert [(r["Name"], r["Phone"]) for r in rows] == [("V1 Renamed", "42")]
    assert isinstance(rows[0]["CreatedDate"], int)  # Bulk API 1.0 JSON: epoch milliseconds
    deleted = sf.bulk.Account.delete([{"Id": new_id}])
    assert deleted[0]["success"] is True
    assert (
        sf.bulk.Account.query_all(
            f"SELECT Id, IsDeleted FROM Account WHERE Id = '{new_id}'", wait=WAIT
        )[0]["IsDeleted"]
        is True
    )
    assert sf.bulk.Account.hard_delete([{"Id": upserted[1]["id"]}])[0]["success"] is True


def test_bulk2_csv_file_names_parents_by_external_id(sf: Salesforce, tmp_path: Path) -> None:
    parent = sf.Account.create({"Name": "Rel Parent", "External_Id__c": "REL-1"})["id"]
    data = tmp_path / "contacts.csv"
    data.write_text("LastName,Account.External_Id__c\nLinked,REL-1\nOrphan,REL-404\n")
    [result] = sf.bulk2.Contact.insert(csv_file=str(data), wait=WAIT)
    assert result["numberRecordsProcessed"] == 2 and result["numberRecordsFailed"] == 1
    [ok] = _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))
    assert sf.Contact.get(ok["sf__Id"])["AccountId"] == parent
    [failed] = _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    assert failed["LastName"] == "Orphan" and failed["sf__Error"].startswith(
        "INVALID_FIELD:Foreign key external ID: REL-404 not found"
    )
