"""Writes as `$batch` change sets: one change set per record, many records per batch.

SAP applies a change set whole or not at all, so a record whose parts (the BP, its address,
its e-mail) must land together is one change set, and one bad record fails only itself; a
failed change set answers with one response, SAP's reason, which becomes that record's
`WriteResult`. Creates are deep inserts (a BP with its address, e-mail, phones and the
customer roles; an order with `to_Item`); an update adds the customer roles an organisation
lacks, and moving a contact person ends its old organisation link as it makes the new one.
Updates are PATCHes carrying `If-Match` with the ETag read with the record (fetched when
the connector has none): a 412 is a conflict result (`ETAG_MISMATCH`), never retried and
never overwritten. Upserts look their external ids up in one query per batch, then create
or update. Warnings SAP attaches to a write it applied (`sap-message`) are logged with the
record's key.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sync.connectors.base import WriteResult
from sync.connectors.sap import dialect
from sync.connectors.sap.batch import (
    BatchRequest,
    BatchResponse,
    build_batch,
    outcomes,
    parse_batch,
)
from sync.connectors.sap.changesets import ChangeSets
from sync.connectors.sap.messages import HEADER as SAP_MESSAGE
from sync.connectors.sap.messages import SapMessage, parse_sap_message
from sync.connectors.sap.views import CONTACT_SET, CUSTOMER_ROLES, OPEN_END, ORGANIZATION, View
from sync.errors import FatalVendorError, TransientVendorError, VendorError

if TYPE_CHECKING:
    from sync.connectors.sap.connector import SapConnector

__all__ = ["Writer"]

log = logging.getLogger(__name__)

ETAG_MISMATCH = "ETAG_MISMATCH"
WARNINGS_KEPT = 1000


@dataclass
class _Op:
    """One record's change set and what its success means."""

    index: int
    key: str  # what the WriteResult reports as its key
    requests: list[BatchRequest]
    record_id: str | None = None  # None: a create, the id comes back in the answer
    results: list[BatchResponse] = field(default_factory=list)


def _failure(key: str, response: BatchResponse) -> WriteResult:
    code, message = dialect.parse_error(response.status, response.body)
    if response.status == 412:
        code, message = ETAG_MISMATCH, f"the record changed in SAP since it was read: {message}"
    elif response.status == 428:
        code = "PRECONDITION_REQUIRED"
    retryable = response.status >= 500 or response.status == 429
    return WriteResult(
        key,
        False,
        error_code=code or f"HTTP_{response.status}",
        message=message,
        fields=dialect.error_fields(response.body),
        retryable=retryable,
        stale=response.status == 412,
    )


def _transient(
    keys: Sequence[tuple[int, str]], exc: TransientVendorError, results: list[WriteResult | None]
) -> None:
    """Records a call could not reach SAP for after the HTTP layer's retries: retryable."""
    for index, key in keys:
        results[index] = WriteResult(
            key, False, error_code=exc.code or "TRANSIENT", message=str(exc), retryable=True
        )


