"""The `netsuite` SDK (0.12.0) against the strict token-based auth, over HTTPS: what it signs
verifies (bodies, query parameters, SuiteQL), and any wrong secret or realm is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from netsuite import Config

from tests.fidelity.netsuite_sdk import GOOD_AUTH, MOCK, SDK_MARKS, LoopbackRestApi, run
from tests.fidelity.test_netsuite_sdk import CUSTOMER, _failure, connect, server

__all__ = ["connect", "server"]  # the fixtures, re-used from the SDK's main tests

pytestmark = SDK_MARKS


def test_signed_bodies_queries_and_suiteql_verify(connect: Callable[..., LoopbackRestApi]) -> None:
    api = connect()
    body = {"companyName": "Signed & Sent", "subsidiary": {"id": "1"}}
    created = run(lambda: api.request("POST", CUSTOMER, json=body))
    assert created.status_code == 204, created.text
    listed = run(lambda: api.get(CUSTOMER, params={"limit": 2, "q": 'companyName START_WITH "S"'}))
    assert listed["count"] == 1
    rows = run(lambda: api.suiteql("SELECT id FROM customer WHERE companyname LIKE 'Signed%'"))
    assert [row["id"] for row in rows["items"]] == [listed["items"][0]["id"]]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"consumer_secret": "wrong-secret"}, id="consumer-secret"),
        pytest.param({"token_secret": "x"}, id="token-secret"),
        pytest.param({"consumer_key": "someone-else"}, id="consumer-key"),
    ],
)
def test_a_wrong_secret_or_key_is_invalid_login(
    connect: Callable[..., LoopbackRestApi], changes: dict[str, str]
) -> None:
    intruder = connect(GOOD_AUTH.model_copy(update=changes))
    status, detail = _failure(lambda: intruder.get(CUSTOMER))
    assert (status, detail["o:errorCode"]) == (401, "INVALID_LOGIN")


@pytest.mark.parametrize("account", ["1234567-sb1", "1234567_sb1", "1234567"])
def test_a_misspelt_realm_is_invalid_login(
    connect: Callable[..., LoopbackRestApi], account: str
) -> None:
    api = connect()
    api._config = Config(account=account, auth=GOOD_AUTH)  # the realm the SDK signs with
    assert api._config.account != MOCK.account_id
    status, detail = _failure(lambda: api.get(CUSTOMER))
    assert (status, detail["o:errorCode"]) == (401, "INVALID_LOGIN")
