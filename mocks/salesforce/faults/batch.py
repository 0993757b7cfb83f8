"""Per-record failures inside Salesforce sObject Collections (`composite/sobjects`).

`partial_batch` fails a seeded subset of a batch with a per-record error (UNABLE_TO_LOCK_ROW
by default); `duplicate_rule` fails creates whose Name (or chosen field) an existing record
already holds, with DUPLICATES_DETECTED. Either way the failed records are taken out of the
request before the mock sees it, so they are not written, and their results are spliced
back at their positions. With `allOrNone: true` nothing is written and every other record
reports ALL_OR_NONE_OPERATION_ROLLED_BACK, as Salesforce does.
"""

from __future__ import annotations

import random
import re
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import capture, read_body, replay, send_bytes, send_json, with_body_length
from mocks.faults.dialect import Stage
from mocks.faults.plan import DuplicateRule, PartialBatch
from mocks.salesforce import lookup_index
from mocks.salesforce.routes.composite import ROLLED_BACK
from mocks.salesforce.schema import ACCOUNT

_DATA = r"/services/data/v\d+\.\d+"
_COLLECTION = re.compile(rf"^{_DATA}/composite/sobjects/?$")
_UPSERT = re.compile(rf"^{_DATA}/composite/sobjects/(\w+)/\w+/?$")
_SINGLE_CREATE = re.compile(rf"^{_DATA}/sobjects/(\w+)/?$")
DEFAULT_RATE = 0.2
DUPLICATE_MESSAGE = "Use one of these records?"


def _is_batch_write(scope: Scope) -> bool:
    method, path = scope["method"], scope["path"]
    if method == "POST" or method == "PATCH":
        return bool(_COLLECTION.match(path)) or (method == "PATCH" and bool(_UPSERT.match(path)))
    return False


def _record_id(record: dict[str, Any]) -> str | None:
    return next((str(v) for k, v in record.items() if k.lower() == "id" and v), None)


