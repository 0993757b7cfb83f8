"""Over-long strings: rejected, or cut silently and logged as ground truth; admin knobs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mocks.netsuite import NetSuiteMockConfig
from tests.mocks.netsuite.support import ADMIN, CUSTOMERS, TestClient, error_detail

# mocks/admin.py answers with FastAPI's deprecated ORJSONResponse, which warns on every use.
admin_response_warning = pytest.mark.filterwarnings(
    "ignore::fastapi.exceptions.FastAPIDeprecationWarning"
)
LONG_NAME = "N" * 90


def _truncate(client: TestClient) -> None:
    response = client.patch("/__harness/settings", json={"on_overflow": "truncate"}, headers=ADMIN)
    assert response.status_code == 200, response.text


def test_over_long_value_is_rejected_naming_field_and_limit(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json={"companyName": LONG_NAME, "subsidiary": {"id": "1"}})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert "companyName" in detail["detail"] and "83" in detail["detail"]
    assert detail["o:errorPath"] == "companyName"


def test_value_at_the_limit_is_accepted(make_customer: Callable[..., str]) -> None:
    make_customer(companyName="N" * 83)


def test_nested_limit_is_enforced(client: TestClient) -> None:
    book = {"items": [{"addressBookAddress": {"city": "C" * 51}}]}
    response = client.post(
        CUSTOMERS, json={"companyName": "A", "subsidiary": {"id": "1"}, "addressBook": book}
    )
    detail = error_detail(response)
    assert detail["o:errorPath"] == "addressBook.items[0].addressBookAddress.city"
    assert "50" in detail["detail"]


@admin_response_warning
def test_truncate_cuts_silently_and_records_ground_truth(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    _truncate(client)
    new_id = make_customer(companyName=LONG_NAME, externalId="CRM-77")
    assert client.get(f"{CUSTOMERS}/{new_id}").json()["companyName"] == "N" * 83
    facts = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    assert facts == [
        {
            "kind": "silent_truncation",
            "vendor": "netsuite",
            "object": "customer",
            "id": new_id,
            "external_id": "CRM-77",
            "field": "companyName",
            "path": "companyName",
            "original_length": 90,
            "limit": 83,
        }
    ]


@admin_response_warning
def test_truncate_applies_to_nested_fields_on_patch_and_upsert(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    _truncate(client)
    new_id = make_customer(externalId="CRM-1")
    book = {"items": [{"addressBookAddress": {"city": "C" * 60, "country": "US"}}]}
    client.patch(f"{CUSTOMERS}/{new_id}", json={"addressBook": book})
    client.put(f"{CUSTOMERS}/eid:CRM-1", json={"phone": "9" * 40})
    facts = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    assert [(f["field"], f["original_length"], f["limit"]) for f in facts] == [
        ("addressBook.addressBookAddress.city", 60, 50),
        ("phone", 40, 32),
    ]
    assert facts[0]["path"] == "addressBook.items[0].addressBookAddress.city"


@admin_response_warning
def test_max_length_changed_mid_run_takes_effect_at_once(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    make_customer(companyName="x" * 50)
    response = client.patch(
        "/__harness/settings", json={"max_lengths": {"companyName": 40}}, headers=ADMIN
    )
    assert response.json()["max_lengths"]["companyName"] == 40
    assert response.json()["max_lengths"]["email"] == 254  # other limits are kept
    rejected = client.post(CUSTOMERS, json={"companyName": "x" * 50, "subsidiary": {"id": "1"}})
    assert "40" in error_detail(rejected)["detail"]


@pytest.mark.parametrize("overflow", ["reject", "truncate"])
def test_config_seeds_the_settings(overflow: str) -> None:
    config = NetSuiteMockConfig(max_lengths={"email": 64}, on_overflow=overflow)  # type: ignore[arg-type]
    settings = config.initial_settings()
    assert settings["max_lengths"]["email"] == 64
    assert settings["max_lengths"]["companyName"] == 83
    assert settings["on_overflow"] == overflow
    assert (settings["max_concurrent"], settings["date_format"]) == (15, "M/D/YYYY")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"max_lengths": {"shoeSize": 3}}, "unknown max_lengths", id="unknown-key"),
        pytest.param({"max_lengths": {"email": 0}}, "positive integer", id="zero-length"),
        pytest.param({"on_overflow": "ignore"}, "on_overflow", id="bad-overflow"),
        pytest.param({"max_concurrent": -1}, "max_concurrent", id="negative-concurrency"),
    ],
)
def test_invalid_config_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NetSuiteMockConfig(**kwargs).validate()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [pytest.param({}, id="missing"), pytest.param({"X-Harness-Token": "guess"}, id="wrong")],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/__harness/ground-truth"), ("PATCH", "/__harness/settings"),
     ("POST", "/__harness/reset"), ("GET", "/__harness/snapshot")],
)  # fmt: skip
def test_admin_api_needs_the_admin_token(
    client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert "X-Harness-Token" in response.json()["detail"]


@admin_response_warning
def test_admin_seed_restores_subsidiaries_after_reset(client: TestClient) -> None:
    assert client.post("/__harness/reset", headers=ADMIN).status_code == 200
    assert client.get("/services/rest/record/v1/subsidiary").json()["totalResults"] == 0
    seeded = client.post("/__harness/seed", json={"accounts": 5}, headers=ADMIN).json()
    assert seeded["seeded"] == {"subsidiary": 5, "customer": 0}
    assert client.get("/services/rest/record/v1/subsidiary").json()["totalResults"] == 5
