"""Who may own a record: the `OwnerId` a create or update sets.

`OwnerId` is createable and updateable on Account, Contact, Lead, Opportunity and the other
owned objects ("Properties: Create, Defaulted on create, Filter, Group, Sort, Update" in the
Object Reference, e.g. developer.salesforce.com/docs/atlas.en-us.object_reference.meta/
object_reference/sforce_api_objects_account.htm). A record saved without one is owned by
the org's integration user, the mock's one API user (`records`' "owner" source). The id
itself is checked as any lookup is (`values.coerce_value`: MALFORMED_ID for no id at all,
FIELD_INTEGRITY_EXCEPTION for an id of another object; `dml.UnitOfWork`:
INVALID_CROSS_REFERENCE_KEY for a user that does not exist); this module adds what only an
owner needs: a value (an owner cannot be cleared) and an active user
(INACTIVE_OWNER_OR_USER).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mocks.salesforce.schema import SObjectDef
from mocks.salesforce.values import RecordError

OWNER_FIELD = "OwnerId"
# A user record's fields by id (None when there is no such user).
UserLookup = Callable[[str], dict[str, Any] | None]


def check_owner(sobject: SObjectDef, values: dict[str, Any], user_of: UserLookup) -> None:
    """Refuse an `OwnerId` in `values` (already coerced and known to exist) that is null or
    names an inactive user."""
    fd = sobject.field(OWNER_FIELD)
    if fd is None or fd.system != "owner" or OWNER_FIELD not in values:
        return
    owner = values[OWNER_FIELD]
    if owner is None:
        raise RecordError.one(
            "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{OWNER_FIELD}]",
            [OWNER_FIELD],
        )  # fmt: skip
    user = user_of(str(owner))
    if user is not None and not user.get("IsActive", True):
        raise RecordError.one(
            "INACTIVE_OWNER_OR_USER",
            f"operation performed with inactive user [{owner}] as owner of"
            f" [{sobject.name.lower()}]",
        )


__all__ = ["OWNER_FIELD", "UserLookup", "check_owner"]
