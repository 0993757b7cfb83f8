"""Company-name keys and the spellings a duplicate record takes ("Acme Inc." / "ACME, Inc.")."""

from __future__ import annotations

import random
import re
import unicodedata

# Legal-form words, lower-case and without dots, that say nothing about which company it is.
LEGAL_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sarl",
        "sas",
        "and",
        "the",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
# Suffix -> the longer or dotted spelling a second user types.
_SUFFIX_VARIANTS = {
    "Inc.": ("Incorporated", "Inc", ", Inc."),
    "LLC": ("L.L.C.", ", LLC"),
    "Corp.": ("Corporation", "Corp"),
    "Co.": ("Company", "Co"),
    "Ltd": ("Limited", "Ltd."),
    "Ltd.": ("Limited", "Ltd"),
    "Limited": ("Ltd", "Ltd."),
    "PLC": ("plc", "P.L.C."),
    "GmbH": ("G.m.b.H.", "Gesellschaft mbH"),
    "AG": ("A.G.",),
    "KG": ("K.G.",),
    "SA": ("S.A.",),
    "SARL": ("S.A.R.L.", "Sàrl"),
    "SAS": ("S.A.S.",),
}


def name_key(name: str) -> str:
    """Tokens of a name without accents, punctuation, order or legal form: "acme"."""
    plain = unicodedata.normalize("NFKD", name.replace("&", " ")).encode("ascii", "ignore")
    tokens = {t for t in _WORD.findall(plain.decode().lower().replace(".", "")) if t}
    return " ".join(sorted(tokens - LEGAL_WORDS))


def duplicate_name(rng: random.Random, name: str, taken: set[str]) -> str:
    """Another user's spelling of the same company, different from every name in `taken`."""
    core, _, suffix = name.rpartition(" ")
    fallbacks = [f"{core}, {suffix}", f"{core.replace('-', ' ')} {suffix}", f"The {name}"]
    candidates = [_variant(rng, name) for _ in range(10)] + (fallbacks if core else [])
    for candidate in candidates:
        if candidate not in taken and candidate != name:
            return candidate
    return f"{name} (old)"


def _variant(rng: random.Random, name: str) -> str:
    core, _, suffix = name.rpartition(" ")
    if not core or suffix not in _SUFFIX_VARIANTS:
        core, suffix = name, ""
    shape = rng.random()
    # An all-capitals copy only where the legal form keeps lower-case letters: "ACME, Inc."
    # ("ACME, AG" would be a casing defect as well as a duplicate).
    shouting = suffix != suffix.upper()
    if suffix and (shape < 0.35 or (shape < 0.6 and not shouting)):
        alt = rng.choice(_SUFFIX_VARIANTS[suffix])  # "Acme Incorporated" / "Acme, Inc."
        return f"{core}{alt}" if alt.startswith(",") else f"{core} {alt}"
    if shape < 0.6:
        return f"{core.upper()}, {suffix}" if suffix else f"{core} Co."
    if shape < 0.8:  # "Smith & Jones" -> "Smith and Jones"; "Smith-Jones" -> "Smith Jones"
        if "&" in core:
            return f"{core.replace('&', 'and')} {suffix}".strip()
        if "-" in core:
            return f"{core.replace('-', ' ')} {suffix}".strip()
        return f"{core}. {suffix}".strip() if suffix else f"The {core}"
    return _typo(rng, core, suffix)


def _typo(rng: random.Random, core: str, suffix: str) -> str:
    """One swapped pair of adjacent letters in a long enough word ("Johnson" -> "Jonhson")."""
    words = core.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return f"{core} {suffix}".strip() if suffix else f"{core} Company"
    i = rng.choice(long_words)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return f"{' '.join(words)} {suffix}".strip()
