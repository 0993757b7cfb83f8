"""The pack as the registry sees it: descriptor, app builder, knobs, conformance kit, and
the shared store traps working on HubSpot's objects."""

from __future__ import annotations

from mocks.hubspot.conformance import KIT, is_auth_refusal, is_error
from mocks.hubspot.descriptor import PACK
from mocks.registry import mock_pack
from mocks.store import RecordStore
from tests.mocks.hubspot.conftest import Portal


def test_the_registry_builds_the_pack_with_its_credentials() -> None:
    pack = mock_pack("hubspot", "crm")
    creds = {"access_token": "pat-1", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    app = pack.build_app(creds, "admin-1", RecordStore())
    assert (pack.name, pack.app, pack.credentials) == (PACK.name, PACK.app, PACK.credentials)
    assert app.state.hubspot.config.access_token == "pat-1"
    assert pack.settings_for("page_size", 7) == {"page_size": 7}


def test_the_page_size_knob_caps_lists_and_search(portal: Portal) -> None:
    for n in range(4):
        portal.create("companies", name=f"C{n}")
    portal.settings(**PACK.settings_for("page_size", 3))
    listed = portal.get("/crm/v3/objects/companies", params={"limit": 100}).json()
    found = portal.post("/crm/v3/objects/companies/search", json={"limit": 100}).json()
    assert len(listed["results"]) == 3 and "paging" in listed
    assert len(found["results"]) == 3 and found["paging"]["next"]["after"] == "3"


def test_the_kit_recognises_hubspots_answers(portal: Portal) -> None:
    refused = portal.client.get("/crm/v3/objects/companies")
    missing = portal.get("/crm/v3/objects/companies/1")
    assert is_auth_refusal(refused.status_code, refused.headers, refused.json())
    assert is_error(missing.status_code, missing.headers, missing.json())
    assert not is_auth_refusal(missing.status_code, missing.headers, missing.json())
    for path in KIT.not_found_paths:
        answer = portal.get(path)
        assert answer.status_code == 404 and is_error(404, answer.headers, answer.json()), path


def test_shared_store_traps_work_on_hubspot_objects(seeded: Portal) -> None:
    tied = seeded.admin(
        "POST", "/traps", json={"trap": "timestamp_ties", "object": "companies", "count": 3}
    )
    assert tied.status_code == 200
    ids = [f["id"] for f in tied.json()["facts"]]
    stamps = {seeded.get(f"/crm/v3/objects/companies/{i}").json()["updatedAt"] for i in ids}
    assert len(stamps) == 1
