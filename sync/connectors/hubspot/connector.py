"""HubSpot CRM v3 connector: Bearer or OAuth auth, list and search reads, batch writes.

Credentials: `access_token` (a private app), or `client_id`, `client_secret` and
`refresh_token` (an OAuth app; see `auth`). Options:
- `search_lookback_seconds` (default 30): an incremental read starts its search this long
  before the watermark, because HubSpot search shows a write a few seconds after its stamp.
  The records in that overlap come again (the engine's content hash skips them); set 0 for
  the protocol's exact window.
- `burst_limit` / `burst_interval_seconds` (default 100 per 10 s, until HubSpot's
  `X-HubSpot-RateLimit-*` headers say otherwise), `rate_limit_reserve` (default 0.02: the
  share of each ten-second window left to other clients of the token) and
  `search_requests_per_second` (default 4): the client-side windows that keep a sync from
  drawing a 429 (`limits`).

Decisions:
- Full reads list the object (`list_rows`) and sort it; incremental reads run keyset search
  windows (`reads`), which neither skip a record modified mid-read nor meet the 10,000 cap.
- References are associations read in batches per page (`links`): a contact's and a deal's
  `company` is the primary associated company; a deal's `lines` are its line items
  (`lines`). Each costs a constant number of calls per page, never one per record.
- Deletes are soft in HubSpot: `include_deleted` and `changes` add the `archived=true` list,
  each archived record modified at its `archivedAt`.
- Writes (`writes`): batch upsert by the unique property (100 a call), batch update by id,
  batch archive; a 409 duplicate email is linked to the existing contact.
- A round's batch calls (the lookup's batch reads, the write's slices of 100) run up to the
  connection's `concurrency` at a time: each HubSpot call takes a round trip of about
  120 ms, and one after another they would use a third of the allowance the governor
  grants; the governor still counts every one of them.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sync.canonical.profile import load_profile
from sync.connectors.base import (
    ConnectionSettings,
    ObjectSchema,
    Record,
    RecordChange,
    Watermark,
    WriteResult,
)
from sync.connectors.http import ErrorPolicy, HttpResponse, HttpSession
from sync.connectors.hubspot import PACK, dialect
from sync.connectors.hubspot.auth import BearerAuth
from sync.connectors.hubspot.dialect import BATCH_LIMIT, LIST_LIMIT, REFERENCES, SEARCH_LIMIT
from sync.connectors.hubspot.limits import DEFAULT_RESERVE, Governor
from sync.connectors.hubspot.lines import LINES_FIELD, LineItems
from sync.connectors.hubspot.links import preferred, read_links
from sync.connectors.hubspot.reads import list_rows, search_window
from sync.connectors.hubspot.writes import Writer

if TYPE_CHECKING:
    import httpx

__all__ = ["HubSpotConnector"]

ERROR_POLICY = ErrorPolicy(parse=dialect.parse_error, retry_codes=frozenset({"RATE_LIMIT"}))
DEFAULT_LOOKBACK = 30.0


class HubSpotConnector:
    """The `Connector` for HubSpot (CRM v3 objects, search, associations v4)."""

    vendor = "hubspot"

    def __init__(self, settings: ConnectionSettings, *, client: httpx.Client | None = None) -> None:
        options = settings.options
        self.settings = settings
        self._auth = BearerAuth(settings)
        self.governor = Governor(
            burst=int(options.get("burst_limit", 100)),
            interval=float(options.get("burst_interval_seconds", 10.0)),
            search_per_second=float(options.get("search_requests_per_second", 4)),
            reserve=float(options.get("rate_limit_reserve", DEFAULT_RESERVE)),
        )
        self.http = HttpSession(settings, client=client, auth=self._auth, errors=ERROR_POLICY,
                                response_hook=self._observe, send_gate=self._paced)  # fmt: skip
        self._auth.session = self.http
        self.lookback = timedelta(
            seconds=float(options.get("search_lookback_seconds", DEFAULT_LOOKBACK))
        )
        self._page = max(1, settings.page_size or LIST_LIMIT)
        self._search_limit = min(self._page, SEARCH_LIMIT) if settings.page_size else SEARCH_LIMIT
        self._described: dict[str, Any] = {}  # object -> its properties API answer
        self._lines = LineItems(self._call, self._types)
        # A round's batch calls (lookups, write slices) overlap their latency, up to the
        # connection's `concurrency`; the governor keeps them all inside HubSpot's windows.
        self._workers = max(1, settings.concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._in_pool = threading.local()
        self._writer = Writer(self._call, self._required, self._lines, self._fanout)
        # The engine looks the next slice up while this one is written (`sync.lookahead`):
        # half the connections read, half write, and HubSpot's window is never left idle
        # waiting for a round's lookups or its last upsert. The connector is thread-safe for
        # it (the governor, the token renewal and the pool take locks).
        self.lookup_ahead_slice = max(1, self._workers // 2) * BATCH_LIMIT

    # -- plumbing ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, params: dict[str, Any] | None, body: Any,
              search: bool) -> Any:  # fmt: skip
        """One request (paced by `_paced` as it goes out); a POST that only reads passes
        read-only."""
        read = search or path.endswith("/batch/read")
        return self.http.request(method, path, params=params, json=body, read=read).json()

    def _fanout(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """`fn` over `items` with up to `settings.concurrency` in flight, results in input
        order; inside a pooled call it runs one by one (a pool waiting on itself would
        deadlock)."""
        if self._workers == 1 or len(items) <= 1 or getattr(self._in_pool, "on", False):
            return [fn(item) for item in items]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="hubspot")
            pool = self._pool

        def pooled(item: Any) -> Any:
            self._in_pool.on = True
            try:
                return fn(item)
            finally:
                self._in_pool.on = False

        return list(pool.map(pooled, items))

    def _paced(self, method: str, url: str) -> Callable[[], None] | None:
        """Wait for room in HubSpot's windows as a request (or its retry) goes out: counted
        when it holds a connection, so requests queued for one are not counted early and
        then sent together, and a retry after a 429 is paced like any request. Counted again
        from the instant it is on the wire (what the returned callback is for)."""
        path = urlsplit(url).path.rstrip("/")
        if path.startswith("/oauth/"):
            return None  # a token grant is not an API call HubSpot's windows count
        return self.governor.before(search=method == "POST" and path.endswith("/search"))

    def _observe(self, response: HttpResponse) -> None:
        self.governor.observe(response)  # looked up per answer: a test may swap the clock

    def _properties_body(self, obj: str) -> Any:
        if obj not in self._described:
            path = f"/crm/v3/properties/{dialect.path_segment(obj)}"
            self._described[obj] = self._call("GET", path, None, None, False) or {}
        return self._described[obj]

    def _types(self, obj: str) -> dict[str, str]:
        return dialect.property_types(self._properties_body(obj))

    @cached_property
    def _profile_required(self) -> dict[str, set[str]]:
        """Object -> the properties the pack's profile says HubSpot must be given."""
        required: dict[str, set[str]] = {}
        if PACK.profile_path is None:
            return required
        for entity in load_profile(PACK.profile_path).entities.values():
            names = {f.field.split(".")[0] for f in entity.fields
                     if f.required and f.field and f.writable}  # fmt: skip
            # Two entities on one object (product and price on products): only what both
            # need, or a price written alone would be refused for want of a product's name.
            held = required.get(entity.object)
            required[entity.object] = names if held is None else held & names
        return required

    def _required(self, obj: str) -> set[str]:
        return self._profile_required.get(obj, set())

    # -- reads -------------------------------------------------------------------------------

    def describe(self, obj: str) -> ObjectSchema:
        self._described.pop(obj, None)  # describe always asks again: it is how drift is seen
        body = self._properties_body(obj)
        lines = LINES_FIELD if obj == "deals" else None
        return dialect.schema_from_properties(obj, body, self._required(obj), lines)

    def _wanted(self, obj: str, fields: Sequence[str] | None) -> list[str]:
        """The properties to ask for: `fields` without references and lines, or all."""
        plain = set(REFERENCES.get(obj, {})) | ({LINES_FIELD, "id"} if obj == "deals" else {"id"})
        names = list(fields) if fields is not None else list(self._types(obj))
        stamp = dialect.modified_property(obj)
        return list(dict.fromkeys([*(n for n in names if n not in plain), stamp]))

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        """Pages in (modified, id) order; with `since`, from `since - search_lookback_seconds`."""
        types = self._types(obj)
        props = self._wanted(obj, fields)
        served: list[int] = []
        records = self._records(obj, props, types, since, include_deleted, served)
        wanted = set(fields) if fields is not None else None
        # Pages as asked (`page_size`), else as large as the portal's own list pages.
        size = self.settings.page_size or max(served, default=self._page)
        for page in _chunks(records, size):
            yield self._with_extras(obj, page, wanted)

    def _records(self, obj: str, props: list[str], types: dict[str, str],
                 since: Watermark | None, include_deleted: bool,
                 served: list[int] | None = None) -> Iterator[Record]:  # fmt: skip
        """Records in (modified, id) order. A full read lists the object (the length of each
        list page it got goes to `served`); an incremental one runs search windows."""
        stamp = dialect.modified_property(obj)
        served = served if served is not None else []

        def convert(rows: Iterable[dict[str, Any]]) -> list[Record]:
            return sorted((dialect.record_from_wire(r, types, stamp) for r in rows), key=_order)

        start = dialect.as_utc(since.modified_at) - self.lookback if since else None
        gone: list[Record] = []
        if include_deleted:
            archived = (r for page in list_rows(self._call, obj, props, archived=True)
                        for r in page)  # fmt: skip
            gone = [r for r in convert(archived) if start is None or r.modified_at >= start]
        if start is None:
            live = convert(_counted(list_rows(self._call, obj, props), served))
            return heapq.merge(live, gone, key=_order)
        groups = search_window(self._call, obj, stamp, props, dialect.epoch_ms(start),
                               limit=self._search_limit)  # fmt: skip
        live_stream = (record for group in groups for record in convert(group))
        return heapq.merge(live_stream, gone, key=_order)

    def _with_extras(self, obj: str, page: list[Record], wanted: set[str] | None) -> list[Record]:
        """The page with its references and lines, read in batches (archived ones: none)."""
        ids = [r.id for r in page if not r.deleted]
        extras: dict[str, dict[str, Any]] = {i: {} for i in ids}
        for name, ref in REFERENCES.get(obj, {}).items():
            if ids and (wanted is None or name in wanted):
                links = read_links(self._call, obj, ref.to, ids)
                for i in ids:
                    extras[i][name] = preferred(links.get(i), ref)
        if obj == "deals" and ids and (wanted is None or LINES_FIELD in wanted):
            for i, lines in self._lines.read(ids).items():
                extras[i][LINES_FIELD] = lines
        return [replace(r, fields={**r.fields, **extras[r.id]}) if r.id in extras else r
                for r in page]  # fmt: skip

    def _batch_read(self, obj: str, inputs: list[str], props: list[str],
                    id_property: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
        path = f"/crm/v3/objects/{dialect.path_segment(obj)}/batch/read"

        def read(chunk: list[str]) -> list[dict[str, Any]]:
            body: dict[str, Any] = {"inputs": [{"id": v} for v in chunk], "properties": props}
            if id_property:
                body["idProperty"] = id_property
            answer = self._call("POST", path, {"archived": "false"}, body, False) or {}
            return [r for r in answer.get("results") or () if not r.get("archived")]

        chunks = [inputs[start : start + BATCH_LIMIT]
                  for start in range(0, len(inputs), BATCH_LIMIT)]  # fmt: skip
        return [row for rows in self._fanout(read, chunks) for row in rows]

    def get_by_external_id(
        self,
        obj: str,
        external_id_field: str,
        values: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
    ) -> dict[str, Record]:
        """One batch read per 100 values, by `idProperty`; missing values are left out."""
        if external_id_field in ("id", dialect.ID_PROPERTY):  # the record's own id
            found_by_id = self.get_by_ids(obj, [str(v) for v in values], fields=fields)
            return {str(v): found_by_id[str(v)] for v in values if str(v) in found_by_id}
        types = self._types(obj)
        props = list(dict.fromkeys([*self._wanted(obj, fields), external_id_field]))
        wanted = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
        stamp = dialect.modified_property(obj)
        rows = self._batch_read(obj, wanted, props, external_id_field)
        records = [dialect.record_from_wire(r, types, stamp) for r in rows]
        records = self._with_extras(obj, records, set(fields) if fields is not None else None)
        found = {str(r.fields.get(external_id_field)): r for r in records}
        return {v: found[v] for v in wanted if v in found}

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        """Batch reads by id (not search, which may lag a write); archived ids are absent."""
        types = self._types(obj)
        unique = list(dict.fromkeys(str(i) for i in ids))
        props = self._wanted(obj, fields)
        stamp = dialect.modified_property(obj)
        records = [dialect.record_from_wire(r, types, stamp)
                   for r in self._batch_read(obj, unique, props)]  # fmt: skip
        if fields is None or fields:
            records = self._with_extras(obj, records, set(fields) if fields is not None else None)
        return {r.id: r for r in records}

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        """Ids, external ids and stamps only (archived records included), in order."""
        types = self._types(obj)
        props = self._wanted(obj, [external_id_field])
        records = self._records(obj, props, types, since, include_deleted=True)
        for page in _chunks(records, max(self._page, LIST_LIMIT)):
            yield [RecordChange(r.id, _text(r.fields.get(external_id_field)), r.modified_at)
                   for r in page]  # fmt: skip

    # -- writes ------------------------------------------------------------------------------

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        self.http.ensure_writable(f"upsert of {obj}")
        return self._writer.upsert(obj, external_id_field, records)

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        self.http.ensure_writable(f"update of {obj}")
        return self._writer.update(obj, changes)

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        self.http.ensure_writable(f"delete of {obj}")
        return self._writer.delete(obj, ids)

    def call_count(self) -> int:
        return self.http.stats.total

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        self.http.close()

    def __enter__(self) -> HubSpotConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _order(record: Record) -> tuple[datetime, str]:
    return (record.modified_at, record.id)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    page: list[Record] = []
    for record in records:
        page.append(record)
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page


def _counted(pages: Iterable[list[dict[str, Any]]], served: list[int]
             ) -> Iterator[dict[str, Any]]:  # fmt: skip
    """The rows of `pages`, noting each page's length in `served`."""
    for page in pages:
        served.append(len(page))
        yield from page


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)
