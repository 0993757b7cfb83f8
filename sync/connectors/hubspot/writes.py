"""HubSpot writes: batch upsert by a unique property, batch update by id, batch archive.

Every write answers one `WriteResult` per input, in input order:
- a record is refused before it is sent when it lacks its external id, a property the
  profile says HubSpot needs (`MISSING_REQUIRED_PROPERTY`), or holds a text longer than a
  property takes (`VALUE_TOO_LONG`, 65,536 characters);
- 100 inputs a call; a 207's errors are filed at the inputs they name (`batches`);
- a whole batch refused with a 400 is split in halves until the bad inputs stand alone, so
  one bad record never sinks ninety-nine good ones (HubSpot validates a batch as a whole);
- a 409 duplicate (a contact's email held by another contact) is linked, not failed: the
  existing record is updated with the record's properties, external id included, and its
  id is the write's id;
- a batch still failing transiently after the HTTP layer's retries comes back retryable;
- references are associations created once the objects exist (`links`; an updated record's
  links to other targets are removed), and a deal's `lines` its line items (`lines`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sync.connectors.base import WriteResult
from sync.connectors.hubspot import dialect
from sync.connectors.hubspot.batches import batch_errors, outcomes, refused_all
from sync.connectors.hubspot.dialect import BATCH_LIMIT, REFERENCES, TEXT_LIMIT
from sync.connectors.hubspot.lines import LINES_FIELD, LineItems
from sync.connectors.hubspot.links import archive_links, create_links, read_links
from sync.errors import FatalVendorError, TransientVendorError, VendorError

__all__ = ["Writer"]

Call = Callable[[str, str, dict[str, Any] | None, Any, bool], Any]
Item = tuple[str, dict[str, Any]]  # (external id or record id, plain record)
# `fn` over items, results in input order (the connector's: several calls in flight).
Fanout = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def _one_by_one(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [fn(item) for item in items]


class Writer:
    """The write side of the connector; `call` is its rate-limited request road."""

    def __init__(self, call: Call, required: Callable[[str], set[str]], lines: LineItems,
                 fanout: Fanout = _one_by_one) -> None:  # fmt: skip
        self._call = call
        self._required = required
        self._lines = lines
        self._fanout = fanout

    # -- public ------------------------------------------------------------------------------

    def upsert(self, obj: str, ext: str, records: Sequence[dict[str, Any]]) -> list[WriteResult]:
        results: list[WriteResult | None] = [None] * len(records)
        todo: list[tuple[int, Item]] = []
        for i, record in enumerate(records):
            key = record.get(ext)
            refusal = self._check(obj, ext, record, "" if key in (None, "") else str(key))
            if refusal is not None:
                results[i] = refusal
            else:
                todo.append((i, (str(key), record)))
        self._run(obj, todo, results, lambda items: self._upsert(obj, ext, items))
        return [r for r in results if r is not None]

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        results: list[WriteResult | None] = [None] * len(changes)
        todo = [(i, (str(rid), dict(fields))) for i, (rid, fields) in enumerate(changes)]
        self._run(obj, todo, results, lambda items: self._update(obj, items))
        return [r for r in results if r is not None]

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        keys = [str(i) for i in ids]
        written: list[WriteResult] = []
        path = f"/crm/v3/objects/{dialect.path_segment(obj)}/batch/archive"
        for start in range(0, len(keys), BATCH_LIMIT):
            chunk = keys[start : start + BATCH_LIMIT]
            try:
                body = self._call("POST", path, None, {"inputs": [{"id": k} for k in chunk]},
                                  False)  # fmt: skip
            except VendorError as exc:
                written += _whole_batch(chunk, exc, by_id=True)
                continue
            failed = {k for e in batch_errors(body) for k in e.keys}
            written += (outcomes(chunk, body) if failed else
                        [WriteResult(k, True, id=k) for k in chunk])  # fmt: skip
        return written

    # -- checks ------------------------------------------------------------------------------

    def _check(self, obj: str, ext: str, record: Mapping[str, Any], key: str
               ) -> WriteResult | None:  # fmt: skip
        if not key:
            text = f"the record carries no {ext} value"
            return WriteResult("", False, error_code="MISSING_EXTERNAL_ID", message=text,
                               fields=(ext,))  # fmt: skip
        missing = sorted(n for n in self._required(obj) if record.get(n) in (None, "", []))
        if missing:
            return WriteResult(key, False, error_code="MISSING_REQUIRED_PROPERTY",
                               message=f"HubSpot {obj} need {', '.join(missing)}",
                               fields=tuple(missing))  # fmt: skip
        long = sorted(n for n, v in record.items() if isinstance(v, str) and len(v) > TEXT_LIMIT)
        if long:
            return WriteResult(key, False, error_code="VALUE_TOO_LONG",
                               message=f"{', '.join(long)}: over {TEXT_LIMIT} characters",
                               fields=tuple(long))  # fmt: skip
        return None

    # -- batches -----------------------------------------------------------------------------

    def _run(self, obj: str, todo: list[tuple[int, Item]], results: list[WriteResult | None],
             send: Callable[[list[Item]], list[WriteResult]]) -> None:  # fmt: skip
        """`send` each slice of 100, then write references and lines of what succeeded; the
        slices go through `fanout` (the connector keeps several in flight)."""
        slices = [todo[start : start + BATCH_LIMIT] for start in range(0, len(todo), BATCH_LIMIT)]

        def one(batch: list[tuple[int, Item]]) -> list[WriteResult]:
            items = [item for _, item in batch]
            return self._follow_up(obj, items, send(items))

        for batch, outcome in zip(slices, self._fanout(one, slices), strict=True):
            for (index, _), result in zip(batch, outcome, strict=True):
                results[index] = result

    def _split(self, items: list[Item], send: Callable[[list[Item]], list[WriteResult]],
               exc: FatalVendorError, by_id: bool) -> list[WriteResult]:  # fmt: skip
        """A whole batch refused with a 400: halve it until each bad input stands alone."""
        if len(items) == 1 or exc.status != 400:
            return _whole_batch([k for k, _ in items], exc, by_id=by_id)
        middle = len(items) // 2
        return send(items[:middle]) + send(items[middle:])

    def _upsert(self, obj: str, ext: str, items: list[Item]) -> list[WriteResult]:
        if not items:
            return []
        skip = _not_properties(obj)
        inputs = [{"id": key, "idProperty": ext,
                   "properties": dialect.properties_to_wire(record, skip)}
                  for key, record in items]  # fmt: skip
        path = f"/crm/v3/objects/{dialect.path_segment(obj)}/batch/upsert"
        try:
            body = self._call("POST", path, None, {"inputs": inputs}, False)
        except FatalVendorError as exc:
            if exc.status == 409:
                return self._link_all(obj, ext, items)
            return self._split(items, lambda part: self._upsert(obj, ext, part), exc, False)
        except VendorError as exc:
            return _whole_batch([k for k, _ in items], exc, by_id=False)
        written = outcomes([k for k, _ in items], body, key_property=ext)
        return self._link_conflicts(obj, items, written, body)

    def _update(self, obj: str, items: list[Item]) -> list[WriteResult]:
        skip = _not_properties(obj)
        inputs = [{"id": rid, "properties": dialect.properties_to_wire(fields, skip)}
                  for rid, fields in items]  # fmt: skip
        sent = [(i, item) for i, item in zip(inputs, items, strict=True) if i["properties"]]
        written = {rid: WriteResult(rid, True, id=rid) for rid, _ in items}
        if sent:
            path = f"/crm/v3/objects/{dialect.path_segment(obj)}/batch/update"
            keys = [rid for _, (rid, _) in sent]
            try:
                body = self._call("POST", path, None, {"inputs": [i for i, _ in sent]}, False)
                answer = outcomes(keys, body)
            except FatalVendorError as exc:
                answer = self._split([it for _, it in sent], lambda p: self._update(obj, p),
                                     exc, True)  # fmt: skip
            except VendorError as exc:
                answer = _whole_batch(keys, exc, by_id=True)
            written.update({r.key: r for r in answer})
        return [written[rid] for rid, _ in items]

    # -- duplicates --------------------------------------------------------------------------

    def _link_conflicts(self, obj: str, items: list[Item], written: list[WriteResult],
                        body: Any) -> list[WriteResult]:  # fmt: skip
        """207 CONFLICT errors naming an existing record: update that record instead."""
        existing = {k: e.existing for e in batch_errors(body) if e.existing for k in e.keys}
        linked = [(i, existing[r.key]) for i, r in enumerate(written)
                  if not r.ok and r.error_code == "CONFLICT" and r.key in existing]  # fmt: skip
        if not linked:
            return written
        updates = [(str(rid), items[i][1]) for i, rid in linked]
        answers = self._update(obj, updates)
        for (i, _), answer in zip(linked, answers, strict=True):
            written[i] = WriteResult(written[i].key, answer.ok, id=answer.id, created=False,
                                     error_code=answer.error_code, message=answer.message,
                                     fields=answer.fields, retryable=answer.retryable)  # fmt: skip
        return written

    def _link_all(self, obj: str, ext: str, items: list[Item]) -> list[WriteResult]:
        """A whole batch refused 409: find the inputs whose email another contact holds
        (one batch read by email), update those, and upsert the rest again (each round
        links at least one input, so the rounds end)."""
        emails = {str(r["email"]).strip().lower(): k for k, r in items if r.get("email")}
        holders = self._by_email(obj, list(emails)) if obj == "contacts" else {}
        taken = {emails[e]: rid for e, rid in holders.items() if e in emails}
        rest = [(k, r) for k, r in items if k not in taken]
        if not taken:  # nothing to link: the conflict is not a duplicate email
            text = "HubSpot refused the batch with 409 and no input's email names a contact"
            return refused_all([k for k, _ in items], "CONFLICT", text)
        answers = dict(zip([k for k, _ in rest], self._upsert(obj, ext, rest), strict=True))
        linked = self._update(obj, [(taken[k], r) for k, r in items if k in taken])
        answers.update({k: WriteResult(k, a.ok, id=a.id, created=False, error_code=a.error_code,
                                       message=a.message, retryable=a.retryable)
                        for k, a in zip([k for k, _ in items if k in taken], linked,
                                        strict=True)})  # fmt: skip
        return [answers[k] for k, _ in items]

    def _by_email(self, obj: str, emails: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        path = f"/crm/v3/objects/{dialect.path_segment(obj)}/batch/read"
        for start in range(0, len(emails), BATCH_LIMIT):
            body = {"inputs": [{"id": e} for e in emails[start:start + BATCH_LIMIT]],
                    "idProperty": "email", "properties": ["email"]}  # fmt: skip
            answer = self._call("POST", path, None, body, False) or {}
            for row in answer.get("results") or ():
                email = str((row.get("properties") or {}).get("email") or "").lower()
                found[email] = str(row["id"])
        return found

    # -- references and lines ----------------------------------------------------------------

    def _follow_up(self, obj: str, items: list[Item], written: list[WriteResult]
                   ) -> list[WriteResult]:  # fmt: skip
        """Associations for the references, and a deal's lines, of the records written."""
        done = [(r, rec) for r, (_, rec) in zip(written, items, strict=True) if r.ok and r.id]
        failed: dict[str, str] = {}
        for name, ref in REFERENCES.get(obj, {}).items():
            pairs = [(str(r.id), str(rec[name])) for r, rec in done
                     if rec.get(name) not in (None, "")]  # fmt: skip
            moved = [str(r.id) for r, rec in done if name in rec and not r.created]
            if moved:  # an updated record leaves the targets it no longer names
                self._unlink(obj, ref.to, moved, dict(pairs))
            if pairs:
                failed.update(create_links(self._call, obj, ref.to, pairs, ref.type_id))
        if obj == "deals":
            deals = [(str(r.id), rec[LINES_FIELD]) for r, rec in done
                     if isinstance(rec.get(LINES_FIELD), list)]  # fmt: skip
            if deals:
                failed.update(self._lines.write(deals))
        return [WriteResult(r.key, False, id=r.id, created=r.created, error_code="ASSOCIATION",
                            message=failed[r.id]) if r.ok and r.id in failed else r
                for r in written]  # fmt: skip

    def _unlink(self, obj: str, to_obj: str, ids: list[str], keep: Mapping[str, str]) -> None:
        current = read_links(self._call, obj, to_obj, ids)
        stale = [(rid, to) for rid in ids for to in current.get(rid, {}) if keep.get(rid) != to]
        if stale:
            archive_links(self._call, obj, to_obj, stale)


def _not_properties(obj: str) -> set[str]:
    """Plain fields that are not HubSpot properties: references and a deal's lines."""
    return set(REFERENCES.get(obj, {})) | ({LINES_FIELD} if obj == "deals" else set())


def _whole_batch(keys: list[str], exc: VendorError, *, by_id: bool) -> list[WriteResult]:
    """One refusal for every input of a batch HubSpot refused as a whole."""
    if isinstance(exc, TransientVendorError):
        return refused_all(keys, exc.code or "TRANSIENT", str(exc), retryable=True, by_id=by_id)
    code, message = dialect.parse_error(exc.status or 0, exc.body)
    fields = next((e.fields for e in batch_errors({"errors": [exc.body]}) if e.fields), ())
    return [WriteResult(k, False, id=k if by_id else None, error_code=code or f"HTTP_{exc.status}",
                        message=message, fields=fields) for k in keys]  # fmt: skip