async def splice(
    scope: Scope,
    receive: Receive,
    send: Send,
    inner: ASGIApp,
    body: dict[str, Any],
    failures: dict[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    """Answer a collection write where the records at `failures`' indexes fail with those
    errors; forwards the others (unless all-or-none) and keeps results in input order."""
    records: list[dict[str, Any]] = body["records"]
    keep_id = scope["method"] == "PATCH" and bool(_COLLECTION.match(scope["path"]))

    def failed(i: int, errors: list[dict[str, Any]]) -> dict[str, Any]:
        rid = _record_id(records[i]) if keep_id else None
        return {**({"id": rid} if rid else {}), "success": False, "errors": errors}

    facts: dict[str, Any] = {"records": len(records), "failed_indices": sorted(failures)}
    if body.get("allOrNone") is True:
        rolled = [ROLLED_BACK.to_wire()]
        await send_json(
            send, 200, [failed(i, failures.get(i, rolled)) for i in range(len(records))]
        )
        return {**facts, "all_or_none": True, "written": 0}
    survivors = [r for i, r in enumerate(records) if i not in failures]
    forwarded: list[Any] = []
    status, headers = 200, [(b"content-type", b"application/json")]
    if survivors:
        raw = orjson.dumps({**body, "records": survivors})
        reply = await capture(inner, with_body_length(scope, len(raw)), replay(raw, receive))
        answer = reply.json() if reply.is_json() else None
        if reply.status != 200 or not isinstance(answer, list) or len(answer) != len(survivors):
            # The mock refused the whole request: that answer stands.
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return {**facts, "passed_through": reply.status}
        forwarded, status, headers = answer, reply.status, reply.headers
    results: list[Any] = []
    rest = iter(forwarded)
    for i in range(len(records)):
        results.append(failed(i, failures[i]) if i in failures else next(rest))
    await send_json(send, status, results, headers)
    written = sum(1 for r in forwarded if isinstance(r, dict) and r.get("success"))
    return {**facts, "all_or_none": False, "written": written}


async def _collection_body(scope: Scope, receive: Receive) -> tuple[bytes, dict[str, Any] | None]:
    raw = await read_body(receive)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw, None
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return raw, None
    if not body["records"] or not all(isinstance(r, dict) for r in body["records"]):
        return raw, None
    return raw, body


def partial_batch_stage(effect: PartialBatch, rng: random.Random, facts: dict[str, Any]) -> Stage:
    problem = {"statusCode": effect.code, "message": effect.message, "fields": []}

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        if not _is_batch_write(scope):
            await inner(scope, receive, send)
            return
        raw, body = await _collection_body(scope, receive)
        if body is None:
            await inner(scope, replay(raw, receive), send)
            return
        n = len(body["records"])
        if effect.count is not None:
            chosen = rng.sample(range(n), min(effect.count, n))
        else:
            rate = DEFAULT_RATE if effect.rate is None else effect.rate
            chosen = [i for i in range(n) if rng.random() < rate]
        if not chosen:
            await inner(scope, replay(raw, receive), send)
            return
        failures = {i: [dict(problem)] for i in chosen}
        facts.update(code=effect.code, **await splice(scope, receive, send, inner, body, failures))

    return stage


def _duplicate_error(obj: str, version: str, holder: str) -> dict[str, Any]:
    url = f"/services/data/v{version}/sobjects/{obj}/{holder}"
    return {
        "message": DUPLICATE_MESSAGE,
        "fields": [],
        "duplicateResult": {
            "allowSave": False,
            "duplicateRule": f"Standard_{obj}_Duplicate_Rule",
            "duplicateRuleEntityType": obj,
            "errorMessage": DUPLICATE_MESSAGE,
            "matchResults": [{
                "entityType": obj,
                "errors": [],
                "matchEngine": "FuzzyMatchEngine",
                "matchRecords": [{
                    "additionalInformation": [],
                    "fieldDiffs": [],
                    "matchConfidence": 100.0,
                    "record": {"attributes": {"type": obj, "url": url}, "Id": holder},
                }],
                "rule": f"Standard_{obj}_Match_Rule_v1_0",
                "size": 1,
                "success": True,
            }],
        },
    }  # fmt: skip


def duplicate_rule_stage(effect: DuplicateRule, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Creates of `effect.object` whose `effect.field` matches (case-insensitively, trimmed)
    a live record's are blocked with DUPLICATES_DETECTED. Without an object, the rule
    guards Accounts by Name, as an org's standard account duplicate rule does."""
    obj = effect.object or ACCOUNT.name
    field = effect.field or "Name"

    def holder_of(record: dict[str, Any]) -> str | None:
        value = next((v for k, v in record.items() if k.lower() == field.lower()), None)
        if not isinstance(value, str) or not value.strip():
            return None
        wanted = value.strip().casefold()
        # From the org's index (one scan of the object a record made a load quadratic); the
        # candidates are tested as every row was.
        rows = lookup_index.trimmed_candidates(ctx.store, obj, field, wanted)
        for rec in ctx.store.records(obj) if rows is None else rows:
            stored = rec.fields.get(field)
            if isinstance(stored, str) and stored.strip().casefold() == wanted:
                return rec.id
        return None

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        path, method = scope["path"], scope["method"]
        version = path.split("/")[3][1:] if path.count("/") >= 3 else "59.0"
        single = _SINGLE_CREATE.match(path)
        if method == "POST" and single and single.group(1).lower() == obj.lower():
            raw = await read_body(receive)
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                record = None
            holder = holder_of(record) if isinstance(record, dict) else None
            if holder is None:
                await inner(scope, replay(raw, receive), send)
                return
            error = {"errorCode": "DUPLICATES_DETECTED", **_duplicate_error(obj, version, holder)}
            facts.update(object=obj, duplicate_of=[holder])
            await send_json(send, 400, [error])
            return
        if method != "POST" or not _COLLECTION.match(path):
            await inner(scope, receive, send)
            return
        raw, body = await _collection_body(scope, receive)
        failures: dict[int, list[dict[str, Any]]] = {}
        holders: list[str] = []
        for i, record in enumerate(body["records"] if body else []):
            attrs = record.get("attributes")
            if isinstance(attrs, dict) and str(attrs.get("type", "")).lower() == obj.lower():
                holder = holder_of(record)
                if holder is not None:
                    error = _duplicate_error(obj, version, holder)
                    failures[i] = [{"statusCode": "DUPLICATES_DETECTED", **error}]
                    holders.append(holder)
        if body is None or not failures:
            await inner(scope, replay(raw, receive), send)
            return
        outcome = await splice(scope, receive, send, inner, body, failures)
        facts.update(object=obj, duplicate_of=holders, **outcome)

    return stage
