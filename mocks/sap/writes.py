"""Create (with deep insert), update (PATCH/MERGE/PUT) and delete, checked against the
schema: unknown properties, over-long values, wrong types and missing required values are
one 400 listing every property at fault in `errordetails`."""

from __future__ import annotations

from typing import Any

from mocks.sap.entities import etag_of
from mocks.sap.errors import CODES, Detail, SapError, bad_request, method_not_allowed
from mocks.sap.odata.model import EntityType, Prop, record_id
from mocks.sap.odata.values import ValueProblem, from_wire
from mocks.sap.rules import WriteCtx, after_write, prepare, stamp
from mocks.sap.schema import ENTITY_TYPES
from mocks.store import DuplicateId, StoredRecord


def limit_of(settings: dict[str, Any], etype: EntityType, prop: Prop) -> int | None:
    """The MaxLength in force: a runtime override (`max_lengths`) or the schema's."""
    override = settings.get("max_lengths", {}).get(f"{etype.set_name}.{prop.name}")
    return int(override) if override is not None else prop.max_length


def _cut(ctx: WriteCtx, etype: EntityType, prop: Prop, value: Any, limit: int | None) -> Any:
    """Silent truncation or `on_overflow: truncate`: the value cut to fit, no error."""
    if not isinstance(value, str):
        return value
    silent = ctx.settings.get("silent_truncation", {}).get(f"{etype.set_name}.{prop.name}")
    if silent is not None and len(value) > int(silent):
        ctx.truncated.append(
            {
                "object": etype.set_name,
                "field": prop.name,
                "limit": int(silent),
                "length": len(value),
            }
        )
        return value[: int(silent)]
    if limit is not None and len(value) > limit and ctx.settings.get("on_overflow") == "truncate":
        return value[:limit]
    return value


