"""Date formats: user preference, ISO and Oracle format models."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mocks.netsuite.dates import (
    format_user_date,
    iso_z,
    oracle_format,
    oracle_parse,
    parse_loose,
    parse_user_date,
)

MOMENT = datetime(2024, 1, 5, 9, 7, 3, 999_000, tzinfo=UTC)


def test_iso_z_has_second_precision() -> None:
    assert iso_z(MOMENT) == "2024-01-05T09:07:03Z"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("M/D/YYYY", "1/5/2024"),
        ("MM/DD/YYYY", "01/05/2024"),
        ("D/M/YYYY", "5/1/2024"),
        ("DD.MM.YYYY", "05.01.2024"),
        ("YYYY-MM-DD", "2024-01-05"),
        ("D/M/YY", "5/1/24"),
    ],
)
def test_user_date_round_trip(fmt: str, text: str) -> None:
    assert format_user_date(MOMENT, fmt) == text
    assert parse_user_date(text, fmt) == date(2024, 1, 5)


@pytest.mark.parametrize("text", ["13/45/2024", "1-5-2024", "tomorrow"])
def test_user_date_rejects_other_text(text: str) -> None:
    assert parse_user_date(text, "M/D/YYYY") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", datetime(2024, 1, 5, tzinfo=UTC)),
        ("2024-01-05T09:07:03Z", datetime(2024, 1, 5, 9, 7, 3, tzinfo=UTC)),
        ("2024-01-05T10:07:03+01:00", datetime(2024, 1, 5, 9, 7, 3, tzinfo=UTC)),
        ("1/5/2024", datetime(2024, 1, 5, tzinfo=UTC)),
        ("soon", None),
    ],
)
def test_parse_loose(text: str, expected: datetime | None) -> None:
    assert parse_loose(text, "M/D/YYYY") == expected


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        pytest.param('YYYY-MM-DD"T"HH24:MI:SS', "2024-01-05T09:07:03", id="iso-with-literal"),
        pytest.param("DD/MM/YYYY HH24:MI", "05/01/2024 09:07", id="day-first"),
        pytest.param("yyyy-mm-dd", "2024-01-05", id="lowercase-tokens"),
        pytest.param("HH12:MI", "09:07", id="twelve-hour"),
    ],
)
def test_oracle_format(fmt: str, text: str) -> None:
    assert oracle_format(MOMENT, fmt) == text


def test_oracle_parse() -> None:
    parsed = oracle_parse("2024-01-15 10:22:33", "YYYY-MM-DD HH24:MI:SS")
    assert parsed == datetime(2024, 1, 15, 10, 22, 33, tzinfo=UTC)
    assert oracle_parse("2024-01-15", "YYYY-MM-DD") == datetime(2024, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        pytest.param("2024-01-15", "YYYY-MM-DD HH24", id="missing-part"),
        pytest.param("15 Jan 2024", "DD MON YYYY", id="unsupported-token"),
        pytest.param("2024-02-30", "YYYY-MM-DD", id="impossible-day"),
    ],
)
def test_oracle_parse_errors(text: str, fmt: str) -> None:
    with pytest.raises(ValueError):
        oracle_parse(text, fmt)
