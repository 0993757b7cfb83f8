"""A full NetSuite read of many pages runs in stamp spans side by side (`spans`): the same
records in the same order as one keyset chain, nothing lost to an edit made mid-read, and
the open tail read at once and checked by one key query once every other span's chain has
ended (read again when a record was saved into it mid-read)."""

from __future__ import annotations

import itertools
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from mocks.netsuite.app import create_app
from mocks.netsuite.config import NetSuiteMockConfig
from sync.connectors import create_connector
from sync.connectors.base import ConnectionSettings, Connector, Watermark
from sync.connectors.netsuite import dialect
from sync.connectors.netsuite.spans import Span, check_tail, plan_spans, read_spans
from sync.errors import FatalVendorError

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

T0 = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
RECORDS = 230
WAIT_S = 30.0  # a bound on every wait, never reached when the code is right


def stamp(seconds: int) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


# -- planning ----------------------------------------------------------------------------------


def test_a_read_of_few_pages_stays_one_chain() -> None:
    assert plan_spans({"n": 74, "lo": stamp(0), "hi": stamp(100)}, page=25) is None
    assert plan_spans({"n": 0, "lo": None, "hi": None}, page=25) is None
    assert plan_spans({"n": 500, "lo": stamp(7), "hi": stamp(7)}, page=25) is None  # one second
    # a count row whose stamps do not parse leaves the read one chain, never fails it
    assert plan_spans({"n": 500, "lo": "07/02/2024", "hi": "soon"}, page=25) is None


def test_spans_cover_every_stamp_once_and_end_with_the_open_tail() -> None:
    spans = plan_spans({"n": 1000, "lo": stamp(0), "hi": stamp(99)}, page=100)
    assert spans is not None
    closed, tail = spans[:-1], spans[-1]
    assert len(closed) == 15  # 1,000 records at 70 a span, in whole seconds
    # the tail holds the last second the count saw, onwards: an edit saved in that second
    # after the count is read there, after every other span
    assert closed[0].lower is None and tail == Span(T0 + timedelta(seconds=99), None)
    for before, after in itertools.pairwise(closed):
        assert before.upper == after.lower and before.upper is not None
        assert before.upper.microsecond == 0
    assert closed[-1].upper == tail.lower


# -- running -----------------------------------------------------------------------------------


def _three_spans() -> list[Span]:
    return [Span(None, T0), Span(T0, T0 + timedelta(1)), Span(T0 + timedelta(1), None)]


def test_spans_come_out_in_order_and_the_tail_check_waits_for_every_other_chain() -> None:
    spans = _three_spans()
    ended_at: dict[int, float] = {}
    tail_reads: list[float] = []
    checked: list[float] = []

    def read(span: Span, ended: threading.Event) -> Iterator[int]:
        index = spans.index(span)
        if span.upper is None:
            tail_reads.append(time.monotonic())
        else:
            time.sleep(0.05 * (2 - index))  # the first span's chain ends last
            ended_at[index] = time.monotonic()
        ended.set()
        yield from (index * 10 + n for n in range(3))

    def tail_check() -> Callable[[list[int]], bool]:
        checked.append(time.monotonic())
        return lambda held: held == [20, 21, 22]  # nothing saved into the tail mid-read

    got = list(read_spans(spans, read, depth=2, tail_check=tail_check))
    assert got == [0, 1, 2, 10, 11, 12, 20, 21, 22]
    assert len(tail_reads) == 1 and tail_reads[0] <= min(ended_at.values())  # read at once
    assert len(checked) == 1 and checked[0] >= max(ended_at.values())


def test_a_tail_that_changed_mid_read_is_read_again() -> None:
    spans = _three_spans()
    reads: list[int] = []

    def read(span: Span, ended: threading.Event) -> Iterator[int]:
        ended.set()
        if span.upper is None:
            reads.append(len(reads))
            yield from ([20] if len(reads) == 1 else [20, 21])  # 21 saved after the first read
        else:
            yield spans.index(span)

    got = list(read_spans(spans, read, depth=2, tail_check=lambda: lambda held: 21 in held))
    assert got == [0, 1, 20, 21] and len(reads) == 2


def test_a_failing_tail_check_fails_the_read_where_the_tail_would_be() -> None:
    spans = _three_spans()

    def read(span: Span, ended: threading.Event) -> Iterator[int]:
        ended.set()
        yield spans.index(span)

    def tail_check() -> Callable[[list[int]], bool]:
        raise RuntimeError("key query refused")

    got: list[int] = []
    with pytest.raises(RuntimeError, match="key query refused"):
        for item in read_spans(spans, read, depth=2, tail_check=tail_check):
            got.append(item)
    assert got == [0, 1]


