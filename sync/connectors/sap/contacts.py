"""A contact person's organisation, read from its `A_BusinessPartnerContact` links.

SAP keeps the link between a person and an organisation as a relationship of its own, so a
page of persons is completed with one `or`ed query of their links (never one per person).
The link valid longest wins; every link read is kept with the person's child paths, so a
later move to another organisation can end the links it leaves (`Writer`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sync.connectors.base import Record
from sync.connectors.sap import dialect
from sync.connectors.sap.views import CONTACT_SET, View

if TYPE_CHECKING:
    from sync.connectors.sap.connector import SapConnector

__all__ = ["link_companies"]


def link_companies(conn: SapConnector, view: View, records: list[Record]) -> None:
    """Set `BusinessPartnerCompany` on each person of `records` from its links."""
    links = conn.view(CONTACT_SET)
    company: dict[str, tuple[str, str]] = {}
    held: dict[str, list[dict[str, Any]]] = {}  # person -> its links, as read
    now = datetime.now(UTC)
    for match in dialect.or_filters("BusinessPartnerPerson", [r.id for r in records]):
        for rows in conn.query(links, [match], paged=False):
            for link in (conn.record(links, row, now).fields for row in rows):
                person, until = (
                    str(link.get("BusinessPartnerPerson")),
                    str(link.get("ValidityEndDate") or ""),
                )
                held.setdefault(person, []).append(link)  # for a move to end them
                if person not in company or until >= company[person][1]:
                    company[person] = (str(link.get("BusinessPartnerCompany") or ""), until)
    for record in records:
        record.fields["BusinessPartnerCompany"] = company.get(record.id, ("", ""))[0] or None
        conn.links.setdefault((view.obj, record.id), {})["contacts"] = held.get(record.id, [])
