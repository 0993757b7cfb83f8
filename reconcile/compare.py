"""Canonical values and per-field comparison of a predicted target record with the real one."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sync.mapping import TRANSFORMS, FieldRule, MappingSpec, TransformError, get_path
from sync.mapping.paths import split_path

_MEMO_MAX = 1 << 15  # texts a hinted rule's reader remembers before it starts again
_MEMO_TEXT_MAX = 512  # longer texts (notes, descriptions) are settled each time
_UNSEEN = object()
# A phone value with nothing but the number in it: digits and their punctuation, an optional
# `tel:` and an optional extension. Text around a number ("Summit +1979...", "call ...") is a
# different value, not the same number: phone parsers skip it, so it is checked first.
_PHONE_ONLY = re.compile(
    r"\s*(?:tel:)?\s*\+?[\d\s().\-/]+(?:(?:x|ext\.?|extension|#|;ext=)\s*\d+)?\s*",
    re.IGNORECASE,
)
ReadAs = Literal["phone", "country", "datetime", "date"]
READ_AS: tuple[ReadAs, ...] = ("phone", "country", "datetime", "date")
# Each kind is read by the mapping's own transform, so the reconciler and the sync agree on
# what a phone number, a country or an instant is (phone_e164, country_iso2, datetime_iso,
# date_iso); a value the transform refuses is compared as text.
_READERS = {"phone": "phone_e164", "country": "country_iso2", "datetime": "datetime_iso",
            "date": "date_iso"}  # fmt: skip


@dataclass(frozen=True)
class FieldRuleView:
    """How one target path is compared (from the mapping's `compare` hints)."""

    path: str
    ignore_case: bool = False
    ignore_whitespace: bool = False
    abs_tolerance: float = 0.0
    rel_tolerance: float = 0.0
    read_as: ReadAs | None = None  # phone: E.164; country: ISO-2; datetime: instant; date: day
    default_region: str | None = None  # phone: the country of numbers without a country code
    # A child collection (order lines): each element compared on these paths, the elements
    # paired by `key` (order aside) - fields the target adds to its lines do not count.
    children: tuple[FieldRuleView, ...] = ()
    key: str | None = None


def compare_rules(spec: MappingSpec) -> tuple[FieldRuleView, ...]:
    """One view per mapped target path, in the mapping's order."""
    return tuple(_view(path, spec.rule_for(path)) for path in spec.target_paths)


def _view(path: str, rule: FieldRule | None) -> FieldRuleView:
    hints: dict[str, Any] = dict(getattr(rule, "compare", None) or {}) if rule else {}
    read_as = next((kind for kind in READ_AS if hints.get(kind)), None)
    phone = hints.get("phone")
    children: tuple[FieldRuleView, ...] = ()
    if rule is not None and rule.kind == "each":
        children = tuple(_view(child.target, child) for child in rule.each)
    return FieldRuleView(
        path,
        ignore_case=bool(hints.get("ignore_case", False)),
        ignore_whitespace=bool(hints.get("ignore_whitespace", False)),
        abs_tolerance=float(hints.get("abs_tolerance", hints.get("tolerance", 0.0))),
        rel_tolerance=float(hints.get("rel_tolerance", 0.0)),
        read_as=read_as,
        default_region=phone.get("default_region") if isinstance(phone, dict) else None,
        children=children,
        key=rule.key if rule is not None else None,
    )


def canonical(value: Any, rule: FieldRuleView) -> Any:
    """Blank and absent are the same; strings honour the case and whitespace hints; a child
    collection becomes its elements' compared values, in key order."""
    if rule.children:
        return _children(value, rule)
    if value is None or value == "" or value == [] or value == {}:
        return None
    if rule.read_as is not None and not isinstance(value, bool):
        read = _read_as(value, rule)
        if read is not None:
            return read
    if isinstance(value, str):
        text = value
        if rule.ignore_whitespace:  # runs of whitespace as one space, none at the ends
            text = " ".join(text.split())
        if rule.ignore_case:
            text = text.casefold()
        return text
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _children(value: Any, rule: FieldRuleView) -> tuple[tuple[Any, ...], ...] | None:
    if not isinstance(value, list) or not value:
        return None
    rows = [
        tuple(canonical(get_path(row, child.path), child) for child in rule.children)
        for row in value
        if isinstance(row, dict)
    ]
    paths = [child.path for child in rule.children]
    if rule.key in paths:
        at = paths.index(str(rule.key))
        rows.sort(key=lambda row: repr(row[at]))
    return tuple(rows)


def _read_as(value: Any, rule: FieldRuleView) -> str | None:
    """The value in its kind's canonical text, or None when the transform refuses it."""
    params: dict[str, Any] = {}
    if rule.read_as == "phone":
        if not isinstance(value, str | int) or not _PHONE_ONLY.fullmatch(str(value)):
            return None
        params = {"default_region": rule.default_region, "validate": "possible"}
    try:
        read = TRANSFORMS[_READERS[str(rule.read_as)]](value, record={}, **params)
    except TransformError:
        return None
    return None if read is None else str(read)


def values_equal(expected: Any, actual: Any, rule: FieldRuleView) -> bool:
    return canonical_values_equal(canonical(expected, rule), canonical(actual, rule), rule)


def canonical_values_equal(a: Any, b: Any, rule: FieldRuleView) -> bool:
    """`values_equal` on values already through `canonical` (the columnar engine stores
    canonical values, and re-checks only the cells its SQL could not settle)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rule.rel_tolerance, abs_tol=rule.abs_tolerance)
    if {type(a), type(b)} == {float, str}:
        # Vendors hand numbers back as strings (SuiteQL, HubSpot): compare them as numbers.
        try:
            return math.isclose(
                float(a), float(b), rel_tol=rule.rel_tolerance, abs_tol=rule.abs_tolerance
            )
        except ValueError:
            return False
    return bool(a == b)


def signature(record: dict[str, Any], rules: Sequence[FieldRuleView]) -> tuple[Any, ...]:
    """The canonical values of every compared path: equal signatures mean equal records
    (exact-match rules only; tolerant numeric rules fall back to per-field comparison).
    The plain definition: the compare signs through `signer`, held equal to this by
    `tests/reconcile/test_signer.py`."""
    return tuple(_sig_value(canonical(get_path(record, r.path), r)) for r in rules)


def signer(rules: Sequence[FieldRuleView]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """`signature` over `rules`, compiled once: the compare signs every record of both
    sides, so each rule gets its path split and, for a rule with no hints, a reader that
    settles the common values (text, numbers, booleans, blanks) by their type alone and
    hands anything else to `canonical`. Same signatures as `signature`."""
    readers = [_reader(rule) for rule in rules]

    def sign(record: dict[str, Any]) -> tuple[Any, ...]:
        return tuple([read(record) for read in readers])

    return sign


def _reader(rule: FieldRuleView) -> Callable[[dict[str, Any]], Any]:
    segments = split_path(rule.path)
    plain = not (rule.children or rule.read_as or rule.ignore_case or rule.ignore_whitespace)

    def general(value: Any) -> Any:
        return _sig_value(canonical(value, rule))

    def value_of(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return value or None
        if value is None:
            return None
        if kind is bool:
            return value
        if kind is int or kind is float:
            return float(value)
        return general(value)

    settle = value_of if plain else _remembered(general)
    if len(segments) == 1 and isinstance(segments[0], str):
        key = segments[0]

        def read_key(record: dict[str, Any]) -> Any:
            return settle(record.get(key))

        return read_key

    def read_path(record: dict[str, Any]) -> Any:
        return settle(get_path(record, segments))

    return read_path


def _remembered(settle: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`settle` remembering its answer for each text: a hinted rule costs microseconds a value
    (a phone parsed, a country looked up, text folded), and the two sides of a compare
    mostly hold the same texts. Bounded; safe to share between the two sides' threads."""
    memo: dict[str, Any] = {}

    def remembered(value: Any) -> Any:
        if type(value) is not str or len(value) > _MEMO_TEXT_MAX:
            return settle(value)
        answer = memo.get(value, _UNSEEN)  # one step: the other side's thread may clear it
        if answer is _UNSEEN:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            answer = memo[value] = settle(value)
        return answer

    return remembered


def _sig_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return repr(value)
    return value


def differing_paths(
    expected: dict[str, Any], actual: dict[str, Any], rules: Sequence[FieldRuleView]
) -> list[tuple[FieldRuleView, Any, Any]]:
    """(rule, expected, actual) for every compared path whose values differ."""
    out = []
    for rule in rules:
        exp, act = get_path(expected, rule.path), get_path(actual, rule.path)
        if not values_equal(exp, act, rule):
            out.append((rule, exp, act))
    return out
