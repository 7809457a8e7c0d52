"""The query language: tokens, a recursive-descent parser and the syntax tree it returns.

Grammar (``NOT`` binds tighter than ``AND``, ``AND`` tighter than ``OR``; two terms side by side
are joined by an implicit ``AND``; operators are written in capitals)::

    query   := or EOF
    or      := and ("OR" and)*
    and     := not (["AND"] not)*
    not     := "NOT" not | primary
    primary := "(" or ")" | "SENT(" or ")" | FIELD ":" value | PHRASE ["~" N] | WORD

A ``WORD`` is matched like a lexicon term (:mod:`analysis.themes.lexicon`): whole words, any case,
plus the regular plural; ``deport*`` is a prefix glob (stem of 3+ letters); a word written in
capitals (2+ letters, ``ICE``) is matched with exactly that capitalization. ``"free trade"`` is a
phrase (straight or curly quotes); ``"tariff Mexico"~10`` needs every word within 10 words.
Fields: ``title:``, ``text:``, ``source:``, ``section:``, ``byline:`` (followed by a word, a phrase
or a parenthesized group), ``theme:trade`` and ``date:[2024-01-01 TO 2024-06-30]`` (``*`` for an
open end). Every mistake is a :class:`QuerySyntaxError` whose message shows the query with a
caret under the position.

    >>> parse('tariff* AND (Mexico OR Canada)')
    And(items=(Term(text='tariff*', case=False, field=None, pos=0), Or(items=(Term(text='Mexico', case=False, field=None, pos=13), Term(text='Canada', case=False, field=None, pos=23)))))
    >>> parse('NOT "free trade"')
    Not(item=Term(text='free trade', case=False, field=None, pos=4))
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.errors import UsageError
from analysis.themes.lexicon import normalize

TEXT_FIELDS = ("title", "text")  # parts of the document
META_FIELDS = ("source", "section", "byline")  # article columns matched word by word
FIELDS = TEXT_FIELDS + META_FIELDS + ("theme", "date")
OPERATORS = ("AND", "OR", "NOT")
OPEN_QUOTES = "\"“”„«»"
CLOSE_QUOTES = {"\"": "\"”“", "“": "”\"“", "”": "”\"“", "„": "“”\"", "«": "»\"", "»": "«\""}
MIN_STEM = 3  # letters before a prefix wildcard (the lexicons' rule)
MAX_DISTANCE = 1000
_SPECIAL = set("()[]~") | set(OPEN_QUOTES)
_FIELD_RE = re.compile(r"([A-Za-z]+):")
_DATE_RE = re.compile(r"\[\s*(\S+)\s+TO\s+(\S+?)\s*\]")


class QuerySyntaxError(UsageError, ValueError):
    """A malformed query: the message ends with the query and a caret under the position."""


@dataclass(frozen=True)
class Term:
    """A word, phrase or prefix glob; ``field`` None means the whole document."""

    text: str
    case: bool = False
    field: str | None = None
    pos: int = 0

    @property
    def glob(self) -> bool:
        """True for a prefix glob such as ``deport*``."""
        return self.text.endswith("*")

    @property
    def key(self) -> tuple[str, bool]:
        """What the matcher needs: (text as written, case-sensitive)."""
        return self.text, self.case


@dataclass(frozen=True)
class Near:
    """Proximity: every term within ``distance`` words (``"tariff Mexico"~10``)."""

    terms: tuple[Term, ...]
    distance: int
    pos: int = 0


@dataclass(frozen=True)
class And:
    """All items."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any item."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Not the item."""

    item: Node


@dataclass(frozen=True)
class Sent:
    """The inner expression holds within one sentence (``SENT(tariff AND Mexico)``)."""

    item: Node
    pos: int = 0


@dataclass(frozen=True)
class ThemeIs:
    """The article carries the theme (it is present; see :func:`analysis.themes.scoring.is_present`)."""

    theme: str
    pos: int = 0


@dataclass(frozen=True)
class DateRange:
    """The article's date lies in [lo, hi] (inclusive days; None is an open end)."""

    lo: pd.Timestamp | None
    hi: pd.Timestamp | None
    pos: int = 0


Node = Term | Near | And | Or | Not | Sent | ThemeIs | DateRange


