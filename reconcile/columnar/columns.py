"""How one compared field becomes two DuckDB columns, and back.

Every field is stored as a text token (`t<i>`) and a number (`n<i>`) holding its *canonical*
value (reconcile.compare.canonical), so SQL equality of tokens means Python equality of values.
Two encodings fill them:

- records (`encode`): Python canonicalises each value exactly as the per-record path does, so
  every rule (case, whitespace, phone, country, dates) holds before the load. Strings keep their
  text; numbers go to `n<i>`; booleans, non-finite numbers and nested values get a tagged token
  (a leading SOH byte, which an ordinary string is escaped out of).
- frames (`sql_canonical`): a typed column of a Parquet file or an Arrow-like frame is
  canonicalised in SQL where SQL can say it (blank is NULL, whitespace runs, ASCII case).
  That SQL may call two values different that Python calls equal (non-ASCII case folding),
  never the reverse, so the engine re-checks those cells in Python (`approximate`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import orjson

from reconcile.compare import FieldRuleView, canonical

TAG = "\x01"  # starts every token that is not a plain string (SOH: DuckDB keeps it in text)
_TRUE, _FALSE = f"{TAG}b1", f"{TAG}b0"
_JSON = f"{TAG}j"  # nested value: sorted-key JSON, compared by == after decoding
_FLOAT = f"{TAG}f"  # +/-inf (JSON has no spelling for them)
_NAN = f"{TAG}nan:"  # + a serial: never equal to anything, as in Python (nan != nan)
_NAN_SERIAL = itertools.count()


class ColumnarError(ValueError):
    """Input the columnar engine cannot compare faithfully; the message says what to do."""


@dataclass(frozen=True)
class ColumnSpec:
    """One compared field: its rule and its position among the table's columns."""

    index: int
    rule: FieldRuleView

    @property
    def path(self) -> str:
        return self.rule.path

    @property
    def text(self) -> str:
        return f"t{self.index}"

    @property
    def number(self) -> str:
        return f"n{self.index}"

    @property
    def tolerant(self) -> bool:
        return bool(self.rule.abs_tolerance or self.rule.rel_tolerance)

    def equal_sql(self, left: str = "s", right: str = "t") -> str:
        """SQL that is true when the two sides' values are equal under this rule.

        Numbers follow math.isclose to the letter (same IEEE arithmetic, so the same answer);
        a number against a string is left unequal here and settled in Python (`mixed_sql`)."""
        ln, rn = f"{left}.{self.number}", f"{right}.{self.number}"
        lt, rt = f"{left}.{self.text}", f"{right}.{self.text}"
        rel, tol = repr(float(self.rule.rel_tolerance)), repr(float(self.rule.abs_tolerance))
        close = (
            f"(NOT isnan({ln}) AND NOT isnan({rn}) AND ({ln} = {rn} OR (isfinite({ln}) AND "
            f"isfinite({rn}) AND (abs({ln} - {rn}) <= abs({rel} * {rn}) OR "
            f"abs({ln} - {rn}) <= abs({rel} * {ln}) OR abs({ln} - {rn}) <= {tol}))))"
        )
        return (
            f"(CASE WHEN {ln} IS NOT NULL AND {rn} IS NOT NULL THEN {close} "
            f"WHEN {ln} IS NOT NULL OR {rn} IS NOT NULL THEN false "
            f"ELSE {lt} IS NOT DISTINCT FROM {rt} END)"
        )


def column_specs(rules: tuple[FieldRuleView, ...] | list[FieldRuleView]) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(i, rule) for i, rule in enumerate(rules))


def table_columns(columns: tuple[ColumnSpec, ...]) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a side's table after the key, bucket and hash."""
    out: list[tuple[str, str]] = []
    for col in columns:
        out += [(col.text, "VARCHAR"), (col.number, "DOUBLE")]
    return out


def encode(value: Any, rule: FieldRuleView) -> tuple[str | None, float | None]:
    """(token, number) of a raw value, canonicalised in Python exactly as the per-record path."""
    value = canonical(value, rule)
    if value is None:
        return None, None
    if isinstance(value, str):
        return (TAG + value if value.startswith(TAG) else value), None
    if isinstance(value, bool):
        return (_TRUE if value else _FALSE), None
    if isinstance(value, float):
        if math.isnan(value):
            return f"{_NAN}{next(_NAN_SERIAL)}", None
        if math.isinf(value):
            return f"{_FLOAT}{value!r}", None
        return None, value
    return _JSON + orjson.dumps(value, option=_JSON_OPTIONS, default=str).decode(), None


_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def decode(token: str | None, number: float | None) -> Any:
    """The canonical value behind a stored (token, number) pair (the inverse of `encode`)."""
    if number is not None:
        return number
    if token is None:
        return None
    if not token.startswith(TAG):
        return token
    if token.startswith(TAG + TAG):
        return token[1:]
    if token in (_TRUE, _FALSE):
        return token == _TRUE
    if token.startswith(_NAN):
        return math.nan
    if token.startswith(_FLOAT):
        return float(token[len(_FLOAT) :])
    return orjson.loads(token[len(_JSON) :])


def needs_python(
    left: tuple[str | None, float | None], right: tuple[str | None, float | None]
) -> bool:
    """True when SQL called the two unequal but Python might not: a number against any other
    value (a string holding a number; True == 1.0), or two nested values (their JSON texts
    differ where == holds, as [1] and [1.0])."""
    (lt, ln), (rt, rn) = left, right
    if (ln is None) != (rn is None):
        return (rt if ln is not None else lt) is not None
    return bool(lt and rt and lt.startswith(_JSON) and rt.startswith(_JSON))


def sql_canonical(column: str, rule: FieldRuleView, kind: str) -> tuple[str, str, bool]:
    """(token SQL, number SQL, approximate) for a typed frame column named `column`.

    `kind` is the DuckDB type family: "text", "number" or "boolean". Text honours the blank,
    whitespace and case hints; `approximate` says the SQL may over-report differences."""
    quoted = '"' + column.replace('"', '""') + '"'
    if kind == "number":
        return "NULL::VARCHAR", f"CAST({quoted} AS DOUBLE)", False
    if kind == "boolean":
        return (
            f"CASE WHEN {quoted} THEN '{_TRUE}' WHEN NOT {quoted} THEN '{_FALSE}' END",
            ("NULL::DOUBLE"),
            False,
        )
    expr = f"NULLIF({quoted}, '')"
    approximate = False
    if rule.ignore_whitespace:
        # RE2's \s is ASCII only and trim() strips spaces only: SQL folds a subset of what
        # Python folds, so it can only over-report (and Python re-checks what it reports).
        expr = f"trim(regexp_replace({expr}, '\\s+', ' ', 'g'), ' ')"
        approximate = True
    if rule.ignore_case:
        # lower() of non-ASCII text is not casefold() ('İ', 'ß'): leave such values as they
        # are and let Python settle them.
        expr = f"(CASE WHEN strlen({expr}) = length({expr}) THEN lower({expr}) ELSE {expr} END)"
        approximate = True
    if rule.read_as is not None:
        raise ColumnarError(
            f"field {rule.path!r} is compared as {rule.read_as}, which SQL cannot read: "
            "load it with load_records (Python canonicalisation) instead of a frame"
        )
    # A string starting with the tag byte is escaped as encode() does.
    expr = f"(CASE WHEN starts_with({expr}, chr(1)) THEN chr(1) || {expr} ELSE {expr} END)"
    return expr, "NULL::DOUBLE", approximate
