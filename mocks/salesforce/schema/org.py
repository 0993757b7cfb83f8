"""The org's own records: Organization, User and RecordType.

Every org has them before any data is loaded, and the data API can read but not make most of
them (an Organization or a RecordType is setup, not data; a User is deactivated, never
deleted). `mocks.salesforce.seed.directory` puts them in the store on first use.
"""

from __future__ import annotations

from dataclasses import replace

from mocks.salesforce.schema.base import (
    FieldDef,
    SObjectDef,
    audit_fields,
    full_name_field,
    system_field,
)
from mocks.salesforce.schema.base import text_field as _text

TIME_ZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Paris")
LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE")
LANGUAGES = ("en_US", "fr", "de")
ENCODINGS = ("UTF-8", "ISO-8859-1")
USER_TYPES = ("Standard", "PowerPartner", "CsnOnly", "AutomatedProcess")


def _head(label: str) -> tuple[FieldDef, ...]:
    return (system_field("Id", f"{label} ID", "id", "id", id_lookup=True),)


def _flag(name: str, label: str, **kw: object) -> FieldDef:
    return FieldDef(name, label, "boolean", nillable=False, defaulted_on_create=True, **kw)  # type: ignore[arg-type]


def _read_only(*fields: FieldDef) -> tuple[FieldDef, ...]:
    """Setup, not data: the API reads these fields and refuses to write them."""
    return tuple(replace(fd, createable=False, updateable=False) for fd in fields)


def _picklist(name: str, label: str, values: tuple[str, ...], **kw: object) -> FieldDef:
    return _text(name, label, 40, "picklist", picklist=values, restricted_picklist=True, **kw)  # type: ignore[arg-type]


ORGANIZATION = SObjectDef(
    name="Organization",
    label="Organization",
    label_plural="Organizations",
    key_prefix="00D",
    createable=False,
    updateable=False,
    deletable=False,
    fields=_read_only(
        *_head("Organization"),
        _text("Name", "Name", 80, nillable=False, name_field=True),
        _text("Division", "Division", 80),
        _text("Street", "Street", 255, "textarea"),
        _text("City", "City", 40),
        _text("State", "State/Province", 80),
        _text("PostalCode", "Zip/Postal Code", 20),
        _text("Country", "Country", 80),
        _text("Phone", "Phone", 40, "phone"),
        _text("PrimaryContact", "Primary Contact", 80),
        _text("DefaultLocaleSidKey", "Locale", 40, "picklist", picklist=LOCALES),
        _text("TimeZoneSidKey", "Default Time Zone", 40, "picklist", picklist=TIME_ZONES),
        _text("LanguageLocaleKey", "Language", 40, "picklist", picklist=LANGUAGES),
        _text(
            "OrganizationType",
            "Edition",
            40,
            "picklist",
            picklist=("Developer Edition", "Enterprise Edition", "Unlimited Edition"),
        ),
        _text("InstanceName", "Instance Name", 5),
        _flag("IsSandbox", "Is Sandbox"),
        _text("NamespacePrefix", "Namespace Prefix", 15),
        FieldDef("TrialExpirationDate", "Trial Expiration Date", "datetime"),
        *audit_fields(owner=False),
    ),
)

USER = SObjectDef(
    name="User",
    label="User",
    label_plural="Users",
    key_prefix="005",
    deletable=False,
    compound_name=("Name", ("FirstName", "LastName")),
    fields=(
        *_head("User"),
        _text("Username", "Username", 80, nillable=False, unique=True, id_lookup=True),
        _text("LastName", "Last Name", 80, nillable=False),
        _text("FirstName", "First Name", 40),
        full_name_field(id_lookup=False),
        _text("CompanyName", "Company Name", 80),
        _text("Division", "Division", 80),
        _text("Department", "Department", 80),
        _text("Title", "Title", 80),
        _text("Email", "Email", 128, "email", nillable=False),
        _text("Phone", "Phone", 40, "phone"),
        _text("Alias", "Alias", 8, nillable=False),
        _text("CommunityNickname", "Nickname", 40, unique=True),
        _flag("IsActive", "Active"),
        _picklist("TimeZoneSidKey", "Time Zone", TIME_ZONES, nillable=False),
        _picklist("LocaleSidKey", "Locale", LOCALES, nillable=False),
        _picklist("EmailEncodingKey", "Email Encoding", ENCODINGS, nillable=False),
        _picklist("LanguageLocaleKey", "Language", LANGUAGES, nillable=False),
        _picklist(
            "UserType",
            "User Type",
            USER_TYPES,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        FieldDef(
            "ManagerId",
            "Manager ID",
            "reference",
            reference_to=("User",),
            relationship_name="Manager",
        ),
        _text("FederationIdentifier", "SAML Federation ID", 512, id_lookup=True),
        FieldDef("LastLoginDate", "Last Login", "datetime", createable=False, updateable=False),
        *audit_fields(owner=False),
    ),
)

RECORD_TYPE = SObjectDef(
    name="RecordType",
    label="Record Type",
    label_plural="Record Types",
    key_prefix="012",
    createable=False,
    updateable=False,
    deletable=False,
    fields=_read_only(
        *_head("Record Type"),
        _text("Name", "Name", 80, nillable=False, name_field=True),
        _text("DeveloperName", "Record Type Name", 80, nillable=False),
        _text("NamespacePrefix", "Namespace Prefix", 15),
        _text("Description", "Description", 255),
        _text(
            "SobjectType",
            "SObject Type Name",
            40,
            "picklist",
            nillable=False,
            picklist=("Account", "Contact", "Lead", "Opportunity"),
        ),
        _flag("IsActive", "Active"),
        *audit_fields(owner=False),
    ),
)

ORG_SOBJECTS = (ORGANIZATION, USER, RECORD_TYPE)
