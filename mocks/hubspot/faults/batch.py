"""Staged batch traps: a partial batch (some inputs fail, the answer turns 207 with
`numErrors` and `errors[]`) and a duplicate (a twin holding the written email, or another
unique value, appears just before a create lands, so HubSpot answers 409 with its id)."""

from __future__ import annotations

import random
import re
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.faults.asgi import capture, read_body, replay, send_bytes, send_json, with_body_length
from mocks.faults.dialect import Stage
from mocks.faults.plan import DuplicateRule, PartialBatch
from mocks.hubspot import records
from mocks.hubspot.errors import HubSpotError
from mocks.hubspot.schema import ObjectSpec, object_spec
from mocks.hubspot.state import HubSpotState

_BATCH = re.compile(r"^/crm/v3/objects/([^/]+)/batch/(create|update|upsert|read)/?$")
_CREATE = re.compile(r"^/crm/v3/objects/([^/]+)(/batch/create)?/?$")
_DEFAULT_CODE = PartialBatch().code  # the plan's default, a Salesforce code: not HubSpot's


def _failures(effect: PartialBatch, rng: random.Random, size: int) -> list[int]:
    if size == 0:
        return []
    count = effect.count if effect.count is not None else round(size * (effect.rate or 0.0))
    return sorted(rng.sample(range(size), min(max(count, 0), size)))


def _error(effect: PartialBatch, item: dict[str, Any], index: int) -> dict[str, Any]:
    transient = effect.code == _DEFAULT_CODE
    category = "RATE_LIMITS" if transient else effect.code
    message = (
        "The record could not be saved because of concurrent writes; retry it."
        if transient
        else effect.message
    )
    context = {"ids": [str(item["id"])]} if "id" in item else {"indexes": [str(index)]}
    return {"status": "error", "category": category, "message": message, "context": context}


def partial_batch_stage(effect: PartialBatch, rng: random.Random, facts: dict[str, Any]) -> Stage:
    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        if scope["method"] != "POST" or not _BATCH.match(scope["path"]):
            await inner(scope, receive, send)
            return
        raw = await read_body(receive)
        body = orjson.loads(raw) if raw.strip() else None
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(inputs, list) or not inputs:
            await inner(scope, replay(raw, receive), send)
            return
        failed = _failures(effect, rng, len(inputs))
        kept = [item for i, item in enumerate(inputs) if i not in failed]
        new = orjson.dumps({**body, "inputs": kept})
        reply = await capture(inner, with_body_length(scope, len(new)), replay(new, receive))
        data = reply.json() if reply.is_json() else None
        if reply.status not in (200, 201, 207) or not isinstance(data, dict) or not failed:
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        errors = [_error(effect, inputs[i], i) for i in failed if isinstance(inputs[i], dict)]
        data["errors"] = [*data.get("errors", []), *errors]
        data["numErrors"] = len(data["errors"])
        facts.update(
            failed_inputs=failed,
            failed_ids=[
                str(inputs[i].get("id", "")) for i in failed if isinstance(inputs[i], dict)
            ],
        )
        await send_json(send, 207, data, reply.headers)

    return stage


def _first_value(body: Any, field: str) -> Any:
    items = body.get("inputs") if isinstance(body, dict) and "inputs" in body else [body]
    for item in items if isinstance(items, list) else ():
        props = item.get("properties") if isinstance(item, dict) else None
        if isinstance(props, dict) and props.get(field):
            return props[field]
    return None


def _twin(
    state: HubSpotState, spec: ObjectSpec, field: str, value: Any, facts: dict[str, Any]
) -> None:
    if records.find(state, spec, str(value), field) is not None:
        return  # a real duplicate already: HubSpot refuses it without help
    try:
        props = records.checked(state, spec, {field: value})
    except HubSpotError:
        return  # an invalid value: the create is refused for that, not as a duplicate
    twin = records.create(state, spec, props)
    facts.update(object=spec.name, field=field, value=props[field], existing_id=twin.id)


def duplicate_stage(effect: DuplicateRule, facts: dict[str, Any]) -> Stage:
    """On a create of `effect.object` (contacts by default) carrying `effect.field` (email
    by default), store a twin holding that value first: the create then meets HubSpot's 409
    `... already exists. Existing ID: <twin>`."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        found = _CREATE.match(scope["path"]) if scope["method"] == "POST" else None
        wanted = effect.object or "contacts"
        if found is None or object_spec(found.group(1)).name != object_spec(wanted).name:
            await inner(scope, receive, send)
            return
        raw = await read_body(receive)
        field = effect.field or "email"
        value = _first_value(orjson.loads(raw) if raw.strip() else None, field)
        state: HubSpotState = scope["app"].state.hubspot
        spec = object_spec(wanted)
        if value is not None and field in state.book.unique(spec.name):
            _twin(state, spec, field, value, facts)
        await inner(scope, replay(raw, receive), send)

    return stage


__all__ = ["duplicate_stage", "partial_batch_stage"]
