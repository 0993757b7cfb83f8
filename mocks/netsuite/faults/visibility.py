"""Late visibility, as NetSuite's search index shows it: records changed in the last few
seconds are left out of list and SuiteQL pages, while a GET by id still returns them."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import capture, replay, send_bytes, send_json
from mocks.faults.dialect import Stage
from mocks.faults.plan import LateVisibility
from mocks.netsuite.faults.paging import paged_query


def late_stage(effect: LateVisibility, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Rows of records changed within `effect.seconds` are cut from the page (and from its
    counts); the ground truth lists them as `hidden_ids`."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        query = await paged_query(scope, receive, ctx)
        if query is None or not query.record_types:
            body = query.body if query is not None else b""
            await inner(scope, replay(body, receive) if body else receive, send)
            return
        reply = await capture(inner, scope, replay(query.body, receive) if query.body else receive)
        data = reply.json() if reply.status == 200 and reply.is_json() else None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        cutoff = ctx.store.now().timestamp() - effect.seconds
        kept, hidden = [], []
        for item in data["items"]:
            if _changed_after(ctx, query.record_types, str(item.get("id")), cutoff):
                hidden.append(str(item.get("id")))
            else:
                kept.append(item)
        data["items"], data["count"] = kept, len(kept)
        data["totalResults"] = int(data.get("totalResults", 0)) - len(hidden)
        if hidden:
            facts.update(object=query.record_types[0], hidden_ids=hidden, seconds=effect.seconds)
        await send_json(send, reply.status, data, reply.headers)

    return stage


def _changed_after(ctx: MockContext, record_types: tuple[str, ...], record_id: str,
                   cutoff: float) -> bool:  # fmt: skip
    for obj in record_types:
        rec = ctx.store.get(obj, record_id, include_deleted=True)
        if rec is not None:
            return rec.modified_at.timestamp() > cutoff
    return False
