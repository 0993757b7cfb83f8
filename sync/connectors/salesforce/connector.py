"""Salesforce REST connector: OAuth token auth, SOQL paging, sObject Collections writes.

Credentials: `client_id` and `client_secret`, plus `username` and `password` (and an optional
`security_token`) for the password grant; without them the client-credentials grant is used.
Options: `api_version` (default "59.0"); `bulk_threshold` (default 2,000): a write of more
records than this in one call, or a full read of a larger object, goes through one Bulk API
2.0 job instead of sObject Collections / `query/` pages (see `bulk`); `bulk_timeout` (seconds
a job may run, default 3,600); `bulk_batch` (default 10,000): the records one write round
should hold when bulk is on (`preferred_write_batch`: the engine gathers source pages up to
it, so an ERP -> CRM flow of 200,000 records costs 20 jobs, not 1,000 composite calls); a
lookup of more external ids than the threshold runs as query jobs too.

Decisions:
- Calls go to `settings.base_url` (the My Domain / instance URL); the token's `instance_url`
  is kept in `instance_url` for information only.
- Writes report per-record outcomes. A batch that still fails transiently after the HTTP
  layer's retries comes back as `WriteResult(ok=False, retryable=True)` for each of its
  records, except `REQUEST_LIMIT_EXCEEDED` (the daily allowance is spent): that is raised as
  `TransientVendorError` at once and unretried, so the run stops and resumes another day.
- A whole-batch 4xx (an unknown field, malformed JSON) is a mapping bug, not a record
  problem: it is raised as `FatalVendorError`.
- Child records: naming a child relationship among `read`'s fields (`fields=[...,
  "OrderItems"]` on Order) adds a SOQL subquery, and each record carries its children as a
  plain list of rows (all their fields, `[]` when none). Without it, children are read on
  their own (`read("OrderItem")`), which is what incremental syncs of lines should do: an
  order's SystemModstamp moves with its TotalAmount roll-up, not with every line edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sync.connectors.base import (
    ConnectionSettings,
    ObjectSchema,
    Record,
    RecordChange,
    Watermark,
    WriteResult,
)
from sync.connectors.http import ErrorPolicy, HttpResponse, HttpSession
from sync.connectors.salesforce import bulk_dialect, dialect
from sync.connectors.salesforce.auth import TokenAuth
from sync.connectors.salesforce.bulk import (
    BULK_LOOKUP_CHARS,
    BULK_LOOKUP_IDS,
    DEFAULT_BULK_BATCH,
    DEFAULT_THRESHOLD,
    QUERY_PAGE,
    BulkJobs,
)
from sync.errors import (
    TransientVendorError,
    VendorError,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["SalesforceConnector"]

DEFAULT_API_VERSION = "59.0"
ERROR_POLICY = ErrorPolicy(
    parse=dialect.parse_error,
    retry_codes=frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"}),
    defer_codes=frozenset({"REQUEST_LIMIT_EXCEEDED"}),
)


class SalesforceConnector:
    """The `Connector` for Salesforce (REST API, sObject Collections)."""

    vendor = "salesforce"

    def __init__(self, settings: ConnectionSettings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.api_usage: dict[str, tuple[int, int]] = {}
        version = str(settings.options.get("api_version", DEFAULT_API_VERSION))
        self._data = f"/services/data/v{version}"
        self._auth = TokenAuth(settings)
        self.http = HttpSession(
            settings,
            client=client,
            auth=self._auth,
            errors=ERROR_POLICY,
            response_hook=self._observe,
        )
        self._auth.session = self.http
        self._fields_cache: dict[str, list[str]] = {}
        self._schema_cache: dict[str, ObjectSchema] = {}
        self.bulk_threshold = int(settings.options.get("bulk_threshold", DEFAULT_THRESHOLD))
        timeout = float(settings.options.get("bulk_timeout", 3600))
        # Query job pages: `page_size` when the settings name one, else 50,000 rows.
        pages = settings.page_size or QUERY_PAGE
        self._bulk = BulkJobs(self.http, self._data, timeout=timeout, page_size=pages)
        self._children_cache: dict[str, dict[str, str]] = {}
        batch = int(settings.options.get("bulk_batch", DEFAULT_BULK_BATCH))
        # Rounds a Bulk API job's size, whenever such a round goes bulk (a threshold of 0
        # sends every write through bulk: one job per round, not one per source page).
        self.preferred_write_batch = batch if self.bulk_threshold < batch else None

    @property
    def instance_url(self) -> str | None:
        return self._auth.instance_url

    # -- reads -------------------------------------------------------------------------------

    def describe(self, obj: str) -> ObjectSchema:
        body = self.http.get(f"{self._data}/sobjects/{dialect.identifier(obj)}/describe").json()
        self._fields_cache[obj] = dialect.selectable_fields(body)
        self._children_cache[obj] = dialect.child_relationships(body)
        self._schema_cache[obj] = dialect.schema_from_describe(body)
        return self._schema_cache[obj]

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        wanted = list(fields) if fields is not None else self._all_fields(obj)
        children = self._children(obj, wanted)
        plain = [f for f in wanted if f not in children]
        columns = dialect.select_list(plain, include_deleted=include_deleted)
        columns += [
            dialect.child_subquery(rel, self._all_fields(child)) for rel, child in children.items()
        ]
        soql = dialect.incremental_query(obj, columns, since.modified_at if since else None)
        endpoint = "queryAll" if include_deleted else "query"
        if since is None and not children:
            pages = self._full_read(obj, soql, include_deleted)
            if pages is None:
                yield from self._bulk.query(
                    soql, self._schema(obj), include_deleted=include_deleted
                )
                return
        else:
            pages = self._query(soql, endpoint=endpoint)
        floor = dialect.as_utc(since.modified_at) if since else None
        for rows in pages:
            page = [dialect.record_from_wire(row, tuple(children)) for row in rows]
            if floor is not None:  # the SOQL literal is floored to the second
                page = [r for r in page if r.modified_at >= floor]
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
        wanted_fields = list(fields) if fields is not None else self._all_fields(obj)
        children = self._children(obj, wanted_fields)
        plain = [f for f in wanted_fields if f not in children]
        columns = dialect.select_list([*plain, external_id_field])
        columns += [
            dialect.child_subquery(rel, self._all_fields(child)) for rel, child in children.items()
        ]
        wanted = list(dict.fromkeys(str(v) for v in values))
        if self._lookup_goes_bulk(wanted, children):
            return self._bulk_lookup(obj, columns, external_id_field, wanted)
        found: dict[str, Record] = {}
        for chunk in dialect.chunk_values(wanted):
            soql = dialect.lookup_query(obj, columns, external_id_field, chunk)
            for rows in self._query(soql):
                for row in rows:
                    record = dialect.record_from_wire(row, tuple(children))
                    key = record.fields.get(external_id_field)
                    if key is not None:
                        found[str(key)] = record
        return found

    def _lookup_goes_bulk(self, wanted: Sequence[str], children: Mapping[str, str]) -> bool:
        """A lookup of more ids than the threshold, with no child subquery (a Bulk API query
        cannot carry one), runs as query jobs: a few calls per 4,000 ids instead of one per 200."""
        return 0 < self.bulk_threshold < len(wanted) and not children

    def _bulk_lookup(
        self, obj: str, columns: list[str], external_id_field: str, wanted: Sequence[str]
    ) -> dict[str, Record]:
        found: dict[str, Record] = {}
        schema = self._schema(obj)
        chunks = dialect.chunk_values(
            wanted, max_items=BULK_LOOKUP_IDS, max_chars=BULK_LOOKUP_CHARS, encoded=False
        )
        for chunk in chunks:
            soql = dialect.lookup_query(obj, columns, external_id_field, chunk)
            for page in self._bulk.query(soql, schema):
                for record in page:
                    key = record.fields.get(external_id_field)
                    if key is not None:
                        found[str(key)] = record
        return found

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        """sObject Collections retrieve (POST form, 2,000 ids a call): reads the records
        themselves, so a row the query index does not show yet is found. Child collections
        are not part of a retrieve; ask `read` or `get_by_external_id` for them."""
        wanted = list(fields) if fields is not None else self._all_fields(obj)
        columns = dialect.select_list(f for f in wanted if f not in self._children(obj, wanted))
        unique = list(dict.fromkeys(str(i) for i in ids))
        path = f"{self._data}/composite/sobjects/{dialect.identifier(obj)}"
        found: dict[str, Record] = {}
        for start in range(0, len(unique), dialect.RETRIEVE_LIMIT):
            chunk = unique[start : start + dialect.RETRIEVE_LIMIT]
            rows = self.http.request(
                "POST", path, json={"ids": chunk, "fields": columns}, read=True
            ).json()
            for row in rows or []:
                if row:  # null: no such record, or deleted
                    record = dialect.record_from_wire(row)
                    found[record.id] = record
        return found

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        """SOQL over the id, external id and SystemModstamp only."""
        columns = dialect.select_list([external_id_field])
        soql = dialect.incremental_query(obj, columns, since.modified_at if since else None)
        for rows in self._query(soql):
            records = [dialect.record_from_wire(row) for row in rows]
            yield [RecordChange(r.id, _text(r.fields.get(external_id_field)), r.modified_at)
                   for r in records]  # fmt: skip

    # -- writes ------------------------------------------------------------------------------

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        self.http.ensure_writable(f"upsert of {obj}")
        path = f"{self._data}/composite/sobjects/{dialect.identifier(obj)}/"
        path += dialect.identifier(external_id_field)
        results: list[WriteResult | None] = [None] * len(records)
        todo: list[tuple[int, str, Any]] = []
        for i, record in enumerate(records):
            key = record.get(external_id_field)
            if key is None or key == "":
                results[i] = WriteResult(
                    "", False, error_code="MISSING_EXTERNAL_ID",
                    message=f"the record carries no {external_id_field} value",
                    fields=(external_id_field,),
                )  # fmt: skip
            else:
                todo.append((i, str(key), dialect.record_to_wire(obj, record)))
        plain = [{**records[i], external_id_field: key} for i, key, _ in todo]
        if self._goes_bulk(plain):
            self._write_bulk(todo, results, lambda keys: self._bulk.ingest(
                obj, "upsert", keys, plain, first=[external_id_field],
                external_id_field=external_id_field))  # fmt: skip
        else:
            self._batches(todo, results, lambda keys, wires: self._collection("PATCH", path, wires))
        return [r for r in results if r is not None]

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        self.http.ensure_writable(f"update of {obj}")
        path = f"{self._data}/composite/sobjects"
        todo = [
            (i, record_id, dialect.record_to_wire(obj, fields, record_id=record_id))
            for i, (record_id, fields) in enumerate(changes)
        ]
        results: list[WriteResult | None] = [None] * len(changes)
        plain = [{dialect.ID_FIELD: record_id, **fields} for record_id, fields in changes]
        if self._goes_bulk(plain):
            self._write_bulk(todo, results, lambda keys: self._bulk.ingest(
                obj, "update", keys, plain, first=[dialect.ID_FIELD]))  # fmt: skip
        else:
            self._batches(todo, results, lambda keys, wires: self._collection("PATCH", path, wires))
        return [r for r in results if r is not None]

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        self.http.ensure_writable(f"delete of {obj}")
        path = f"{self._data}/composite/sobjects"
        results: list[WriteResult | None] = [None] * len(ids)
        todo: list[tuple[int, str, Any]] = []
        for i, raw in enumerate(ids):
            record_id = str(raw)
            if dialect.is_record_id(record_id):
                todo.append((i, record_id, None))
            else:  # a comma would split the ids list
                results[i] = WriteResult(
                    record_id, False, error_code="MALFORMED_ID",
                    message=f"{record_id!r} is not a Salesforce record id",
                )  # fmt: skip

        def send(keys: list[str], _: list[Any]) -> Any:
            params = {"ids": ",".join(keys), "allOrNone": "false"}
            return self.http.request("DELETE", path, params=params).json()

        plain = [{dialect.ID_FIELD: key} for _, key, _ in todo]
        if self._goes_bulk(plain):
            self._write_bulk(todo, results, lambda keys: self._bulk.ingest(
                obj, "delete", keys, plain))  # fmt: skip
        else:
            self._batches(todo, results, send)
        return [r for r in results if r is not None]

    def call_count(self) -> int:
        return self.http.stats.total

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SalesforceConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers -----------------------------------------------------------------------------

    def _children(self, obj: str, wanted: Sequence[str]) -> dict[str, str]:
        """The requested names that are child relationships of `obj` -> the child object."""
        if obj not in self._children_cache:
            self.describe(obj)
        known = self._children_cache[obj]
        return {name: known[name] for name in wanted if name in known}

    def _schema(self, obj: str) -> ObjectSchema:
        return self._schema_cache[obj] if obj in self._schema_cache else self.describe(obj)

    def _goes_bulk(self, records: Sequence[dict[str, Any]]) -> bool:
        """More records than the threshold, all flat (child lists need sObject calls)."""
        return len(records) > self.bulk_threshold and bulk_dialect.flat(records)

    def _full_read(self, obj: str, soql: str, include_deleted: bool
                   ) -> Iterator[list[dict[str, Any]]] | None:  # fmt: skip
        """The `query/` pages of a full read, or None when it should run as a Bulk API job:
        the first page's `totalSize` says how large the object is, so a small object costs
        no extra call and a large one one page (dropped: the job reads a snapshot of its own).
        """
        if self.bulk_threshold <= 0:
            return None
        endpoint = "queryAll" if include_deleted else "query"
        body, headers = self._first_page(soql, endpoint)
        if int(body.get("totalSize", 0)) > self.bulk_threshold:
            return None
        return self._pages(body, headers)

    def _write_bulk(
        self,
        todo: list[tuple[int, str, Any]],
        results: list[WriteResult | None],
        run: Callable[[list[str]], list[WriteResult]],
    ) -> None:
        """One Bulk API job for every record of `todo`; outcomes filed at their input index."""
        keys = [key for _, key, _ in todo]
        try:
            outcome = run(keys)
        except TransientVendorError as exc:
            outcome = self._retryable(keys, exc)
        for (index, _, _), result in zip(todo, outcome, strict=True):
            results[index] = result

    def _all_fields(self, obj: str) -> list[str]:
        if obj not in self._fields_cache:
            self.describe(obj)
        return self._fields_cache[obj]

    def _query(self, soql: str, *, endpoint: str = "query") -> Iterator[list[dict[str, Any]]]:
        """Pages of raw rows, following `nextRecordsUrl` until `done`."""
        body, headers = self._first_page(soql, endpoint)
        yield from self._pages(body, headers)

    def _first_page(self, soql: str, endpoint: str) -> tuple[dict[str, Any], dict[str, str]]:
        headers = {}
        if self.settings.page_size:
            headers["Sforce-Query-Options"] = f"batchSize={self.settings.page_size}"
        body = self.http.get(f"{self._data}/{endpoint}", params={"q": soql}, headers=headers).json()
        return body, headers

    def _pages(self, body: dict[str, Any], headers: dict[str, str]
               ) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
        while True:
            yield body.get("records", [])
            next_url = body.get("nextRecordsUrl")
            if body.get("done", True) or not next_url:
                return
            body = self.http.get(next_url, headers=headers).json()

    def _collection(self, method: str, path: str, wires: list[Any]) -> Any:
        payload = {"allOrNone": False, "records": wires}
        return self.http.request(method, path, json=payload).json()

    def _batches(
        self,
        todo: list[tuple[int, str, Any]],
        results: list[WriteResult | None],
        send: Callable[[list[str], list[Any]], Any],
    ) -> None:
        """`send` each slice of 200 (keys, payloads); file the outcomes at their input index."""
        for start in range(0, len(todo), dialect.BATCH_LIMIT):
            batch = todo[start : start + dialect.BATCH_LIMIT]
            keys = [key for _, key, _ in batch]
            try:
                outcome = self._results(keys, send(keys, [wire for _, _, wire in batch]))
            except TransientVendorError as exc:
                outcome = self._retryable(keys, exc)
            for (index, _, _), result in zip(batch, outcome, strict=True):
                results[index] = result

    @staticmethod
    def _results(keys: list[str], body: Any) -> list[WriteResult]:
        try:
            return dialect.write_results(keys, body)
        except ValueError as exc:
            raise VendorError(f"Salesforce sObject Collections: {exc}", body=body) from exc

    @staticmethod
    def _retryable(keys: list[str], exc: TransientVendorError) -> list[WriteResult]:
        if exc.code in ERROR_POLICY.defer_codes:
            raise exc
        return [
            WriteResult(
                k, False, error_code=exc.code or "TRANSIENT", message=str(exc), retryable=True
            )
            for k in keys
        ]

    def _observe(self, response: HttpResponse) -> None:
        usage = dialect.parse_limit_info(response.header("sforce-limit-info"))
        if usage:
            self.api_usage = usage


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)
