"""Contacts: HubSpot's standard contact properties (modified stamp `lastmodifieddate`) and
the ERP contact id."""

from __future__ import annotations

from mocks.hubspot.schema.common import ADDRESS, LIFECYCLE_STAGES, OWNER
from mocks.hubspot.schema.spec import (
    ObjectSpec,
    custom,
    enum,
    stamp_properties,
    text,
)

CONTACTS = ObjectSpec(
    name="contacts",
    type_id="0-1",
    singular="contact",
    label="Contact",
    properties=(
        *stamp_properties("lastmodifieddate"),
        text("email", "Email", has_unique_value=True),
        text("firstname", "First Name"),
        text("lastname", "Last Name"),
        text("salutation", "Salutation"),
        text("phone", "Phone Number"),
        text("mobilephone", "Mobile Phone Number"),
        text("company", "Company Name"),
        text("jobtitle", "Job Title"),
        text("website", "Website URL"),
        *ADDRESS,
        enum("lifecyclestage", "Lifecycle Stage", LIFECYCLE_STAGES, field_type="radio"),
        OWNER,
        text("hs_merged_object_ids", "Merged Contact IDs", read_only=True),
        custom(text("erp_contact_id", "ERP contact id"), unique=True),
    ),
    defaults=("firstname", "lastname", "email"),
    modified="lastmodifieddate",
    searchable=("email", "firstname", "lastname", "phone", "company"),
)

__all__ = ["CONTACTS"]
