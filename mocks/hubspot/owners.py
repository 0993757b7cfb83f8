"""The portal's owners: the users records can be assigned to through `hubspot_owner_id`.

Owners are read-only in HubSpot (the owners API has no writes; they come from the portal's
users), so the mock keeps a fixed set. Ids are numeric strings, as HubSpot's are, and
differ from the users' `userId`, because HubSpot refuses a user id as an owner id
(developers.hubspot.com/docs/guides/api/crm/owners). One owner is archived (a deactivated
user): its `userId` is null and the id lives on only in `userIdIncludingInactive`, as the
same guide describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Team:
    """A team an owner belongs to (`PublicTeam`)."""

    id: str
    name: str
    primary: bool


@dataclass(frozen=True)
class Owner:
    """One owner as `/crm/v3/owners` answers it (`PublicOwner`)."""

    id: str
    user_id: int
    email: str
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    archived: bool = False
    teams: tuple[Team, ...] = ()

    @property
    def name(self) -> str:
        """The label the owner property shows for this owner's option."""
        return f"{self.first_name} {self.last_name}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "email": self.email,
            "type": "PERSON",
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userId": None if self.archived else self.user_id,
            "userIdIncludingInactive": self.user_id,
            "createdAt": _iso(self.created_at),
            "updatedAt": _iso(self.updated_at),
            "archived": self.archived,
        }
        if self.teams:
            out["teams"] = [{"id": t.id, "name": t.name, "primary": t.primary} for t in self.teams]
        return out


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


_SALES = Team("178588", "ERP Sales", primary=True)
_SUPPORT = Team("178590", "Customer Success", primary=True)

OWNERS: tuple[Owner, ...] = (
    Owner(
        "41629779", 9586504, "avery.lin@example.com", "Avery", "Lin",
        _at(2019, 3, 4), _at(2023, 6, 1), teams=(_SALES,),
    ),
    Owner(
        "41629811", 9586537, "brook.okafor@example.com", "Brook", "Okafor",
        _at(2019, 3, 4), _at(2023, 9, 12), teams=(_SALES,),
    ),
    Owner(
        "52104466", 10442918, "casey.moreau@example.com", "Casey", "Moreau",
        _at(2020, 11, 17), _at(2024, 1, 8), teams=(_SUPPORT,),
    ),
    Owner(
        "60318852", 11275340, "drew.santos@example.com", "Drew", "Santos",
        _at(2021, 5, 20), _at(2022, 8, 30), archived=True,
    ),
)  # fmt: skip
ACTIVE: tuple[Owner, ...] = tuple(o for o in OWNERS if not o.archived)


def owners(*, archived: bool = False) -> tuple[Owner, ...]:
    """The live owners, or (`archived=True`) only the archived ones, as the API lists them."""
    return tuple(o for o in OWNERS if o.archived == archived)


def find(key: str, *, by_user_id: bool = False, archived: bool = False) -> Owner | None:
    """The owner whose `id` (or `userId`) is `key` among the live or the archived ones."""
    for owner in owners(archived=archived):
        if (str(owner.user_id) if by_user_id else owner.id) == key:
            return owner
    return None


__all__ = ["ACTIVE", "OWNERS", "Owner", "Team", "find", "owners"]
