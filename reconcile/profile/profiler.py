"""Profile one object of one system: field inventory, completeness, distinct values, format
conformity and consistency, lengths against the target's limits, duplicate clusters, and an
overall data-quality score. Reads through a connector, read-only.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconcile.profile import formats
from reconcile.profile.duplicates import Candidate, find_clusters, host_of
from reconcile.profile.model import DuplicateGroup, FieldProfile, Issue, ProfileReport
from reconcile.reading import ProgressFn, snapshot
from sync.connectors.base import Connector, FieldSchema, ObjectSchema, Record
from sync.mapping import MappingSpec
from sync.mapping.countries import parse_phone

EXPECTED_FILL = 0.5  # a field filled on at least this share of records is expected filled
DOMINANT = 0.6  # a style held by this share of a field's values is the field's convention
WEIGHTS = {"completeness": 0.3, "validity": 0.3, "uniqueness": 0.25, "length": 0.15}
# Objects whose records are people, matched case-insensitively: the duplicate rules are a
# company's (name, web domain, phone), which would pair colleagues, so they are not clustered.
PERSON_OBJECTS = frozenset({"contact", "lead"})


@dataclass(frozen=True)
class ProfileHints:
    """What the mapping says about a system's fields: target limits and transforms."""

    limits: Mapping[str, int]
    transforms: Mapping[str, tuple[str, ...]]
    phone_region_from: Mapping[str, str]  # phone field -> the country field to read
    name_field: str | None = None  # the record's name (duplicate clustering), when known

    @classmethod
    def none(cls) -> ProfileHints:
        return cls({}, {}, {})

    @classmethod
    def from_mapping(cls, spec: MappingSpec, side: str) -> ProfileHints:
        """Hints for the mapping's `side` ("source" or "target") object."""
        limits: dict[str, int] = {}
        transforms: dict[str, tuple[str, ...]] = {}
        regions: dict[str, str] = {}
        name_rule = spec.canonical_rule("name")
        name_field = None
        if name_rule is not None:
            name_field = (
                name_rule.target if side == "target" else next(iter(name_rule.sources), None)
            )
        for rule in spec.fields:
            if side == "target":
                if rule.max_length:
                    limits[rule.target.split(".")[0]] = rule.max_length
                continue
            if rule.kind != "source" or not rule.sources:
                continue
            field = rule.sources[0]
            names = tuple(step.name for step in rule.transforms)
            transforms[field] = transforms.get(field, ()) + names
            if rule.max_length:
                limits[field] = min(limits.get(field, rule.max_length), rule.max_length)
            for step in rule.transforms:
                region = step.params.get("region_from")
                if step.name == "phone_e164" and region:
                    regions[field] = str(region)
        return cls(limits, transforms, regions, name_field)


def profile_system(
    connector: Connector,
    obj: str,
    *,
    system: str,
    hints: ProfileHints | None = None,
    progress: ProgressFn | None = None,
) -> ProfileReport:
    """Describe `obj`, read every record of it and profile them."""
    schema = connector.describe(obj)
    records = list(snapshot(connector, obj, None, progress).values())
    return profile_records(schema, records, system=system, vendor=connector.vendor, hints=hints)


