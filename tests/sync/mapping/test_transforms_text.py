"""Text, structure, lookup, number and date transforms, and the registry contract."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sync.mapping import TRANSFORMS, TransformError, register_transform, registry
from sync.mapping.registry import transform_info


def run(name: str, value: Any, /, record: dict[str, Any] | None = None, **params: Any) -> Any:
    return TRANSFORMS[name](value, record=record or {}, **params)


@pytest.mark.parametrize(
    ("name", "value", "params", "expected"),
    [
        pytest.param("trim", "  Acme Corp \u00a0", {}, "Acme Corp", id="trim-nbsp"),
        pytest.param(
            "collapse_whitespace",
            " Acme \t  Widgets\n Inc ",
            {},
            "Acme Widgets Inc",
            id="collapse-tabs-newlines",
        ),
        pytest.param("upper", "straße café", {}, "STRASSE CAFÉ", id="upper-eszett-accent"),
        pytest.param("lower", "ÉCOLE Ø", {}, "école ø", id="lower-accents"),
        pytest.param(
            "title_case",
            "o'BRIEN-SMITH's café",
            {},
            "O'Brien-Smith's Café",
            id="title-apostrophes-hyphen",
        ),
        pytest.param("title_case", "l'oréal d'arcy", {}, "L'Oréal D'Arcy", id="title-elision"),
        pytest.param("title_case", "21st century fox", {}, "21st Century Fox", id="title-ordinal"),
        pytest.param(
            "title_case",
            "rock \u2019n\u2019 roll",
            {},
            "Rock \u2019n\u2019 Roll",
            id="title-typographic-apostrophe",
        ),
        pytest.param(
            "regex_replace",
            "ACME, Inc.",
            {"pattern": r",?\s*Inc\.?$"},
            "ACME",
            id="regex-strip-suffix",
        ),
        pytest.param(
            "regex_replace",
            "2024-01-15",
            {"pattern": r"(\d+)-(\d+)-(\d+)", "replacement": r"\3/\2/\1"},
            "15/01/2024",
            id="regex-groups",
        ),
        pytest.param(
            "regex_replace",
            "Foo foo",
            {"pattern": "foo", "replacement": "bar", "ignore_case": True, "count": 1},
            "bar foo",
            id="regex-count-ignore-case",
        ),
    ],
)
def test_text_transforms(name: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run(name, value, **params) == expected


@pytest.mark.parametrize("name", ["trim", "collapse_whitespace", "upper", "lower", "title_case"])
def test_text_transforms_refuse_numbers(name: str) -> None:
    with pytest.raises(TransformError, match="to_string"):
        run(name, 42)


@pytest.mark.parametrize(
    ("name", "value", "params", "expected"),
    [
        pytest.param("default", None, {"value": "n/a"}, "n/a", id="default-none"),
        pytest.param("default", "", {"value": "n/a"}, "n/a", id="default-empty"),
        pytest.param("default", "x", {"value": "n/a"}, "x", id="default-kept"),
        pytest.param("null_if_empty", "  \t", {}, None, id="null-if-blank"),
        pytest.param("null_if_empty", [], {}, None, id="null-if-empty-list"),
        pytest.param("null_if_empty", 0, {}, 0, id="zero-is-not-empty"),
        pytest.param("coalesce", [None, " ", "b", "c"], {}, "b", id="coalesce-first-non-blank"),
        pytest.param(
            "concat",
            ["Key account", None, "", "Retail"],
            {"separator": " | "},
            "Key account | Retail",
            id="concat-skips-empty",
        ),
        pytest.param(
            "concat",
            ["a", "", "b"],
            {"separator": "/", "skip_empty": False},
            "a//b",
            id="concat-keeps-empty",
        ),
        pytest.param("concat", ["Floor", 3, True], {}, "Floor 3 true", id="concat-scalars"),
        pytest.param("concat", [None, None], {}, None, id="concat-nothing-is-none"),
        pytest.param("split", "Ann;Bob;Cy", {"separator": ";", "index": 1}, "Bob", id="split"),
        pytest.param("split", "Ann; Bob", {"separator": ";", "index": -1}, "Bob", id="split-last"),
        pytest.param("split", "Ann", {"separator": ";", "index": 3}, None, id="split-no-piece"),
        pytest.param(
            "split_lines", "1 Main St\r\nSuite 4", {"index": 0}, "1 Main St", id="lines-crlf-first"
        ),
        pytest.param(
            "split_lines",
            "1 Main St\n\n  Suite 4  ",
            {"index": 1},
            "Suite 4",
            id="lines-skip-blank",
        ),
        pytest.param(
            "split_lines", "Rue de l'Église\rBât. B", {"index": 1}, "Bât. B", id="lines-cr-accents"
        ),
        pytest.param(
            "split_lines",
            "1 Main St\nSuite 4\nBldg 2",
            {"index": 1, "rest": True},
            "Suite 4, Bldg 2",
            id="lines-rest-joined",
        ),
        pytest.param("split_lines", "1 Main St", {"index": 1}, None, id="lines-single-line"),
    ],
)
def test_structure_transforms(name: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run(name, value, **params) == expected


TABLE = {"US": "1", "GB": "2", "DE": "3"}


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        pytest.param("GB", {}, "2", id="hit"),
        pytest.param("gb", {"ignore_case": True}, "2", id="ignore-case"),
        pytest.param("JP", {"default": "9"}, "9", id="default"),
        pytest.param("JP", {"default": None}, None, id="explicit-null-default"),
    ],
)
def test_lookup(value: str, params: dict[str, Any], expected: Any) -> None:
    assert run("lookup", value, table=TABLE, **params) == expected


def test_lookup_numbers_by_their_text() -> None:
    assert run("lookup", 2, table={"2": "two"}) == "two"
    assert run("lookup", 2.0, table={"2": "two"}) == "two"


def test_lookup_miss_without_default_names_the_known_keys() -> None:
    with pytest.raises(
        TransformError, match=r"'JP' is not in the lookup table \(known: DE, GB, US\)"
    ):
        run("lookup", "JP", table=TABLE)


@pytest.mark.parametrize(
    ("name", "value", "params", "expected"),
    [
        pytest.param("to_int", "1,234", {}, 1234, id="int-thousands"),
        pytest.param("to_int", " 12.00 ", {}, 12, id="int-integral-text"),
        pytest.param("to_int", 7.0, {}, 7, id="int-integral-float"),
        pytest.param("to_int", "  ", {}, None, id="int-blank-is-absent"),
        pytest.param("to_float", "1,234.50", {}, 1234.5, id="float-thousands"),
        pytest.param("to_float", "-.5", {}, -0.5, id="float-leading-dot"),
        pytest.param("to_float", 3, {}, 3.0, id="float-from-int"),
        pytest.param("round", 2.675, {"digits": 2}, 2.68, id="round-half-up-not-bankers"),
        pytest.param("round", 2.5, {}, 3.0, id="round-half-up-zero-digits"),
        pytest.param("round", 7, {"digits": 2}, 7, id="round-int-stays"),
        pytest.param("to_bool", "T", {}, True, id="bool-netsuite-t"),
        pytest.param("to_bool", "no", {}, False, id="bool-no"),
        pytest.param("to_bool", 1, {}, True, id="bool-one"),
        pytest.param("to_bool", "", {}, None, id="bool-blank"),
        pytest.param("to_string", 12.0, {}, "12", id="string-integral-float"),
        pytest.param("to_string", 12.5, {}, "12.5", id="string-float"),
        pytest.param("to_string", False, {}, "false", id="string-bool"),
    ],
)
def test_scalar_transforms(name: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    result = run(name, value, **params)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param("to_int", "12.5", "not a whole number", id="int-fraction-text"),
        pytest.param("to_int", 12.5, "lose the fraction", id="int-fraction-float"),
        pytest.param("to_int", True, "boolean", id="int-bool"),
        pytest.param("to_float", "12,5", "not a number", id="float-decimal-comma"),
        pytest.param("to_float", "$12", "not a number", id="float-currency"),
        pytest.param("to_float", float("nan"), "finite", id="float-nan"),
        pytest.param("to_bool", "maybe", "yes/no", id="bool-maybe"),
        pytest.param("round", "2.5", "expects a number", id="round-text"),
        pytest.param("to_string", {"a": 1}, "cannot turn a dict", id="string-dict"),
    ],
)
def test_scalar_transforms_refuse_bad_input(name: str, value: Any, message: str) -> None:
    with pytest.raises(TransformError, match=message):
        run(name, value)


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        pytest.param("2024-01-15", {}, "2024-01-15", id="iso"),
        pytest.param("1/15/2024", {}, "2024-01-15", id="us-slashes"),
        pytest.param("15/01/2024", {"day_first": True}, "2024-01-15", id="day-first-slashes"),
        pytest.param("15.01.2024", {}, "2024-01-15", id="german-dots"),
        pytest.param("15 Jan 2024", {}, "2024-01-15", id="day-month-name"),
        pytest.param("January 15, 2024", {}, "2024-01-15", id="month-name-first"),
        pytest.param("20240115", {}, "2024-01-15", id="basic-iso"),
        pytest.param("2024-01-15T23:30:00-05:00", {}, "2024-01-15", id="timestamp-keeps-its-date"),
        pytest.param("1/15/2024 3:04 PM", {}, "2024-01-15", id="us-with-time"),
    ],
)
def test_date_iso(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("date_iso", value, **params) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-01-15T10:22:00.000+0000", "2024-01-15T10:22:00Z", id="salesforce"),
        pytest.param("2024-01-15T10:22:00Z", "2024-01-15T10:22:00Z", id="zulu"),
        pytest.param("2024-01-15T12:22:00+02:00", "2024-01-15T10:22:00Z", id="offset-to-utc"),
        pytest.param("2024-01-15 10:22", "2024-01-15T10:22:00Z", id="naive-is-utc"),
        pytest.param("1/15/2024 10:22:05 AM", "2024-01-15T10:22:05Z", id="us-12-hour"),
        pytest.param("2024-01-15", "2024-01-15T00:00:00Z", id="date-only-midnight"),
    ],
)
def test_datetime_iso(value: str, expected: str) -> None:
    assert run("datetime_iso", value) == expected


@pytest.mark.parametrize("value", ["15/01/2024", "yesterday", "2024-13-01"])
def test_dates_refuse_what_they_cannot_read(value: str) -> None:
    with pytest.raises(TransformError, match="is not a date"):
        run("date_iso", value)


NONE_AWARE = {"default", "null_if_empty", "coalesce", "concat"}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_only_none_aware_transforms_see_none(name: str) -> None:
    info = transform_info(name)
    assert info is not None
    assert info.handles_none is (name in NONE_AWARE)


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """Transforms registered by a test are gone after it."""
    infos, functions = dict(registry._INFOS), dict(registry._FUNCTIONS)
    yield
    registry._INFOS.clear()
    registry._INFOS.update(infos)
    registry._FUNCTIONS.clear()
    registry._FUNCTIONS.update(functions)


@pytest.mark.usefixtures("scratch_registry")
def test_register_transform_adds_a_named_transform_with_checked_params() -> None:
    def shout(value: Any, *, record: dict[str, Any], times: int = 1) -> str:
        return value + "!" * times

    register_transform("test_shout", shout, {"type": "object", "properties": {"times": {}}})
    assert run("test_shout", "hi", times=2) == "hi!!"
    info = transform_info("test_shout")
    assert info is not None and info.param_names == ("times",)


@pytest.mark.parametrize(
    ("name", "schema", "error"),
    [
        pytest.param("Bad-Name", None, "lower_snake_case", id="bad-name"),
        pytest.param("trim", None, "already registered", id="taken-name"),
        pytest.param("test_bad_schema", {"type": "nonsense"}, "params schema", id="bad-schema"),
    ],
)
@pytest.mark.usefixtures("scratch_registry")
def test_register_transform_refuses(name: str, schema: dict[str, Any] | None, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        register_transform(name, lambda value, *, record: value, schema)
