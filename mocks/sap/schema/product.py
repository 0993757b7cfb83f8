"""API_PRODUCT_SRV (Product Master (A2X)): products keyed by the item code, with their
descriptions per language."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Nav, Service
from mocks.sap.schema.fields import READ_ONLY, amount, date, flag, key, required, stamp, text

PRODUCT = EntityType(
    "A_Product",
    (
        key("Product", 40),
        required("ProductType", 4),
        text("CrossPlantStatus", 2),
        date("CreationDate", **READ_ONLY),
        text("CreatedByUser", 12, **READ_ONLY),
        date("LastChangeDate", **READ_ONLY),
        text("LastChangedByUser", 12, **READ_ONLY),
        stamp("LastChangeDateTime"),
        flag("IsMarkedForDeletion"),
        text("ProductOldID", 40),
        amount("GrossWeight", 13, 3),
        text("WeightUnit", 3),
        text("ProductGroup", 9),
        text("BaseUnit", 3),
        text("Division", 2),
    ),
    (Nav("to_Description", "A_ProductDescription", True, (("Product", "Product"),)),),
    stamp=("LastChangeDateTime",),
    deletable=False,  # products are flagged for deletion (IsMarkedForDeletion), not deleted
)

DESCRIPTION = EntityType(
    "A_ProductDescription",
    (key("Product", 40), key("Language", 2), text("ProductDescription", 40)),
)

SERVICE = Service("API_PRODUCT_SRV", (PRODUCT, DESCRIPTION), "Product Master (A2X)")

__all__ = ["DESCRIPTION", "PRODUCT", "SERVICE"]
