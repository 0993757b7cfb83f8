"""The Toy CRM connector: bearer-token auth, cursor paging, upserts by reference.

Credentials: `client_id` and `client_secret`. No options beyond the HTTP layer's.

Decisions:
- Reads follow `next_cursor` in (updated_at, id) order, `settings.page_size` rows a page
  (capped at the API's 100); `since` is sent floored to the millisecond, and the rows the
  floor lets in before `since` are dropped here.
- The API writes one client per request, so writes go `settings.concurrency` at a time
  and each record gets its own outcome: a 4xx refusal (422 `too_long`, `required`, ...)
  or a 404 is that record's failure; a write still failing transiently after the HTTP
  layer's retries comes back `retryable`; an auth failure aborts the whole call.
- Only `ref` is an external id (the API upserts by it); `get_by_external_id` also takes
  `id`, which a flow back to this CRM pairs by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from sync.connectors.base import (
    ConnectionSettings,
    ObjectSchema,
    Record,
    RecordChange,
    Watermark,
    WriteResult,
)
from sync.connectors.http import ErrorPolicy, HttpSession
from sync.errors import ConfigError, FatalVendorError, TransientVendorError
from tests.packs.toy.connector import dialect
from tests.packs.toy.connector.auth import TokenAuth

if TYPE_CHECKING:
    import httpx

__all__ = ["ToyConnector"]

MAX_PAGE = 100
ERROR_POLICY = ErrorPolicy(parse=dialect.parse_error)
T = TypeVar("T")


class ToyConnector:
    """The `Connector` for the Toy CRM."""

    vendor = "toy"

    def __init__(self, settings: ConnectionSettings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self._auth = TokenAuth(settings)
        self.http = HttpSession(settings, client=client, auth=self._auth, errors=ERROR_POLICY)
        self._auth.session = self.http
        self._page = max(1, min(settings.page_size or MAX_PAGE, MAX_PAGE))
        self._workers = max(1, settings.concurrency)
        self._pool: ThreadPoolExecutor | None = None

    # -- reads -------------------------------------------------------------------------------

    def describe(self, obj: str) -> ObjectSchema:
        return dialect.schema_from_wire(self.http.get(dialect.schema_path(obj)).json())

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        params: dict[str, Any] = {}
        if since is not None:
            params["updated_since"] = dialect.format_datetime(since.modified_at)
        if include_deleted:
            params["include_deleted"] = "true"
        for rows in self._pages(obj, params):
            page = [dialect.record_from_wire(row, fields) for row in rows]
            if since is not None:  # the sent instant is floored to the millisecond
                page = [r for r in page if r.modified_at >= dialect.as_utc(since.modified_at)]
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
        wanted = list(dict.fromkeys(str(v) for v in values))
        wanted_fields = None if fields is None else [*fields, external_id_field]
        found: dict[str, Record] = {}
        if external_id_field == dialect.ID_FIELD:
            for record in self._each(wanted, lambda rid: self._get(obj, rid, wanted_fields)):
                if record is not None:
                    found[record.id] = record
            return found
        self._check_external(external_id_field)
        for chunk in dialect.chunks(wanted, MAX_PAGE):
            for rows in self._pages(obj, {"ref": chunk}):
                for row in rows:
                    record = dialect.record_from_wire(row, wanted_fields)
                    found[str(row[dialect.EXTERNAL_FIELD])] = record
        return found

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        wanted = list(dict.fromkeys(str(i) for i in ids))
        records = self._each(wanted, lambda rid: self._get(obj, rid, fields))
        return {r.id: r for r in records if r is not None}

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        for page in self.read(obj, fields=[external_id_field], since=since):
            yield [RecordChange(r.id, _text(r.fields.get(external_id_field)), r.modified_at)
                   for r in page]  # fmt: skip

    # -- writes ------------------------------------------------------------------------------

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        self.http.ensure_writable(f"upsert of {obj}")
        self._check_external(external_id_field)
        base = dialect.object_path(obj)

        def one(record: dict[str, Any]) -> WriteResult:
            key = record.get(external_id_field)
            if key is None or key == "":
                return WriteResult("", False, error_code="MISSING_EXTERNAL_ID",
                                   message=f"the record carries no {external_id_field} value",
                                   fields=(external_id_field,))  # fmt: skip
            path = f"{base}/by-ref/{quote(str(key), safe='')}"
            return self._write(str(key), "PUT", path, dialect.record_to_wire(record))

        return self._each(list(records), one)

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        self.http.ensure_writable(f"update of {obj}")
        base = dialect.object_path(obj)

        def one(change: tuple[str, dict[str, Any]]) -> WriteResult:
            record_id, fields = change
            body = {k: dialect.to_wire_value(v) for k, v in fields.items()
                    if k not in dialect.SERVER_FIELDS}  # fmt: skip
            return self._write(record_id, "PATCH", f"{base}/{quote(record_id, safe='')}", body)

        return self._each(list(changes), one)

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        self.http.ensure_writable(f"delete of {obj}")
        base = dialect.object_path(obj)
        return self._each(
            [str(i) for i in ids],
            lambda rid: self._write(rid, "DELETE", f"{base}/{quote(rid, safe='')}", None),
        )

    def call_count(self) -> int:
        return self.http.stats.total

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.http.close()

    def __enter__(self) -> ToyConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers -----------------------------------------------------------------------------

    def _pages(self, obj: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Raw rows page by page, following `next_cursor` to the end."""
        path = dialect.object_path(obj)
        cursor: str | None = None
        while True:
            query = {**params, "limit": self._page, **({"cursor": cursor} if cursor else {})}
            rows, cursor = dialect.page_of(self.http.get(path, params=query).json())
            yield rows
            if cursor is None:
                return

    def _get(self, obj: str, record_id: str, fields: Sequence[str] | None) -> Record | None:
        try:
            body = self.http.get(f"{dialect.object_path(obj)}/{quote(record_id, safe='')}").json()
        except FatalVendorError as exc:
            if exc.status == 404:
                return None
            raise
        return dialect.record_from_wire(body, fields)

    def _write(self, key: str, method: str, path: str, body: Any) -> WriteResult:
        try:
            response = self.http.request(method, path, json=body)
        except FatalVendorError as exc:
            return dialect.failed(key, exc)
        except TransientVendorError as exc:
            return dialect.failed(key, exc, retryable=True)
        data = response.json()
        record_id = str(data[dialect.ID_FIELD]) if isinstance(data, dict) else key
        return WriteResult(key, True, id=record_id, created=response.status == 201)

    def _each(self, items: list[T], fn: Callable[[T], Any]) -> list[Any]:
        """`fn` over `items`, `settings.concurrency` at a time; results in input order."""
        if self._workers == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="toy")
        return list(self._pool.map(fn, items))

    @staticmethod
    def _check_external(name: str) -> None:
        if name != dialect.EXTERNAL_FIELD:
            raise ConfigError(f"the Toy CRM upserts and looks up by {dialect.EXTERNAL_FIELD!r}"
                              f" only, not {name!r}", key="external_id")  # fmt: skip


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)
