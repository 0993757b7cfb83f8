"""Controlled defects for a dirty world, each written to the ground-truth manifest.

A share `WorldSettings.dirty` of the companies carries one defect, of a kind drawn from the
per-kind shares: duplicate records (a cluster of 2-3 spellings of one company sharing a domain
or a phone), blank optional-but-expected values, inconsistent formats, invalid emails and
over-long names. Accents, apostrophes, second address lines and names just under the ERP's
limit are realistic, not defects, and are never recorded.

The injector draws from its own `random.Random`, so the clean part of a world is the same at
every dirty rate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from mocks.world.names import duplicate_name
from mocks.world.pools import COUNTRY_SPELLINGS, SECOND_LINES, Pools, phone_styles

ERP_NAME_LIMIT = 83  # NetSuite customer.companyName
MISSING_FIELDS = ("phone", "website", "city", "postal_code", "country")
FORMAT_FIELDS = ("phone", "country", "name", "city", "postal_code")
_BAD_EMAILS = (
    "{local}@@{domain}",
    "{local}.{domain}",
    "{local}@{host}",
    "{local} @{domain}",
    "{local}@{domain}..",
    "{local}@{dotdot}",
)


@dataclass
class Draft:
    """A company's values while they are composed (turned into a frozen `Company` after)."""

    values: dict[str, Any]
    locale: str
    phone_index: int
    eligible: bool = True  # may be the original of a duplicate cluster


