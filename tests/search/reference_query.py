"""A slow, obviously correct query evaluator: one article at a time, plain Python, as the docs state the rules.

Terms are found by searching the padded matching form of the document for each surface form
(``analysis.themes.lexicon.variants``) with ``str.find``; overlapping occurrences of one term keep
the longest, then the leftmost (the matcher's rule); sentences come from ``sentence_spans``, words
from ``re.finditer(r"\\S+")`` over the matching form. The engine must agree on every article.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pandas as pd

from analysis.search.parser import And, DateRange, Near, Node, Not, Or, Sent, Term, ThemeIs
from analysis.text.sentences import document_text, sentence_spans
from analysis.themes import lexicon as lx


def term_spans(doc: str, text: str, case: bool) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of a term in ``doc`` (longest, then leftmost, among overlaps)."""
    if not doc:
        return []
    term = lx.Term(text, "q", case=case, plural=not case)
    norm = " " + lx.normalize(doc) + " "
    found = set()
    for form in lx.variants(term):
        key = " " + form + ("" if term.glob else " ")
        i = norm.find(key)
        while i >= 0:
            if term.glob:
                e = norm.find(" ", i + len(key)) - 1
            else:
                e = i + len(key) - 2
            if not case or lx.normalize_case(doc[i:e]) == lx.case_form(term):
                found.add((i, e))
            i = norm.find(key, i + 1)
    kept: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda se: (se[0] - se[1], se[0])):
        if all(e <= ks or ke <= s for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


@dataclass
class Article:
    """One article as the reference sees it."""

    title: str | None
    text: str | None
    fields: dict
    date: pd.Timestamp | None
    themes: set

    def __post_init__(self) -> None:
        self.doc = document_text(self.title, self.text)
        self.title_end = len(self.title.strip()) if isinstance(self.title, str) else 0
        self.starts = [s for s, _ in sentence_spans(self.doc)]
        self.norm_words: dict = {}
        self.cache: dict = {}

    def where(self, field: str | None) -> str:
        """The text a field searches."""
        if field in ("source", "section", "byline"):
            v = self.fields.get(field)
            return v if isinstance(v, str) else ""
        return self.doc

    def sentence_of(self, s: int) -> int:
        """Index of the last sentence starting at or before ``s``."""
        j = 0
        while j + 1 < len(self.starts) and self.starts[j + 1] <= s:
            j += 1
        return j

    def word_of(self, text: str, p: int) -> int:
        """Index of the word (run of non-space characters of the matching form) holding character ``p``."""
        if text not in self.norm_words:
            self.norm_words[text] = [(m.start(), m.end()) for m in re.finditer(r"\S+", lx.normalize(text))]
        for k, (s, e) in enumerate(self.norm_words[text]):
            if s <= p < e:
                return k
        raise AssertionError(f"offset {p} is not inside a word")

    def hits(self, t: Term) -> list[tuple[int, int, int]]:
        """(sentence, first word, last word) of each hit of ``t`` in its field (cached per term)."""
        if (t.text, t.case, t.field) in self.cache:
            return self.cache[(t.text, t.case, t.field)]
        text = self.where(t.field)
        out = []
        for s, e in term_spans(text, t.text, t.case):
            if t.field == "title" and s >= self.title_end or t.field == "text" and s < self.title_end:
                continue
            sent = self.sentence_of(s) if text is self.doc else 0
            out.append((sent, self.word_of(text, s), self.word_of(text, e - 1)))
        self.cache[(t.text, t.case, t.field)] = out
        return out


def holds(node: Node, art: Article, sentence: int | None = None) -> bool:
    """Does ``node`` hold for the article (or for one of its sentences)."""
    def hits(t: Term) -> list:
        return [h for h in art.hits(t) if sentence is None or h[0] == sentence]

    if isinstance(node, Term):
        return bool(hits(node))
    if isinstance(node, And):
        return all(holds(x, art, sentence) for x in node.items)
    if isinstance(node, Or):
        return any(holds(x, art, sentence) for x in node.items)
    if isinstance(node, Not):
        return not holds(node.item, art, sentence)
    if isinstance(node, Near):
        return any(max(h[1] for h in combo) - min(h[2] for h in combo) <= node.distance
                   for combo in itertools.product(*(hits(t) for t in node.terms)))
    if isinstance(node, Sent):
        return any(holds(node.item, art, k) for k in range(len(art.starts)))
    if isinstance(node, ThemeIs):
        return node.theme in art.themes
    if isinstance(node, DateRange):
        if art.date is None or pd.isna(art.date):
            return False
        day = pd.Timestamp(art.date).normalize()
        return (node.lo is None or day >= node.lo) and (node.hi is None or day <= node.hi)
    raise TypeError(node)
