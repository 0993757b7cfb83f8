"""NetSuite REST connector: OAuth 1.0a token-based auth, SuiteQL pages, concurrent record calls.

Credentials: `consumer_key`, `consumer_secret`, `token_id`, `token_secret`. Options: `account`
(the realm, e.g. "1234567_SB1").
`settings.base_url` is the REST host root; paths start at `/services/rest`.

Decisions:
- `read` pages SuiteQL by keyset (rows after the last (lastmodifieddate, id) key served,
  never by offset, so records deleted or re-stamped mid-read cannot shift a row past the
  reader). Each page's query selects the record bodies the caller wants, and one query per
  line table (addresses, transaction lines) per page brings their sublists
  (`suiteql_reads`): a page of 1,000 records costs a few calls, and the records are the
  ones a record GET would have given, field for field (`suiteql_plan` maps the lower-case
  columns onto the metadata catalog's fields). Where a wanted field has no SuiteQL home
  (an item's `basePrice`, its `price` and `locations` sublists, a payment's `apply` lines
  and `subsidiary`), or the account refuses the body query, the page's records are GET
  with `expandSubResources=true` instead, `settings.concurrency` at a time (1 + N
  requests per page of N): correctness never depends on SuiteQL coverage.
  Timestamps are seconds (TO_CHAR), so the reader sorts each second's records by id and holds
  the last second of a page back until the next page, giving a strict (modified_at, id) order.
  A record deleted between the query and its GET is skipped. NetSuite deletes are hard, so
  `include_deleted` returns nothing extra.
- `get_by_external_id` (the before-images of a write batch) reads bodies the same way, one
  SuiteQL query per 200 values plus their lines, with the same fallback to record GETs.
  `get_by_ids` always GETs: the record service sees a record the query index may not yet.
- Records are plain (`shapes`): a reference reads as its internal id, with its display
  name beside it as `<field>_refName`; a sublist (a sales order's `item` lines, a
  payment's `apply` lines, an item's `locations`) as a list of plain lines. Writes turn
  them back into NetSuite's JSON using the record type's metadata-catalog schema, read
  once per type (NetSuite replaces a sublist on write).
- Keys come from the SuiteQL table that holds the record type (`dialect.suiteql_source`):
  sales orders, invoices and payments from `transaction` by `type`, inventory items from
  `item` by `itemtype`, entities from their own table.
- `upsert` is `PUT record/v1/{obj}/eid:{value}`; NetSuite answers 204 whether it created or
  updated, so `WriteResult.created` is always False (the vendor does not say).
- Writes report every record's outcome; a record still failing transiently after the HTTP
  layer's retries (429 CONCURRENCY_LIMIT_EXCEEDED, 5xx) gets `retryable=True`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sync.connectors.base import (
    ConnectionSettings,
    ObjectSchema,
    Record,
    RecordChange,
    Watermark,
    WriteResult,
)
from sync.connectors.http import ErrorPolicy, HttpSession
from sync.connectors.netsuite import dialect
from sync.connectors.netsuite.auth import TokenBasedAuth
from sync.connectors.netsuite.keys import key_pages
from sync.connectors.netsuite.shapes import Shape, shape_from_schema
from sync.connectors.netsuite.suiteql_reads import BodiesRefused, BodyReader
from sync.errors import ConfigError, FatalVendorError, TransientVendorError, VendorError

if TYPE_CHECKING:
    import httpx

__all__ = ["NetSuiteConnector"]

ERROR_POLICY = ErrorPolicy(
    parse=dialect.parse_error, retry_codes=frozenset({"CONCURRENCY_LIMIT_EXCEEDED"})
)
_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "error"}
_T = TypeVar("_T")
_R = TypeVar("_R")


class NetSuiteConnector:
    """The `Connector` for NetSuite (REST record service and SuiteQL)."""

    vendor = "netsuite"

    def __init__(self, settings: ConnectionSettings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.http = HttpSession(
            settings, client=client, auth=TokenBasedAuth(settings), errors=ERROR_POLICY
        )
        self._page = min(settings.page_size or dialect.MAX_PAGE, dialect.MAX_PAGE)
        self._workers = max(1, settings.concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._shapes: dict[str, Shape] = {}  # record type -> references and sublists in it
        self._catalogs: dict[str, dict[str, Any]] = {}  # record type -> its JSON schema
        self._bodies = BodyReader(self._suiteql, self._page, self._catalog, self._workers)

    # -- reads -------------------------------------------------------------------------------

    def describe(self, obj: str) -> ObjectSchema:
        path = f"{dialect.RECORD_ROOT}/metadata-catalog/{dialect.identifier(obj)}"
        body = self.http.get(path, headers={"Accept": "application/schema+json"}).json() or {}
        self._shapes[obj] = shape_from_schema(body)
        self._catalogs[obj] = body
        return dialect.schema_from_jsonschema(obj, body)

    def _catalog(self, obj: str) -> dict[str, Any]:
        """`obj`'s metadata-catalog JSON schema, read once (as `wire_shape` reads it)."""
        if obj not in self._catalogs:
            self.describe(obj)
        return self._catalogs[obj]

    def wire_shape(self, obj: str) -> Shape:
        """Which fields of `obj` are references and sublists (from the metadata catalog, read
        once per record type and again whenever `describe` is called)."""
        shape = self._shapes.get(obj)
        if shape is None:
            self.describe(obj)
            shape = self._shapes[obj]
        return shape

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        """Pages of records in strict (modified_at, id) order: through SuiteQL bodies when
        every wanted field has a SuiteQL home (`suiteql_reads`), else keys then record GETs."""
        start = since.modified_at if since else None
        # A full read asks for its count and stamp range beside the catalog request: with
        # many pages it runs in spans side by side (`spans`); an incremental one stays a chain.
        stats = self._bodies.start_stats(obj) if start is None else None
        try:
            plan = self._bodies.plan(obj, fields)
        except BaseException:
            if stats is not None:
                wait([stats])  # no request of a read outlives it (an unknown record type)
            raise
        if plan is None and stats is not None:
            wait([stats])  # the count goes unused (record GETs read this): let it end first
        if plan is not None:
            served = False
            try:
                for page in self._bodies.records(obj, plan, fields, start, stats):
                    served = True
                    yield page
                return
            except BodiesRefused as exc:
                if served:  # reading again from the start would serve pages twice
                    raise FatalVendorError(f"SuiteQL refused a later query: {exc}") from exc
                # refused before any page was served: read the same pages by GETs
        yield from self._read_by_get(obj, fields, start)

    def _read_by_get(
        self, obj: str, fields: Sequence[str] | None, since: datetime | None
    ) -> Iterator[list[Record]]:
        keys = key_pages(self._suiteql, obj, since)
        for batch in dialect.strict_order(keys):
            bodies = self._map(lambda k: self._get(dialect.record_path(obj, k.id)), batch)
            page = [
                dialect.record_from_wire(body, modified_at=key.modified_at, fields=fields)
                for key, body in zip(batch, bodies, strict=True)
                if body is not None
            ]
            if page:
                yield page

    def get_by_external_id(
        self,
        obj: str,
        external_id_field: str,
        values: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
    ) -> dict[str, Record]:
        """One SuiteQL call per 200 values (the chunks in flight together) finds which exist.
        Their bodies come with it, and their lines from one query per line table, when every
        wanted field has a SuiteQL home; else the records found are fetched by GET. A first
        sync of new records costs no per-record lookups either way."""
        _require_external_id(external_id_field)
        wanted = list(dict.fromkeys(str(v) for v in values))
        plan = self._bodies.plan(obj, fields)
        if plan is not None:
            try:
                return self._bodies.records_by_external_id(obj, plan, fields, wanted, self._map)
            except BodiesRefused:
                pass  # the account does not serve these fields in SuiteQL: GET them
        chunk = dialect.EXTERNAL_ID_CHUNK

        def internal_ids(values: list[str]) -> dict[str, str]:  # external id -> internal id
            query = dialect.external_id_query(obj, values)
            ids: dict[str, str] = {}
            offset = 0
            while True:
                body = self._suiteql(query, offset)
                for row in body.get("items", []):
                    ids[str(row["externalid"])] = str(row["id"])
                if not body.get("hasMore"):
                    return ids
                offset += self._page

        found: dict[str, str] = {}
        chunks = [wanted[start : start + chunk] for start in range(0, len(wanted), chunk)]
        for ids in self._map(internal_ids, chunks):
            found.update(ids)
        existing = [v for v in wanted if v in found]
        bodies = self._map(lambda v: self._get(dialect.record_path(obj, found[v])), existing)
        return {
            value: dialect.record_from_wire(body, fields=fields)
            for value, body in zip(existing, bodies, strict=True)
            if body is not None
        }

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        """One record GET per id (`settings.concurrency` at a time): the record service,
        not SuiteQL, so a record the query index does not show yet is found (it has no
        multi-get). Asked for the ids alone, each GET fetches one field, no sublists."""
        unique = list(dict.fromkeys(str(i) for i in ids))
        slim = {"fields": "lastModifiedDate"} if fields is not None and not fields else None
        bodies = self._map(lambda rid: self._get(dialect.record_path(obj, rid), slim), unique)
        return {
            rid: dialect.record_from_wire(body, fields=fields)
            for rid, body in zip(unique, bodies, strict=True)
            if body is not None
        }

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        """SuiteQL key rows only (id, externalid, lastmodifieddate): no record GETs."""
        _require_external_id(external_id_field)
        keys = key_pages(self._suiteql, obj, since.modified_at if since else None,
                         external_ids=True)  # fmt: skip
        for batch in dialect.strict_order(keys):
            yield [RecordChange(k.id, k.external_id, k.modified_at) for k in batch]

    # -- writes ------------------------------------------------------------------------------

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        self.http.ensure_writable(f"upsert of {obj}")
        _require_external_id(external_id_field)
        shape = self.wire_shape(obj)

        def put(record: dict[str, Any]) -> WriteResult:
            key = record.get(external_id_field)
            if key is None or key == "":
                return WriteResult(
                    "", False, error_code="MISSING_EXTERNAL_ID",
                    message=f"the record carries no {external_id_field} value",
                    fields=(external_id_field,),
                )  # fmt: skip
            body = dialect.write_body(record, shape, drop=(external_id_field,))
            return self._write("PUT", dialect.eid_path(obj, str(key)), str(key), body)

        return self._map(put, records)

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        self.http.ensure_writable(f"update of {obj}")
        shape = self.wire_shape(obj)

        def patch(change: tuple[str, dict[str, Any]]) -> WriteResult:
            record_id, fields = change
            body = dialect.write_body(fields, shape, drop=("id",))
            path = dialect.record_path(obj, record_id)
            return self._write("PATCH", path, record_id, body, record_id=record_id)

        return self._map(patch, changes)

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        self.http.ensure_writable(f"delete of {obj}")

        def remove(record_id: str) -> WriteResult:
            path = dialect.record_path(obj, record_id)
            return self._write("DELETE", path, str(record_id), None, record_id=str(record_id))

        return self._map(remove, ids)

    def call_count(self) -> int:
        return self.http.stats.total

    def close(self) -> None:
        self._bodies.close()
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        self.http.close()

    def __enter__(self) -> NetSuiteConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers -----------------------------------------------------------------------------

    def _suiteql(self, query: str, offset: int) -> dict[str, Any]:
        response = self.http.request(
            "POST",
            dialect.SUITEQL_PATH,
            params={"limit": self._page, "offset": offset},
            json={"q": query},
            headers={"Prefer": "transient"},
            read=True,
        )
        body: dict[str, Any] = response.json() or {}
        return body

    def _get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The record's body (sublists expanded unless `params` say otherwise); None: 404."""
        try:
            body: dict[str, Any] = self.http.get(
                path, params=params or {"expandSubResources": "true"}
            ).json()
        except FatalVendorError as exc:
            if exc.status == 404:
                return None
            raise
        return body

    def _write(
        self,
        method: str,
        path: str,
        key: str,
        body: dict[str, Any] | None,
        *,
        record_id: str | None = None,
    ) -> WriteResult:
        try:
            response = self.http.request(method, path, json=body, headers=_WRITE_HEADERS)
        except TransientVendorError as exc:
            return WriteResult(
                key,
                False,
                id=record_id,
                error_code=exc.code or "TRANSIENT",
                message=str(exc),
                retryable=True,
            )
        except FatalVendorError as exc:
            code, message = dialect.parse_error(exc.status or 0, exc.body)
            return WriteResult(
                key,
                False,
                id=record_id,
                error_code=code or f"HTTP_{exc.status}",
                message=message,
                fields=dialect.error_fields(exc.body),
            )
        except VendorError as exc:
            return WriteResult(key, False, id=record_id, error_code=exc.code, message=str(exc))
        located = dialect.id_from_location(response.header("location"))
        return WriteResult(key, True, id=located or record_id)

    def _map(self, fn: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
        """`fn` over `items` with `settings.concurrency` in flight; results in input order."""
        items = list(items)
        if self._workers == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="netsuite")
            pool = self._pool
        return list(pool.map(fn, items))


def _require_external_id(name: str) -> None:
    if name != dialect.EXTERNAL_ID_FIELD:
        raise ConfigError(
            f"NetSuite looks records up by externalId only, not {name!r}",
            key="external_id_field",
        )
