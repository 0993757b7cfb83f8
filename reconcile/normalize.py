"""Normalized business-key values: what two systems agree on when their ids do not tie them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
# Legal forms that one system spells and the other drops ("Acme Ltd" is "ACME Limited").
LEGAL_SUFFIXES = frozenset(
    [
        "ab",
        "ag",
        "as",
        "bv",
        "co",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    ]
)


def text_key(value: Any) -> str | None:
    """Case-folded with runs of whitespace as one space; blank is None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip().casefold()
    return text or None


def email_key(value: Any) -> str | None:
    text = text_key(value)
    return text.replace(" ", "") if text else None


def domain_key(value: Any) -> str | None:
    """The host of a url or the domain of an email, without `www.`."""
    text = email_key(value)
    if not text:
        return None
    if "@" in text:
        host = text.rsplit("@", 1)[1]
    else:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.removeprefix("www.").strip(".")
    return host or None


def name_key(value: Any) -> str | None:
    """A company name without punctuation and legal suffixes ("Acme, Inc." -> "acme")."""
    text = text_key(value)
    if not text:
        return None
    words = _PUNCT.sub(" ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words) or None


NORMALIZERS: dict[str, Callable[[Any], str | None]] = {
    "text": text_key,
    "email": email_key,
    "domain": domain_key,
    "name": name_key,
}