class Writer:
    """The write side of `SapConnector`."""

    def __init__(self, connector: SapConnector, batch_size: int) -> None:
        self.conn = connector
        self.batch_size = max(1, batch_size)
        self.sets = ChangeSets(connector)
        # (object, key, message) of writes SAP applied with a warning; the latest ones only
        self.warnings: deque[tuple[str, str, SapMessage]] = deque(maxlen=WARNINGS_KEPT)

    # -- the three writes --------------------------------------------------------------------

    def upsert(
        self, view: View, ext_field: str, records: Sequence[Mapping[str, Any]]
    ) -> list[WriteResult]:
        self._writable(view)
        results: list[WriteResult | None] = [None] * len(records)
        todo: list[tuple[int, str, Mapping[str, Any]]] = []
        for index, record in enumerate(records):
            key = record.get(ext_field)
            if key in (None, ""):
                results[index] = WriteResult(
                    "",
                    False,
                    error_code="MISSING_EXTERNAL_ID",
                    message=f"the record carries no {ext_field} value",
                    fields=(ext_field,),
                )
            else:
                todo.append((index, str(key), record))
        recent = self.conn.recent_lookup(view, ext_field, [key for _, key, _ in todo])
        for chunk in dialect.chunks(todo, self.batch_size):
            keys = [key for _, key, _ in chunk]
            chosen = set(keys)
            try:
                found = (
                    [r for r in recent if str(r.fields.get(ext_field)) in chosen]
                    if recent is not None
                    else self.conn.lookup(view, ext_field, keys)
                )
            except TransientVendorError as exc:
                _transient([(i, key) for i, key, _ in chunk], exc, results)
                continue
            existing = {str(r.fields.get(ext_field)): r for r in found}
            ops = []
            links: list[tuple[int, str]] = []  # (index, company) of contacts to relate
            for index, key, record in chunk:
                body = {**record, ext_field: key}
                current = existing.get(key)
                company = record.get("BusinessPartnerCompany")
                if company and (
                    current is None or current.fields.get("BusinessPartnerCompany") != company
                ):
                    links.append((index, str(company)))
                if current is None:
                    ops.append(_Op(index, key, [self.sets.create(view, body)]))
                else:
                    ops.append(
                        _Op(index, key, self.sets.changes(view, current.id, body), current.id)
                    )
            self._send(view, ops, results)
            if view.category == "1" and links:
                self._relate(view, links, results)
        return [r for r in results if r is not None]

    def _relate(
        self, view: View, links: list[tuple[int, str]], results: list[WriteResult | None]
    ) -> None:
        """Link each written person to its organisation (`A_BusinessPartnerContact`), ending
        its links to other organisations; a change SAP refuses fails its record with SAP's
        reason (the person stays, and the next write, finding the old link, tries again)."""
        contact_view = self.conn.view(CONTACT_SET)
        ops = []
        for index, company in links:
            result = results[index]
            if result is None or not result.ok or not result.id:
                continue
            body = {
                "BusinessPartnerCompany": company,
                "BusinessPartnerPerson": result.id,
                "ValidityEndDate": OPEN_END,
            }
            # The links to the organisations it leaves end in the same change set: the
            # person never belongs to two customers, nor to none.
            held = self.conn.links.get((view.obj, result.id), {}).get("contacts") or []
            ending = [self.sets.end_link(contact_view, link) for link in held
                      if str(link.get("BusinessPartnerCompany")) != company
                      and _current(link)]  # fmt: skip
            requests = [self.sets.create(contact_view, body), *ending]
            ops.append(_Op(index, result.key, requests, result.id))
        relations: list[WriteResult | None] = list(results)
        self._send(contact_view, ops, relations)
        for op in ops:
            outcome = relations[op.index]
            if outcome is not None and not outcome.ok:
                results[op.index] = outcome

    def update(
        self, view: View, changes: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> list[WriteResult]:
        self._writable(view)
        results: list[WriteResult | None] = [None] * len(changes)
        for chunk in dialect.chunks(list(enumerate(changes)), self.batch_size):
            try:
                live = self._known(view, [str(record_id) for _, (record_id, _) in chunk])
            except TransientVendorError as exc:
                _transient([(i, str(record_id)) for i, (record_id, _) in chunk], exc, results)
                continue
            ops = []
            for index, (raw_id, fields) in chunk:
                record_id = str(raw_id)
                if record_id not in live:
                    results[index] = WriteResult(
                        record_id,
                        False,
                        error_code="NOT_FOUND",
                        message=f"no {view.obj} {record_id} in SAP",
                    )
                    continue
                ops.append(
                    _Op(index, record_id, self.sets.changes(view, record_id, fields), record_id)
                )
            self._send(view, ops, results)
            if view.category == "1":
                self._moved(view, [(i, str(rid), f) for i, (rid, f) in chunk], results)
        return [r for r in results if r is not None]

    def _moved(
        self,
        view: View,
        changes: Sequence[tuple[int, str, Mapping[str, Any]]],
        results: list[WriteResult | None],
    ) -> None:
        """Contact persons whose update names another organisation get a link to it."""
        wanted = {rid: (i, str(f["BusinessPartnerCompany"])) for i, rid, f in changes
                  if f.get("BusinessPartnerCompany")}  # fmt: skip
        if not wanted:
            return
        try:
            now = {r.id: r.fields.get("BusinessPartnerCompany")
                   for r in self.conn.lookup(view, view.key, list(wanted))}  # fmt: skip
        except TransientVendorError as exc:
            _transient([(i, rid) for rid, (i, _) in wanted.items()], exc, results)
            return
        links = [(i, company) for rid, (i, company) in wanted.items() if now.get(rid) != company]
        if links:
            self._relate(view, links, results)

    def delete(self, view: View, ids: Sequence[str]) -> list[WriteResult]:
        self._writable(view)
        results: list[WriteResult | None] = [None] * len(ids)
        entity = self.conn.entity(view)
        for chunk in dialect.chunks(list(enumerate(ids)), self.batch_size):
            try:
                live = self._known(view, [str(record_id) for _, record_id in chunk])
            except TransientVendorError as exc:
                _transient([(i, str(record_id)) for i, record_id in chunk], exc, results)
                continue
            ops = []
            for index, raw_id in chunk:
                record_id = str(raw_id)
                if record_id not in live:
                    results[index] = WriteResult(
                        record_id,
                        False,
                        error_code="NOT_FOUND",
                        message=f"no {view.obj} {record_id} in SAP",
                    )
                    continue
                ops.append(
                    _Op(index, record_id, [self.sets.removal(view, entity, record_id)], record_id)
                )
            self._send(view, ops, results)
        return [r for r in results if r is not None]

    # -- building change sets ----------------------------------------------------------------

    def _writable(self, view: View) -> None:
        if not view.writable or not view.key:
            raise FatalVendorError(
                f"SAP {view.obj} is read-only for the CRM side", status=405, code="READ_ONLY_OBJECT"
            )

    # -- sending -----------------------------------------------------------------------------

    def _known(self, view: View, ids: Sequence[str]) -> set[str]:
        """The ids that exist; ETags and child paths refreshed for those the connector has
        not read yet."""

        def known(record_id: str) -> bool:
            key = (view.obj, record_id)
            links = self.conn.links.get(key)
            if key not in self.conn.etags or links is None:
                return False
            return view.obj != ORGANIZATION or "roles" in links  # roles to complete

        missing = [i for i in ids if not known(i)]
        live = {i for i in ids if known(i)}
        live |= {r.id for r in self.conn.lookup(view, view.key, missing)} if missing else set()
        return live

    def _send(self, view: View, ops: list[_Op], results: list[WriteResult | None]) -> None:
        if not ops:
            return
        parts = [op.requests for op in ops]
        content, content_type = build_batch(parts)
        try:
            response = self.conn.http.request(
                "POST",
                f"{view.root}/$batch",
                params=self.conn.params or None,
                content=content,
                headers={"Content-Type": content_type, "Accept": "multipart/mixed"},
            )
            answers = outcomes(
                parts, parse_batch(response.content, response.header("content-type") or "")
            )
        except TransientVendorError as exc:
            _transient([(op.index, op.key) for op in ops], exc, results)
            return
        except ValueError as exc:
            raise VendorError(f"SAP $batch answer: {exc}") from exc
        for op, answer in zip(ops, answers, strict=True):
            results[op.index] = self._result(view, op, answer)

    def _result(self, view: View, op: _Op, answer: list[BatchResponse]) -> WriteResult:
        failed = next((r for r in answer if not r.ok), None)
        if failed is not None:
            return _failure(op.key, failed)
        first = answer[0]
        record_id = op.record_id
        created = record_id is None
        if created:
            row = dialect.entity_of(first.body)
            record_id = str(row.get(view.key) or "") or None
            etag = dialect.etag_of(row)
        else:
            etag = first.headers.get("etag")
        if record_id and view.obj == ORGANIZATION:  # the roles its change set added
            known = self.conn.links.get((view.obj, record_id), {})
            if "roles" in known:
                known["roles"] = sorted({*known["roles"], *CUSTOMER_ROLES})
        if record_id and etag:
            self.conn.etags[(view.obj, record_id)] = etag
        elif record_id:  # the ETag moved with the write and SAP did not say to what
            self.conn.etags.pop((view.obj, record_id), None)
            self.conn.links.pop((view.obj, record_id), None)
        warning = self._warned(view, op.key, answer)
        return WriteResult(op.key, True, id=record_id, created=created, message=warning)

    def _warned(self, view: View, key: str, answer: list[BatchResponse]) -> str | None:
        """The warnings SAP attached to a write it applied (`sap-message`), as one line.

        Logged at WARNING with the record's key, kept in `warnings`, and set as the
        successful result's `message`, which the engine lists with the run and keeps on the
        write's audit row."""
        lines = []
        for response in answer:
            found = parse_sap_message(response.headers.get(SAP_MESSAGE))
            if found is None:
                continue
            if found.warns:
                log.warning("SAP applied %s %s with a warning: %s", view.obj, key,
                            found.describe())  # fmt: skip
                self.warnings.append((view.obj, key, found))
                lines.append(found.describe())
            else:
                log.info("SAP applied %s %s: %s", view.obj, key, found.describe())
        return "; ".join(lines) or None


def _current(link: Mapping[str, Any]) -> bool:
    """A contact link still in force (its end date today or later, or none): only those are
    ended when the person moves; a link that ended long ago is the relationship's history."""
    until = str(link.get("ValidityEndDate") or "")[:10]
    return not until or until >= datetime.now(UTC).date().isoformat()
