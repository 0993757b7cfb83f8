"""The SAP connector's updates against the SAP mock in process: the customer roles a partner
lacks are added in its update's change set; a contact person moved to another organisation
loses its old `A_BusinessPartnerContact` link as it gains the new one; warnings SAP attaches
to a write it applied (`sap-message`) are read, logged with the record's key, never fatal."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import orjson
import pytest

from sync.connectors.sap.connector import SapConnector
from sync.connectors.sap.messages import parse_sap_message

from .conftest import Kit
from .sap_support import sap_connector

EXT = "BusinessPartnerIDByExtSystem"
ORG = "Organization"
PERSON = "ContactPerson"


connector = sap_connector


def batches(conn: SapConnector) -> list[bytes]:
    """The bodies of the `$batch` requests `conn` sends from now on."""
    sent: list[bytes] = []
    conn.http.observe(lambda m, url, body: sent.append(body or b"") if url.endswith("$batch")
                      else None)  # fmt: skip
    return sent


def partner_without_roles(conn: SapConnector, key: str) -> str:
    """An organisation SAP holds without any customer role (made for another purpose)."""
    (made,) = conn.upsert(ORG, EXT, [{EXT: key, "OrganizationName": f"Plain {key}", "Roles": []}])
    assert made.ok and made.id, made
    assert connector_roles(conn, made.id) == []
    return made.id


def connector_roles(conn: SapConnector, partner: str) -> list[str]:
    roles: list[str] = conn.get_by_ids(ORG, [partner])[partner].fields["Roles"]
    return roles


# -- roles -------------------------------------------------------------------------------------


def test_an_update_adds_the_customer_roles_a_partner_lacks_in_its_change_set(sap: Kit) -> None:
    conn = connector(sap)
    partner = partner_without_roles(conn, "ROLE-1")
    sent = batches(conn)
    (updated,) = conn.update(ORG, [(partner, {"OrganizationName": "Plain Renamed"})])
    assert updated.ok, updated
    (body,) = sent  # the rename and both roles travel in one $batch, one change set
    assert body.count(b"to_BusinessPartnerRole") == 2 and body.count(b"boundary=changeset_") == 1
    found = connector(sap).get_by_ids(ORG, [partner])[partner]
    assert found.fields["Roles"] == ["FLCU00", "FLCU01"]
    assert found.fields["OrganizationName"] == "Plain Renamed"
    # a second update on the same connection knows the roles are there: nothing is doubled
    (again,) = conn.update(ORG, [(partner, {"OrganizationName": "Plain Twice"})])
    assert again.ok, again
    assert sent[1].count(b"to_BusinessPartnerRole") == 0


def test_roles_are_not_added_when_the_update_fails(sap: Kit) -> None:
    conn = connector(sap)
    partner = partner_without_roles(conn, "ROLE-2")
    address = {"Country": "US", "CityName": "C" * 200}  # longer than SAP's 40: refused
    (refused,) = conn.update(ORG, [(partner, {"Address": address})])
    assert not refused.ok
    assert connector_roles(connector(sap), partner) == []  # the change set rolled back whole


def test_a_partner_holding_the_roles_gets_no_role_requests(sap: Kit) -> None:
    conn = connector(sap)
    (made,) = conn.upsert(ORG, EXT, [{EXT: "ROLE-3", "OrganizationName": "Customer Co"}])
    assert made.ok and made.id
    assert connector_roles(conn, made.id) == ["FLCU00", "FLCU01"]  # given on create
    sent = batches(conn)
    (updated,) = conn.upsert(ORG, EXT, [{EXT: "ROLE-3", "OrganizationName": "Customer Co 2"}])
    assert updated.ok and not updated.created
    assert b"to_BusinessPartnerRole" not in sent[0]


# -- a contact person moving ------------------------------------------------------------------


def links_of(kit: Kit, person: str) -> list[str]:
    rows = [r.fields for page in connector(kit).read("A_BusinessPartnerContact") for r in page]
    return sorted(str(r["BusinessPartnerCompany"]) for r in rows
                  if r["BusinessPartnerPerson"] == person)  # fmt: skip


def organisations(conn: SapConnector, *keys: str) -> list[str]:
    made = conn.upsert(ORG, EXT, [{EXT: k, "OrganizationName": f"Org {k}"} for k in keys])
    assert all(r.ok and r.id for r in made), made
    return [str(r.id) for r in made]


def test_a_contact_moved_by_update_ends_its_old_link_and_gets_a_new_one(sap: Kit) -> None:
    conn = connector(sap)
    first, second = organisations(conn, "MOVE-A", "MOVE-B")
    (person,) = conn.upsert(PERSON, EXT, [{EXT: "P-1", "LastName": "Moved",
                                           "BusinessPartnerCompany": first}])  # fmt: skip
    assert person.ok and person.id and links_of(sap, person.id) == [first]
    mover = connector(sap)
    (moved,) = mover.update(PERSON, [(person.id, {"BusinessPartnerCompany": second})])
    assert moved.ok, moved
    assert links_of(sap, person.id) == [second]  # the old link is gone, not left beside it
    found = connector(sap).get_by_ids(PERSON, [person.id])[person.id]
    assert found.fields["BusinessPartnerCompany"] == second


def _ended_link(conn: SapConnector, company: str, person: str, until: str) -> None:
    """A link that ended in the past, as SAP keeps one for the relationship's history."""
    from sync.connectors.sap.writes import _Op

    view = conn.view("A_BusinessPartnerContact")
    made = conn.writer.sets.create(view, {"BusinessPartnerCompany": company,
                                          "BusinessPartnerPerson": person,
                                          "ValidityEndDate": until})  # fmt: skip
    answer: list[Any] = [None]
    conn.writer._send(view, [_Op(0, "history", [made], None)], answer)
    assert answer[0] is not None and answer[0].ok, answer


