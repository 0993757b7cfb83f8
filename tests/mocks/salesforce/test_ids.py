"""Id suffix algorithm, normalization and allocation."""

from __future__ import annotations

import pytest

from mocks.salesforce.ids import IdAllocator, InvalidId, case_suffix, make_id, normalize_id


@pytest.mark.parametrize(
    ("id15", "suffix"),
    [
        # chunks 00150|00000|Gv7qJ: only G (bit 0) and J (bit 4) are upper -> 17 -> R
        pytest.param("0015000000Gv7qJ", "AAR", id="documented-example"),
        # 001Hx: H is bit 3 -> 8 -> I; 00000 -> A; AbCdE: bits 0, 2, 4 -> 21 -> V
        pytest.param("001Hx00000AbCdE", "IAV", id="mixed-case"),
        pytest.param("000000000000000", "AAA", id="all-digits"),
        # every chunk all upper: 31 -> '5', the last character of the alphabet
        pytest.param("ABCDEFGHIJKLMNO", "555", id="all-upper"),
        pytest.param("abcdeABCDE00000", "A5A", id="lower-upper-digits"),
    ],
)
def test_case_suffix_matches_hand_computed_values(id15: str, suffix: str) -> None:
    assert case_suffix(id15) == suffix


def test_make_id_is_prefix_plus_counter_plus_suffix() -> None:
    first = make_id("001", 1)
    assert len(first) == 18
    assert first.startswith("001")
    assert first[15:] == case_suffix(first[:15])
    assert make_id("001", 1) == first
    assert make_id("001", 2) != first


def test_normalize_accepts_15_and_18_characters() -> None:
    assert normalize_id("0015000000Gv7qJ") == "0015000000Gv7qJAAR"
    assert normalize_id("0015000000Gv7qJAAR") == "0015000000Gv7qJAAR"


def test_normalize_restores_case_from_the_suffix() -> None:
    assert normalize_id("0015000000GV7QJaar") == "0015000000Gv7qJAAR"
    assert normalize_id("0015000000gv7qjAAR") == "0015000000Gv7qJAAR"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="too-short"),
        pytest.param("0015000000Gv7q", id="14-chars"),
        pytest.param("0015000000Gv7qJAA", id="17-chars"),
        pytest.param("0015000000Gv7q-", id="punctuation"),
        pytest.param("0015000000Gv7qJAA!", id="bad-suffix-char"),
        # suffix 'B' says the first character is an uppercase letter, but it is a digit
        pytest.param("0015000000Gv7qJBAR", id="suffix-marks-a-digit"),
    ],
)
def test_normalize_rejects_malformed_ids(value: str) -> None:
    with pytest.raises(InvalidId):
        normalize_id(value)


def test_allocator_skips_taken_ids_and_never_reuses() -> None:
    allocator = IdAllocator()
    taken = {make_id("001", 1), make_id("001", 2)}
    assert allocator.allocate("001", taken.__contains__) == make_id("001", 3)
    assert allocator.allocate("001", lambda _: False) == make_id("001", 4)
    assert allocator.allocate("003", lambda _: False) == make_id("003", 1)
