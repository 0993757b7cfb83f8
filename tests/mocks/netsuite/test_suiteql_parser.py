"""The SuiteQL subset parser, statement by statement."""

from __future__ import annotations

import re

import pytest

from mocks.netsuite.query.suiteql import (
    Between,
    Column,
    Compare,
    CountStar,
    Func,
    InList,
    IsNull,
    Like,
    Literal,
    Logical,
    Not,
    OrderItem,
    Query,
    SelectItem,
    SuiteQLError,
    parse,
)

ID = Column("id")


def _where(condition: str) -> object:
    return parse(f"SELECT id FROM customer WHERE {condition}").where


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        pytest.param(
            "SELECT id FROM customer",
            Query((SelectItem(ID, None),), "customer", None, None, ()),
            id="one-column",
        ),
        pytest.param("select * from Customer", Query(None, "customer", None, None, ()), id="star"),
        pytest.param(
            "SELECT COUNT(*) FROM customer",
            Query((SelectItem(CountStar(), None),), "customer", None, None, ()),
            id="count",
        ),
        pytest.param(
            "SELECT CompanyName AS Name, email mail FROM customer",
            Query(
                (SelectItem(Column("companyname"), "name"), SelectItem(Column("email"), "mail")),
                "customer",
                None,
                None,
                (),
            ),
            id="aliases-lowercased",
        ),
        pytest.param(
            "SELECT c.id FROM customer c ORDER BY c.id DESC, 2, email ASC",
            Query(
                (SelectItem(Column("id", "c"), None),),
                "customer",
                "c",
                None,
                (
                    OrderItem(Column("id", "c"), True),
                    OrderItem(Literal(2), False),
                    OrderItem(Column("email"), False),
                ),
            ),
            id="table-alias-and-order",
        ),
        pytest.param(
            "SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM customer",
            Query(
                (
                    SelectItem(
                        Func(
                            "TO_CHAR",
                            (Column("lastmodifieddate"), Literal('YYYY-MM-DD"T"HH24:MI:SS')),
                        ),
                        None,
                    ),
                ),
                "customer",
                None,
                None,
                (),
            ),
            id="to-char",
        ),
    ],
)
def test_parse_statement(sql: str, expected: Query) -> None:
    assert parse(sql) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        pytest.param("id = 5", Compare("=", ID, Literal(5)), id="equal"),
        pytest.param("id != 5", Compare("<>", ID, Literal(5)), id="bang-equal-is-not-equal"),
        pytest.param("id >= -2.5", Compare(">=", ID, Literal(-2.5)), id="negative-decimal"),
        pytest.param(
            "email = 'o''brien@x.example'",
            Compare("=", Column("email"), Literal("o'brien@x.example")),
            id="escaped-quote",
        ),
        pytest.param(
            "id IN (1, 2, '3')", InList(ID, (Literal(1), Literal(2), Literal("3")), False), id="in"
        ),
        pytest.param("id NOT IN (1)", InList(ID, (Literal(1),), True), id="not-in"),
        pytest.param("email LIKE 'a%'", Like(Column("email"), Literal("a%"), False), id="like"),
        pytest.param(
            "email NOT LIKE '_b%'", Like(Column("email"), Literal("_b%"), True), id="not-like"
        ),
        pytest.param("email IS NULL", IsNull(Column("email"), False), id="is-null"),
        pytest.param("email IS NOT NULL", IsNull(Column("email"), True), id="is-not-null"),
        pytest.param(
            "id BETWEEN 1 AND 9", Between(ID, Literal(1), Literal(9), False), id="between"
        ),
        pytest.param(
            "NOT id = 1 AND id = 2",
            Logical("AND", (Not(Compare("=", ID, Literal(1))), Compare("=", ID, Literal(2)))),
            id="not-binds-tightest",
        ),
        pytest.param(
            "id = 1 OR id = 2 AND id = 3",
            Logical(
                "OR",
                (
                    Compare("=", ID, Literal(1)),
                    Logical("AND", (Compare("=", ID, Literal(2)), Compare("=", ID, Literal(3)))),
                ),
            ),
            id="and-binds-tighter-than-or",
        ),
        pytest.param(
            "(id = 1 OR id = 2) AND id = 3",
            Logical(
                "AND",
                (
                    Logical("OR", (Compare("=", ID, Literal(1)), Compare("=", ID, Literal(2)))),
                    Compare("=", ID, Literal(3)),
                ),
            ),
            id="parentheses",
        ),
        pytest.param(
            "datecreated >= TO_DATE('2024-01-15', 'YYYY-MM-DD')",
            Compare(
                ">=",
                Column("datecreated"),
                Func("TO_DATE", (Literal("2024-01-15"), Literal("YYYY-MM-DD"))),
            ),
            id="to-date",
        ),
        pytest.param(
            "email IS NULL AND companyname = NULL",
            Logical(
                "AND",
                (
                    IsNull(Column("email"), False),
                    Compare("=", Column("companyname"), Literal(None)),
                ),
            ),
            id="null-literal",
        ),
    ],
)
def test_parse_condition(condition: str, expected: object) -> None:
    assert _where(condition) == expected


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        pytest.param("SELECT FROM customer", "expected a value", id="no-columns"),
        pytest.param("SELECT id", "expected FROM", id="no-from"),
        pytest.param("SELECT id FROM", "expected a table name", id="no-table"),
        pytest.param("SELECT id FROM customer WHERE", "expected a value", id="empty-where"),
        pytest.param("SELECT id FROM customer WHERE id", "expected a comparison", id="bare-value"),
        pytest.param("SELECT id FROM customer WHERE id =", "expected a value", id="no-operand"),
        pytest.param("SELECT id FROM customer GROUP id", "expected BY", id="group-without-by"),
        pytest.param("SELECT id FROM customer;", "unexpected character ';'", id="semicolon"),
        pytest.param("DELETE FROM customer", "expected SELECT", id="not-a-select"),
        pytest.param("SELECT FOO(id) FROM customer", "unsupported function FOO", id="function"),
        pytest.param("SELECT UPPER(id, 1) FROM customer", "UPPER takes", id="arity"),
        pytest.param(
            "SELECT id FROM customer WHERE email = 'x", "unexpected character", id="quote"
        ),
        pytest.param("SELECT id FROM customer WHERE id IN 1", "expected (", id="in-needs-list"),
        pytest.param("SELECT id FROM customer ORDER id", "expected BY", id="order-without-by"),
        pytest.param("SELECT COUNT() FROM customer", "expected a value", id="count-nothing"),
        pytest.param(
            "SELECT c.id FROM customer c RIGHT JOIN item i ON i.id = c.id", "RIGHT JOIN", id="right"
        ),
        pytest.param("SELECT id FROM customer c JOIN item i", "expected ON", id="join-without-on"),
        pytest.param("SELECT BUILTIN.XX(id) FROM customer", "BUILTIN.XX", id="builtin"),
        pytest.param("SELECT id FROM customer WHERE id IS 1", "expected NULL", id="is-value"),
    ],
)
def test_parse_error(sql: str, message: str) -> None:
    with pytest.raises(SuiteQLError, match=re.escape(message)):
        parse(sql)