def test_a_consumer_leaving_early_starts_no_tail_check() -> None:
    spans = _three_spans()
    checked: list[bool] = []
    late: list[threading.Event] = []

    def read(span: Span, ended: threading.Event) -> Iterator[int]:
        if spans.index(span) == 1:
            late.append(ended)  # the second span's chain ends only after the consumer left
        else:
            ended.set()
        yield spans.index(span)

    def tail_check() -> Callable[[list[int]], bool]:
        checked.append(True)
        return lambda held: True

    items = read_spans(spans, read, depth=2, tail_check=tail_check)
    assert next(items) == 0
    items.close()
    assert len(late) == 1
    late[0].set()  # every chain has ended now: a check that ignored the leaving would start
    time.sleep(0.6)  # past the check's poll
    assert checked == []


def test_a_failing_span_raises_where_its_items_would_have_been() -> None:
    spans = [Span(None, T0), Span(T0, None)]

    def read(span: Span, ended: threading.Event) -> Iterator[int]:
        ended.set()
        yield 1
        if span.upper is not None:
            raise RuntimeError("span refused")

    got: list[int] = []
    with pytest.raises(RuntimeError, match="span refused"):
        for item in read_spans(spans, read, depth=2, tail_check=lambda: lambda held: True):
            got.append(item)
    assert got == [1]


# -- a real read -------------------------------------------------------------------------------


