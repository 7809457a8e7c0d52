"""The query language (analysis.search.parser): precedence, fields, quotes and one-line errors with a caret."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.search.parser import (
    DateRange,
    Near,
    QuerySyntaxError,
    Sent,
    Term,
    ThemeIs,
    is_acronym,
    parse,
    parse_query,
    show,
    terms_of,
    tokenize,
)


@pytest.mark.parametrize("q,want", [
    ("a1 b2", "(a1 AND b2)"),
    ("a1 AND b2 OR c3", "((a1 AND b2) OR c3)"),
    ("a1 OR b2 AND c3", "(a1 OR (b2 AND c3))"),
    ("a1 OR b2 c3", "(a1 OR (b2 AND c3))"),
    ("NOT a1 AND b2", "((NOT a1) AND b2)"),
    ("NOT NOT a1", "(NOT (NOT a1))"),
    ("a1 NOT b2", "(a1 AND (NOT b2))"),
    ("NOT (a1 OR b2)", "(NOT (a1 OR b2))"),
    ("((a1 OR (b2 AND (c3))))", "(a1 OR (b2 AND c3))"),
    ("tariff* AND (Mexico OR Canada)", "(tariff* AND (Mexico OR Canada))"),
    ('title:(a1 OR "b2 c3") text:d4', '((title:a1 OR title:"b2 c3") AND text:d4)'),
    ('SENT(a1 AND NOT b2) OR "a1 b2"~5', '(SENT((a1 AND (NOT b2))) OR "a1 b2"~5)'),
    ("date:[2024-01-01 TO *]", "date:[2024-01-01 TO *]"),
    ("theme:trade -x", "(theme:trade AND -x)"),
])
def test_precedence_and_grouping(q: str, want: str) -> None:
    """NOT binds tighter than AND (explicit or implicit), AND tighter than OR; parentheses nest."""
    assert show(parse(q)) == want


def test_nodes_carry_what_the_engine_needs() -> None:
    """Terms, proximity, sentence scope, theme and date nodes hold their values and positions."""
    q = '“free trade”~3 ICE ice source:"Fox News" theme:trade date:[2024-01-01 TO 2024-06-30] SENT(a1)'
    node = parse(q)
    near, acr, low, src, th, dr, sent = node.items
    assert isinstance(near, Near) and near.distance == 3 and [t.text for t in near.terms] == ["free", "trade"]
    assert [t.pos for t in near.terms] == [1, 6]
    assert acr == Term("ICE", True, None, q.index("ICE")) and low == Term("ice", False, None, q.index("ice"))
    assert src == Term("Fox News", False, "source", q.index('"Fox'))
    assert th == ThemeIs("trade", q.index("trade date"))
    assert dr == DateRange(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-30"), q.index("["))
    assert isinstance(sent, Sent) and sent.item == Term("a1", False, None, q.index("a1"))
    assert [t.text for t in terms_of(node)] == ["free", "trade", "ICE", "ice", "Fox News", "a1"]


def test_quotes_and_apostrophes_typed_by_users() -> None:
    """Curly and straight quotes delimit phrases; apostrophes stay inside words."""
    assert parse("„free trade“") == Term("free trade", False, None, 0)
    assert parse("«free trade»") == Term("free trade", False, None, 0)
    assert parse("Mexico’s") == Term("Mexico’s", False, None, 0)
    assert parse("  \"  spaced   out \" ") == Term("spaced out", False, None, 2)
    assert [t.kind for t in tokenize('a "b" (c)')] == ["WORD", "PHRASE", "LPAREN", "WORD", "RPAREN", "EOF"]


def test_acronym_rule() -> None:
    """Words in capitals (2+ letters) are case-sensitive; operators must be capitals too."""
    assert is_acronym("DACA") and is_acronym("U.S.") and not is_acronym("Mexico") and not is_acronym("A")
    assert parse('"ICE agents"').case and not parse("agents").case
    assert show(parse("tariffs and trade")) == "(tariffs AND and AND trade)"


@pytest.mark.parametrize("q,message,column", [
    ("", "empty query", 1),
    ("NOT", "expected a term after 'NOT'", 4),
    ("a1 OR", "expected a term after 'OR'", 6),
    ("AND a1", "expected a term before AND", 1),
    ("(a1 OR b2", "unclosed '('", 1),
    ("a1)", "unbalanced ')'", 3),
    ("()", "empty parentheses", 1),
    ('""', "empty phrase", 1),
    ('"  "', "empty phrase", 1),
    ('"open', "unclosed quote", 1),
    ("a1 d*", "'d*' is too broad", 4),
    ("ta*", "'ta*' is too broad", 1),
    ("de*port", "'*' is only allowed at the end", 3),
    ("a1 & b2", "'&' has no letters or digits", 4),
    ("foo:bar", "unknown field 'foo'; valid fields: title:, text:, source:, section:, byline:, theme:, date:", 1),
    ('"a1 b2"~x', "~ must be followed by a number", 8),
    ("a1 ~2", "~N (proximity) must follow a quoted phrase", 4),
    ('"a1"~2', "proximity needs two or more words", 5),
    ("date:2024", "date: needs a range", 6),
    ("date:[2024-02-30 TO *]", "not a date: '2024-02-30'", 7),
    ("date:[2024-02-01 TO 2024-01-01]", "date range ends before it starts", 6),
    ("theme:", "theme: needs a theme id", 7),
    ("SENT(NOT a1)", "SENT(...) must require a term", 1),
    ("SENT(a1 OR NOT b2)", "SENT(...) must require a term", 1),
    ("SENT(SENT(a1))", "SENT(...) cannot be nested", 6),
    ("SENT(title:a1)", "fields cannot be used inside SENT", 6),
    ("title:(a1 OR theme:x)", "title:(...) may hold only words, phrases, AND, OR and NOT", 7),
    ("a1 [b2]", "a [A TO B] range must follow date:", 4),
])
def test_syntax_errors_point_at_the_position(q: str, message: str, column: int) -> None:
    """Each mistake is a usage error: one message line, then the query and a caret under the column."""
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(q)
    assert isinstance(info.value, UsageError)
    first, shown, caret = str(info.value).split("\n")
    assert message in first and first.endswith(f"(column {column})")
    assert shown == "  " + q
    assert caret == "  " + " " * (column - 1) + "^"
