"""Line items: HubSpot's standard line item properties (the line number in
`hs_position_on_quote`)."""

from __future__ import annotations

from mocks.hubspot.schema.spec import (
    ObjectSpec,
    number,
    stamp_properties,
    text,
)

LINE_ITEMS = ObjectSpec(
    name="line_items",
    type_id="0-8",
    singular="line_item",
    label="Line item",
    properties=(
        *stamp_properties("hs_lastmodifieddate"),
        text("name", "Name"),
        number("quantity", "Quantity"),
        number("price", "Unit price"),
        number("amount", "Net price"),
        number("discount", "Unit discount"),
        number("hs_product_id", "Product ID", integer=True),
        text("hs_sku", "SKU"),
        number("hs_position_on_quote", "Position on quote", integer=True),
        text("hs_merged_object_ids", "Merged Line item IDs", read_only=True),
    ),
    defaults=("name", "quantity", "price", "amount", "hs_product_id"),
    searchable=("name", "hs_sku"),
)

__all__ = ["LINE_ITEMS"]