def check_fields(
    ctx: WriteCtx, etype: EntityType, body: dict[str, Any], *, create: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(store values of the properties written, navigation payloads); 400 listing every
    problem. Read-only properties are ignored, as SAP Gateway ignores them."""
    values: dict[str, Any] = {}
    navs: dict[str, Any] = {}
    problems: list[Detail] = []
    for name, raw in body.items():
        if name == "__metadata":
            continue
        if name in etype.nav_by_name:
            navs[name] = raw
            continue
        prop = etype.by_name.get(name)
        if prop is None:
            problems.append(Detail(CODES["bad_request"], f"Property '{name}' is invalid", name))
            continue
        if not (prop.creatable if create else prop.updatable) and not prop.key:
            continue
        limit = limit_of(ctx.settings, etype, prop)
        try:
            values[name] = from_wire(prop, _cut(ctx, etype, prop, raw, limit), limit)
        except ValueProblem as exc:
            problems.append(exc.detail)
    if problems:
        first = problems[0]
        raise SapError(400, first.code, first.message, problems)
    return values, navs


def _required(etype: EntityType, fields: dict[str, Any]) -> None:
    missing = [
        p
        for p in etype.props
        if not p.nullable
        and (fields.get(p.name) is None or (fields.get(p.name) == "" and not p.key))
    ]
    if missing:
        details = [
            Detail(CODES["required"], f"Property '{p.name}' must be supplied", p.name)
            for p in missing
        ]
        raise SapError(400, details[0].code, details[0].message, details)


def _nav_rows(raw: Any, many: bool, name: str) -> list[dict[str, Any]]:
    """A deep-insert payload: a list (pyodata), `{"results": [...]}`, or one object."""
    if isinstance(raw, dict) and isinstance(raw.get("results"), list):
        raw = raw["results"]
    if isinstance(raw, dict) and not many:
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise bad_request(f"Invalid inline content for navigation property '{name}'", target=name)
    return raw


def create(
    ctx: WriteCtx, etype: EntityType, body: Any, inherited: dict[str, Any] | None = None
) -> StoredRecord:
    """Insert one entity and, depth first, what its navigation properties carry."""
    if etype.read_only or not etype.creatable:
        raise method_not_allowed("POST", etype.set_name)
    if not isinstance(body, dict):
        raise bad_request("The request body is not a JSON object")
    values, navs = check_fields(ctx, etype, body, create=True)
    values.update(inherited or {})
    prepare(ctx, etype, values)
    _required(etype, values)
    stamp(etype, values, ctx.tx.now(), ctx.user, new=True)
    fields = {p.name: values.get(p.name) for p in etype.props}
    try:
        rec = ctx.tx.insert(etype.set_name, record_id(etype, fields), fields)
    except DuplicateId as exc:
        message = f"{etype.type_name} {exc.record_id} already exists"
        raise SapError(
            409, CODES["conflict"], message, [Detail(CODES["conflict"], message)]
        ) from exc
    after_write(ctx, etype, fields, created=True)
    for name, raw in navs.items():
        nav = etype.nav_by_name[name]
        target = ENTITY_TYPES[nav.target]
        link = nav.link(fields)
        for child in _nav_rows(raw, nav.many, name):
            create(ctx, target, child, link)
    return rec


def check_if_match(
    ctx: WriteCtx, etype: EntityType, rec: StoredRecord, if_match: str | None
) -> None:
    """412 on a stale ETag; 428 when the setting requires one and none came."""
    current = etag_of(etype, rec)
    if current is None:
        return
    if if_match is None:
        if ctx.settings.get("etag_required"):
            message = "Precondition required: send the entity's ETag in If-Match"
            raise SapError(428, CODES["precondition_required"], message)
        return
    offered = [t.strip() for t in if_match.split(",")]
    if "*" not in offered and current not in offered:
        message = "The data has been changed by another user: read it again (ETag mismatch)"
        raise SapError(412, CODES["precondition"], message)


def update(
    ctx: WriteCtx,
    etype: EntityType,
    rec: StoredRecord,
    body: Any,
    method: str,
    if_match: str | None,
) -> None:
    if etype.read_only:
        raise method_not_allowed(method, etype.set_name)
    if not isinstance(body, dict):
        raise bad_request("The request body is not a JSON object")
    check_if_match(ctx, etype, rec, if_match)
    values, navs = check_fields(ctx, etype, body, create=False)
    if navs:
        raise bad_request("Deep update is not supported", target=next(iter(navs)))
    for prop in etype.keys:
        if prop.name in values and values.pop(prop.name) != rec.fields.get(prop.name):
            raise bad_request(f"Key property '{prop.name}' cannot be changed", target=prop.name)
    if method == "PUT":  # a PUT replaces: what it leaves out goes back to its initial value
        for prop in etype.props:
            if prop.updatable and not prop.key and prop.name not in values:
                values[prop.name] = None
    merged = {**rec.fields, **values}
    _required(etype, merged)
    stamp(etype, values, ctx.tx.now(), ctx.user, new=False)
    ctx.tx.update(etype.set_name, rec.id, values)
    after_write(ctx, etype, merged, created=False)


def delete(ctx: WriteCtx, etype: EntityType, rec: StoredRecord, if_match: str | None) -> None:
    if etype.read_only or not etype.deletable:
        allow = "GET, HEAD" if etype.read_only else "GET, HEAD, PUT, PATCH, MERGE"
        raise method_not_allowed("DELETE", etype.set_name, allow)
    check_if_match(ctx, etype, rec, if_match)
    fields = dict(rec.fields)
    for nav in etype.navs:  # dependent records go with their principal
        target = ENTITY_TYPES[nav.target]
        (p, d), *_ = nav.on
        for child in ctx.store.find(target.set_name, d, fields.get(p)):
            linked = all(child.fields.get(dd) == fields.get(pp) for pp, dd in nav.on)
            if linked and nav.many and nav.holds(child.fields):
                ctx.tx.delete(target.set_name, child.id)
    ctx.tx.delete(etype.set_name, rec.id)
    after_write(ctx, etype, fields, created=False)


__all__ = ["check_fields", "check_if_match", "create", "delete", "limit_of", "update"]
