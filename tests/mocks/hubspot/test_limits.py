"""Rate limits per token: the ten-second burst, the per-second and daily limits with their
headers counting down, 429 in HubSpot's body with Retry-After, and search's own limit."""

from __future__ import annotations

from tests.mocks.hubspot.conftest import Portal

LIST = "/crm/v3/objects/contacts"


def test_headers_count_down(portal: Portal) -> None:
    first, second = portal.get(LIST).headers, portal.get(LIST).headers
    assert first["x-hubspot-ratelimit-max"] == "190"
    assert first["x-hubspot-ratelimit-secondly"] == "100"
    assert first["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
    assert int(first["x-hubspot-ratelimit-remaining"]) - 1 == int(
        second["x-hubspot-ratelimit-remaining"]
    )
    assert int(first["x-hubspot-ratelimit-daily-remaining"]) - 1 == int(
        second["x-hubspot-ratelimit-daily-remaining"]
    )
    assert int(first["x-hubspot-ratelimit-secondly-remaining"]) - 1 == int(
        second["x-hubspot-ratelimit-secondly-remaining"]
    )


def test_the_burst_window_refuses_then_rolls(portal: Portal) -> None:
    portal.settings(burst_limit=3, secondly_limit=0)
    codes = [portal.get(LIST).status_code for _ in range(3)]
    refused = portal.get(LIST)
    body = refused.json()
    assert codes == [200, 200, 200] and refused.status_code == 429
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["message"] == "You have reached your ten secondly rolling limit."
    assert {"correlationId", "requestId"} <= set(body)
    assert refused.headers["retry-after"] == "10"
    assert refused.headers["x-hubspot-ratelimit-remaining"] == "0"
    portal.clock.tick(10)
    assert portal.get(LIST).status_code == 200


def test_the_secondly_limit(portal: Portal) -> None:
    portal.settings(secondly_limit=2)
    assert [portal.get(LIST).status_code for _ in range(3)] == [200, 200, 429]
    portal.clock.tick(1)
    assert portal.get(LIST).status_code == 200


def test_the_daily_limit_holds_until_midnight(portal: Portal) -> None:
    portal.settings(daily_limit=2)
    assert [portal.get(LIST).status_code for _ in range(3)] == [200, 200, 429]
    refused = portal.get(LIST)
    assert refused.json()["policyName"] == "DAILY"
    assert int(refused.headers["retry-after"]) == 14 * 3600  # the clock stands at 10:00 UTC


def test_search_has_its_own_limit_and_no_headers(portal: Portal) -> None:
    answers = [portal.post(f"{LIST}/search", json={}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert not any(k.startswith("x-hubspot-ratelimit") for k in answers[0].headers)
    assert answers[-1].json()["policyName"] == "SECONDLY"
    assert portal.get(LIST).headers["x-hubspot-ratelimit-remaining"] == "189"  # not counted
    portal.clock.tick(1)
    assert portal.post(f"{LIST}/search", json={}).status_code == 200


def test_limits_can_be_switched_off(portal: Portal) -> None:
    portal.settings(burst_limit=1, rate_limits=False)
    assert [portal.get(LIST).status_code for _ in range(3)] == [200, 200, 200]


def test_wall_clock_windows_ignore_the_store_clock(portal: Portal) -> None:
    portal.settings(rate_limit_clock="wall", burst_limit=2, secondly_limit=0)
    assert [portal.get(LIST).status_code for _ in range(3)] == [200, 200, 429]
    portal.clock.tick(60)  # the store's clock moving does not open a wall-clock window
    assert portal.get(LIST).status_code == 429
