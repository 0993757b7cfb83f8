"""Record bodies through SuiteQL: a page of records in one query, names and lines in a few.

The connector's reads (`read`, `get_by_external_id`) ask this reader first. It plans the
wanted fields against the record type's metadata-catalog schema (`suiteql_plan`); when every
wanted field has a SuiteQL home, a page of N records costs one body query, one query for its
references' display names and one per line table (`suiteql_rows`), instead of N record GETs;
the names and lines of a page are fetched as soon as it arrives, while the next pages'
bodies are (`ahead`). Every query pages by keyset, never by offset, as the key query does.
The rows are made into the JSON the record service would have sent, so the connector turns
both into plain records the same way (`dialect.record_from_wire`) and they come out identical.

Where the plan cannot serve a field (no column, a sublist without a usable table), or the
account refuses the body query as invalid (a field the catalog lists but SuiteQL does not
know, as a live account's custom field may be), the reader says so (`plan` is None,
`BodiesRefused`) and the connector GETs those records from the record service instead, so
correctness never depends on SuiteQL coverage.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, TypeVar

from sync.connectors.base import Record
from sync.connectors.netsuite import dialect
from sync.connectors.netsuite.ahead import ahead
from sync.connectors.netsuite.dialect import RowKey
from sync.connectors.netsuite.keys import SuiteQL
from sync.connectors.netsuite.spans import Span, check_tail, plan_spans, read_spans, signalled
from sync.connectors.netsuite.suiteql_plan import (
    BodyPlan,
    body_query,
    display_query,
    fold_displays,
    id_after,
    plan_bodies,
    wire_body,
)
from sync.connectors.netsuite.suiteql_rows import (
    IN_LIST_MAX,
    LineSource,
    fold_lines,
    main_line_source,
    row_after,
    sublist_sources,
)
from sync.connectors.netsuite.windows import Windows, refused_for_size, stats_query
from sync.errors import FatalVendorError, VendorError
from sync.readahead import gathered

__all__ = ["BodiesRefused", "BodyReader"]

log = logging.getLogger(__name__)
Body = dict[str, Any]  # a record as the record service's JSON
Row = dict[str, Any]  # a SuiteQL result row
Found = dict[str, tuple[RowKey, Body]]  # external id -> (key, body)
Fold = Callable[[Mapping[str, Body]], None]  # folds asked-for names and lines into bodies
_T = TypeVar("_T")
_R = TypeVar("_R")
# Parents per line query: a page's worth, so each line table costs one query a page (more
# only when its lines overflow a SuiteQL page of 1,000 rows).
LINE_CHUNK = 1000


class BodiesRefused(Exception):  # a signal to the connector, not an error
    """The account refused a body, names or lines query: read through record GETs."""


class BodyReader:
    """Plans and runs SuiteQL body reads for one connector (see the module docstring)."""

    def __init__(
        self,
        suiteql: SuiteQL,
        page_size: int,
        catalog: Callable[[str], Mapping[str, Any]],
        workers: int = 1,
    ) -> None:
        self._suiteql = suiteql
        self._page = page_size
        self._catalog = catalog
        self._refused: set[tuple[str, tuple[str, ...] | None]] = set()
        self._lock = threading.Lock()
        self._workers = max(1, workers)
        # Line queries get their own threads: they run inside the connector's pool's tasks
        # (a lookup chunk), and a pool waiting on itself can deadlock.
        self._pool: ThreadPoolExecutor | None = None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def plan(self, obj: str, fields: Sequence[str] | None) -> BodyPlan | None:
        """How to read `fields` of `obj` through SuiteQL; None when it cannot serve them."""
        if self._key(obj, fields) in self._refused:
            return None
        schema = self._catalog(obj)
        sources = sublist_sources(obj, schema.get("properties") or {})
        plan = plan_bodies(obj, schema, fields, sources)
        return plan if plan.servable else None

    def start_stats(self, obj: str) -> Future[dict[str, Any]]:
        """The count and stamp range of every record of `obj`, asked for now on a thread of
        the reader's pool (beside the metadata-catalog request a first read makes)."""
        return self._executor().submit(self._stats, obj, None, None)

    def records(
        self,
        obj: str,
        plan: BodyPlan,
        fields: Sequence[str] | None,
        since: datetime | None,
        stats: Future[dict[str, Any]] | None = None,
    ) -> Iterator[list[Record]]:
        """Pages of records in strict (modified_at, id) order. The body pages follow one
        another as fast as the account answers (keyset pages must), and each page's names
        and lines are asked for as soon as it arrives, beside the next pages (`ahead`):
        one names and one lines query per page the account served, whatever the reorder
        into strict order makes of the pages afterwards. A full read of many pages given
        its `stats` runs in stamp spans side by side (`spans`)."""

        def fill(rows: list[tuple[RowKey, Row]]) -> list[tuple[RowKey, Record]]:
            # Off the page chain: the next page is asked for while this one is made into
            # records; each page becomes records as it arrives, not all of them once the
            # slowest span is in. Its names and lines are asked for first: making the
            # bodies is work they need not wait for.
            fold = self.ask_lines(obj, plan, [key.id for key, _ in rows])
            records = self._make(plan, fields, rows, fold)
            return [(key, record) for (key, _), record in zip(rows, records, strict=True)]

        counted = self._counted(obj, stats)
        spans = plan_spans(counted, self._page) if counted is not None else None
        if spans is None:
            chain = self.pages(obj, plan, fields, since, counted=counted)
            filled = dialect.strict_order(ahead(chain, fill, name="netsuite-ahead"), key=_first)
        else:

            def read(span: Span, ended: threading.Event) -> Iterator[list[tuple[RowKey, Record]]]:
                # In strict order span by span: a span ends at a whole second, so its last
                # second is complete when its chain ends, and is handed out then, not held
                # until the next span has been read and made into records too.
                chain = self.pages(obj, plan, fields, span.since(since), span.conditions())
                made = ahead(signalled(chain, ended), fill, depth=2, name="netsuite-span")
                return dialect.strict_order(made, key=_first)

            tail_check = partial(check_tail, self._suiteql, obj, spans[-1].since(since))
            filled = read_spans(spans, read, depth=self._workers, tail_check=tail_check)
        # Re-cut into whole pages (the last one shorter): spans hold less than a page, and the
        # strict order holds each page's last second back, so the pages served vary; a
        # consumer's rounds (a write batch per 100 records downstream) stay full.
        for batch in gathered(filled, self._page):
            yield [record for _, record in batch]

    @staticmethod
    def _make(
        plan: BodyPlan, fields: Sequence[str] | None, rows: list[tuple[RowKey, Row]], fold: Fold
    ) -> list[Record]:
        """The records of a page of body rows, their names and lines folded in."""
        bodies = [(key, wire_body(row, plan)) for key, row in rows]
        fold({key.id: body for key, body in bodies})
        return [
            dialect.record_from_wire(body, modified_at=key.modified_at, fields=fields)
            for key, body in bodies
        ]

    def records_by_external_id(
        self,
        obj: str,
        plan: BodyPlan,
        fields: Sequence[str] | None,
        wanted: list[str],
        run: Callable[[Callable[[list[str]], Found], list[list[str]]], list[Found]],
    ) -> dict[str, Record]:
        """The records holding `wanted` external ids, in that order: one body query per
        `EXTERNAL_ID_CHUNK` values (the chunks `run` side by side) plus their lines."""
        chunk = dialect.EXTERNAL_ID_CHUNK
        chunks = [wanted[start : start + chunk] for start in range(0, len(wanted), chunk)]

        def lookup(values: list[str]) -> Found:
            found = self.by_external_id(obj, plan, fields, values)
            bodies = {key.id: body for key, body in found.values()}
            self.ask_lines(obj, plan, list(bodies))(bodies)
            return found

        records: dict[str, Record] = {}
        for found in run(lookup, chunks):
            for value, (key, body) in found.items():
                records[value] = dialect.record_from_wire(
                    body, modified_at=key.modified_at, fields=fields
                )
        return {value: records[value] for value in wanted if value in records}

    @staticmethod
    def _counted(obj: str, stats: Future[dict[str, Any]] | None) -> dict[str, Any] | None:
        """The count a full read asked for, or None (an incremental read, or an account
        refusing the aggregate query: one chain needs no count)."""
        if stats is None:
            return None
        try:
            return stats.result()
        except VendorError as exc:
            log.debug("reading %s in one chain: its count query failed (%s)", obj, exc)
            return None

    def pages(
        self,
        obj: str,
        plan: BodyPlan,
        fields: Sequence[str] | None,
        since: datetime | None,
        bounds: Sequence[str] = (),
        counted: dict[str, Any] | None = None,
    ) -> Iterator[list[tuple[RowKey, Row]]]:
        """Keyset pages of (key, body row) in (lastmodifieddate, id) order, as `keys.key_pages`
        reads keys: rows after the last (second, id) served, always at offset 0; `bounds`
        are conditions every query of the chain keeps (a span's upper bound). `counted` is
        the count of the whole read when it was asked for already (a full read's)."""
        after: RowKey | None = None
        windows, first = Windows(), True
        while True:
            window = [*bounds, *windows.condition()]
            query = self._page_query(obj, plan, since, after, window)
            try:
                body = self._first(obj, fields, query) if first else self._suiteql(query, 0)
            except FatalVendorError as exc:
                if not refused_for_size(exc):
                    raise
                windows.narrow(self._ahead_count(obj, since, after, bounds, counted),
                               after.modified_at if after else since)  # fmt: skip
                continue
            first = False
            rows = dialect.rows_past(after, body.get("items", []), obj)
            page = [(dialect.row_key(row), row) for row in rows]
            if page:
                yield page
                after = page[-1][0]
            if body.get("hasMore") and page:
                continue
            if not windows.advance():
                return

    def _ahead_count(self, obj: str, since: datetime | None, after: RowKey | None,
                     bounds: Sequence[str], counted: dict[str, Any] | None
                     ) -> Callable[[], dict[str, Any]]:  # fmt: skip
        """How to learn the count still ahead of a chain: the read's own count when nothing
        is read yet (a full read asked for it already), else one aggregate query."""
        if after is None and counted is not None:
            return lambda: counted
        return partial(self._stats, obj, since, after, bounds)

    def _stats(self, obj: str, since: datetime | None, after: RowKey | None,
               bounds: Sequence[str] = ()) -> dict[str, Any]:  # fmt: skip
        """The count and stamp range of the records a read still has ahead of it."""
        table, conditions = dialect.suiteql_source(obj)
        conditions += dialect.keyset_conditions(since, after) + list(bounds)
        items = self._suiteql(stats_query(table, conditions), 0).get("items") or [{}]
        found: dict[str, Any] = items[0]
        return found

    def by_external_id(
        self, obj: str, plan: BodyPlan, fields: Sequence[str] | None, values: list[str]
    ) -> Found:
        """The records holding any of `values` as externalId: external id -> (key, body)."""
        table, conditions = dialect.suiteql_source(obj)
        listed = ", ".join(dialect.suiteql_string(v) for v in values)
        conditions.append(f"externalid IN ({listed})")

        def query(after: Any) -> str:
            where = [*conditions, *id_after(after)]
            return body_query(table, where, plan, external_ids=True, order="id")

        rows = self._keyset_rows(query, _row_id, first=lambda q: self._first(obj, fields, q))
        found = {}
        for row in rows:
            key = dialect.row_key(row)
            if key.external_id is not None:
                found[key.external_id] = (key, wire_body(row, plan))
        return found

    def ask_lines(self, obj: str, plan: BodyPlan, ids: list[str]) -> Fold:
        """Ask now for the references' display names, the planned sublists and main-line
        fields of the records `ids`: one query per `IN_LIST_MAX` records for the names, one
        per line table per `LINE_CHUNK` records for the lines, several in flight. Returns
        how to fold the answers into those records' bodies (by id), waiting for them."""
        if not ids:
            return _nothing
        tasks: list[_Task] = []
        if plan.displays:
            table, conditions = dialect.suiteql_source(obj)
            names = partial(fold_displays, plan=plan)
            for part in _chunks(ids, IN_LIST_MAX):
                query = partial(display_query, table, conditions, plan, part)
                tasks.append(_Task(query, _row_id, names))
        jobs = self._line_jobs(obj, plan)
        for source, sublist, main_fields in jobs:
            lines = partial(fold_lines, source=source, sublist=sublist, main_fields=main_fields)
            for part in _chunks(ids, LINE_CHUNK):
                tasks.append(_Task(partial(source.query, part), row_after, lines))
        answers = self._start(lambda task: self._keyset_rows(task.query, task.key), tasks)

        def fold(bodies: Mapping[str, Body]) -> None:
            for name in plan.sublists:
                for body in bodies.values():
                    body[name] = {"items": []}  # a record without lines shows an empty sublist
            try:
                results = answers()
            except FatalVendorError as exc:
                if exc.status != 400:
                    raise
                # A names or lines query the account refuses: the record GETs serve those too.
                raise BodiesRefused(str(exc)) from exc
            for task, rows in zip(tasks, results, strict=True):  # in order: lines stay in order
                task.fold(rows, bodies=bodies)

        return fold

    def _line_jobs(
        self, obj: str, plan: BodyPlan
    ) -> list[tuple[LineSource, bool, tuple[str, ...]]]:
        """The line tables to query: (source, fills its sublist, main-line fields it reads)."""
        schema = self._catalog(obj)
        sources = sublist_sources(obj, schema.get("properties") or {})
        jobs: list[tuple[LineSource, bool, tuple[str, ...]]] = []
        main = main_line_source(obj) if plan.main_line else None
        for name in plan.sublists:
            source = sources[name]
            jobs.append((source, True, plan.main_line if source is main else ()))
        if main is not None and all(source is not main for source, _, _ in jobs):
            jobs.append((main, False, plan.main_line))
        return jobs

    # -- helpers -------------------------------------------------------------------------------

    def _start(self, fn: Callable[[_T], _R], items: list[_T]) -> Callable[[], list[_R]]:
        """`fn` over `items` started now, several in flight (the HTTP layer caps the
        connection's total); the returned call waits for their results, in order, and
        cancels those not started once one fails. With one worker they run, one after
        another, when the results are asked for."""
        if self._workers == 1:
            return lambda: [fn(item) for item in items]
        futures = [self._executor().submit(fn, item) for item in items]

        def results() -> list[_R]:
            try:
                return [future.result() for future in futures]
            finally:
                for future in futures:
                    future.cancel()  # a no-op on those done or running

        return results

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="netsuite-lines")
            return self._pool

    @staticmethod
    def _key(obj: str, fields: Sequence[str] | None) -> tuple[str, tuple[str, ...] | None]:
        return obj.lower(), None if fields is None else tuple(fields)

    def _page_query(
        self,
        obj: str,
        plan: BodyPlan,
        since: datetime | None,
        after: RowKey | None,
        window: Sequence[str] = (),
    ) -> str:
        table, conditions = dialect.suiteql_source(obj)
        conditions += dialect.keyset_conditions(since, after) + list(window)
        return body_query(table, conditions, plan)

    def _first(self, obj: str, fields: Sequence[str] | None, query: str) -> dict[str, Any]:
        """The first query of a read; a refusal (400) makes this read, and later reads of
        the same fields, go through record GETs."""
        try:
            return self._suiteql(query, 0)
        except FatalVendorError as exc:
            if exc.status != 400 or refused_for_size(exc):  # too many: read it in windows
                raise
            log.warning("SuiteQL refused the body query for %s (%s); reading through"
                        " record GETs", obj, exc)  # fmt: skip
            with self._lock:
                self._refused.add(self._key(obj, fields))
            raise BodiesRefused(str(exc)) from exc

    def _keyset_rows(
        self,
        query: Callable[[Any], str],
        key: Callable[[dict[str, Any]], Any],
        *,
        first: Callable[[str], dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Every row of `query(after)`, page after page by keyset (`key` of the last row
        served), always at offset 0 like the key query: a record deleted between two pages
        cannot shift a row past the reader."""
        rows: list[dict[str, Any]] = []
        text = query(None)
        body = first(text) if first is not None else self._suiteql(text, 0)
        while True:
            page = body.get("items", [])
            rows += page
            if not body.get("hasMore") or not page:
                return rows
            body = self._suiteql(query(key(page[-1])), 0)


class _Task(NamedTuple):
    """One keyset-paged query of `ask_lines` and what its rows are folded into."""

    query: Callable[[Any], str]  # after (None: from the start) -> the query text
    key: Callable[[dict[str, Any]], Any]  # a row -> its keyset key
    fold: Callable[..., None]  # (rows, bodies=) -> None: the rows folded into the bodies


def _nothing(bodies: Mapping[str, Body]) -> None:
    """The fold of no records."""


def _row_id(row: dict[str, Any]) -> Any:
    return row.get("id")


def _first(item: tuple[RowKey, Any]) -> RowKey:
    return item[0]


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]
