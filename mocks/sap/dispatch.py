"""One OData request against one service, apart from HTTP: the routes and `$batch` both
come here, so an operation inside a change set behaves exactly as it does alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from mocks.sap import writes
from mocks.sap.entities import Reader, etag_of, parse_expand
from mocks.sap.errors import SapError, bad_request, method_not_allowed, not_found
from mocks.sap.odata.edmx import render_metadata, service_document
from mocks.sap.odata.filter import compile_filter
from mocks.sap.odata.model import EntityType, Nav, Service, record_id
from mocks.sap.odata.paths import Segment, parse_key, split_path
from mocks.sap.odata.values import to_wire
from mocks.sap.query import next_link, run_query, select_set
from mocks.sap.rules import WriteCtx
from mocks.sap.schema import ENTITY_TYPES
from mocks.sap.state import SapState
from mocks.sap.tx import Tx
from mocks.store import StoredRecord

JSON = "application/json"
WRITES = frozenset({"POST", "PUT", "PATCH", "MERGE", "DELETE"})


@dataclass
class Call:
    method: str
    service: Service
    path: str  # below the service root, as sent (percent-encoded)
    params: Mapping[str, str]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    origin: str  # scheme://host:port of the request


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, data: Any, **headers: str) -> Reply:
        return cls(status, {"content-type": JSON, **headers}, orjson.dumps(data))


@dataclass
class Target:
    """What a path names: a collection (maybe reached through a navigation property), one
    entity, one property of an entity, or a count."""

    etype: EntityType
    rows: list[StoredRecord] | None = None
    rec: StoredRecord | None = None
    link: dict[str, Any] | None = None  # what a POST through a navigation inherits
    prop: str | None = None
    count: bool = False


def resolve(reader: Reader, segments: list[Segment]) -> Target:
    first = segments[0]
    etype = reader.service.sets.get(first.name)
    if etype is None:
        raise not_found(first.name)
    target = Target(etype, rows=None if first.key is not None else _all(reader, etype))
    if first.key is not None:
        target = Target(etype, rec=reader.get(etype, parse_key(etype, first.key)))
    for seg in segments[1:]:
        target = _step(reader, target, seg)
    return target


def _all(reader: Reader, etype: EntityType) -> list[StoredRecord]:
    return reader.store.records(etype.set_name)


def _step(reader: Reader, here: Target, seg: Segment) -> Target:
    if here.count or here.prop is not None:
        raise not_found(seg.name)
    if seg.name == "$count" and here.rec is None:
        return Target(here.etype, rows=here.rows, link=here.link, count=True)
    if here.rec is None:
        raise not_found(seg.name)
    nav: Nav | None = here.etype.nav_by_name.get(seg.name)
    if nav is None:
        if seg.name in here.etype.by_name and seg.key is None:
            return Target(here.etype, rec=here.rec, prop=seg.name)
        raise not_found(seg.name)
    target = ENTITY_TYPES[nav.target]
    rows = reader.related(nav, here.rec.fields)
    link = nav.link(here.rec.fields)
    if seg.key is not None:
        keys = parse_key(target, seg.key)
        found = [r for r in rows if all(r.fields.get(k) == v for k, v in keys.items())]
        if not found:
            raise not_found(target.type_name)
        return Target(target, rec=found[0])
    if not nav.many:
        if not rows:
            raise not_found(target.type_name)
        return Target(target, rec=rows[0])
    return Target(target, rows=rows, link=link)


def handle(state: SapState, call: Call) -> Reply:
    """Serve one request; SapError propagates to the caller, which renders it."""
    reader = Reader(state.ctx.store, call.service, call.origin)
    segments = split_path(call.path)
    if not segments:
        if call.method not in ("GET", "HEAD"):
            raise method_not_allowed(call.method, call.service.name)
        return Reply.json(200, service_document(call.service))
    if segments[0].name == "$metadata" and len(segments) == 1:
        if call.method not in ("GET", "HEAD"):
            raise method_not_allowed(call.method, "$metadata")
        xml = render_metadata(call.service, state.advertised_length)
        return Reply(200, {"content-type": "application/xml"}, xml)
    target = resolve(reader, segments)
    if call.method in ("GET", "HEAD"):
        return _read(state, reader, call, target)
    return _write(state, reader, call, target)


def _read(state: SapState, reader: Reader, call: Call, target: Target) -> Reply:
    etype, params = target.etype, call.params
    if target.count:
        rows = target.rows or []
        if params.get("$filter"):
            match = compile_filter(params["$filter"], etype)
            rows = [r for r in rows if match(r.fields)]
        return Reply(200, {"content-type": "text/plain"}, str(len(rows)).encode())
    expand = parse_expand(params.get("$expand", ""))
    select = select_set(params.get("$select"), etype)
    if target.rec is not None:
        reader.check_expand(etype, expand)
        etag = etag_of(etype, target.rec)
        headers = {"etag": etag} if etag else {}
        if target.prop is not None:
            value = to_wire(etype.by_name[target.prop], target.rec.fields.get(target.prop))
            return Reply.json(200, {"d": {target.prop: value}}, **headers)
        return Reply.json(200, {"d": reader.render(etype, target.rec, expand, select)}, **headers)
    reader.check_expand(etype, expand)
    rows = target.rows or []
    if target.link is None and params.get("$skiptoken") and drift_pending(state, etype):
        rows = reader.store.records(etype.set_name)
    page = run_query(list(rows), etype, params, state.settings)
    body: dict[str, Any] = {"results": [reader.render(etype, r, expand, select) for r in page.rows]}
    if page.count is not None:
        body["__count"] = str(page.count)
    if page.next_params is not None:
        body["__next"] = next_link(f"{reader.root}{call.path.lstrip('/')}", page.next_params)
    return Reply.json(200, {"d": body})


def drift_pending(state: SapState, etype: EntityType) -> bool:
    """The `next_drift` trap: records inserted ahead of the cursor before this page."""
    pending = dict(state.settings.get("drift_pending") or {})
    count = int(pending.pop(etype.set_name, 0) or 0)
    if not count:
        return False
    state.settings["drift_pending"] = pending
    store = state.ctx.store
    rows = sorted(store.records(etype.set_name), key=lambda r: r.id)[:count]
    inserted = []
    with state.write_lock:
        for rec in rows:
            fields = dict(rec.fields)
            for prop in etype.keys:
                value = str(fields.get(prop.name) or "")
                fields[prop.name] = ("0" + value)[: prop.max_length or len(value) + 1]
            new_id = record_id(etype, fields)
            if store.get(etype.set_name, new_id) is None:
                store.insert(etype.set_name, new_id, fields)
                inserted.append(new_id)
    state.ctx.record_truth("trap", trap="next_drift", object=etype.set_name, inserted=inserted)
    return True


def _body(call: Call) -> Any:
    if not call.body.strip():
        return {}
    try:
        return orjson.loads(call.body)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}") from exc


def _write(state: SapState, reader: Reader, call: Call, target: Target) -> Reply:
    """One write, atomic on its own (deep inserts included)."""
    tx = Tx(state.ctx.store)
    wctx = WriteCtx(tx, state.settings, state.config.username)
    with state.write_lock:
        try:
            reply = write_in(wctx, reader, call, target)
        except SapError:
            tx.rollback()
            raise
    note_truncations(state, wctx)
    return reply


def note_truncations(state: SapState, wctx: WriteCtx) -> None:
    for cut in wctx.truncated:
        state.ctx.record_truth("silent_truncation", **cut)


def write_in(wctx: WriteCtx, reader: Reader, call: Call, target: Target) -> Reply:
    """A write inside the caller's transaction (a lone request's or a change set's)."""
    method, etype = call.method, target.etype
    if target.count or target.prop is not None:
        raise method_not_allowed(method, etype.set_name)
    if method == "POST":
        if target.rec is not None:
            raise method_not_allowed(method, etype.set_name)
        rec = writes.create(wctx, etype, _body(call), target.link)
        uri = reader.uri(etype, rec.fields)
        data = reader.render(etype, rec, _created_tree(etype, _body(call)))
        headers = {"location": uri}
        etag = etag_of(etype, rec)
        if etag:
            headers["etag"] = etag
        return Reply.json(201, {"d": data}, **headers)
    if target.rec is None:
        raise method_not_allowed(method, etype.set_name)
    if_match = call.headers.get("if-match")
    if method == "DELETE":
        writes.delete(wctx, etype, target.rec, if_match)
        return Reply(204)
    writes.update(wctx, etype, target.rec, _body(call), method, if_match)
    etag = etag_of(etype, target.rec)
    return Reply(204, {"etag": etag} if etag else {})


def _created_tree(etype: EntityType, body: Any) -> dict[str, Any]:
    """The navigation properties a deep insert carried: the answer shows them expanded."""
    tree: dict[str, Any] = {}
    if not isinstance(body, dict):
        return tree
    for name, raw in body.items():
        nav = etype.nav_by_name.get(name)
        if nav is None:
            continue
        rows = raw.get("results", raw) if isinstance(raw, dict) else raw
        first = rows[0] if isinstance(rows, list) and rows else rows
        tree[name] = _created_tree(ENTITY_TYPES[nav.target], first)
    return tree


__all__ = ["WRITES", "Call", "Reply", "Target", "handle", "note_truncations", "resolve", "write_in"]
