"""The org's directory: its Organization record, its users and Account's record types.

A real org has them before any data is loaded, and a reseed of the data does not touch them.
They are put in the store on first use of an object that reads them (as the standard price
book is), so the seeded world's counts and change feeds stay exactly as they were; their ids
and stamps are fixed, so every run sees the same directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from mocks.salesforce.config import SalesforceMockConfig
from mocks.salesforce.ids import make_id
from mocks.salesforce.schema import compound_name
from mocks.salesforce.schema.org import ORGANIZATION, RECORD_TYPE, USER
from mocks.store import RecordStore

DIRECTORY_OBJECTS = frozenset({ORGANIZATION.name, USER.name, RECORD_TYPE.name})
ORG_CREATED = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
ORG_NAME = "Harness Industries"
# (first name, last name, title, active): the sales team beside the integration user.
TEAM = (
    ("Dana", "Whitfield", "VP Sales", True),
    ("Marco", "Lindqvist", "Account Executive", True),
    ("Priya", "Natarajan", "Sales Operations Analyst", True),
    ("Owen", "Castillo", "Account Executive", False),  # left the company: deactivated
)
ACCOUNT_RECORD_TYPES = (
    ("Customer", "Customer", "Accounts that buy from us"),
    ("Partner", "Partner", "Resellers and implementation partners"),
)


def ensure_directory(
    store: RecordStore, config: SalesforceMockConfig, objects: Iterable[str]
) -> None:
    """Insert the directory unless it is there, when any of `objects` is one of its types."""
    if DIRECTORY_OBJECTS.isdisjoint(objects):
        return
    if store.get(ORGANIZATION.name, config.org_id, include_deleted=True) is not None:
        return
    store.insert(ORGANIZATION.name, config.org_id, _organization(), at=ORG_CREATED)
    for record_id, fields in _users(config):
        store.insert(USER.name, record_id, fields, at=ORG_CREATED)
    for number, (name, developer_name, description) in enumerate(ACCOUNT_RECORD_TYPES, start=1):
        fields = {"Name": name, "DeveloperName": developer_name, "Description": description,
                  "SobjectType": "Account", "IsActive": True}  # fmt: skip
        store.insert(RECORD_TYPE.name, make_id(RECORD_TYPE.key_prefix, number), fields,
                     at=ORG_CREATED)  # fmt: skip


def _organization() -> dict[str, Any]:
    return {
        "Name": ORG_NAME,
        "City": "Austin",
        "State": "TX",
        "Country": "United States",
        "Phone": "(512) 555-0100",
        "PrimaryContact": "Dana Whitfield",
        "DefaultLocaleSidKey": "en_US",
        "TimeZoneSidKey": "America/New_York",
        "LanguageLocaleKey": "en_US",
        "OrganizationType": "Enterprise Edition",
        "InstanceName": "USA2S",
        # A harness org is where integrations are tried out: a sandbox, as `is_sandbox()` says.
        "IsSandbox": True,
    }


def _user(first: str, last: str, username: str, email: str, **more: Any) -> dict[str, Any]:
    fields = {
        "FirstName": first,
        "LastName": last,
        "Username": username,
        "Email": email,
        "Alias": (first[:1] + last)[:8].lower(),
        "CommunityNickname": f"{first}.{last}".lower(),
        "CompanyName": ORG_NAME,
        "IsActive": True,
        "TimeZoneSidKey": "America/New_York",
        "LocaleSidKey": "en_US",
        "EmailEncodingKey": "UTF-8",
        "LanguageLocaleKey": "en_US",
        "UserType": "Standard",
        **more,
    }
    return compound_name(USER, fields)


def _users(config: SalesforceMockConfig) -> list[tuple[str, dict[str, Any]]]:
    """The integration user (whose session the API serves) first, then the sales team."""
    domain = config.username.partition("@")[2] or "harness.example"
    users = [(config.user_id, _user("Integration", "User", config.username, config.username,
                                    Title="Integration User"))]  # fmt: skip
    for number, (first, last, title, active) in enumerate(TEAM, start=2):
        address = f"{first}.{last}@{domain}".lower()
        fields = _user(first, last, address, address, Title=title, IsActive=active)
        users.append((make_id(USER.key_prefix, number), fields))
    return users


__all__ = ["DIRECTORY_OBJECTS", "ensure_directory"]
