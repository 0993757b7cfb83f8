"""Contact-data transforms: countries, phone numbers, emails and web addresses.

Registered by `sync.mapping.transforms`; see its docstring for the conventions (None passes
through, blank text is absent, anything unparseable raises `TransformError`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sync.mapping.countries import (
    country_code,
    country_display_name,
    parse_phone,
    phone_region_problem,
)
from sync.mapping.paths import get_path
from sync.mapping.registry import TransformError, params_schema, register_transform, text_of

_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)[^\s@\"(),:;<>\[\]\\]+(?<!\.)"  # local part: no leading/trailing/double dot
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}$"  # domain labels and a letters-only TLD
)
# scheme, user info, host, port, path, query/fragment; no whitespace anywhere
_URL = re.compile(
    r"^(?:([a-zA-Z][a-zA-Z0-9+.-]*)://)?([^@/?#\s]*@)?([^:/?#@\s]+)(:\d{1,5})?"
    r"(/[^?#\s]*)?([?#]\S*)?$"
)
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")


def country_iso2(value: Any, *, record: dict[str, Any]) -> str | None:
    """ISO 3166-1 alpha-2 from a code (US, USA, 840), a name or a common variant
    ("U.S.A.", "UK", "Great Britain", "England", "Deutschland", "france")."""
    text = text_of(value, "country_iso2").strip()
    if not text:
        return None
    code = country_code(text)
    if code is None:
        raise TransformError(
            f"{value!r} is not a country this mapping knows; "
            "use an ISO 3166 code (US, GBR) or the English name"
        )
    return code


def country_name(value: Any, *, record: dict[str, Any]) -> str | None:
    """The everyday English name of a country given any way `country_iso2` accepts."""
    code = country_iso2(value, record=record)
    return None if code is None else country_display_name(code)


def phone_e164(
    value: Any,
    *,
    record: dict[str, Any],
    region_from: str | None = None,
    default_region: str | None = None,
    validate: str = "valid",
    extension: str = "keep",
) -> str | None:
    """A phone number in E.164 (`+14155550100`).

    Numbers without a country code are read in the country of the source field named by
    `region_from` (any spelling `country_iso2` accepts), else in `default_region`.
    `validate: valid` (default) checks the number against the numbering plan; `possible`
    only checks its length. An extension is kept as `+14155550100 ext. 12` (E.164 has no
    room for one), dropped with `extension: drop`, or refused with `extension: reject`.
    """
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    text = text_of(text, "phone_e164").strip()
    if not text:
        return None
    region = None
    if region_from is not None:
        country = get_path(record, region_from)
        if isinstance(country, str) and country.strip():
            region = country_code(country.strip())
    number, ext, problem = parse_phone(text, region or default_region, validate)  # type: ignore[arg-type]
    if number is None:
        raise TransformError(f"{value!r} is not a usable phone number: {problem}")
    if ext and extension == "reject":
        raise TransformError(f"{value!r} has an extension, which E.164 cannot hold")
    return f"{number} ext. {ext}" if ext and extension == "keep" else number


def email(value: Any, *, record: dict[str, Any]) -> str | None:
    """A trimmed, lower-cased email address (a `mailto:` prefix is dropped); anything that
    is not a single plain address ("Ann <ann@x.com>", "ann@", "a@b") is refused."""
    text = text_of(value, "email").strip()
    if text.casefold().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        return None
    address = text.lower()
    if len(address) > 254 or not _EMAIL.match(address):
        raise TransformError(f"{value!r} is not an email address")
    return address


def url(value: Any, *, record: dict[str, Any]) -> str | None:
    """A web address: `https://` added when there is no scheme, the host lower-cased, a
    trailing slash dropped ("WWW.Acme.com/" -> "https://www.acme.com")."""
    text = text_of(value, "url").strip()
    if not text:
        return None
    parts = _URL.match(text)
    if parts is None:
        raise TransformError(f"{value!r} is not a web address (spaces or a malformed port)")
    scheme, userinfo, host, port, path, tail = parts.groups(default="")
    host = host.lower()
    if host != "localhost" and not _HOST.match(host):
        raise TransformError(f"{value!r} is not a web address (no valid host name)")
    path = path.rstrip("/")
    return f"{(scheme or 'https').lower()}://{userinfo}{host}{port}{path}{tail}"


def _region_problems(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`default_region` must be a region the phone library knows (ZZ would refuse them all)."""
    if "default_region" not in params:
        return []
    problem = phone_region_problem(params["default_region"])
    return [("default_region", problem)] if problem else []


_NONE = params_schema({})
register_transform("country_iso2", country_iso2, _NONE)
register_transform("country_name", country_name, _NONE)
register_transform("email", email, _NONE)
register_transform("url", url, _NONE)
register_transform(
    "phone_e164",
    phone_e164,
    params_schema(
        {
            "region_from": {"type": "string", "minLength": 1},
            "default_region": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "validate": {"enum": ["valid", "possible"]},
            "extension": {"enum": ["keep", "drop", "reject"]},
        }
    ),
    field_params=("region_from",),
    check=_region_problems,
)
