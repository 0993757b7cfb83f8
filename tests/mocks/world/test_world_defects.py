"""The dirty world: injected defects, their ground truth, and determinism by seed."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import Counter

import orjson
import phonenumbers
import pytest

from mocks.salesforce import SalesforceMockConfig, create_app
from mocks.world.generator import World, WorldSettings, generate_world
from mocks.world.names import name_key
from mocks.world.pools import COUNTRY_SPELLINGS, LOCALE_REGIONS

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ADMIN = {"X-Harness-Token": "harness-admin"}
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@pytest.fixture(scope="module")
def dirty() -> World:
    return generate_world(WorldSettings(seed=5, accounts=1500, dirty=0.2))


@pytest.fixture(scope="module")
def clean() -> World:
    return generate_world(WorldSettings(seed=5, accounts=1500))


def test_a_clean_world_has_no_defects_and_one_spelling_per_field(clean: World) -> None:
    assert clean.defects == []
    assert len({name_key(c.name) for c in clean.companies}) == len(clean.companies)
    assert len({c.website.split("//")[-1].removeprefix("www.") for c in clean.companies}) == 1500
    for c in clean.companies:
        assert c.country == COUNTRY_SPELLINGS[c.locale][0]
        number = phonenumbers.parse(c.phone, None)
        assert phonenumbers.is_valid_number(number)
        assert c.phone == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        assert EMAIL.match(c.email) and c.city == c.city.strip() and len(c.name) <= 83


def test_the_dirty_rate_sets_the_share_of_defective_records(dirty: World) -> None:
    kinds = Counter(d["kind"] for d in dirty.defects)
    assert set(kinds) == {
        "duplicate",
        "missing_value",
        "inconsistent_format",
        "invalid_email",
        "overlong_value",
    }
    assert 0.15 * 1500 < sum(kinds.values()) < 0.25 * 1500
    assert len({d["key"] for d in dirty.defects}) == len(dirty.defects), "one defect a record"


def test_the_clean_part_of_a_world_does_not_move_with_the_dirty_rate(
    dirty: World, clean: World
) -> None:
    touched = {d["key"] for d in dirty.defects}
    same = [
        (a.key, a.phone, a.industry, a.employees) for a in clean.companies if a.key not in touched
    ]
    by_key = {c.key: c for c in dirty.companies}
    assert same == [(k, by_key[k].phone, by_key[k].industry, by_key[k].employees) for k, *_ in same]


def test_duplicates_are_clusters_of_two_or_three_sharing_a_domain_or_phone(dirty: World) -> None:
    by_key = {c.key: c for c in dirty.companies}
    clusters = {tuple(d["cluster"]) for d in dirty.defects if d["kind"] == "duplicate"}
    assert {len(c) for c in clusters} == {2, 3}
    for cluster in clusters:
        original, *copies = (by_key[k] for k in cluster)
        for copy in copies:
            assert copy.name != original.name
            assert copy.phone == original.phone or copy.website == original.website
            assert copy.city == original.city and copy.postal_code == original.postal_code


def test_each_defect_is_visible_in_its_field(dirty: World) -> None:
    by_key = {c.key: c for c in dirty.companies}
    for d in dirty.defects:
        company = by_key[d["key"]]
        value = getattr(company, d["field"])
        if d["kind"] == "missing_value":
            assert value == ""
        elif d["kind"] == "invalid_email":
            assert not EMAIL.match(value)
        elif d["kind"] == "overlong_value":
            assert len(value) > 83 == d["details"]["limit"]
        elif d["kind"] == "inconsistent_format":
            assert value == d["details"]["value"]
            if d["field"] == "country":
                assert value != COUNTRY_SPELLINGS[company.locale][0]
            if d["field"] == "phone":
                number = phonenumbers.parse(value, LOCALE_REGIONS[company.locale])
                assert phonenumbers.is_valid_number(number), "a style, not a wrong number"


def test_realistic_values_are_not_defects(dirty: World) -> None:
    flagged = {d["key"] for d in dirty.defects}
    realistic = [c for c in dirty.companies if c.key not in flagged]
    assert any("\n" in c.street for c in realistic)
    assert any(75 <= len(c.name) <= 83 for c in realistic)
    assert any(re.search(r"[äöüéèôç'ß]", c.name) for c in realistic)


def test_settings_reject_bad_rates() -> None:
    with pytest.raises(ValueError, match="dirty"):
        WorldSettings.from_mapping({"dirty": 1.5})
    with pytest.raises(ValueError, match="share"):
        WorldSettings.from_mapping(
            {
                "dirty": 0.1,
                "duplicate_share": 0,
                "missing_share": 0,
                "format_share": 0,
                "invalid_email_share": 0,
                "overlong_share": 0,
            }
        )


def _fresh_app_digest(settings: dict[str, object]) -> tuple[str, list[dict[str, object]]]:
    app = create_app(
        SalesforceMockConfig(client_id="c", client_secret="s", admin_token="harness-admin")
    )
    with TestClient(app) as client:
        assert client.post("/__harness/seed", json=settings, headers=ADMIN).status_code == 200
        snapshot = client.get("/__harness/snapshot", headers=ADMIN).content
        truth = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    digest = hashlib.sha256(snapshot + orjson.dumps(truth)).hexdigest()
    return digest, truth


def test_same_seed_gives_byte_identical_data_and_manifest() -> None:
    settings = {"seed": 9, "accounts": 400, "dirty": 0.3}
    first, truth = _fresh_app_digest(settings)
    second, _ = _fresh_app_digest(settings)
    assert first == second
    other, _ = _fresh_app_digest({**settings, "seed": 10})
    assert other != first
    assert truth and all(f["vendor"] == "salesforce" for f in truth)


def test_ground_truth_names_the_account_ids_and_fields() -> None:
    app = create_app(
        SalesforceMockConfig(client_id="c", client_secret="s", admin_token="harness-admin")
    )
    with TestClient(app) as client:
        client.post(
            "/__harness/seed", json={"seed": 3, "accounts": 300, "dirty": 0.3}, headers=ADMIN
        )
        truth = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
        rows = client.get("/__harness/snapshot", headers=ADMIN).json()["objects"]["Account"]
    accounts = {row["id"]: row["fields"] for row in rows}
    assert truth
    for fact in truth:
        fields = accounts[fact["record_id"]]
        assert fields["AccountNumber"] == fact["key"]
        assert fact["vendor_field"] in fields
        if fact["kind"] == "missing_value":
            assert fields[fact["vendor_field"]] is None
        if fact["kind"] == "duplicate":
            assert len(fact["cluster_record_ids"]) == len(fact["cluster"])
