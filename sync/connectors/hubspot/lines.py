"""A deal's line items as its `lines`: read and written in batches, per page of deals.

Reading a page of deals costs one associations batch read (deals -> line_items) and one
line-item batch read per 100 lines. A plain line is the line item's properties, typed, with
its `id`, and `product` for HubSpot's `hs_product_id`; a deal's lines come ordered by
`hs_position_on_quote` (the line number, 1-based).

Writing a page's lines: the deals' current lines are read as above; an incoming line
replaces the current line of its position (batch update), a line with a new position is
created (batch create) and associated with its deal (v4 batch create, type 20, line item
to deal), and a current line no incoming line claims is archived. A constant number of
calls per page of deals, never one per deal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.connectors.hubspot import dialect
from sync.connectors.hubspot.batches import batch_errors
from sync.connectors.hubspot.dialect import BATCH_LIMIT
from sync.connectors.hubspot.links import create_links, read_links

__all__ = ["LINES_FIELD", "LineItems", "line_from_wire", "line_to_wire"]

LINES_FIELD = "lines"
POSITION = "hs_position_on_quote"
PRODUCT = "hs_product_id"
LINE_TO_DEAL = 20
_OBJ = "line_items"
_BASE = f"/crm/v3/objects/{_OBJ}/batch"
Call = Callable[[str, str, dict[str, Any] | None, Any, bool], Any]


def line_from_wire(row: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    """A line item as a plain line: `id`, typed properties, `product` = `hs_product_id`."""
    props = row.get("properties") or {}
    line = {k: dialect.value_from_wire(v, types.get(k)) for k, v in props.items()
            if k not in ("hs_object_id", "createdate", "hs_lastmodifieddate")}  # fmt: skip
    product = props.get(PRODUCT)
    line.pop(PRODUCT, None)
    line["product"] = None if product in (None, "") else str(product)  # an id, as text
    line["id"] = str(row["id"])
    return line


def line_to_wire(line: Mapping[str, Any], position: int) -> dict[str, str]:
    """A plain line's properties for a write (its position filled in when it has none)."""
    plain = {k: v for k, v in line.items() if k not in ("id", "product")}
    if line.get("product") not in (None, ""):
        plain[PRODUCT] = line["product"]
    if plain.get(POSITION) in (None, ""):
        plain[POSITION] = position
    return dialect.properties_to_wire(plain)


def _position(line: Mapping[str, Any]) -> tuple[float, str]:
    value = line.get(POSITION)
    return (float(value) if isinstance(value, int | float) else float("inf"), str(line["id"]))


@dataclass
class _Plan:
    updates: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    creates: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (deal id, props)
    archives: list[str] = field(default_factory=list)


class LineItems:
    """Reads and writes deals' line items through `call` (the connector's request road)."""

    def __init__(self, call: Call, types: Callable[[str], dict[str, str]]) -> None:
        self._call = call
        self._types = types

    def read(self, deal_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """`{deal id: [plain line, ...]}` ordered by position; a deal without lines: []."""
        links = read_links(self._call, "deals", _OBJ, deal_ids)
        owner = {line: deal for deal, to in links.items() for line in to}
        types = self._types(_OBJ)
        found: dict[str, list[dict[str, Any]]] = {d: [] for d in deal_ids}
        ids = list(owner)
        for start in range(0, len(ids), BATCH_LIMIT):
            body = {"inputs": [{"id": i} for i in ids[start:start + BATCH_LIMIT]],
                    "properties": list(types)}  # fmt: skip
            answer = self._call("POST", f"{_BASE}/read", {"archived": "false"}, body, False) or {}
            for row in answer.get("results") or ():
                line = line_from_wire(row, types)
                found.setdefault(owner[line["id"]], []).append(line)
        return {deal: sorted(lines, key=_position) for deal, lines in found.items()}

    def write(self, deals: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> dict[str, str]:
        """Make each deal's lines the given ones; returns the deals whose lines failed, with
        the reason (the deal itself is written already)."""
        current = self.read([deal for deal, _ in deals])
        plan = _Plan()
        for deal, lines in deals:
            by_position = {line.get(POSITION): line for line in current.get(deal, [])}
            for index, line in enumerate(lines, start=1):
                props = line_to_wire(line, index)
                mine = by_position.pop(_number(props[POSITION]), None)
                if mine is not None:
                    plan.updates.append((str(mine["id"]), props))
                else:
                    plan.creates.append((deal, props))
            plan.archives += [str(line["id"]) for line in by_position.values()]
        failed: dict[str, str] = {}
        owner = {str(line["id"]): deal for deal, lines in current.items() for line in lines}
        self._send("update", [{"id": i, "properties": p} for i, p in plan.updates],
                   [owner[i] for i, _ in plan.updates], failed)  # fmt: skip
        created = self._send("create", [{"properties": p} for _, p in plan.creates],
                             [d for d, _ in plan.creates], failed)  # fmt: skip
        pairs = [(line_id, deal) for line_id, deal in created]
        for line_id, reason in create_links(self._call, _OBJ, "deals", pairs, LINE_TO_DEAL).items():
            failed.setdefault(dict(pairs)[line_id], reason)
        self._send("archive", [{"id": i} for i in plan.archives], [], failed)
        return failed

    def _send(self, action: str, inputs: list[dict[str, Any]], deals: list[str],
              failed: dict[str, str]) -> list[tuple[str, str]]:  # fmt: skip
        """Batch `action` on line items; (new line id, deal) for each line created."""
        made: list[tuple[str, str]] = []
        for start in range(0, len(inputs), BATCH_LIMIT):
            chunk, owners = inputs[start : start + BATCH_LIMIT], deals[start : start + BATCH_LIMIT]
            body = self._call("POST", f"{_BASE}/{action}", None, {"inputs": chunk}, False)
            for error in batch_errors(body):
                for deal in owners or []:
                    failed.setdefault(deal, f"line items {action}: {error.code}: {error.message}")
            if action == "create":
                made += _created(chunk, owners, (body or {}).get("results") or [])
        return made


def _number(value: str) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _created(inputs: list[dict[str, Any]], owners: list[str],
             results: list[dict[str, Any]]) -> list[tuple[str, str]]:  # fmt: skip
    """Each created line's id with its deal. Batch create does not echo its inputs, so a
    result is matched to the input holding the same properties (HubSpot keeps input order,
    which breaks ties between identical lines)."""
    free = list(range(len(inputs)))
    made = []
    for result in results:
        props = result.get("properties") or {}
        match = next((i for i in free if all(str(props.get(k, v)) == v
                                             for k, v in inputs[i]["properties"].items())),
                     free[0] if free else None)  # fmt: skip
        if match is not None:
            free.remove(match)
            made.append((str(result["id"]), owners[match]))
    return made
