"""A record type holding more than one SuiteQL query may match is read in time windows: the
same records, in the same order, as one unbounded keyset read."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mocks.netsuite import NetSuiteMockConfig, create_app
from mocks.netsuite.query import execute as suiteql_exec
from sync.connectors import ConnectionSettings, Connector, create_connector
from sync.connectors.base import Watermark
from sync.connectors.netsuite import windows

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

T0 = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
CAP = 40  # the account's result cap for this test (NetSuite's is 100,000)


@pytest.fixture
def netsuite() -> Iterator[tuple[Connector, TestClient]]:
    app = create_app(NetSuiteMockConfig())
    store = app.state.mock.store
    for n in range(1, 231):  # bunched stamps: 10 records a second, then a quiet gap
        at = T0 + timedelta(seconds=n // 10 + (600 if n > 150 else 0))
        store.insert("customer", str(n), {"companyName": f"Firm {n}", "subsidiary": "1"}, at=at)
    config = NetSuiteMockConfig()
    credentials = {"consumer_key": config.consumer_key, "consumer_secret": config.consumer_secret,
                   "token_id": config.token_id, "token_secret": config.token_secret}  # fmt: skip
    with TestClient(app) as client:
        settings = ConnectionSettings(vendor="netsuite", base_url="https://127.0.0.1:1",
                                      credentials=credentials, page_size=25,
                                      options={"account": "1234567_SB1"})  # fmt: skip
        yield create_connector(settings, client=client), client


def _ids(conn: Connector, since: Watermark | None = None) -> list[str]:
    return [r.id for page in conn.read("customer", fields=["companyName"], since=since)
            for r in page]  # fmt: skip


def test_more_records_than_the_cap_are_read_whole_and_in_order(
    netsuite: tuple[Connector, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    conn, _client = netsuite
    unbounded = _ids(conn)
    assert unbounded == [str(n) for n in range(1, 231)]
    monkeypatch.setattr(suiteql_exec, "MAX_ROWS", CAP)
    monkeypatch.setattr(windows.Windows, "cap", CAP)
    queries: list[str] = []
    conn.http.observe(lambda method, url, body: queries.append(str(body)))  # type: ignore[attr-defined]
    assert _ids(conn) == unbounded  # windows: same records, same order
    # It asked how many there were (a full read runs in stamp spans), then how many lay
    # ahead in each span still over the cap: the first 150 records share 15 seconds, the
    # last 80 eight seconds, each in one span of 45.
    assert sum("COUNT(*)" in q for q in queries) == 3
    since = Watermark(T0 + timedelta(seconds=5))
    assert _ids(conn, since) == [i for i in unbounded if int(i) >= 50]  # incremental too