def caret_message(query: str, pos: int, message: str) -> str:
    """Return ``message`` followed by the query and a caret under character ``pos``.

    >>> print(caret_message("a OR", 4, "expected a term"))
    expected a term (column 5)
      a OR
          ^
    """
    line = query.replace("\n", " ").replace("\t", " ")
    return f"{message} (column {pos + 1})\n  {line}\n  {' ' * pos}^"


def is_acronym(word: str) -> bool:
    """True for a word written in capitals with 2+ letters (matched case-sensitively).

    >>> is_acronym("ICE"), is_acronym("U.S."), is_acronym("Ice"), is_acronym("I")
    (True, True, False, False)
    """
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Token:
    """A lexical token: kind (WORD, PHRASE, FIELD, LPAREN, RPAREN, SENT, AND, OR, NOT, NEAR, DATE, EOF)."""

    kind: str
    value: str
    pos: int


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens (phrases keep their text; ``~N`` follows a phrase)."""
    out: list[Token] = []
    i, n = 0, len(query)

    def fail(pos: int, msg: str) -> QuerySyntaxError:
        return QuerySyntaxError(caret_message(query, pos, msg))

    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(Token("LPAREN" if c == "(" else "RPAREN", c, i))
            i += 1
        elif c in OPEN_QUOTES:
            closers = CLOSE_QUOTES[c]
            j = next((k for k in range(i + 1, n) if query[k] in closers), -1)
            if j < 0:
                raise fail(i, "unclosed quote")
            out.append(Token("PHRASE", query[i + 1:j], i))
            i = j + 1
            if i < n and query[i] == "~":
                m = re.match(r"~(\d+)", query[i:])
                if not m:
                    raise fail(i, "~ must be followed by a number of words, as in \"tariff Mexico\"~10")
                out.append(Token("NEAR", m.group(1), i))
                i += len(m.group(0))
        elif c == "~":
            raise fail(i, "~N (proximity) must follow a quoted phrase, as in \"tariff Mexico\"~10")
        elif c == "[" or c == "]":
            raise fail(i, "a [A TO B] range must follow date:")
        else:
            m = _FIELD_RE.match(query, i)
            if m:
                name = m.group(1)
                if name.lower() not in FIELDS:
                    raise fail(i, f"unknown field {name!r}; valid fields: {', '.join(f + ':' for f in FIELDS)}")
                out.append(Token("FIELD", name.lower(), i))
                i = m.end()
                if name.lower() == "date":
                    d = _DATE_RE.match(query, i)
                    if not d:
                        raise fail(i, "date: needs a range such as [2024-01-01 TO 2024-06-30] (* for an open end)")
                    out.append(Token("DATE", d.group(0), i))
                    i = d.end()
                continue
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            word = query[i:j]
            if word == "SENT" and j < n and query[j] == "(":
                out.append(Token("SENT", word, i))
            elif word in OPERATORS:
                out.append(Token(word, word, i))
            else:
                out.append(Token("WORD", word, i))
            i = j
    out.append(Token("EOF", "", n))
    return out


class Parser:
    """Recursive-descent parser over the tokens of one query."""

    def __init__(self, query: str):
        """Tokenize ``query``."""
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        self.sent_depth = 0

    def fail(self, pos: int, msg: str) -> QuerySyntaxError:
        """A syntax error at ``pos``."""
        return QuerySyntaxError(caret_message(self.query, pos, msg))

    def peek(self) -> Token:
        """The current token."""
        return self.tokens[self.i]

    def take(self) -> Token:
        """Consume and return the current token."""
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        """Parse the whole query."""
        if self.peek().kind == "EOF":
            raise self.fail(0, "empty query")
        node = self.parse_or()
        tok = self.peek()
        if tok.kind == "RPAREN":
            raise self.fail(tok.pos, "unbalanced ')'")
        if tok.kind != "EOF":
            raise self.fail(tok.pos, f"unexpected {tok.value!r}")
        return node

    def parse_or(self) -> Node:
        """or := and ("OR" and)*"""
        items = [self.parse_and()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        """and := not (["AND"] not)*"""
        items = [self.parse_not()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
            elif kind not in ("WORD", "PHRASE", "FIELD", "LPAREN", "SENT", "NOT"):
                break
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_not(self) -> Node:
        """not := "NOT" not | primary"""
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.parse_not())
        return self.parse_primary()

    def expect_operand(self, tok: Token) -> None:
        """Fail with a helpful message when ``tok`` cannot start an operand."""
        if tok.kind == "EOF":
            before = self.tokens[self.i - 1].value if self.i else ""
            raise self.fail(tok.pos, f"expected a term after {before!r}" if before else "expected a term")
        if tok.kind == "RPAREN":
            raise self.fail(tok.pos, "expected a term before ')'")
        if tok.kind in ("AND", "OR"):
            raise self.fail(tok.pos, f"expected a term before {tok.value}")
        raise self.fail(tok.pos, f"unexpected {tok.value!r}")

    def group(self, open_tok: Token) -> Node:
        """The inside of a parenthesized group (the '(' is consumed)."""
        if self.peek().kind == "RPAREN":
            raise self.fail(open_tok.pos, "empty parentheses")
        node = self.parse_or()
        if self.peek().kind != "RPAREN":
            raise self.fail(open_tok.pos, "unclosed '('")
        self.take()
        return node

    def parse_primary(self, field: str | None = None) -> Node:
        """primary := "(" or ")" | SENT "(" or ")" | FIELD ":" value | PHRASE ["~" N] | WORD"""
        tok = self.take()
        if tok.kind == "LPAREN":
            return self.group(tok) if field is None else self.with_field(self.group(tok), field, tok.pos)
        if tok.kind == "SENT" and field is None:
            if self.sent_depth:
                raise self.fail(tok.pos, "SENT(...) cannot be nested")
            self.sent_depth += 1
            node = Sent(self.group(self.take()), tok.pos)
            self.sent_depth -= 1
            return node
        if tok.kind == "FIELD" and field is None:
            return self.field(tok)
        if tok.kind == "PHRASE":
            return self.phrase(tok, field)
        if tok.kind == "WORD":
            return self.term(tok.value, tok.pos, field)
        self.i -= 1
        self.expect_operand(tok)
        raise AssertionError("unreachable")

    def field(self, tok: Token) -> Node:
        """A field and its value."""
        name = tok.value
        if self.sent_depth:
            raise self.fail(tok.pos, "fields cannot be used inside SENT(...)")
        if name == "date":
            return self.date(self.take())
        nxt = self.peek()
        if name == "theme":
            if nxt.kind != "WORD" or not re.fullmatch(r"[a-z][a-z0-9_]*", nxt.value):
                raise self.fail(nxt.pos, "theme: needs a theme id such as theme:trade")
            self.take()
            return ThemeIs(nxt.value, nxt.pos)
        if nxt.kind not in ("WORD", "PHRASE", "LPAREN"):
            raise self.fail(nxt.pos, f"{name}: needs a word, a phrase or a parenthesized group")
        return self.parse_primary(field=name)

    def with_field(self, node: Node, field: str, pos: int) -> Node:
        """Give every term of a group the field (``title:(tariff OR trade)``)."""
        if isinstance(node, Term):
            return Term(node.text, node.case, field, node.pos)
        if isinstance(node, Near):
            return Near(tuple(Term(t.text, t.case, field, t.pos) for t in node.terms), node.distance, node.pos)
        if isinstance(node, (And, Or)):
            return type(node)(tuple(self.with_field(x, field, pos) for x in node.items))
        if isinstance(node, Not):
            return Not(self.with_field(node.item, field, pos))
        raise self.fail(pos, f"{field}:(...) may hold only words, phrases, AND, OR and NOT")

    def date(self, tok: Token) -> DateRange:
        """date:[A TO B]"""
        m = _DATE_RE.match(tok.value)
        assert m is not None
        ends = []
        for k in (1, 2):
            raw = m.group(k)
            if raw == "*":
                ends.append(None)
                continue
            try:
                ends.append(pd.Timestamp(raw).normalize())
            except (ValueError, TypeError):
                raise self.fail(tok.pos + m.start(k), f"not a date: {raw!r} (use YYYY-MM-DD or *)") from None
        if ends[0] is not None and ends[1] is not None and ends[0] > ends[1]:
            raise self.fail(tok.pos, "date range ends before it starts")
        return DateRange(ends[0], ends[1], tok.pos)

    def phrase(self, tok: Token, field: str | None) -> Node:
        """A quoted phrase, or a proximity group when ``~N`` follows."""
        words = tok.value.split()
        if not words:
            raise self.fail(tok.pos, "empty phrase")
        if self.peek().kind == "NEAR":
            near = self.take()
            distance = int(near.value)
            if len(words) < 2:
                raise self.fail(near.pos, "proximity needs two or more words in the quotes")
            if distance > MAX_DISTANCE:
                raise self.fail(near.pos, f"proximity distance above {MAX_DISTANCE} words")
            offset, terms = tok.pos + 1, []
            for w in words:
                at = tok.value.index(w, offset - tok.pos - 1) + tok.pos + 1
                offset = at + len(w)
                terms.append(self.term(w, at, field))
            return Near(tuple(terms), distance, tok.pos)
        return self.term(" ".join(words), tok.pos, field, phrase=True)

    def term(self, text: str, pos: int, field: str | None, phrase: bool = False) -> Term:
        """Validate a word or phrase (wildcards, letters) and return its :class:`Term`."""
        if "*" in text[:-1]:
            raise self.fail(pos + text.index("*") + (1 if phrase else 0), "'*' is only allowed at the end of a word")
        stem = text[:-1] if text.endswith("*") else text
        norm = normalize(stem).strip()
        if not norm:
            raise self.fail(pos, f"{text!r} has no letters or digits")
        if text.endswith("*") and (len(norm) < MIN_STEM or stem != stem.rstrip()):
            raise self.fail(pos, f"{text!r} is too broad: a wildcard needs {MIN_STEM}+ letters before '*'")
        case = any(is_acronym(w) for w in stem.split())
        return Term(text, case, field, pos)


def parse(query: str) -> Node:
    """Parse a query string into its syntax tree (raises :class:`QuerySyntaxError`)."""
    if not isinstance(query, str):
        raise QuerySyntaxError(f"a query must be a string, got {type(query).__name__}")
    return Parser(query).parse()


def terms_of(node: Node) -> list[Term]:
    """Every term of a tree, left to right (proximity terms included).

    >>> [t.text for t in terms_of(parse('a1 OR (b2 AND "c3 d4"~3)'))]
    ['a1', 'b2', 'c3', 'd4']
    """
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Near):
        return list(node.terms)
    if isinstance(node, (And, Or)):
        return [t for x in node.items for t in terms_of(x)]
    if isinstance(node, (Not, Sent)):
        return terms_of(node.item)
    return []


def nullable(node: Node) -> bool:
    """True when the expression holds for a unit (sentence) with no term at all (e.g. ``NOT x``).

    >>> nullable(parse("NOT a1")), nullable(parse("a1 OR NOT b2")), nullable(parse("a1 NOT b2"))
    (True, True, False)
    """
    if isinstance(node, (Term, Near)):
        return False
    if isinstance(node, Not):
        return not nullable(node.item)
    if isinstance(node, And):
        return all(nullable(x) for x in node.items)
    if isinstance(node, Or):
        return any(nullable(x) for x in node.items)
    return nullable(node.item) if isinstance(node, Sent) else False


def check_sent(node: Node, query: str) -> None:
    """Refuse a ``SENT(...)`` that would hold for a sentence without any term (write NOT outside it)."""
    if isinstance(node, Sent) and nullable(node.item):
        raise QuerySyntaxError(caret_message(
            query, node.pos, "SENT(...) must require a term in the sentence (put NOT outside SENT)"))
    for child in (node.items if isinstance(node, (And, Or)) else (node.item,) if isinstance(node, (Not, Sent)) else ()):
        check_sent(child, query)


def parse_query(query: str) -> Node:
    """Parse and check a query (the entry point of the engine)."""
    node = parse(query)
    check_sent(node, query)
    return node


def show(node: Node) -> str:
    """Write a tree back as a fully parenthesized query (for tests and logs).

    >>> show(parse("a1 b2 OR NOT c3"))
    '((a1 AND b2) OR (NOT c3))'
    """
    if isinstance(node, Term):
        body = f'"{node.text}"' if " " in node.text else node.text
        return (node.field + ":" if node.field else "") + body
    if isinstance(node, Near):
        return '"' + " ".join(t.text for t in node.terms) + f'"~{node.distance}'
    if isinstance(node, And):
        return "(" + " AND ".join(show(x) for x in node.items) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(show(x) for x in node.items) + ")"
    if isinstance(node, Not):
        return f"(NOT {show(node.item)})"
    if isinstance(node, Sent):
        return f"SENT({show(node.item)})"
    if isinstance(node, ThemeIs):
        return f"theme:{node.theme}"
    lo = "*" if node.lo is None else f"{node.lo:%Y-%m-%d}"
    hi = "*" if node.hi is None else f"{node.hi:%Y-%m-%d}"
    return f"date:[{lo} TO {hi}]"
