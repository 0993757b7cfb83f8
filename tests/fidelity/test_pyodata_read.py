"""pyodata 1.12.1, unchanged, reading the SAP mock over HTTPS: metadata under the strict
policy, every query option, counts, `__next` paging with `next_url`, get by key with its
ETag, navigation, and SAP's error body through `BusinessGatewayError`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pyodata
import pyodata.v2.model
import pytest
from pyodata.v2.service import HttpError
from pyodata.vendor.SAP import BusinessGatewayError

from mocks.sap.schema import SERVICES
from tests.fidelity.sap_sdk import SDK_MARKS, WORLD, System, sap_errors, sap_system

pytestmark = SDK_MARKS
__all__ = ["sap_errors"]  # the fixture, used by name below


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with sap_system(tmp_path_factory.mktemp("tls"), WORLD, page_size=5) as running:
        yield running


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_metadata_loads(system: System, service: str) -> None:
    client = system.client(service, csrf=False)
    names = {s.name for s in client.schema.entity_sets}
    assert names == set(SERVICES[service].sets)


def test_query_options(system: System) -> None:
    partners = system.client("API_BUSINESS_PARTNER", csrf=False).entity_sets.A_BusinessPartner
    rows = (
        partners.get_entities()
        .filter("BusinessPartnerCategory eq '2' and substringof('', OrganizationBPName1)")
        .select("BusinessPartner,OrganizationBPName1,LastChangeDate")
        .expand("to_BusinessPartnerAddress/to_EmailAddress")
        .order_by("BusinessPartner desc")
        .skip(1)
        .top(3)
        .execute()
    )
    numbers = [r.BusinessPartner for r in rows]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 3
    assert isinstance(rows[0].LastChangeDate, datetime)
    assert rows[0].to_BusinessPartnerAddress[0].to_EmailAddress[0].EmailAddress


def test_datetime_filter_literal(system: System) -> None:
    partners = system.client("API_BUSINESS_PARTNER", csrf=False).entity_sets.A_BusinessPartner
    proxy = partners.get_entities()
    since = datetime(2000, 1, 1, tzinfo=UTC)
    everything = proxy.filter(proxy.LastChangeDate >= since).count().execute()
    assert everything == partners.get_entities().count().execute() > 0


def test_count_and_inline_count(system: System) -> None:
    orders = system.client("API_SALES_ORDER_SRV", csrf=False).entity_sets.A_SalesOrder
    total = orders.get_entities().count().execute()
    page = orders.get_entities().count(inline=True).execute()
    assert page.total_count == total > 5


def test_next_url_paging_reads_everything_once(system: System) -> None:
    orders = system.client("API_SALES_ORDER_SRV", csrf=False).entity_sets.A_SalesOrder
    page = orders.get_entities().execute()
    seen = [o.SalesOrder for o in page]
    for _ in range(100):
        if page.next_url is None:
            break
        page = orders.get_entities().next_url(page.next_url).execute()
        seen += [o.SalesOrder for o in page]
    assert len(seen) == len(set(seen)) == orders.get_entities().count().execute()


def test_get_by_key_with_etag_and_navigation(system: System) -> None:
    service = system.client("API_SALES_ORDER_SRV", csrf=False)
    first = service.entity_sets.A_SalesOrder.get_entities().top(1).execute()[0]
    order = service.entity_sets.A_SalesOrder.get_entity(first.SalesOrder).execute()
    assert order.etag and order.etag.startswith('W/"')
    items = order.nav("to_Item").get_entities().execute()
    item = service.entity_sets.A_SalesOrderItem.get_entity(
        SalesOrder=order.SalesOrder, SalesOrderItem=items[0].SalesOrderItem
    ).execute()
    assert item.Material == items[0].Material


def test_errors_parse_as_business_gateway_error(system: System, sap_errors: None) -> None:
    partners = system.client("API_BUSINESS_PARTNER", csrf=False).entity_sets.A_BusinessPartner
    with pytest.raises(BusinessGatewayError) as bad:
        partners.get_entities().filter("NoSuchField eq 1").execute()
    assert "position 1" in str(bad.value) and bad.value.response.status_code == 400
    with pytest.raises(HttpError) as missing:
        partners.get_entity("0000000404").execute()
    assert missing.value.response.status_code == 404
    assert "Resource not found for segment" in str(missing.value)


FI_SERVICE = "API_OPLACCTGDOCITEMCUBE_SRV"


def test_open_items_read_with_filter_select_and_top(system: System) -> None:
    cube = system.client(FI_SERVICE, csrf=False).entity_sets.A_OperationalAcctgDocItemCube
    rows = (
        cube.get_entities()
        .filter("ClearingAccountingDocument eq '' and AccountingDocumentType eq 'RV'")
        .select(
            "AccountingDocument,OriginalReferenceDocument,AmountInTransactionCurrency,NetDueDate"
        )
        .order_by("AccountingDocument")
        .top(3)
        .execute()
    )
    assert len(rows) == 3
    numbers = [r.AccountingDocument for r in rows]
    assert numbers == sorted(numbers)
    # pyodata 1.12.1 leaves an Edm.Decimal as the wire's string (SAP's scale 3)
    assert all(Decimal(r.AmountInTransactionCurrency) > 0 for r in rows)
    assert all(r.AmountInTransactionCurrency.split(".")[1].isdigit() for r in rows)
    assert all(isinstance(r.NetDueDate, datetime) and r.OriginalReferenceDocument for r in rows)
    proxy = cube.get_entities()
    since = datetime(2000, 1, 1, tzinfo=UTC)
    posted = proxy.filter(proxy.PostingDate >= since).count().execute()
    assert posted == cube.get_entities().count().execute() > 3


def test_open_items_paging_with_next_url_matches_count(system: System) -> None:
    """Every open item once over `__next`; a null `ClearingDate` reads as None only with
    pyodata's `retain_null` (by default pyodata fills in 1753-01-01, the type's default)."""
    config = pyodata.v2.model.Config(retain_null=True)
    service = pyodata.Client(system.url(FI_SERVICE), system.session(), config=config)
    cube = service.entity_sets.A_OperationalAcctgDocItemCube
    open_items = "ClearingAccountingDocument eq ''"
    expected = cube.get_entities().filter(open_items).count().execute()
    page = cube.get_entities().filter(open_items).execute()
    seen = [(p.FiscalYear, p.AccountingDocument, p.AccountingDocumentItem) for p in page]
    dates = [p.ClearingDate for p in page]
    for _ in range(100):
        if page.next_url is None:
            break
        page = cube.get_entities().next_url(page.next_url).execute()
        seen += [(p.FiscalYear, p.AccountingDocument, p.AccountingDocumentItem) for p in page]
        dates += [p.ClearingDate for p in page]
    assert len(seen) == len(set(seen)) == expected > 5  # more than one page of 5
    assert dates == [None] * expected
    default = system.client(FI_SERVICE, csrf=False).entity_sets.A_OperationalAcctgDocItemCube
    (first,) = default.get_entities().filter(open_items).top(1).execute()
    assert first.ClearingDate == datetime(1753, 1, 1, tzinfo=UTC)