def profile_records(
    schema: ObjectSchema,
    records: Iterable[Record],
    *,
    system: str,
    vendor: str,
    hints: ProfileHints | None = None,
) -> ProfileReport:
    hints = hints or ProfileHints.none()
    rows = list(records)
    n = len(rows)
    inventory = dict(schema.fields)
    for r in rows[:1000]:
        for name in r.fields:
            inventory.setdefault(name, FieldSchema(name, "string"))
    semantics = {
        name: formats.semantic(fs, hints.transforms.get(name, ())) for name, fs in inventory.items()
    }
    country_field = next(iter(hints.phone_region_from.values()), None) or next(
        (f for f, s in semantics.items() if s == "country"), None
    )
    countries = [_country_of(r, country_field) for r in rows]
    issues: list[Issue] = []
    profiles: list[FieldProfile] = []
    for name, fs in inventory.items():
        if fs.type == "id":
            continue
        fp, found = _profile_field(name, fs, semantics[name], rows, countries, hints)
        profiles.append(fp)
        issues.extend(found)
    groups: list[DuplicateGroup] = []
    if schema.name.lower() not in PERSON_OBJECTS:
        groups = _duplicates(rows, inventory, semantics, countries, hints.name_field)
    for g in groups:
        for rid in g.record_ids:
            issues.append(Issue("duplicate", rid, "*", f"same company as {g.record_ids[0]}"))
    dims = _dimensions(n, profiles, groups)
    score = sum(WEIGHTS[k] * v for k, v in dims.items()) / sum(WEIGHTS.values())
    return ProfileReport(
        system=system,
        vendor=vendor,
        object=schema.name,
        records=n,
        fields=tuple(profiles),
        issues=tuple(issues),
        duplicates=tuple(groups),
        dimensions={k: round(v, 6) for k, v in dims.items()},
        score=round(score, 6),
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


def _country_of(record: Record, field: str | None) -> str | None:
    value = record.fields.get(field) if field else None
    if not isinstance(value, str) or not value.strip():
        return None
    return formats.country_style(value.strip())[0]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _profile_field(
    name: str,
    fs: FieldSchema,
    sem: str,
    rows: list[Record],
    countries: list[str | None],
    hints: ProfileHints,
) -> tuple[FieldProfile, list[Issue]]:
    n = len(rows)
    values = [r.fields.get(name) for r in rows]
    filled_idx = [i for i, v in enumerate(values) if not _blank(v)]
    filled = len(filled_idx)
    expected = fs.required or (n > 0 and filled / n >= EXPECTED_FILL)
    issues: list[Issue] = []
    if expected:
        for i, v in enumerate(values):
            if _blank(v):
                issues.append(Issue("missing_value", rows[i].id, name, "blank"))
    texts: dict[int, str] = {}
    for i in filled_idx:
        value = values[i]
        if isinstance(value, str):
            texts[i] = value
    distinct = len({repr(values[i]) for i in filled_idx})
    styles: dict[int, str] = {}
    invalid: dict[int, str] = {}
    for i, text in texts.items():
        style, problem = _check(sem, text, countries[i])
        if problem:
            invalid[i] = problem
        elif style:
            styles[i] = style
    dominant, inconsistent = _inconsistent(styles)
    for i, problem in sorted(invalid.items()):
        issues.append(Issue("invalid_format", rows[i].id, name, problem, texts[i]))
    for i in inconsistent:
        issues.append(
            Issue("inconsistent_format", rows[i].id, name, f"{styles[i]}, not {dominant}", texts[i])
        )
    limit = hints.limits.get(name) or fs.length
    lengths = [len(t) for t in texts.values()]
    over = [i for i, t in texts.items() if limit and len(t) > limit]
    for i in over:
        issues.append(
            Issue("overlong_value", rows[i].id, name, f"{len(texts[i])} > {limit}", texts[i])
        )
    fp = FieldProfile(
        name=name,
        type=fs.type,
        length=fs.length,
        required=fs.required,
        semantic=sem,
        filled=filled,
        completeness=round(filled / n, 6) if n else 0.0,
        distinct=distinct,
        expected=expected,
        checked=len(styles) + len(invalid),
        invalid=len(invalid),
        inconsistent=len(inconsistent),
        dominant_style=dominant,
        styles=dict(Counter(styles.values()).most_common()),
        limit=limit,
        over_limit=len(over),
        max_seen=max(lengths, default=0),
        length_outliers=_outliers(lengths),
    )
    return fp, issues


def _check(sem: str, text: str, country: str | None) -> tuple[str | None, str | None]:
    """(style, problem) of one non-blank text value; a problem makes it invalid."""
    if sem == "email":
        return ("email", None) if formats.email_ok(text.strip()) else (None, "not an email")
    if sem == "phone":
        style = formats.phone_style(text, country)
        return (style, None) if style else (None, "not a valid phone number")
    if sem == "country":
        code, spelling = formats.country_style(text)
        return (spelling, None) if code else (None, "not a known country")
    if sem == "postal_code":
        ok = formats.postal_ok(text, country)
        if ok is False:
            return None, f"not a {country} postal code"
        return ("postal", None) if ok else (None, None)
    if sem == "date":
        return ("iso", None) if formats.date_ok(text) else (None, "not an ISO date")
    if sem == "text":
        if not formats.whitespace_ok(text):
            return "whitespace", None
        return formats.casing(text), None
    return None, None


def _inconsistent(styles: dict[int, str]) -> tuple[str | None, list[int]]:
    """The field's convention and the values written otherwise (none without a convention)."""
    counts = Counter(s for s in styles.values() if s != "none")
    if not counts:
        return None, []
    dominant, held = counts.most_common(1)[0]
    if held / sum(counts.values()) < DOMINANT:
        return None, []
    odd = [i for i, s in styles.items() if s not in (dominant, "none")]
    return dominant, sorted(odd)


def _outliers(lengths: list[int]) -> int:
    if len(lengths) < 20:
        return 0
    q1, _q2, q3 = statistics.quantiles(lengths, n=4)
    fence = q3 + 3 * (q3 - q1)
    return sum(1 for x in lengths if x > fence and x > q3 + 10)


def _duplicates(
    rows: list[Record],
    inventory: dict[str, FieldSchema],
    semantics: Mapping[str, str],
    countries: list[str | None],
    name_field: str | None,
) -> list[DuplicateGroup]:
    name_field = name_field if name_field in inventory else _name_field(inventory)
    if name_field is None:
        return []
    web = [f for f, s in semantics.items() if s in ("url", "email")]
    phone_field = next((f for f, s in semantics.items() if s == "phone"), None)
    candidates = []
    names: dict[str, str] = {}
    for r, country in zip(rows, countries, strict=True):
        name = r.fields.get(name_field)
        if not isinstance(name, str) or not name.strip():
            continue
        names[r.id] = name
        domains = tuple(
            d for f in web if isinstance(r.fields.get(f), str) and (d := host_of(r.fields[f]))
        )
        phone = r.fields.get(phone_field) if phone_field else None
        e164 = parse_phone(phone, country, "possible")[0] if isinstance(phone, str) else None
        candidates.append(Candidate(r.id, name, domains, e164))
    return [
        DuplicateGroup(c.record_ids, tuple(names[i] for i in c.record_ids), c.score, c.reasons)
        for c in find_clusters(candidates)
    ]


def _name_field(inventory: dict[str, FieldSchema]) -> str | None:
    """Without a mapping to say so, the record's name: a text field called name, else the
    one text field whose name ends in "name" (a company's, not a person's two)."""
    texts = [n for n, f in inventory.items() if f.type in ("string", "textarea")]
    exact = [n for n in texts if n.lower() == "name"]
    if exact:
        return exact[0]
    ending = [n for n in texts if n.lower().endswith("name")]
    return ending[0] if len(ending) == 1 else None


def _dimensions(
    n: int, profiles: list[FieldProfile], groups: list[DuplicateGroup]
) -> dict[str, float]:
    if not n:  # no records prove nothing: an empty object never scores 100%
        return dict.fromkeys(("completeness", "validity", "uniqueness", "length"), 0.0)
    expected = [p for p in profiles if p.expected]
    cells = n * len(expected)
    completeness = sum(p.filled for p in expected) / cells if cells else 1.0
    checked = sum(p.checked for p in profiles)
    bad = sum(p.invalid + p.inconsistent for p in profiles)
    extra = sum(len(g.record_ids) - 1 for g in groups)
    limited = [p for p in profiles if p.limit]
    over = sum(p.over_limit for p in limited)
    return {
        "completeness": completeness,
        "validity": 1 - bad / checked if checked else 1.0,
        "uniqueness": 1 - extra / n if n else 1.0,
        "length": 1 - over / (n * len(limited)) if n and limited else 1.0,
    }
