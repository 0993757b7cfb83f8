"""What NetSuite's server fills in or recomputes when a record of a commerce type is saved.

- contact: `entityId` joined from the name when absent; `subsidiary` from the company.
- inventoryItem: a location line's `quantityAvailable` defaults to its `quantityOnHand`.
- transactions: `tranDate` today, `tranId` numbered ("SO1001", "INV1002", "1003"),
  `subsidiary` and `currency` from the customer; item lines without `line` numbered after
  the highest given, `amount` = quantity x rate when absent, `total` = the sum of amounts.
- salesOrder: `orderStatus` B (Pending Fulfillment) when absent.
- invoice: `amountRemaining` = total - the payments applied to it, `status` A (Open) or
  B (Paid In Full); kept current when a customerPayment is saved or deleted.
- customerPayment: an apply line without `amount` takes what is left of the payment, up to
  the invoice's amount due; the lines may not apply more than the payment (USER_ERROR).

The functions take and return plain field dicts, so `RecordService` stays about HTTP-free
persistence and these rules stay testable on their own.
"""

from __future__ import annotations

from typing import Any

from mocks.netsuite.errors import NetSuiteError
from mocks.netsuite.schema.spec import RecordSpec
from mocks.store import RecordStore

_TRAN_PREFIXES = {"salesOrder": "SO", "invoice": "INV", "customerPayment": ""}


def _money(value: float) -> float:
    return round(value + 0.0, 2)


def complete(spec: RecordSpec, fields: dict[str, Any], store: RecordStore, record_id: str
             ) -> dict[str, Any]:  # fmt: skip
    """`fields` (a whole record after the write) with the server-computed values set."""
    out = dict(fields)
    _check_lines(spec, out)
    if spec.name == "contact":
        _contact(out, store)
    elif spec.name == "inventoryItem":
        for line in out.get("locations") or []:
            if line.get("quantityAvailable") is None and line.get("quantityOnHand") is not None:
                line["quantityAvailable"] = line["quantityOnHand"]
    elif spec.transaction:
        _transaction(spec, out, store, record_id)
    return out


def _check_lines(spec: RecordSpec, fields: dict[str, Any]) -> None:
    for sublist in (f for f in spec.fields if f.kind == "sublist"):
        for i, line in enumerate(fields.get(sublist.name) or []):
            for child in sublist.children:
                if child.required and line.get(child.name) in (None, ""):
                    raise NetSuiteError(
                        400,
                        "USER_ERROR",
                        f"Please enter value(s) for: {child.title} (line {i + 1} of"
                        f" {sublist.title}).",
                        path=f"{sublist.name}.items[{i}].{child.name}",
                    )


def _contact(out: dict[str, Any], store: RecordStore) -> None:
    if not out.get("entityId"):
        name = " ".join(str(out[k]) for k in ("firstName", "lastName") if out.get(k))
        out["entityId"] = name or None
    if not out.get("subsidiary") and out.get("company"):
        company = store.get("customer", str(out["company"]))
        if company is not None:
            out["subsidiary"] = company.fields.get("subsidiary")
    if not out.get("entityId"):
        raise NetSuiteError(400, "USER_ERROR", "Please enter value(s) for: Contact",
                            path="entityId")  # fmt: skip


def _transaction(spec: RecordSpec, out: dict[str, Any], store: RecordStore, record_id: str
                 ) -> None:  # fmt: skip
    if not out.get("tranDate"):
        out["tranDate"] = store.now().date().isoformat()
    if not out.get("tranId"):
        out["tranId"] = f"{_TRAN_PREFIXES.get(spec.name, '')}{record_id}"
    entity = out.get("customer" if spec.name == "customerPayment" else "entity")
    customer = store.get("customer", str(entity)) if entity else None
    if customer is not None:
        for name in ("subsidiary", "currency"):
            if not out.get(name):
                out[name] = customer.fields.get(name)
    if spec.name == "customerPayment":
        _apply_payment(out, store, record_id)
        return
    lines = out.get("item") or []
    given = [line.get("line") for line in lines if isinstance(line.get("line"), int | float)]
    if len(set(given)) != len(given):
        raise NetSuiteError(400, "USER_ERROR", "Two item lines share one line number.",
                            path="item.items")  # fmt: skip
    number = int(max(given, default=0))
    for line in lines:
        if line.get("line") is None:
            number += 1
            line["line"] = number
        if line.get("amount") is None and None not in (line.get("quantity"), line.get("rate")):
            line["amount"] = _money(float(line["quantity"]) * float(line["rate"]))
    if "item" in out:
        out["total"] = _money(sum(float(line.get("amount") or 0) for line in lines))
    if spec.name == "salesOrder" and not out.get("orderStatus"):
        out["orderStatus"] = "B"
    if spec.name == "invoice":
        total = float(out.get("total") or 0)
        paid = applied_to(store, record_id)
        out["amountRemaining"] = _money(max(total - paid, 0.0))
        out["status"] = "B" if total > 0 and out["amountRemaining"] == 0 else "A"


def _apply_payment(out: dict[str, Any], store: RecordStore, record_id: str) -> None:
    left = float(out.get("payment") or 0)
    for line in out.get("apply") or []:
        invoice = store.get("invoice", str(line.get("doc")))
        due = 0.0
        if invoice is not None:
            others = applied_to(store, invoice.id, skip_payment=record_id)
            due = _money(max(float(invoice.fields.get("total") or 0) - others, 0.0))
        line["due"] = due
        if line.get("apply") is None:
            line["apply"] = True
        if not line["apply"]:
            line["amount"] = None
            continue
        if line.get("amount") is None:
            line["amount"] = _money(min(left, due))
        left = _money(left - float(line["amount"]))
    if left < 0:
        raise NetSuiteError(
            400,
            "USER_ERROR",
            "The total amount applied exceeds the payment amount; lower the apply amounts or"
            " raise the payment.",
            path="apply",
        )


def applied_to(store: RecordStore, invoice_id: str, *, skip_payment: str | None = None) -> float:
    """What the live customer payments apply to one invoice."""
    total = 0.0
    for payment in store.records("customerPayment"):
        if payment.id == skip_payment:
            continue
        for line in payment.fields.get("apply") or []:
            if str(line.get("doc")) == invoice_id and line.get("apply", True):
                total += float(line.get("amount") or 0)
    return _money(total)


def refresh_invoices(store: RecordStore, invoice_ids: set[str]) -> None:
    """Recompute amount remaining and status of invoices a payment write touched."""
    for invoice_id in sorted(invoice_ids):
        invoice = store.get("invoice", invoice_id)
        if invoice is None:
            continue
        total = float(invoice.fields.get("total") or 0)
        remaining = _money(max(total - applied_to(store, invoice_id), 0.0))
        status = "B" if total > 0 and remaining == 0 else "A"
        current = (invoice.fields.get("amountRemaining"), invoice.fields.get("status"))
        if current != (remaining, status):
            store.update("invoice", invoice_id, {"amountRemaining": remaining, "status": status})


def applied_invoices(fields: dict[str, Any] | None) -> set[str]:
    """Invoice ids a payment's apply lines name."""
    lines = (fields or {}).get("apply") or []
    return {str(line["doc"]) for line in lines if line.get("doc") is not None}
