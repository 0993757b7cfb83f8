"""The compiled signer gives exactly the signatures of `compare.signature`."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reconcile.compare import FieldRuleView, signature, signer


class Label(str):
    """A str subclass, as an enum-like value may be: not settled by its type alone."""


RULES = (
    FieldRuleView("name"),
    FieldRuleView("count"),
    FieldRuleView("address.city"),
    FieldRuleView("lines.0.sku"),
    FieldRuleView("email", ignore_case=True, ignore_whitespace=True),
    FieldRuleView("phone", read_as="phone", default_region="US"),
    FieldRuleView("country", read_as="country"),
    FieldRuleView("items", children=(FieldRuleView("sku"), FieldRuleView("qty")), key="sku"),
)

scalars = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["", " ", "A b", "US", "United States", "+1 415 555 0100", "x"]),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.builds(Label, st.text(max_size=3)),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.sampled_from(["sku", "qty", "city"]), scalars, max_size=2),
)
records = st.fixed_dictionaries(
    {},
    optional={
        "name": values,
        "count": values,
        "address": st.one_of(values, st.fixed_dictionaries({"city": values})),
        "lines": st.one_of(values, st.lists(st.fixed_dictionaries({"sku": values}), max_size=2)),
        "email": values,
        "phone": values,
        "country": values,
        "items": st.one_of(
            values, st.lists(st.fixed_dictionaries({"sku": scalars, "qty": scalars}), max_size=3)
        ),
    },
)


def typed(value: Any) -> Any:
    """A signature with each value's type beside it: `True == 1.0` and `3 == 3.0` in
    Python, so equality alone would not tell a boolean or an int from a float."""
    if isinstance(value, tuple):
        return tuple(typed(v) for v in value)
    return (type(value), value)


@given(records)
def test_the_signer_signs_as_signature_does(record: dict[str, Any]) -> None:
    assert signer(RULES)(record) == signature(record, RULES)
    assert typed(signer(RULES)(record)) == typed(signature(record, RULES))


def test_the_signer_settles_plain_values_as_the_compare_reads_them() -> None:
    sign = signer(RULES[:2])
    assert sign({"name": "", "count": 3}) == (None, 3.0)
    assert typed(sign({"name": "", "count": 3})) == typed((None, 3.0))
    assert sign({"name": True, "count": [1]}) == (True, "[1]")
    assert typed(sign({"name": True, "count": [1]})) == typed((True, "[1]"))
    assert sign({"name": Label("A"), "count": {}}) == ("A", None)
    assert sign({}) == (None, None)
