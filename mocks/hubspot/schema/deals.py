"""Deals: HubSpot's standard deal properties and the ERP order's custom ones."""

from __future__ import annotations

from dataclasses import replace

from mocks.hubspot.schema.common import CURRENCIES, DEAL_STAGES, OWNER
from mocks.hubspot.schema.spec import (
    ObjectSpec,
    custom,
    enum,
    number,
    stamp_properties,
    text,
    when,
)

DEALS = ObjectSpec(
    name="deals",
    type_id="0-3",
    singular="deal",
    label="Deal",
    properties=(
        *stamp_properties("hs_lastmodifieddate"),
        text("dealname", "Deal Name"),
        number("amount", "Amount"),
        enum("dealstage", "Deal Stage", DEAL_STAGES, field_type="radio"),
        enum("pipeline", "Pipeline", ("default",), field_type="radio"),
        when("closedate", "Close Date"),
        enum("deal_currency_code", "Currency", CURRENCIES),
        replace(OWNER, label="Deal owner"),
        text("description", "Deal Description", field_type="textarea"),
        text("hs_merged_object_ids", "Merged Deal IDs", read_only=True),
        custom(text("erp_order_id", "ERP order id"), unique=True),
        custom(text("po_number", "PO number")),
        custom(text("order_number", "Order number")),
    ),
    defaults=("dealname", "amount", "closedate", "pipeline", "dealstage"),
    searchable=("dealname", "order_number", "po_number"),
)

__all__ = ["DEALS"]