def test_a_move_ends_the_current_link_and_keeps_the_ended_ones(sap: Kit) -> None:
    conn = connector(sap)
    first, second, former = organisations(conn, "HIST-A", "HIST-B", "HIST-C")
    (person,) = conn.upsert(PERSON, EXT, [{EXT: "P-H", "LastName": "Kept",
                                           "BusinessPartnerCompany": first}])  # fmt: skip
    assert person.ok and person.id
    _ended_link(conn, former, person.id, "2020-12-31")
    assert links_of(sap, person.id) == sorted([first, former])
    (moved,) = connector(sap).update(PERSON, [(person.id, {"BusinessPartnerCompany": second})])
    assert moved.ok, moved
    # The link in force moves; the one that ended in 2020 stays as SAP's history.
    assert links_of(sap, person.id) == sorted([second, former])


def test_a_contact_moved_by_upsert_keeps_one_link(sap: Kit) -> None:
    conn = connector(sap)
    first, second = organisations(conn, "UPS-A", "UPS-B")
    record = {EXT: "P-2", "LastName": "Upserted", "BusinessPartnerCompany": first}
    (person,) = conn.upsert(PERSON, EXT, [record])
    assert person.ok and person.id
    (moved,) = connector(sap).upsert(PERSON, EXT, [{**record, "BusinessPartnerCompany": second}])
    assert moved.ok and not moved.created, moved
    assert links_of(sap, person.id) == [second]
    (same,) = connector(sap).upsert(PERSON, EXT, [{**record, "BusinessPartnerCompany": second}])
    assert same.ok and links_of(sap, person.id) == [second]  # no move: links untouched


# -- sap-message -------------------------------------------------------------------------------

WARNING = {"code": "F2/123", "message": "Credit limit almost reached", "severity": "warning",
           "target": "", "details": [{"code": "F2/124", "message": "Dunning block kept",
                                      "severity": "info", "target": "DunningBlock"}]}  # fmt: skip


class MessageTransport(httpx.BaseTransport):
    """Adds a `sap-message` header to each response inside the mock's `$batch` answers, as
    SAP does for a write it applied with warnings. A test tool, not a mock of our code."""

    def __init__(self, inner: httpx.BaseTransport, header: str) -> None:
        self.inner = inner
        self.header = header.encode()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("$batch"):
            return response
        body = response.read()
        for status in (b"HTTP/1.1 204 No Content\r\n", b"HTTP/1.1 201 Created\r\n"):
            body = body.replace(status, status + b"sap-message: " + self.header + b"\r\n")
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=body,
                              request=request)  # fmt: skip


def with_sap_message(kit: Kit, header: str) -> None:
    kit.client._transport = MessageTransport(kit.client._transport, header)


def test_a_write_applied_with_a_warning_succeeds_and_logs_it_with_its_key(
    sap: Kit, caplog: pytest.LogCaptureFixture
) -> None:
    with_sap_message(sap, orjson.dumps(WARNING).decode())
    conn = connector(sap)
    with caplog.at_level(logging.WARNING, logger="sync.connectors.sap.writes"):
        (made,) = conn.upsert(ORG, EXT, [{EXT: "WARN-1", "OrganizationName": "Warned Co"}])
    assert made.ok and made.created
    assert made.message and "Credit limit almost reached" in made.message
    assert "DunningBlock" in made.message  # the details come along
    (logged,) = [r for r in caplog.records if "WARN-1" in r.getMessage()]
    assert logged.levelno == logging.WARNING and "F2/123" in logged.getMessage()
    ((obj, key, message),) = conn.writer.warnings
    assert (obj, key, message.code, message.severity) == (ORG, "WARN-1", "F2/123", "warning")


def test_a_malformed_sap_message_is_kept_raw_and_never_fails_the_write(
    sap: Kit, caplog: pytest.LogCaptureFixture
) -> None:
    with_sap_message(sap, "{not json: credit check")
    conn = connector(sap)
    with caplog.at_level(logging.WARNING, logger="sync.connectors.sap.writes"):
        (made,) = conn.upsert(ORG, EXT, [{EXT: "WARN-2", "OrganizationName": "Odd Co"}])
    assert made.ok and made.created
    assert made.message == "unreadable sap-message: {not json: credit check"
    assert any("WARN-2" in r.getMessage() for r in caplog.records)


def test_an_informational_sap_message_is_no_warning(sap: Kit) -> None:
    info = {"code": "BP/001", "message": "Partner saved", "severity": "success", "details": []}
    with_sap_message(sap, orjson.dumps(info).decode())
    conn = connector(sap)
    (made,) = conn.upsert(ORG, EXT, [{EXT: "WARN-3", "OrganizationName": "Fine Co"}])
    assert made.ok and made.message is None and not conn.writer.warnings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("  ", None),
        ("[1, 2]", ("", "", True)),
        ("not json", ("", "", True)),
        ('{"code": "X/1", "message": {"value": "nested"}, "severity": "Warning"}',
         ("X/1", "nested", False)),
        ('{"code": 7, "message": null, "details": "oops"}', ("7", "", False)),
    ],
)  # fmt: skip
def test_sap_message_parsing_tolerates_every_shape(
    raw: str | None, expected: tuple[str, str, bool] | None
) -> None:
    found = parse_sap_message(raw)
    if expected is None:
        assert found is None
        return
    assert found is not None and (found.code, found.message, found.malformed) == expected
    assert found.raw == raw
    if found.malformed:
        assert found.warns and raw in found.describe()
