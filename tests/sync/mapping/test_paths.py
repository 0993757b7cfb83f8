"""get_path / set_path over nested plain records (references as ids, sublists as lists)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.mapping import get_path, set_path

CUSTOMER = {
    "companyName": "Acme",
    "subsidiary": "3",
    "addressBook": [{"addressBookAddress": {"city": "Berlin"}}, None],
    "byNumber": {"0": "zero"},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("companyName", "Acme", id="flat"),
        pytest.param("addressBook.0.addressBookAddress", {"city": "Berlin"}, id="nested"),
        pytest.param("addressBook.0.addressBookAddress.city", "Berlin", id="list-index"),
        pytest.param("addressBook.1.addressBookAddress", None, id="null-item"),
        pytest.param("addressBook.5.x", None, id="index-out-of-range"),
        pytest.param("companyName.x", None, id="through-a-string"),
        pytest.param("subsidiary.id", None, id="through-a-reference-id"),
        pytest.param("addressBook.0.addressBookAddress.0", None, id="index-into-dict-without-key"),
        pytest.param("byNumber.0", "zero", id="digit-key-in-dict"),
        pytest.param("nope.x", None, id="absent"),
    ],
)
def test_get_path(path: str, expected: Any) -> None:
    assert get_path(CUSTOMER, path) == expected


def test_get_path_takes_pre_split_segments() -> None:
    assert get_path(CUSTOMER, ("addressBook", 0, "addressBookAddress", "city")) == "Berlin"


def test_set_path_builds_dicts_and_lists() -> None:
    payload: dict[str, Any] = {}
    set_path(payload, "addressBook.0.addressBookAddress.addr1", "1 Main St")
    set_path(payload, "addressBook.0.defaultBilling", True)
    set_path(payload, "subsidiary", "1")
    assert payload == {
        "addressBook": [{"addressBookAddress": {"addr1": "1 Main St"}, "defaultBilling": True}],
        "subsidiary": "1",
    }


def test_set_path_pads_lists_with_none() -> None:
    payload: dict[str, Any] = {}
    set_path(payload, "tags.2", "c")
    assert payload == {"tags": [None, None, "c"]}


@pytest.mark.parametrize(
    ("start", "path", "error"),
    [
        pytest.param({"a": "text"}, "a.b", TypeError, id="through-a-string"),
        pytest.param({"a": {}}, "a.0", TypeError, id="index-into-dict"),
        pytest.param({"a": []}, "a.b", TypeError, id="name-into-list"),
        pytest.param({}, "0.a", ValueError, id="starts-with-index"),
        pytest.param({}, "a..b", ValueError, id="empty-segment"),
    ],
)
def test_set_path_refuses_paths_that_do_not_fit(
    start: dict[str, Any], path: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        set_path(start, path, 1)
