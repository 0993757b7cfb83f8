"""Controlled defects of the business entities, in the manifest format of company defects.

A share of the contacts, orders and order lines carries one defect each: `dirty / 4` of them
(`ENTITY_SHARE`), so a dirty world's business is about as dirty per company as its companies.
The kinds, each recorded as {"kind", "entity", "key", "field", "details"}:

- `orphan`: a contact without a company (blank `company_key`), an order for a customer key no
  company has (`customer_key`);
- `missing_value`: a contact's last name, an order line's quantity (None);
- `invalid_email`: a contact's email;
- `total_mismatch`: a line total that is not quantity x price - discount, or an order total
  that is not the sum of its lines.

The injector draws from its own `random.Random`, one draw a record whatever the rate, so the
business composed around the defects is the same at every dirty rate.
"""

from __future__ import annotations

import random
from typing import Any

ENTITY_SHARE = 0.25  # of `WorldSettings.dirty`
_BAD_EMAILS = ("{local}@@{domain}", "{local}.{domain}", "{local}@", "{local} @{domain}")


class EntityDefects:
    def __init__(self, rng: random.Random, dirty: float, accounts: int) -> None:
        self.rng = rng
        self.rate = dirty * ENTITY_SHARE
        self.draw = rng.random
        self.next_missing = accounts  # orphan customer keys are past the last company key
        self.defects: list[dict[str, Any]] = []

    def _record(self, kind: str, entity: str, key: str, fld: str, **details: Any) -> None:
        self.defects.append(
            {"kind": kind, "entity": entity, "key": key, "field": fld, "details": details}
        )

    def contact(self, values: dict[str, Any]) -> None:
        """Maybe one defect in a contact's values (before they are frozen)."""
        if self.draw() >= self.rate:
            return
        key, roll = values["key"], self.rng.random()
        if roll < 0.3:
            self._record("orphan", "contact", key, "company_key", was=values["company_key"])
            values["company_key"] = ""
        elif roll < 0.6:
            values["last_name"] = ""
            self._record("missing_value", "contact", key, "last_name")
        else:
            local, _, domain = values["email"].partition("@")
            values["email"] = self.rng.choice(_BAD_EMAILS).format(local=local, domain=domain)
            self._record("invalid_email", "contact", key, "email", value=values["email"])

    def order_customer(self, order_key: str, customer_key: str) -> str:
        """The customer key an order holds: its company's, or (an orphan) a missing one."""
        if self.draw() >= self.rate / 2:
            return customer_key
        self.next_missing += 1
        missing = f"CO-{self.next_missing:06d}"
        self._record("orphan", "order", order_key, "customer_key", missing=missing)
        return missing

    def line(self, line_key: str, quantity: int, total: int) -> tuple[int | None, int]:
        """A line's stored quantity and total: as computed, or blank / not adding up."""
        if self.draw() >= self.rate:
            return quantity, total
        if self.rng.random() < 0.5:
            self._record("missing_value", "order_line", line_key, "quantity", was=quantity)
            return None, total
        wrong = total + self._delta()
        self._record("total_mismatch", "order_line", line_key, "total", expected=total, got=wrong)
        return quantity, wrong

    def order_total(self, order_key: str, total: int) -> int:
        if self.draw() >= self.rate / 2:
            return total
        wrong = max(total + self._delta(), 0) if total else 100
        if wrong == total:
            wrong += 1
        self._record("total_mismatch", "order", order_key, "total", expected=total, got=wrong)
        return wrong

    def _delta(self) -> int:
        delta = self.rng.randint(1, 5000)
        return delta if self.rng.random() < 0.5 else -delta


__all__ = ["ENTITY_SHARE", "EntityDefects"]
