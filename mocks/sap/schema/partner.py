"""API_BUSINESS_PARTNER (Business Partner (A2X)): partners, their addresses with e-mail and
phone numbers, roles, the customer a customer role creates with its company codes, and the
contact-person relationships. Names and lengths as SAP's published metadata."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Nav, Prop, Service
from mocks.sap.schema.fields import READ_ONLY, date, flag, guid, key, required, text, time

BP = ("BusinessPartner", "BusinessPartner")

BUSINESS_PARTNER = EntityType(
    "A_BusinessPartner",
    (
        key("BusinessPartner", 10),
        text("Customer", 10, **READ_ONLY),
        text("Supplier", 10, **READ_ONLY),
        required("BusinessPartnerCategory", 1, updatable=False),
        text("BusinessPartnerGrouping", 4),
        text("BusinessPartnerFullName", 81),
        text("BusinessPartnerName", 81, **READ_ONLY),
        text("OrganizationBPName1", 40),
        text("OrganizationBPName2", 40),
        text("OrganizationBPName3", 40),
        text("OrganizationBPName4", 40),
        text("FirstName", 40),
        text("LastName", 40),
        text("FormOfAddress", 4),
        text("SearchTerm1", 20),
        text("SearchTerm2", 20),
        text("Language", 2),
        text("BusinessPartnerIDByExtSystem", 20),
        flag("BusinessPartnerIsBlocked"),
        guid("BusinessPartnerUUID", **READ_ONLY),
        text("CreatedByUser", 12, **READ_ONLY),
        date("CreationDate", **READ_ONLY),
        text("LastChangedByUser", 12, **READ_ONLY),
        date("LastChangeDate", **READ_ONLY),
        time("LastChangeTime", **READ_ONLY),
    ),
    (
        Nav("to_BusinessPartnerAddress", "A_BusinessPartnerAddress", True, (BP,)),
        Nav(
            "to_BusinessPartnerContact",
            "A_BusinessPartnerContact",
            True,
            (("BusinessPartner", "BusinessPartnerCompany"),),
        ),
        Nav("to_BusinessPartnerRole", "A_BusinessPartnerRole", True, (BP,)),
        Nav("to_Customer", "A_Customer", False, (("BusinessPartner", "Customer"),)),
    ),
    stamp=("LastChangeDate", "LastChangeTime"),
    deletable=False,  # a business partner is blocked or archived, never deleted by the API
)

ADDRESS_ID = ("AddressID", "AddressID")

ADDRESS = EntityType(
    "A_BusinessPartnerAddress",
    (
        key("BusinessPartner", 10),
        key("AddressID", 10),
        date("ValidityStartDate"),
        text("StreetPrefixName", 40),
        text("StreetName", 60),
        text("HouseNumber", 10),
        text("CityName", 40),
        text("PostalCode", 10),
        text("Region", 3),
        text("Country", 3),
        text("Language", 2),
    ),
    (
        Nav("to_EmailAddress", "A_AddressEmailAddress", True, (ADDRESS_ID,)),
        # SAP serves landlines and mobiles from one set, told apart by PhoneNumberType
        Nav(
            "to_MobilePhoneNumber",
            "A_AddressPhoneNumber",
            True,
            (ADDRESS_ID,),
            only=("PhoneNumberType", ("2", "3")),
            default=("PhoneNumberType", "3"),
        ),
        Nav(
            "to_PhoneNumber",
            "A_AddressPhoneNumber",
            True,
            (ADDRESS_ID,),
            only=("PhoneNumberType", (None, "", "1")),
            default=("PhoneNumberType", "1"),
        ),
    ),
)


EMAIL = EntityType(
    "A_AddressEmailAddress",
    (
        key("AddressID", 10),
        key("Person", 10),
        key("OrdinalNumber", 3),
        flag("IsDefaultEmailAddress"),
        text("EmailAddress", 241),
        text("SearchEmailAddress", 20, **READ_ONLY),
    ),
)


def _phone(set_name: str) -> EntityType:
    return EntityType(
        set_name,
        (
            key("AddressID", 10),
            key("Person", 10),
            key("OrdinalNumber", 3),
            text("DestinationLocationCountry", 3),
            flag("IsDefaultPhoneNumber"),
            text("PhoneNumber", 30),
            text("PhoneNumberExtension", 10),
            text("InternationalPhoneNumber", 30, **READ_ONLY),
            text("PhoneNumberType", 1),
        ),
    )


PHONE = _phone("A_AddressPhoneNumber")

ROLE = EntityType(
    "A_BusinessPartnerRole",
    (
        key("BusinessPartner", 10),
        key("BusinessPartnerRole", 6),
        Prop("ValidFrom", "Edm.DateTimeOffset"),
        Prop("ValidTo", "Edm.DateTimeOffset"),
    ),
)

CUSTOMER = EntityType(
    "A_Customer",
    (
        key("Customer", 10),
        text("CustomerName", 35),
        text("CustomerFullName", 220),
        text("CustomerAccountGroup", 4),
        flag("DeletionIndicator"),
        text("OrderIsBlockedForCustomer", 2),
        date("CreationDate", **READ_ONLY),
    ),
    (Nav("to_CustomerCompany", "A_CustomerCompany", True, (("Customer", "Customer"),)),),
    creatable=False,  # the customer role (FLCU00/FLCU01) creates it
    deletable=False,
)

CUSTOMER_COMPANY = EntityType(
    "A_CustomerCompany",
    (
        key("Customer", 10),
        key("CompanyCode", 4),
        text("PaymentTerms", 4),
        text("ReconciliationAccount", 10),
        flag("DeletionIndicator"),
    ),
)

CONTACT = EntityType(
    "A_BusinessPartnerContact",
    (
        key("RelationshipNumber", 12),
        key("BusinessPartnerCompany", 10),
        key("BusinessPartnerPerson", 10),
        Prop(
            "ValidityEndDate",
            "Edm.DateTime",
            key=True,
            nullable=False,
            updatable=False,
            date_only=True,
        ),
        date("ValidityStartDate"),
        flag("IsStandardRelationship"),
        text("RelationshipCategory", 6),
    ),
)

SERVICE = Service(
    "API_BUSINESS_PARTNER",
    (BUSINESS_PARTNER, ADDRESS, EMAIL, PHONE, ROLE, CUSTOMER, CUSTOMER_COMPANY, CONTACT),
    "Business Partner (A2X)",
)

__all__ = ["ADDRESS", "BUSINESS_PARTNER", "CONTACT", "CUSTOMER", "ROLE", "SERVICE"]