@dataclass
class DefectInjector:
    rng: random.Random
    shares: dict[str, float]
    rate: float
    taken_names: set[str]
    taken_domains: set[str]
    defects: list[dict[str, Any]] = field(default_factory=list)
    _originals: list[Draft] = field(default_factory=list)
    _pending: list[tuple[Draft, dict[str, Any]]] = field(default_factory=list)

    def apply(self, draft: Draft, pool: Pools) -> None:
        """Maybe give `draft` one defect (or make it the next member of a cluster)."""
        if self._pending:
            original, defect = self._pending.pop()
            self._duplicate(draft, original, pool, defect)
            return
        if self.rate <= 0 or self.rng.random() >= self.rate:
            self._realistic(draft, pool)
            if draft.eligible:
                self._originals.append(draft)
            return
        kinds = list(self.shares)
        kind = self.rng.choices(kinds, [self.shares[k] for k in kinds])[0]
        if kind == "duplicate" and self._originals:
            original = self._originals.pop(self.rng.randrange(len(self._originals)))
            self._duplicate(draft, original, pool, None)
        elif kind == "missing":
            self._missing(draft)
        elif kind == "format":
            self._format(draft, pool)
        elif kind == "invalid_email":
            self._invalid_email(draft)
        elif kind == "overlong":
            self._overlong(draft, pool)

    def _record(self, kind: str, draft: Draft, fld: str, **details: Any) -> dict[str, Any]:
        defect = {
            "kind": kind,
            "entity": "company",
            "key": draft.values["key"],
            "field": fld,
            "details": details,
        }
        self.defects.append(defect)
        return defect

    # -- kinds ------------------------------------------------------------------------------

    def _duplicate(
        self, draft: Draft, original: Draft, pool: Pools, defect: dict[str, Any] | None
    ) -> None:
        src, v = original.values, draft.values
        draft.eligible = False
        name = duplicate_name(self.rng, src["name"], self.taken_names)
        self.taken_names.add(name)
        shared = self.rng.choice(("domain", "phone", "both"))
        for key in ("industry", "street", "city", "state", "postal_code", "country"):
            v[key] = src[key]
        v["name"] = name
        if shared in ("domain", "both"):
            v["website"], v["email"] = src["website"], src["email"]
        if shared in ("phone", "both"):
            v["phone"] = src["phone"]
            draft.phone_index = original.phone_index
        if defect is None:
            cluster = [src["key"], v["key"]]
            defect = self._record(
                "duplicate", draft, "name", duplicate_of=src["key"], shared=[shared]
            )
            defect["cluster"] = cluster
            if self.rng.random() < 0.3:  # a third spelling of the same company
                self._pending.append((original, defect))
        else:
            defect["cluster"].append(v["key"])
            extra = self._record(
                "duplicate", draft, "name", duplicate_of=src["key"], shared=[shared]
            )
            extra["cluster"] = defect["cluster"]

    def _missing(self, draft: Draft) -> None:
        fld = self.rng.choice(MISSING_FIELDS)
        draft.values[fld] = ""
        draft.eligible = False
        self._record("missing_value", draft, fld)

    def _format(self, draft: Draft, pool: Pools) -> None:
        v, rng = draft.values, self.rng
        fld = rng.choice(FORMAT_FIELDS)
        draft.eligible = False
        before = v[fld]
        if fld == "phone":
            styles = phone_styles(pool.phones[draft.phone_index])
            v[fld] = styles[rng.randrange(1, len(styles))]
            problem = "phone_style"
        elif fld == "country":
            spellings = COUNTRY_SPELLINGS[draft.locale]
            v[fld] = rng.choice((*spellings[1:], spellings[0].upper()))
            problem = "country_spelling"
        elif fld == "postal_code":
            v[fld], problem = _bad_spacing(rng, before), "postal_code_spacing"
        else:
            problem = rng.choice(("casing", "whitespace"))
            if sum(ch.isalpha() for ch in before) < 4:  # "ROY" reads as an acronym, not a slip
                problem = "whitespace"
            v[fld] = _bad_case(rng, before) if problem == "casing" else _bad_space(rng, before)
        self._record("inconsistent_format", draft, fld, problem=problem, value=v[fld])

    def _invalid_email(self, draft: Draft) -> None:
        v = draft.values
        local, domain = v["email"].split("@", 1)
        template = self.rng.choice(_BAD_EMAILS)
        v["email"] = template.format(
            local=local,
            domain=domain,
            host=domain.split(".", 1)[0],
            dotdot=domain.replace(".", "..", 1),
        )
        draft.eligible = False
        self._record("invalid_email", draft, "email", value=v["email"])

    def _overlong(self, draft: Draft, pool: Pools) -> None:
        v = draft.values
        target = self.rng.randint(ERP_NAME_LIMIT + 1, ERP_NAME_LIMIT + 60)
        v["name"] = _padded_name(self.rng, v["name"], pool, target)
        draft.eligible = False
        self._record("overlong_value", draft, "name", length=len(v["name"]), limit=ERP_NAME_LIMIT)

    def _realistic(self, draft: Draft, pool: Pools) -> None:
        """Not defects: a second street line, a name just under the ERP's limit."""
        if self.rate <= 0:
            return
        roll = self.rng.random()
        if roll < 0.05:
            draft.values["street"] += "\n" + self.rng.choice(SECOND_LINES)
        elif roll < 0.07:
            target = self.rng.randint(ERP_NAME_LIMIT - 8, ERP_NAME_LIMIT)
            draft.values["name"] = _padded_name(self.rng, draft.values["name"], pool, target)
            draft.eligible = False


def _padded_name(rng: random.Random, name: str, pool: Pools, length: int) -> str:
    """`name` grown with trading words to exactly `length` characters."""
    words = ["International", "Holdings", "Group", "Trading", "Services", "Partners"]
    words += [w for p in rng.sample(pool.phrases, 3) for w in p.split()]
    out = name
    while len(out) < length:
        out = f"{out} {rng.choice(words).capitalize()}"
    out = out[:length].rstrip()
    return out + "s" * (length - len(out))


def _bad_case(rng: random.Random, text: str) -> str:
    return text.upper() if rng.random() < 0.5 else text.lower()


def _bad_space(rng: random.Random, text: str) -> str:
    shape = rng.randrange(3)
    if shape == 0:
        return f" {text}"
    if shape == 1 or " " not in text:
        return f"{text}  "
    return text.replace(" ", "  ", 1)


def _bad_spacing(rng: random.Random, code: str) -> str:
    if " " in code:
        return code.replace(" ", "") if rng.random() < 0.6 else code.replace(" ", "  ")
    mid = len(code) // 2
    return f"{code[:mid]} {code[mid:]}"


__all__ = ["ERP_NAME_LIMIT", "DefectInjector", "Draft"]
