"""Countries and phone numbers as people type them, resolved to ISO 3166 and E.164.

CRMs hold "USA", "U.S.A.", "United States of America", "UK", "Deutschland", "france"; ERPs
want `US`, `GB`, `DE`, `FR`. Resolution is exact after normalisation (case, accents,
punctuation, a leading "the"): pycountry's codes and names plus an alias table for the
spellings pycountry does not know. There is no fuzzy matching on purpose: a wrong country
is worse than a quarantined record.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import phonenumbers
import pycountry

# Normalised spelling -> ISO 3166-1 alpha-2, for names pycountry does not carry.
_ALIASES: dict[str, str] = {
    "usa": "US",
    "us of a": "US",
    "united states of america": "US",
    "america": "US",
    "u s": "US",
    "u s a": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom of great britain": "GB",
    "deutschland": "DE",
    "brd": "DE",
    "federal republic of germany": "DE",
    "frankreich": "FR",
    "republique francaise": "FR",
    "holland": "NL",
    "nederland": "NL",
    "belgique": "BE",
    "belgie": "BE",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "espana": "ES",
    "italia": "IT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "eire": "IE",
    "republic of ireland": "IE",
    "brasil": "BR",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "czech republic": "CZ",
    "turkey": "TR",
    "ivory coast": "CI",
    "uae": "AE",
    "emirates": "AE",
    "prc": "CN",
    "peoples republic of china": "CN",
    "mainland china": "CN",
    "hong kong sar": "HK",
    "macao sar": "MO",
    "vatican": "VA",
    "vatican city": "VA",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "burma": "MM",
    "east timor": "TL",
    "palestine": "PS",
    "moldova": "MD",
}

_DROP = re.compile(r"[.'\u2019()]")
_SPACE = re.compile(r"[\s,/_-]+")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _SPACE.sub(" ", _DROP.sub("", plain.replace("&", " and "))).strip()
    return plain[4:] if plain.startswith("the ") else plain


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        index[country.alpha_2.casefold()] = code
        index[country.alpha_3.casefold()] = code
        index[country.numeric] = code
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if not name:
                continue
            index.setdefault(_normalise(name), code)
            if ", " in name:  # "Korea, Republic of" is also typed "Republic of Korea"
                head, _, tail = name.partition(", ")
                index.setdefault(_normalise(f"{tail} {head}"), code)
    for alias, code in _ALIASES.items():
        index[_normalise(alias)] = code
    return index


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country as typed (code, name or known variant), else None."""
    return _index().get(_normalise(text))


@lru_cache(maxsize=512)
def country_display_name(code: str) -> str:
    """The everyday English name of an alpha-2 code ("Taiwan", "Bolivia", "United States")."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise KeyError(code)
    return str(getattr(country, "common_name", None) or country.name)


_NO_REGION = (
    "it has no country code and no country to read it in (name a known country in the "
    "region field or set default_region)"
)
Validation = Literal["valid", "possible"]
Extension = Literal["keep", "drop", "reject"]


@lru_cache(maxsize=1 << 16)
def parse_phone(
    text: str, region: str | None, validation: Validation
) -> tuple[str | None, str, str]:
    """(E.164 number or None, extension, reason it failed); results are cached because the
    same numbers come back (a sync, then a reconcile of the same records) and phonenumbers
    costs some 60 microseconds a number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return None, "", _NO_REGION
        return None, "", "it is not a phone number"
    check = (
        phonenumbers.is_valid_number if validation == "valid" else phonenumbers.is_possible_number
    )
    if not check(number):
        where = phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
        return None, "", f"it is not a {validation} number for {where}"
    nsn = phonenumbers.national_significant_number(number)
    return f"+{number.country_code}{nsn}", number.extension or "", ""


def phone_region_problem(region: object) -> str | None:
    """Why `region` cannot be a phone default region (None when it can): checked when a
    mapping loads, since an unknown one would refuse every national number of a run."""
    if isinstance(region, str) and region in phonenumbers.SUPPORTED_REGIONS:
        return None
    return f"{region!r} is not a region phone numbers know; use an ISO 3166 alpha-2 code (US, GB)"