@pytest.fixture
def netsuite() -> Iterator[tuple[Connector, TestClient, httpx.Client]]:
    app = create_app(NetSuiteMockConfig())
    store = app.state.mock.store
    for n in range(1, RECORDS + 1):  # spread over four minutes, two a second
        store.insert("customer", str(n), {"companyName": f"Firm {n}", "subsidiary": "1"},
                     at=T0 + timedelta(seconds=n // 2))  # fmt: skip
    config = NetSuiteMockConfig()
    credentials = {"consumer_key": config.consumer_key, "consumer_secret": config.consumer_secret,
                   "token_id": config.token_id, "token_secret": config.token_secret}  # fmt: skip
    with TestClient(app) as client:
        settings = ConnectionSettings(vendor="netsuite", base_url="https://127.0.0.1:1",
                                      credentials=credentials, page_size=25, concurrency=16,
                                      options={"account": "1234567_SB1"})  # fmt: skip
        yield create_connector(settings, client=client), client, client


def _keys(conn: Connector, since: Watermark | None = None) -> list[tuple[str, datetime]]:
    return [(r.id, r.modified_at) for page in conn.read("customer", fields=["companyName"],
                                                        since=since) for r in page]  # fmt: skip


def test_a_full_read_in_spans_gives_what_one_chain_gives(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    conn, _app, _client = netsuite
    queries: list[str] = []
    conn.http.observe(lambda method, url, body: queries.append(str(body)))  # type: ignore[attr-defined]
    chain = _keys(conn, Watermark(T0 - timedelta(days=1)))  # an incremental read: one chain
    queries.clear()
    spanned = _keys(conn)
    assert spanned == chain and len(chain) == RECORDS
    assert sum("COUNT(*)" in q for q in queries) == 1
    assert sum("AS c0" in q for q in queries) > RECORDS // 25  # spans, and the tail


class EditOnFirstBody(httpx.BaseTransport):
    """Edits one record (its stamp moves to now) just before the first span's body query
    is answered, as a user saving it in NetSuite mid-read would."""

    def __init__(self, inner: httpx.BaseTransport, edit: threading.Event, store: object) -> None:
        self.inner, self.edit, self.store = inner, edit, store
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            if b"AS c0" in request.content and not self.edit.is_set():
                self.edit.set()
                self.store.update("customer", "3", {"companyName": "Edited mid-read"},  # type: ignore[attr-defined]
                                  at=T0 + timedelta(hours=1))  # fmt: skip
        return self.inner.handle_request(request)


def test_a_record_edited_mid_read_is_read_again_by_the_tail(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    conn, app_client, client = netsuite
    edited = threading.Event()
    store = app_client.app.state.mock.store  # type: ignore[attr-defined]
    client._transport = EditOnFirstBody(client._transport, edited, store)
    records = [r for page in conn.read("customer", fields=["companyName"]) for r in page]
    assert edited.is_set()
    names = {r.id: r.fields["companyName"] for r in records}
    assert names["3"] == "Edited mid-read"  # found past the range the spans covered
    assert {r.id for r in records} == {str(n) for n in range(1, RECORDS + 1)}
    assert len(records) in (RECORDS, RECORDS + 1)  # once, or again after the edit, as a chain
    stamps = [(r.modified_at, int(r.id)) for r in records]
    assert stamps == sorted(stamps)


def test_a_read_in_spans_comes_in_whole_pages(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    """Spans hold less than a page each; the read still hands out whole pages (the last
    one shorter), so a flow's write batches stay as full as one chain's pages make them."""
    conn, _app, _client = netsuite
    sizes = [len(page) for page in conn.read("customer", fields=["companyName"])]
    assert sizes == [25] * (RECORDS // 25) + [RECORDS % 25]


class HoldQuery(httpx.BaseTransport):
    """Answers the body query holding `marker` only once `release` is set (or WAIT_S has
    passed, which `timed_out` tells)."""

    def __init__(self, inner: httpx.BaseTransport, marker: str, release: threading.Event) -> None:
        self.inner, self.marker, self.release = inner, marker, release
        self.timed_out = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        text = request.read().decode()
        if "AS c0" in text and self.marker in text:
            self.timed_out = not self.release.wait(WAIT_S)
        return self.inner.handle_request(request)


def test_a_page_is_handed_out_once_its_spans_are_read_not_after_the_next_one(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    """Spans meet at whole seconds: the first page (the first span and part of the second)
    comes while the third span's answer is still held, not once it is read too."""
    conn, _app, client = netsuite
    stats = {"n": RECORDS, "lo": stamp(0), "hi": stamp(RECORDS // 2)}  # as the fixture seeds
    spans = plan_spans(stats, 25)
    assert spans is not None and spans[2].lower is not None
    release = threading.Event()
    held = HoldQuery(client._transport, f">= {dialect.suiteql_timestamp(spans[2].lower)}",
                     release)  # fmt: skip
    client._transport = held
    pages = conn.read("customer", fields=["companyName"])
    first = next(pages)
    assert not held.timed_out and len(first) == 25
    release.set()
    records = first + [r for page in pages for r in page]
    assert [r.id for r in records] == [str(n) for n in range(1, RECORDS + 1)]


class EditBetweenSpans(httpx.BaseTransport):
    """The worst timing for an edit: the last closed span is answered, then a user saves
    record 3 (first span) in the second of the latest stamp, and only then is the first
    span answered."""

    def __init__(self, inner: httpx.BaseTransport, store: object, first: str, last: str) -> None:
        self.inner, self.store, self.first, self.last = inner, store, first, last
        self.edited = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        text = request.read().decode()
        body = "AS c0" in text
        if body and self.first in text and ">=" not in text:
            self.edited.wait(WAIT_S)  # the first span's answer comes after the edit
        answer = self.inner.handle_request(request)
        if body and self.last in text and not self.edited.is_set():
            answer.read()
            self.store.update("customer", "3", {"companyName": "Saved late"},  # type: ignore[attr-defined]
                              at=T0 + timedelta(seconds=RECORDS // 2))  # fmt: skip
            self.edited.set()
        return answer


def test_an_edit_in_the_latest_second_after_its_span_was_read_is_read_by_the_tail(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    conn, app_client, client = netsuite
    latest = T0 + timedelta(seconds=RECORDS // 2)
    spans = plan_spans({"n": RECORDS, "lo": stamp(0), "hi": stamp(RECORDS // 2)}, page=25)
    assert spans is not None
    first, last = spans[0].upper, spans[-2].lower
    assert first is not None and last is not None and spans[-1].lower == latest
    store = app_client.app.state.mock.store  # type: ignore[attr-defined]
    race = EditBetweenSpans(client._transport, store, dialect.suiteql_timestamp(first),
                            f"lastmodifieddate >= {dialect.suiteql_timestamp(last)}")  # fmt: skip
    client._transport = race
    records = [r for page in conn.read("customer", fields=["companyName"]) for r in page]
    assert race.edited.is_set()
    assert {r.id: r.fields["companyName"] for r in records}["3"] == "Saved late"


def _tail_body(text: str, tail: str) -> bool:
    return "AS c0" in text and tail in text and "lastmodifieddate <" not in text


class EditAfterTheTail(httpx.BaseTransport):
    """A user saves record 3 just after the tail's first read was answered: the pages held
    for the tail lack it, so only the check after the other spans can find it."""

    def __init__(self, inner: httpx.BaseTransport, store: object | None, tail: str) -> None:
        self.inner, self.store, self.tail = inner, store, tail  # no store: no edit
        self.texts: list[str] = []
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        text = request.read().decode()
        answer = self.inner.handle_request(request)
        with self.lock:
            self.texts.append(text)
            first_tail = _tail_body(text, self.tail) and sum(
                _tail_body(t, self.tail) for t in self.texts) == 1  # fmt: skip
        if first_tail and self.store is not None:
            answer.read()
            self.store.update("customer", "3", {"companyName": "Saved after the tail"},  # type: ignore[attr-defined]
                              at=T0 + timedelta(hours=2))  # fmt: skip
        return answer


def test_a_quiet_read_checks_the_tail_with_one_key_query(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    conn, _app, client = netsuite
    tail = f"lastmodifieddate >= {dialect.suiteql_timestamp(T0 + timedelta(seconds=RECORDS // 2))}"
    spy = EditAfterTheTail(client._transport, store=None, tail=tail)
    client._transport = spy
    assert len(_keys(conn)) == RECORDS
    assert sum(_tail_body(t, tail) for t in spy.texts) == 1  # the tail is read once
    assert sum("AS modified FROM" in t and tail in t for t in spy.texts) == 1  # and checked once


def test_a_record_saved_after_the_tail_was_read_is_found_by_the_check(
    netsuite: tuple[Connector, TestClient, httpx.Client],
) -> None:
    conn, app_client, client = netsuite
    tail = f"lastmodifieddate >= {dialect.suiteql_timestamp(T0 + timedelta(seconds=RECORDS // 2))}"
    store = app_client.app.state.mock.store  # type: ignore[attr-defined]
    race = EditAfterTheTail(client._transport, store, tail)
    client._transport = race
    records = [r for page in conn.read("customer", fields=["companyName"]) for r in page]
    assert {r.id: r.fields["companyName"] for r in records}["3"] == "Saved after the tail"
    assert {r.id for r in records} == {str(n) for n in range(1, RECORDS + 1)}
    assert sum(_tail_body(t, tail) for t in race.texts) == 2  # read again after the check
    stamps = [(r.modified_at, int(r.id)) for r in records]
    assert stamps == sorted(stamps)


# -- the tail's check --------------------------------------------------------------------------


def _key_rows(*seconds_and_ids: tuple[int, int]) -> list[dict[str, str]]:
    return [{"id": str(i), "modified": stamp(s)} for s, i in seconds_and_ids]


def test_the_tail_check_pages_its_keys_and_compares_them_with_the_tail_as_read() -> None:
    answers = [
        {"items": _key_rows((5, 1), (5, 2)), "hasMore": True},
        {"items": _key_rows((6, 3)), "hasMore": False},
    ]
    asked: list[str] = []

    def suiteql(query: str, offset: int) -> dict[str, object]:
        asked.append(query)
        return answers[len(asked) - 1]

    held_ok = check_tail(suiteql, "customer", T0 + timedelta(seconds=5))
    keys = [dialect.row_key(row) for row in _key_rows((5, 1), (5, 2), (6, 3))]
    assert held_ok([[(key, None) for key in keys]])
    assert not held_ok([[(key, None) for key in keys[:2]]])  # record 3 was saved after the read
    assert len(asked) == 2 and "id > 2" in asked[1]  # the second page starts past the first


def test_a_server_serving_the_same_second_again_fails_the_check_instead_of_looping() -> None:
    page = {"items": _key_rows((5, 1), (5, 2)), "hasMore": True}
    calls: list[int] = []

    def suiteql(query: str, offset: int) -> dict[str, object]:
        calls.append(1)
        assert len(calls) < 10, "the check kept asking for the same keys"
        return page  # sub-second stamps: the rows of the last second come back again

    with pytest.raises(FatalVendorError, match="cannot go on"):
        check_tail(suiteql, "customer", T0)


def test_a_tail_past_the_result_cap_is_read_again_rather_than_checked() -> None:
    def suiteql(query: str, offset: int) -> dict[str, object]:
        raise FatalVendorError("Search results exceed the maximum of 100000 rows", status=400)

    assert not check_tail(suiteql, "customer", T0)([])
