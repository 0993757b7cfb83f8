"""Countries, phone numbers, emails and web addresses as CRM users type them."""

from __future__ import annotations

from typing import Any

import pytest

from sync.mapping import TRANSFORMS, TransformError


def run(name: str, value: Any, /, record: dict[str, Any] | None = None, **params: Any) -> Any:
    return TRANSFORMS[name](value, record=record or {}, **params)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("US", "US"),
        ("United States of America", "US"),
        ("  united   states ", "US"),
        ("usa", "US"),
        ("840", "US"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("GB", "GB"),
        ("GBR", "GB"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("DEU", "DE"),
        ("de", "DE"),
        ("France", "FR"),
        ("france", "FR"),
        ("FRA", "FR"),
        ("Canada", "CA"),
        ("CAN", "CA"),
        ("Österreich", "AT"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d\u2019Ivoire", "CI"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("The Netherlands", "NL"),
        ("Holland", "NL"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Bosnia & Herzegovina", "BA"),
        ("Bolivia", "BO"),
        ("Taiwan", "TW"),
    ],
    ids=lambda v: str(v),
)
def test_country_iso2_reads_what_people_type(typed: str, code: str) -> None:
    assert run("country_iso2", typed) == code


@pytest.mark.parametrize("typed", ["Narnia", "Georgia, USA", "EU", "XX"], ids=str)
def test_country_iso2_refuses_unknown_countries(typed: str) -> None:
    with pytest.raises(TransformError, match="not a country this mapping knows"):
        run("country_iso2", typed)


def test_country_iso2_blank_is_absent() -> None:
    assert run("country_iso2", "  ") is None


@pytest.mark.parametrize(
    ("typed", "name"),
    [("DEU", "Germany"), ("U.S.A.", "United States"), ("tw", "Taiwan"), ("UK", "United Kingdom")],
    ids=str,
)
def test_country_name(typed: str, name: str) -> None:
    assert run("country_name", typed) == name


@pytest.mark.parametrize(
    ("typed", "country", "e164"),
    [
        pytest.param("(212) 555-0187", "USA", "+12125550187", id="us-parens"),
        pytest.param("212.555.0187", "United States", "+12125550187", id="us-dots"),
        pytest.param("+1 212-555-0187", "US", "+12125550187", id="us-international"),
        pytest.param("1-212-555-0187", "U.S.A.", "+12125550187", id="us-trunk-1"),
        pytest.param("2125550187", "US", "+12125550187", id="us-bare-digits"),
        pytest.param("020 7946 0018", "UK", "+442079460018", id="uk-national"),
        pytest.param("+44 20 7946 0018", "United Kingdom", "+442079460018", id="uk-international"),
        pytest.param("+44 (0)20 7946 0018", "England", "+442079460018", id="uk-bracketed-zero"),
        pytest.param("0044 20 7946 0018", "GB", "+442079460018", id="uk-00-prefix"),
        pytest.param("030 12345678", "Deutschland", "+493012345678", id="de-national"),
        pytest.param("+49 (0)30 12345678", "Germany", "+493012345678", id="de-bracketed-zero"),
        pytest.param("0049 30 12345678", "DEU", "+493012345678", id="de-00-prefix"),
        pytest.param("0151 23456789", "DE", "+4915123456789", id="de-mobile"),
        pytest.param("01 23 45 67 89", "France", "+33123456789", id="fr-pairs"),
        pytest.param("+33 (0)1 23 45 67 89", "france", "+33123456789", id="fr-bracketed-zero"),
        pytest.param("06 12 34 56 78", "FRA", "+33612345678", id="fr-mobile"),
        pytest.param("(416) 555-0199", "Canada", "+14165550199", id="ca-parens"),
        pytest.param("1 (604) 555-0143", "CA", "+16045550143", id="ca-trunk-1"),
        pytest.param("+44 20 7946 0018", "USA", "+442079460018", id="country-code-wins"),
        pytest.param("(212) 555-0187", "", "+12125550187", id="blank-country-uses-default"),
        pytest.param("(212) 555-0187", "Narnia", "+12125550187", id="unknown-country-uses-default"),
    ],
)
def test_phone_e164(typed: str, country: str, e164: str) -> None:
    record = {"BillingCountry": country}
    assert (
        run("phone_e164", typed, record, region_from="BillingCountry", default_region="US") == e164
    )


@pytest.mark.parametrize(
    ("extension", "expected"),
    [("keep", "+12125550187 ext. 123"), ("drop", "+12125550187")],
)
def test_phone_e164_extensions(extension: str, expected: str) -> None:
    assert run("phone_e164", "+1 212 555 0187 x123", extension=extension) == expected


@pytest.mark.parametrize(
    ("typed", "params", "reason"),
    [
        pytest.param(
            "(591) 341-7776", {"default_region": "US"}, "not a valid number", id="no-such-area-code"
        ),
        pytest.param("12345", {"default_region": "US"}, "not a valid number", id="too-short"),
        pytest.param("call reception", {"default_region": "US"}, "not a phone number", id="words"),
        pytest.param("020 7946 0018", {}, "no country code", id="no-region-anywhere"),
        pytest.param(
            "+1 212 555 0187 ext. 9", {"extension": "reject"}, "extension", id="extension-rejected"
        ),
    ],
)
def test_phone_e164_refuses(typed: str, params: dict[str, Any], reason: str) -> None:
    with pytest.raises(TransformError, match=reason):
        run("phone_e164", typed, **params)


def test_phone_e164_possible_only_checks_the_length() -> None:
    result = run("phone_e164", "(591) 341-7776", default_region="US", validate="possible")
    assert result == "+15913417776"


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        pytest.param(
            " Ann.O'Neil@Example.COM ", "ann.o'neil@example.com", id="trim-lower-apostrophe"
        ),
        pytest.param("mailto:billing@acme.co.uk", "billing@acme.co.uk", id="mailto"),
        pytest.param(
            "ap+invoices@sub.acme-corp.de", "ap+invoices@sub.acme-corp.de", id="plus-hyphen"
        ),
        pytest.param("josé@café.fr", "josé@café.fr", id="unicode"),
    ],
)
def test_email(typed: str, address: str) -> None:
    assert run("email", typed) == address


