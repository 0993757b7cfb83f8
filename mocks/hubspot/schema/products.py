"""Products: HubSpot's standard product properties and the ERP item's custom ones."""

from __future__ import annotations

from mocks.hubspot.schema.spec import (
    ObjectSpec,
    custom,
    flag,
    number,
    stamp_properties,
    text,
)

PRODUCTS = ObjectSpec(
    name="products",
    type_id="0-7",
    singular="product",
    label="Product",
    properties=(
        *stamp_properties("hs_lastmodifieddate"),
        text("name", "Name"),
        number("price", "Unit price"),
        text("hs_sku", "SKU"),
        text("description", "Description", field_type="textarea"),
        number("hs_cost_of_goods_sold", "Unit cost"),
        text("hs_merged_object_ids", "Merged Product IDs", read_only=True),
        custom(text("erp_item_id", "ERP item id"), unique=True),
        custom(text("erp_item_code", "ERP item code")),
        custom(text("erp_unit", "ERP unit")),
        custom(flag("erp_active", "ERP active")),
        custom(text("erp_price_currency", "ERP price currency")),
        custom(flag("erp_price_active", "ERP price active")),
    ),
    defaults=("name", "description", "price"),
    searchable=("name", "hs_sku", "description"),
)

__all__ = ["PRODUCTS"]
