"""SAP S/4HANA OData v2 connector: Basic or OAuth auth with CSRF, `__next` paging, delta
reads on SAP's change stamps, and writes as `$batch` change sets (see `writes`).

Credentials: `username` + `password` (a communication user) or `client_id` +
`client_secret` (OAuth client credentials). Options: `sap_client` (sent as `sap-client` on
every request), `batch_size` (records per `$batch`, default 100, one change set each),
`lookback_seconds` (how far before the watermark a delta query reaches, default 60).

Decisions:
- Objects are the views of `views`: `Organization` (organisations as customers),
  `ContactPerson`, `A_BusinessPartner` (every BP), `A_Product`, `A_SalesOrder`,
  `A_BillingDocument` (completed from FI's open items with `AmountDue` and `NetDueDate`,
  `openitems`), `A_MatlStkInAcctMod` (stock summed per material and location); any other
  entity set a known service declares is read as it is.
- `$metadata` is read once per service and drives describe, value conversion and `$expand`.
- Reads follow the absolute `__next` to the end and refuse one pointing at another origin;
  with `page_size` set the connector pages itself with `$top`/`$skip` as well. Records come
  in (modified, key) order: `$orderby` on the stamp and key, each page sorted again.
- Deltas: `LastChangeDate` + `LastChangeTime` for business partners,
  `LastChangeDateTime` where the entity has it, reaching `lookback_seconds` back (SAP's
  stamps are written to the second and may land late); records before the watermark are
  then dropped, as the contract asks. Stock has no stamp: every read is a full read, each
  record stamped with the time of the read. A payment posted in FI leaves its billing
  document's stamp alone, so a delta of billing documents also returns those FI touched
  since the watermark (`OpenItems.paid_since`).
- Every record's ETag is kept from reads for the updates that follow.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from sync.connectors.base import (
    ConnectionSettings,
    ObjectSchema,
    Record,
    RecordChange,
    Watermark,
    WriteResult,
)
from sync.connectors.http import ErrorPolicy, HttpSession
from sync.connectors.sap import contacts, dialect, openitems, reads
from sync.connectors.sap.auth import SapAuth
from sync.connectors.sap.metadata import EntityType, ServiceMetadata, field_schema, parse
from sync.connectors.sap.views import (
    BILLING,
    BP_SERVICE,
    CUBE,
    STOCK_SET,
    VIEWS,
    View,
    stock_levels,
)
from sync.connectors.sap.writes import Writer
from sync.errors import FatalVendorError, VendorError

if TYPE_CHECKING:
    import httpx

__all__ = ["SapConnector"]

DEFAULT_LOOKBACK = 60.0
MAX_FILTER = dialect.MAX_FILTER
_SERVICES = (
    "API_BUSINESS_PARTNER",
    "API_PRODUCT_SRV",
    "API_SALES_ORDER_SRV",
    "API_BILLING_DOCUMENT_SRV",
    "API_MATERIAL_STOCK_SRV",
    CUBE.service,
)
KEY_SEPARATOR = "|"


class SapConnector:
    """The `Connector` for SAP S/4HANA's OData v2 APIs."""

    vendor = "sap"

    def __init__(self, settings: ConnectionSettings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        options = settings.options
        self.auth = SapAuth(settings)
        self.http = HttpSession(
            settings,
            client=client,
            auth=self.auth,
            errors=ErrorPolicy(parse=dialect.parse_error, renew_session=self.auth.renew_session),
        )
        self.auth.session = self.http
        sap_client = options.get("sap_client")
        self.params = {"sap-client": str(sap_client)} if sap_client not in (None, "") else {}
        self.auth.params = self.params
        self.lookback = timedelta(seconds=float(options.get("lookback_seconds", DEFAULT_LOOKBACK)))
        self._metadata: dict[str, ServiceMetadata] = {}
        self._views: dict[str, View] = dict(VIEWS)
        self.etags: dict[tuple[str, str], str] = {}  # (object, id) -> the ETag last read
        # (object, property, the values asked, the records found) of the last lookup
        self._recent: tuple[str, str, set[str], list[Record]] | None = None
        self.links: dict[tuple[str, str], dict[str, Any]] = {}  # child entity paths, per record
        self.writer = Writer(self, int(options.get("batch_size", 100)))
        self.fi = openitems.OpenItems(self)

    # -- metadata ----------------------------------------------------------------------------

    def service(self, name: str, *, fresh: bool = False) -> ServiceMetadata:
        """A service's `$metadata`, read once (again when `fresh`: describe asks, so a field
        made longer or shorter mid-run shows as drift)."""
        if fresh or name not in self._metadata:
            response = self.http.get(
                f"/sap/opu/odata/sap/{name}/$metadata",
                params=self.params or None,
                headers={"Accept": "application/xml"},
            )
            try:
                self._metadata[name] = parse(response.content)
            except ValueError as exc:
                raise VendorError(f"SAP {name}/$metadata: {exc}", status=response.status) from exc
        return self._metadata[name]

    def view(self, obj: str) -> View:
        """The view of `obj`; an entity set no view names is looked up in the known services."""
        if obj in self._views:
            return self._views[obj]
        for name in _SERVICES:
            try:
                entity = self.service(name).entity(obj)
            except FatalVendorError:
                continue  # this system does not offer that service
            if entity is not None:
                self._views[obj] = reads.generic_view(obj, name, entity)
                return self._views[obj]
        self._refuse_unknown(obj)

    def _refuse_unknown(self, obj: str) -> NoReturn:
        """Let SAP say that `obj` does not exist (its own code and 404), or say it ourselves."""
        root = f"/sap/opu/odata/sap/{BP_SERVICE}"
        self.http.get(f"{root}/{obj}", params={**self.params, "$top": "0"})
        raise FatalVendorError(
            f"SAP offers no entity set {obj!r} in {', '.join(_SERVICES)}",
            status=404,
            code="RESOURCE_NOT_FOUND",
        )

    def entity(self, view: View) -> EntityType:
        entity = self.service(view.service).entity(view.entity_set)
        if entity is None:
            raise FatalVendorError(
                f"SAP {view.service} has no entity set {view.entity_set}",
                status=404,
                code="RESOURCE_NOT_FOUND",
            )
        return entity

    def describe(self, obj: str) -> ObjectSchema:
        view = self.view(obj)
        self.service(view.service, fresh=True)
        entity = self.entity(view)
        fields = {
            name: field_schema(prop, external_id=name == view.external_id)
            for name, prop in entity.properties.items()
        }
        fields.update(view.derived)
        return ObjectSchema(obj, fields)

    # -- reads -------------------------------------------------------------------------------

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        view = self.view(obj)
        floor = _utc(since.modified_at) if since else None
        terms = [
            t
            for t in (
                view.condition,
                reads.delta_filter(view, self.entity(view), floor, self.lookback),
            )
            if t
        ]
        now = datetime.now(UTC)
        if view.obj == STOCK_SET:
            yield from self._stock(view, now)
            return
        pages: Iterator[list[Record]] = (
            [self.record(view, row, now) for row in part]
            for rows in self.query(
                view, terms, select=reads.select_list(view, self.entity(view), fields)
            )
            for part in dialect.chunks(rows, openitems.PAGE if view.obj == BILLING else len(rows))
        )
        if view.obj == BILLING and floor is not None:
            pages = itertools.chain(self.fi.paid_since(view, floor, self.lookback), pages)
        for records in pages:
            page = self._finish(view, records)
            if not include_deleted:
                page = [r for r in page if not r.deleted]
            if view.category == "1":  # a person linked to no organisation is no contact
                page = [r for r in page if r.fields.get("BusinessPartnerCompany")]
            if floor is not None:
                page = [r for r in page if r.modified_at >= floor]
            page.sort(key=lambda r: (r.modified_at, r.id))
            if page:
                yield page

    def get_by_external_id(
        self,
        obj: str,
        external_id_field: str,
        values: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
    ) -> dict[str, Record]:
        view = self.view(obj)
        records = self.lookup(view, external_id_field, values)
        # The engine looks a round up just before it writes it: `upsert` reuses this answer
        # (each record's ETag guards against a change in between) instead of asking again.
        self._recent = (view.obj, external_id_field, {str(v) for v in values}, records)
        found: dict[str, Record] = {}
        for record in records:
            key = record.fields.get(external_id_field)
            if key not in (None, "") and not record.deleted:
                found[str(key)] = record
        return found

    def recent_lookup(self, view: View, prop: str, keys: Sequence[str]) -> list[Record] | None:
        """What the last `get_by_external_id` found for `keys`, once (None: it did not look
        them all up, so the caller asks SAP)."""
        recent, self._recent = self._recent, None
        if recent is None or recent[:2] != (view.obj, prop) or not set(keys) <= recent[2]:
            return None
        wanted = set(keys)
        return [r for r in recent[3] if str(r.fields.get(prop)) in wanted]

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        view = self.view(obj)
        if not view.key:
            wanted = set(ids)
            return {r.id: r for page in self.read(obj) for r in page if r.id in wanted}
        return {r.id: r for r in self.lookup(view, view.key, ids) if not r.deleted}

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        """The key, external id and stamps only (`$select`, nothing expanded)."""
        view = self.view(obj)
        if view.obj == STOCK_SET:  # no stamp: every listing is a full one
            for records in self._stock(view, datetime.now(UTC)):
                yield [RecordChange(r.id, r.id, r.modified_at) for r in records]
            return
        floor = _utc(since.modified_at) if since else None
        terms = [
            t
            for t in (
                view.condition,
                reads.delta_filter(view, self.entity(view), floor, self.lookback),
            )
            if t
        ]
        stamps = [s for s in view.stamp or () if s]
        select = [view.key, external_id_field, *stamps] if view.key else None
        now = datetime.now(UTC)
        for rows in self.query(view, terms, select=select, expand=False):
            page = [self.record(view, row, now) for row in rows]
            listed = [
                RecordChange(r.id, _text(r.fields.get(external_id_field)), r.modified_at)
                for r in page
                if floor is None or r.modified_at >= floor
            ]
            listed.sort(key=lambda c: (c.modified_at, c.id))
            if listed:
                yield listed

    def lookup(self, view: View, prop: str, wanted: Sequence[str]) -> list[Record]:
        """Records whose `prop` is one of `wanted`: one `or` query per chunk."""
        unique = [str(v) for v in dict.fromkeys(wanted) if v not in (None, "")]
        now = datetime.now(UTC)
        found: list[Record] = []
        if prop not in self.entity(view).properties:  # a derived key: read and pick
            chosen = set(unique)
            pages = self._stock(view, now) if view.obj == STOCK_SET else self.read(view.obj)
            return [r for page in pages for r in page if str(r.fields.get(prop)) in chosen]
        for match in dialect.or_filters(prop, unique, MAX_FILTER):
            terms = [t for t in (view.condition, f"({match})") if t]
            for rows in self.query(view, terms, paged=False):
                found += self._finish(view, [self.record(view, row, now) for row in rows])
        return found

    def _finish(self, view: View, records: list[Record]) -> list[Record]:
        """A billing document's amount due and due date, from FI (`openitems`); a contact
        person's organisation, from its `A_BusinessPartnerContact` link (one query per
        page), the latest link winning."""
        if view.obj == BILLING:
            for part in dialect.chunks(records, openitems.PAGE):
                self.fi.complete(view, part)
            return records
        if view.category != "1" or not records:
            return records
        contacts.link_companies(self, view, records)
        return records

    def _stock(self, view: View, now: datetime) -> Iterator[list[Record]]:
        """Stock levels per material and location, from a full read of the stock rows."""
        rows = [
            self.record(view, row, now).fields
            for page in self.query(view, [], paged=False)
            for row in page
        ]
        levels = [Record(level["StockKey"], level, now) for level in stock_levels(rows)]
        size = self.settings.page_size or 1000
        for start in range(0, len(levels), size):
            yield levels[start : start + size]

    # -- writes ------------------------------------------------------------------------------

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        self.http.ensure_writable(f"upsert of {obj}")
        return self.writer.upsert(self.view(obj), external_id_field, records)

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        self.http.ensure_writable(f"update of {obj}")
        return self.writer.update(self.view(obj), changes)

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]:
        self.http.ensure_writable(f"delete of {obj}")
        return self.writer.delete(self.view(obj), ids)

    def call_count(self) -> int:
        return self.http.stats.total

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SapConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- query plumbing ----------------------------------------------------------------------

    def query(
        self,
        view: View,
        terms: Sequence[str],
        *,
        select: Sequence[str] | None = None,
        expand: bool = True,
        paged: bool = True,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of wire rows of `view` matching every term, in (stamp, key) order."""
        entity = self.entity(view)
        params = dict(self.params)
        if terms:
            params["$filter"] = " and ".join(f"({t})" if " or " in t else t for t in terms)
        navs = [e for e in view.expand if e.split("/")[0] in entity.navigations]
        if expand and navs and not select:
            params["$expand"] = ",".join(reads.expandable(self.service(view.service), entity, navs))
        if select:
            params["$select"] = ",".join(dict.fromkeys(s for s in select if s))
        order = [s for s in (*(view.stamp or ()), view.key) if s and s in entity.properties]
        if not view.key or view.key not in entity.properties:
            order += list(entity.keys)
        if order:
            params["$orderby"] = ",".join(order)
        size = self.settings.page_size if paged else None
        path = f"{view.root}/{view.entity_set}"
        skip = 0
        while True:
            window = {**params, "$top": str(size), "$skip": str(skip)} if size else params
            got = 0
            for rows in self._follow(path, window):
                got += len(rows)
                yield rows
            if not size or got < size:
                return
            skip += got

    def _follow(self, path: str, params: Mapping[str, str]) -> Iterator[list[dict[str, Any]]]:
        """One query and its `__next` pages, to the end; a `__next` to another origin is
        refused rather than followed with our credentials."""
        body = self.http.get(path, params=params).json()
        origin = reads.origin(self.settings.base_url)
        for _ in range(1_000_000):  # bounded: a server looping on __next ends here
            yield dialect.rows_of(body)
            link = dialect.next_link(body)
            if not link:
                return
            if not link.startswith(("http://", "https://")) or reads.origin(link) != origin:
                raise VendorError(
                    f"SAP answered a __next pointing elsewhere ({reads.origin(link)})",
                    code="NEXT_LINK_REFUSED",
                )
            if self.params and "sap-client=" not in link:
                link += ("&" if "?" in link else "?") + f"sap-client={self.params['sap-client']}"
            body = self.http.get(link).json()

    def record(self, view: View, row: Mapping[str, Any], now: datetime) -> Record:
        """A wire row as a `Record` of the view; its ETag and child paths kept for updates."""
        service = self.service(view.service)
        entity = self.entity(view)
        plain = dialect.plain_row(row, entity, service)
        fields = view.to_plain(plain)
        if view.key:
            record_id = str(fields.get(view.key) or plain.get(view.key) or "")
        else:
            record_id = KEY_SEPARATOR.join(str(plain.get(k) or "") for k in entity.keys)
        modified = reads.modified_at(view, plain) or now
        etag = dialect.etag_of(row)
        if etag:
            self.etags[(view.obj, record_id)] = etag
        self.links[(view.obj, record_id)] = reads.child_links(row)
        return Record(record_id, fields, modified, deleted=view.deleted(fields))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)
