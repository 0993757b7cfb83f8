"""Query jobs: the SOQL runs once, its rows are kept as CSV, and results page through them.

The rows are a snapshot taken when the job runs, so later pages do not move when records
change. A page is `maxRecords` rows with the header repeated; `Sforce-Locator` names the next
page, and is the literal `null` on the last one.
"""

from __future__ import annotations

import base64
import time
from functools import partial

from mocks.salesforce.bulk.csvio import DELIMITERS, LINE_ENDINGS, CsvWriter, zulu
from mocks.salesforce.bulk.ingest import Org
from mocks.salesforce.bulk.jobs import Job
from mocks.salesforce.commerce_rules import ensure_standard_pricebook
from mocks.salesforce.errors import ApiError
from mocks.salesforce.query.evaluate import BoundQuery, compile_query
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.paths import path_getter
from mocks.salesforce.query.plan import query_rows
from mocks.salesforce.records import Getter, native_getter, wire_getter
from mocks.salesforce.schema import FieldDef

LAST_PAGE = "null"


def compile_job_query(org: Org, source: str, user_id: str) -> BoundQuery:
    """Bind the job's SOQL now (a bad query is refused when the job is created); Bulk API
    2.0 has no COUNT() and no child subqueries."""
    getter_for = partial(native_getter, user_id=user_id)
    try:
        query = compile_query(source, now=org.store.now(), getter_for=getter_for, records=org.store)
    except SoqlError as exc:
        raise ApiError(400, exc.code, exc.message) from exc
    if query.count or query.grouping is not None:
        raise ApiError(400, "API_ERROR", "Aggregate queries are not supported by Bulk API 2.0")
    if query.children:
        raise ApiError(400, "API_ERROR", "Nested queries are not supported by Bulk API 2.0")
    ensure_org_records(org, query)
    return query


def run_query(org: Org, job: Job, query: BoundQuery, user_id: str) -> None:
    """Run the job's query and keep its rows as CSV lines (JobComplete), unless aborted."""
    started = time.monotonic()
    if job.state == "Aborted":
        return
    job.state = "InProgress"
    ensure_standard_pricebook(org.store, query.sobject.name)
    records = query_rows(org.store, query, include_deleted=job.operation == "queryAll")
    matched = query.run(records)
    columns = csv_columns(org, query, user_id)
    getters = [get for _, get in columns]
    delimiter, ending = DELIMITERS[job.delimiter], LINE_ENDINGS[job.line_ending]
    head = CsvWriter(delimiter, ending)
    head.row(name for name, _ in columns)
    body = CsvWriter(delimiter, ending)
    body.rows([get(rec) for get in getters] for rec in matched)
    job.columns = [head.text()]
    job.lines = body.text().splitlines(keepends=True) if matched else []
    if len(job.lines) != len(matched):  # a value spans lines: split per record instead
        job.lines = [_one_line(delimiter, ending, [get(r) for get in getters]) for r in matched]
    if job.state != "Aborted":
        job.state = "JobComplete"
    job.processing_ms = int((time.monotonic() - started) * 1000)
    job.modified_at = org.store.now()


def csv_columns(org: Org, query: BoundQuery, user_id: str) -> list[tuple[str, Getter]]:
    """(header, getter) per selected column: a parent field (`Owner.Name`) is a column of
    its own, read through the references by the REST query's own path reader
    (`paths.path_getter`: system fields such as OwnerId included), empty where a parent is
    missing."""
    getter_for = partial(_csv_getter, user_id=user_id)
    if not query.paths:
        return [(fd.name, getter_for(fd)) for fd in query.fields]
    return [(path.key, path_getter(path, getter_for, org.store)) for path in query.paths]


def ensure_org_records(org: Org, query: BoundQuery) -> None:
    """Make sure the org records the query reads exist, as a REST query does: the standard
    price book, and the directory of users and record types (`Owner.Name`)."""
    for name in query.objects:
        ensure_standard_pricebook(org.store, name)
    org.directory(query.objects)


def _csv_getter(fd: FieldDef, user_id: str) -> Getter:
    get = wire_getter(fd, user_id)
    return (lambda rec: zulu(get(rec))) if fd.type == "datetime" else get


def _one_line(delimiter: str, ending: str, values: list[object]) -> str:
    writer = CsvWriter(delimiter, ending)
    writer.row(values)
    return writer.text()


def locator_for(job: Job, offset: int) -> str:
    token = base64.b32encode(f"{job.id}:{offset}".encode()).decode().rstrip("=")
    job.locators[token] = offset
    return token


def page(job: Job, locator: str | None, max_records: int) -> tuple[str, int, str]:
    """(CSV text, rows on the page, next locator or `null`)."""
    start = 0
    if locator:
        if locator not in job.locators:
            raise ApiError(400, "INVALIDLOCATOR", f"Invalid locator: {locator}")
        start = job.locators[locator]
    end = min(start + max_records, len(job.lines))
    text = (job.columns[0] if job.columns else "") + "".join(job.lines[start:end])
    following = locator_for(job, end) if end < len(job.lines) else LAST_PAGE
    return text, end - start, following
