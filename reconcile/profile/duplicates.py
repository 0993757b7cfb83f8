"""Duplicate records of one system: blocking, then fuzzy scoring, then clusters.

Records are only compared within a block (the same web domain, the same phone number, or the
same rarest name token), so the work grows with the block sizes, not with n squared. A pair
is a duplicate when the names agree after normalisation (legal form, case, accents and
punctuation removed) and, unless the names agree exactly, a domain or a phone is shared.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

# Words of a legal form or filler: they say nothing about which company a name is.
_LEGAL = frozenset(
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
        "mbh",
        "gesellschaft",
        "ag",
        "kg",
        "sa",
        "sarl",
        "sas",
        "bv",
        "nv",
        "oy",
        "ab",
        "the",
        "and",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/:?#\s]+)", re.IGNORECASE)
NAME_THRESHOLD = 82.0  # rapidfuzz ratio of two normalised names that share a domain or phone
MAX_BLOCK = 200  # a bigger block is a shared placeholder (a switchboard, a free-mail domain)


@dataclass(frozen=True)
class Candidate:
    """What duplicate detection looks at in one record."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    phone: str | None = None  # E.164, when the number parses


@dataclass(frozen=True)
class Cluster:
    record_ids: tuple[str, ...]
    score: float  # the weakest link's name similarity, 0-100
    reasons: tuple[str, ...]  # "domain", "phone", "name"


def name_key(name: str) -> str:
    """Sorted tokens of a name without accents, punctuation or legal form."""
    plain = unicodedata.normalize("NFKD", name.replace("&", " ")).encode("ascii", "ignore")
    tokens = set(_WORD.findall(plain.decode().lower().replace(".", "")))
    return " ".join(sorted(tokens - _LEGAL))


def host_of(text: str) -> str | None:
    """The web domain of a URL or an email address, without `www.`; None when there is none."""
    value = text.strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    match = _HOST.match(value)
    host = match.group(1).rstrip(".") if match else ""
    return host if "." in host else None


def similarity(a: str, b: str) -> float:
    """0-100: how well every token of each name finds its like in the other, by edit distance
    with transpositions (a typo in one word costs little; a different word costs a lot)."""
    if a == b:
        return 100.0 if a else 0.0
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0

    def directed(x: list[str], y: list[str]) -> float:
        return sum(max(OSA.normalized_similarity(t, u) for u in y) for t in x) * 100 / len(x)

    # A word one name has and the other lacks ("O'Brien" / "O'Brien-Robertson") weighs more
    # than a typo: it usually names another company.
    return max(0.0, min(directed(ta, tb), directed(tb, ta)) - 15.0 * abs(len(ta) - len(tb)))


def find_clusters(candidates: Iterable[Candidate]) -> list[Cluster]:
    """Clusters of two or more records that are the same company, in record-id order."""
    items = list(candidates)
    keys = [name_key(c.name) for c in items]
    token_counts = Counter(t for k in keys for t in set(k.split()))
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(items):
        for domain in set(c.domains):
            blocks["domain", domain].append(i)
        if c.phone:
            blocks["phone", c.phone].append(i)
        if keys[i]:
            rarest = min(keys[i].split(), key=lambda t: (token_counts[t], t))
            blocks["name", rarest].append(i)
    parent = list(range(len(items)))
    links: dict[int, tuple[float, set[str]]] = {}
    scored: dict[tuple[int, int], float] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (via, _value), members in blocks.items():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair not in scored:
                    scored[pair] = similarity(keys[a], keys[b])
                score = scored[pair]
                same = score >= 100.0 or (via != "name" and score >= NAME_THRESHOLD)
                if not same:
                    continue
                ra, rb = root(a), root(b)
                best, reasons = links.get(ra, (100.0, set()))
                if ra != rb:
                    other_best, other_reasons = links.pop(rb, (100.0, set()))
                else:
                    other_best, other_reasons = best, set()
                parent[rb] = ra
                links[ra] = (min(best, other_best, score), reasons | other_reasons | {via})
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[root(i)].append(i)
    clusters = []
    for r, members in groups.items():
        if len(members) < 2:
            continue
        score, reasons = links.get(r, (100.0, set()))
        ids = tuple(sorted(items[m].id for m in members))
        clusters.append(Cluster(ids, round(score, 1), tuple(sorted(reasons))))
    return sorted(clusters, key=lambda c: c.record_ids)
