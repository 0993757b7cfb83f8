"""Format checks for one value: what a field should hold, whether the value conforms, and the
style it is written in (a value can conform yet be written unlike the rest of its field).

Pure functions; phone and country parsing go through `sync.mapping.countries`, the same code
the mapping's `phone_e164` and `country_iso2` transforms use.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

import phonenumbers
import pycountry

from sync.connectors.base import FieldSchema
from sync.mapping.countries import country_code

Semantic = Literal["email", "phone", "country", "postal_code", "url", "date", "text", "other"]

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
# Postal codes per ISO country, written the way the post office writes them.
POSTAL_CODES: dict[str, re.Pattern[str]] = {
    "US": re.compile(r"^\d{5}(?:-\d{4})?$"),
    "GB": re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$"),
    "CA": re.compile(r"^[A-Z]\d[A-Z] \d[A-Z]\d$"),
    "DE": re.compile(r"^\d{5}$"),
    "FR": re.compile(r"^\d{5}$"),
    "NL": re.compile(r"^\d{4} [A-Z]{2}$"),
    "AU": re.compile(r"^\d{4}$"),
    "ES": re.compile(r"^\d{5}$"),
    "IT": re.compile(r"^\d{5}$"),
}
_PHONE_DIGITS = re.compile(r"^\d+$")
_PHONE_DOTTED = re.compile(r"^\d+(?:\.\d+)+$")


def semantic(fs: FieldSchema, transforms: tuple[str, ...] = ()) -> Semantic:
    """What a field holds, from its declared type, the mapping's transforms and its name."""
    name = fs.name.lower().replace("_", "")
    if fs.type == "email" or "email" in transforms or "email" in name:
        return "email"
    if fs.type == "phone" or "phone_e164" in transforms:
        return "phone"
    if "country_iso2" in transforms or (fs.type in ("string", "picklist") and "country" in name):
        return "country"
    if fs.type in ("string",) and ("postalcode" in name or name.endswith("zip")):
        return "postal_code"
    if fs.type == "url" or "url" in transforms:
        return "url"
    if fs.type in ("date", "datetime"):
        return "date"
    if fs.type in ("string", "textarea"):
        return "text"
    return "other"


def email_ok(value: str) -> bool:
    return bool(EMAIL.match(value)) and ".." not in value


def phone_style(value: str, region: str | None) -> str | None:
    """The style a phone is written in, or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if value == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164):
        return "e164"
    intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if value == intl:
        return "international"
    if value == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL):
        return "national"
    if _PHONE_DOTTED.match(value):
        return "dotted"
    if _PHONE_DIGITS.match(value):
        return "digits"
    return "other"


def country_style(value: str) -> tuple[str | None, str]:
    """(ISO alpha-2 or None, the spelling: name, iso2, iso3 or variant)."""
    code = country_code(value)
    if code is None:
        return None, "unknown"
    if value == code:
        return code, "iso2"
    country = pycountry.countries.get(alpha_2=code)
    if country is not None and value == country.alpha_3:
        return code, "iso3"
    names = {getattr(country, a, None) for a in ("name", "common_name")}
    return code, ("name" if value in names else "variant")


def postal_ok(value: str, country: str | None) -> bool | None:
    """Whether a postal code is written as its country writes it (None: no rule known)."""
    pattern = POSTAL_CODES.get(country or "")
    return None if pattern is None else bool(pattern.match(value))


def date_ok(value: object) -> bool:
    if isinstance(value, date | datetime):
        return True
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def whitespace_ok(value: str) -> bool:
    """No leading, trailing or doubled spaces on any line (line breaks themselves are fine)."""
    return all(line == line.strip() and "  " not in line for line in value.split("\n"))


def casing(value: str) -> str:
    """upper, lower or mixed; "none" for values with too few letters to tell."""
    letters = [ch for ch in value if ch.isalpha()]
    if len(letters) < 4:
        return "none"
    if all(ch.isupper() for ch in letters):
        return "upper"
    if all(ch.islower() for ch in letters):
        return "lower"
    return "mixed"