@pytest.mark.parametrize(
    "typed",
    [
        "ann@",
        "ann@example",
        "Ann <ann@example.com>",
        "ann@@example.com",
        "ann..b@example.com",
        ".ann@example.com",
        "ann@example.c",
        "ann example@x.com",
        "a@b@c.com",
    ],
    ids=str,
)
def test_email_refuses_what_is_not_one_address(typed: str) -> None:
    with pytest.raises(TransformError, match="is not an email address"):
        run("email", typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("www.acme.com", "https://www.acme.com", id="adds-https"),
        pytest.param(
            "HTTP://WWW.Acme.COM/About/", "http://www.acme.com/About", id="lower-host-keep-path"
        ),
        pytest.param("https://acme.com/", "https://acme.com", id="trailing-slash"),
        pytest.param(
            "acme.com:8080/shop/?q=1#top", "https://acme.com:8080/shop?q=1#top", id="port-query"
        ),
        pytest.param("  https://münchen.de  ", "https://münchen.de", id="idn-trimmed"),
    ],
)
def test_url(typed: str, expected: str) -> None:
    assert run("url", typed) == expected


@pytest.mark.parametrize("typed", ["acme", "www.acme .com", "http://", "-acme-.com"], ids=str)
def test_url_refuses_what_is_not_an_address(typed: str) -> None:
    with pytest.raises(TransformError, match="is not a web address"):
        run("url", typed)


@pytest.mark.parametrize(
    "name", ["country_iso2", "country_name", "phone_e164", "email", "url", "to_int", "date_iso"]
)
def test_parsers_read_blank_text_as_absent(name: str) -> None:
    assert run(name, " \t ") is None
