"""SOQL parser and evaluator, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from mocks.salesforce.config import DEFAULT_USER_ID
from mocks.salesforce.query.evaluate import compile_query
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.soql import BoolOp, Comparison, parse
from mocks.salesforce.records import native_getter
from mocks.store import RecordStore

NOW = datetime(2024, 1, 15, 10, 22, 33, 123000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("soql", "check"),
    [
        pytest.param("SELECT Id FROM Account", lambda q: q.fields[0].name == "Id", id="minimal"),
        pytest.param("select id, name from account", lambda q: q.sobject == "account",
                     id="lowercase-keywords"),
        pytest.param("SELECT COUNT() FROM Account", lambda q: q.count and not q.fields,
                     id="count"),
        pytest.param("SELECT Id FROM Account LIMIT 5 OFFSET 10",
                     lambda q: (q.limit, q.offset) == (5, 10), id="limit-offset"),
        pytest.param(
            "SELECT Id FROM Account ORDER BY Name DESC NULLS LAST, Id",
            lambda q: [(o.field.name, o.descending, o.nulls_last) for o in q.order_by]
            == [("Name", True, True), ("Id", False, False)],
            id="order-by",
        ),
        pytest.param("SELECT Id FROM Account WHERE Name <> 'x'",
                     lambda q: q.where.op == "!=", id="ne-alias"),
        pytest.param(
            "SELECT Id FROM Account WHERE A = 1 AND (B = 2 OR C = 3)",
            lambda q: isinstance(q.where, BoolOp) and q.where.op == "AND"
            and q.where.items[1].op == "OR",
            id="parenthesized-or",
        ),
        pytest.param("SELECT Id FROM Account WHERE NOT Name = 'x'",
                     lambda q: q.where.op == "NOT", id="not-prefix"),
        pytest.param("SELECT Id FROM Account WHERE Name NOT IN ('a', 'b')",
                     lambda q: q.where.op == "NOT IN" and len(q.where.values) == 2,
                     id="not-in"),
        pytest.param(r"SELECT Id FROM Account WHERE Name = 'O\'Brien \\ \n'",
                     lambda q: q.where.values[0].value == "O'Brien \\ \n", id="escapes"),
        pytest.param(r"SELECT Id FROM Account WHERE Name LIKE '50\%'",
                     lambda q: q.where.values[0].value == "50\\%", id="like-escape-kept"),
        pytest.param("SELECT Id FROM Account WHERE NumberOfEmployees > -5.5",
                     lambda q: q.where.values[0].value == -5.5, id="negative-number"),
        pytest.param("SELECT Id FROM Account WHERE IsDeleted = TRUE",
                     lambda q: q.where.values[0].value is True, id="boolean"),
        pytest.param("SELECT Id FROM Account WHERE ParentId = null",
                     lambda q: q.where.values[0].kind == "null", id="null"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > 2024-01-15",
                     lambda q: q.where.values[0].kind == "date", id="date"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > 2024-01-15T10:22:33Z",
                     lambda q: q.where.values[0].kind == "datetime", id="datetime-z"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > 2024-01-15T10:22:33.000+0000",
                     lambda q: q.where.values[0].kind == "datetime", id="datetime-ms-offset"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > 2024-01-15T10:22:33+01:00",
                     lambda q: q.where.values[0].kind == "datetime", id="datetime-colon-offset"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:7",
                     lambda q: q.where.values[0].value == ("LAST_N_DAYS", 7), id="last-n-days"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate = today",
                     lambda q: q.where.values[0].value == ("TODAY", None), id="today"),
    ],
)  # fmt: skip
def test_parse_accepts(soql: str, check: Any) -> None:
    assert check(parse(soql))


@pytest.mark.parametrize(
    ("soql", "fragment"),
    [
        pytest.param("", "A query string must be provided", id="empty"),
        pytest.param("SELECT Id FORM Account", "unexpected token: FORM", id="typo-keyword"),
        pytest.param("SELECT FROM Account", "unexpected token: FROM", id="no-fields"),
        pytest.param("SELECT Id, FROM Account", "unexpected token: FROM", id="trailing-comma"),
        pytest.param("SELECT Id FROM Account WHERE", "unexpected token: <EOF>", id="empty-where"),
        pytest.param("SELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3",
                     "unexpected token: OR", id="and-or-without-parens"),
        pytest.param("SELECT Id FROM Account WHERE Name = 'x", "unterminated", id="open-quote"),
        pytest.param(r"SELECT Id FROM Account WHERE Name = 'a\q'", "escape", id="bad-escape"),
        pytest.param("SELECT Id FROM Account WHERE Name = \"x\"", "unexpected token", id="dquote"),
        pytest.param("SELECT Id FROM Account LIMIT -1", "unexpected token", id="negative-limit"),
        pytest.param("SELECT Id FROM Account WHERE Name = :x", "unexpected token", id="bind-var"),
        pytest.param("SELECT Id FROM Account extra", "unexpected token: extra", id="trailing"),
        pytest.param("SELECT SUM() FROM Account", "unexpected token: )", id="sum-of-nothing"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS",
                     "unexpected token", id="n-literal-without-n"),
    ],
)  # fmt: skip
def test_parse_rejects_with_malformed_query(soql: str, fragment: str) -> None:
    with pytest.raises(SoqlError) as info:
        parse(soql)
    assert info.value.code == "MALFORMED_QUERY"
    assert fragment in info.value.message


def test_parse_error_points_at_row_and_column() -> None:
    with pytest.raises(SoqlError) as info:
        parse("SELECT Id\nFROM Account\nWHERE Name = = 'x'")
    assert info.value.message == (
        "\nWHERE Name = = 'x'\n             ^\nERROR at Row:3:Column:14\nunexpected token: ="
    )


def _store() -> RecordStore:
    store = RecordStore(clock=lambda: NOW)
    rows: list[tuple[str, dict[str, Any], datetime]] = [
        ("001Dn0000000001IAA", {"Name": "Acme", "Industry": "Banking", "NumberOfEmployees": 50},
         datetime(2024, 1, 15, 8, 0, tzinfo=UTC)),
        ("001Dn0000000002IAA", {"Name": "acme labs", "Industry": None, "NumberOfEmployees": 5},
         datetime(2024, 1, 14, 23, 59, 59, 999000, tzinfo=UTC)),
        ("001Dn0000000003IAA", {"Name": "Globex", "Industry": "Energy", "NumberOfEmployees": None},
         datetime(2023, 12, 1, tzinfo=UTC)),
        ("001Dn0000000004IAA", {"Name": "50% Off_Co", "Industry": "Retail",
                                "NumberOfEmployees": 500}, datetime(2024, 1, 10, tzinfo=UTC)),
    ]  # fmt: skip
    for record_id, fields, at in rows:
        store.insert("Account", record_id, fields, at=at)
    return store


def _names(soql: str) -> list[str]:
    store = _store()
    query = compile_query(soql, now=NOW, getter_for=partial(native_getter, user_id=DEFAULT_USER_ID))
    return [r.fields["Name"] for r in query.run(store.records("Account"))]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param("Name = 'ACME'", ["Acme"], id="eq-ignores-case"),
        pytest.param("Industry != 'Banking'", ["acme labs", "Globex", "50% Off_Co"],
                     id="ne-includes-null"),
        pytest.param("Industry = null", ["acme labs"], id="eq-null"),
        pytest.param("Industry != null", ["Acme", "Globex", "50% Off_Co"], id="ne-null"),
        pytest.param("NumberOfEmployees > 5", ["Acme", "50% Off_Co"], id="gt-skips-null"),
        pytest.param("NumberOfEmployees <= 50", ["Acme", "acme labs"], id="le"),
        pytest.param("Industry IN ('banking', 'ENERGY')", ["Acme", "Globex"], id="in"),
        pytest.param("Industry NOT IN ('Banking')", ["acme labs", "Globex", "50% Off_Co"],
                     id="not-in-includes-null"),
        pytest.param("Name LIKE 'acme%'", ["Acme", "acme labs"], id="like-prefix"),
        pytest.param("Name LIKE '_lobex'", ["Globex"], id="like-underscore"),
        pytest.param(r"Name LIKE '50\% Off\_%'", ["50% Off_Co"], id="like-escaped-wildcards"),
        pytest.param(r"Name LIKE '%\%%'", ["50% Off_Co"], id="like-literal-percent"),
        pytest.param("NOT Name LIKE 'acme%'", ["Globex", "50% Off_Co"], id="not-like"),
        pytest.param("(Industry = 'Energy' OR Industry = 'Retail') AND NumberOfEmployees > 100",
                     ["50% Off_Co"], id="and-or-parens"),
        pytest.param("Id = '001Dn0000000003'", ["Globex"], id="id-15-char-literal"),
        pytest.param("CreatedDate > 2024-01-14T23:59:59.998Z", ["Acme", "acme labs"],
                     id="datetime-ms-grain"),
        pytest.param("CreatedDate >= 2024-01-15T09:00:00+01:00", ["Acme"],
                     id="datetime-offset"),
        pytest.param("CreatedDate = TODAY", ["Acme"], id="today"),
        pytest.param("CreatedDate = YESTERDAY", ["acme labs"], id="yesterday"),
        pytest.param("CreatedDate < YESTERDAY", ["Globex", "50% Off_Co"], id="before-yesterday"),
        pytest.param("CreatedDate = LAST_N_DAYS:7", ["Acme", "acme labs", "50% Off_Co"],
                     id="last-n-days"),
        pytest.param("CreatedDate > TODAY", [], id="after-today"),
        pytest.param("IsDeleted = false", ["Acme", "acme labs", "Globex", "50% Off_Co"],
                     id="boolean-system-field"),
    ],
)  # fmt: skip
def test_where_filters_like_salesforce(where: str, expected: list[str]) -> None:
    assert _names(f"SELECT Name FROM Account WHERE {where}") == expected


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        pytest.param("ORDER BY Name", ["50% Off_Co", "Acme", "acme labs", "Globex"],
                     id="case-insensitive-sort"),
        pytest.param("ORDER BY Industry", ["acme labs", "Acme", "Globex", "50% Off_Co"],
                     id="nulls-first-by-default"),
        pytest.param("ORDER BY Industry DESC", ["acme labs", "50% Off_Co", "Globex", "Acme"],
                     id="desc-nulls-still-first"),
        pytest.param("ORDER BY Industry NULLS LAST", ["Acme", "Globex", "50% Off_Co",
                     "acme labs"], id="nulls-last"),
        pytest.param("ORDER BY NumberOfEmployees DESC NULLS LAST, Name",
                     ["50% Off_Co", "Acme", "acme labs", "Globex"], id="two-keys"),
        pytest.param("ORDER BY Name LIMIT 2", ["50% Off_Co", "Acme"], id="limit"),
        pytest.param("ORDER BY Name LIMIT 2 OFFSET 1", ["Acme", "acme labs"], id="offset"),
        pytest.param("ORDER BY Name OFFSET 3", ["Globex"], id="offset-only"),
        pytest.param("ORDER BY CreatedDate DESC", ["Acme", "acme labs", "50% Off_Co", "Globex"],
                     id="datetime-sort"),
    ],
)  # fmt: skip
def test_order_limit_offset(tail: str, expected: list[str]) -> None:
    assert _names(f"SELECT Name FROM Account {tail}") == expected


@pytest.mark.parametrize(
    ("soql", "code", "fragment"),
    [
        pytest.param("SELECT Nam FROM Account", "INVALID_FIELD",
                     "No such column 'Nam' on entity 'Account'", id="unknown-select-field"),
        pytest.param("SELECT Id FROM Account WHERE Foo__c = 'x'", "INVALID_FIELD",
                     "No such column 'Foo__c'", id="unknown-where-field"),
        pytest.param("SELECT Id FROM Account ORDER BY Nope", "INVALID_FIELD",
                     "No such column 'Nope'", id="unknown-order-field"),
        pytest.param("SELECT Boss.Name FROM Account", "INVALID_FIELD",
                     "Didn't understand relationship 'Boss'", id="relationship"),
        pytest.param("SELECT Id FROM Acount", "INVALID_TYPE",
                     "sObject type 'Acount' is not supported", id="unknown-object"),
        pytest.param("SELECT Id FROM Account WHERE NumberOfEmployees = '5'", "INVALID_FIELD",
                     "must be of type integer and should not be enclosed in quotes",
                     id="quoted-number"),
        pytest.param("SELECT Id FROM Account WHERE Name = 5", "INVALID_FIELD",
                     "must be of type string and should be enclosed in quotes",
                     id="unquoted-string"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > '2024-01-01T00:00:00Z'",
                     "INVALID_FIELD", "must be of type dateTime", id="quoted-datetime"),
        pytest.param("SELECT Id FROM Account WHERE CreatedDate > 2024-01-01", "INVALID_FIELD",
                     "must be of type dateTime", id="date-for-datetime"),
        pytest.param("SELECT Id FROM Account WHERE Id = 'nope'",
                     "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope", id="bad-id"),
        pytest.param("SELECT Id FROM Account WHERE Description = 'x'", "INVALID_FIELD",
                     "can not be filtered", id="long-text-filter"),
        pytest.param("SELECT Id FROM Account ORDER BY Description", "INVALID_FIELD",
                     "can not be sorted", id="long-text-sort"),
        pytest.param("SELECT Id, id FROM Account", "MALFORMED_QUERY",
                     "duplicate field selected: Id", id="duplicate-field"),
        pytest.param("SELECT Id FROM Account OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE",
                     "Maximum SOQL offset allowed is 2000", id="offset-cap"),
    ],
)  # fmt: skip
def test_binding_errors(soql: str, code: str, fragment: str) -> None:
    with pytest.raises(SoqlError) as info:
        compile_query(soql, now=NOW, getter_for=partial(native_getter, user_id=DEFAULT_USER_ID))
    assert info.value.code == code
    assert fragment in info.value.message


def test_invalid_field_message_has_salesforce_layout() -> None:
    with pytest.raises(SoqlError) as info:
        compile_query(
            "SELECT Nam FROM Account", now=NOW, getter_for=partial(native_getter, user_id="x")
        )
    assert info.value.message.startswith("\nSELECT Nam FROM Account\n       ^\n")
    assert "ERROR at Row:1:Column:8\n" in info.value.message


def test_field_names_are_case_insensitive_and_canonical() -> None:
    query = compile_query(
        "select NAME, numberofemployees from ACCOUNT",
        now=NOW,
        getter_for=partial(native_getter, user_id=DEFAULT_USER_ID),
    )
    assert [f.name for f in query.fields] == ["Name", "NumberOfEmployees"]
    assert query.sobject.name == "Account"


def test_comparison_node_keeps_positions() -> None:
    where = parse("SELECT Id FROM Account WHERE Name = 'x'").where
    assert isinstance(where, Comparison)
    assert where.field.pos == 29
    assert where.values[0].pos == 36
