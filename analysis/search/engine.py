"""Evaluate a query over an article table: one theme-matcher scan per group of terms, then array logic.

Every term of the query becomes a one-term lexicon and is matched by the theme matcher
(:mod:`analysis.themes.matcher`), so possessives, curly apostrophes, hyphen variants, plurals and
the capitalization rule are exactly those of the themes. The matcher resolves overlapping spans
(longest match wins), so terms whose spans could overlap without coinciding (``"free trade"`` and
``trade``) are scanned in separate passes (:func:`term_groups`); every term thus finds all of its
own occurrences. Only the articles that can match are scanned: :mod:`analysis.search.prefilter`
narrows the query to them with case-insensitive needle tests (five to ten times faster than the
scan), and the articles outside that superset are not matches. The boolean logic then runs on
NumPy arrays over all articles at once:

- a term (``title:``/``text:`` keep the hits before/after the end of the headline; ``source:``,
  ``section:`` and ``byline:`` scan that column) marks the articles it hits;
- ``"a b"~N``: for each article with every word, some choice of one hit per word spans at most
  N words: ``max(first word of each hit) - min(last word of each hit) <= N`` (words are the runs of
  letters and digits of the matching form, so ``Mexico's`` is two words);
- ``SENT(x)``: ``x`` is evaluated per (article, sentence) over the sentences with a hit (sentence ids
  are those of the theme evidence, :mod:`analysis.text.sentences`); an article matches when one does;
- ``theme:t``: the theme is present (the length-aware rule of :mod:`analysis.themes.scoring`);
- ``date:[a TO b]``: inclusive days; undated articles never match.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["Tariffs on Mexico", "Cup final"],
    ...                      "text": ["Trade talks.", "Mexico won."]})
    >>> query(arts, "tariff* AND Mexico").articles[["article_id", "hits"]].values.tolist()
    [['a', 2]]
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.search.parser import (
    META_FIELDS,
    And,
    DateRange,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Sent,
    Term,
    ThemeIs,
    caret_message,
    parse_query,
    terms_of,
)
from analysis.search.prefilter import candidate_rows
from analysis.text.sentences import cached_sentence_spans, document_text
from analysis.themes import lexicon as lx
from analysis.themes.matcher import compile_matcher
from analysis.themes.scoring import score_themes

log = logging.getLogger(__name__)

CHUNK_ARTICLES = 8000  # articles per scan call (bounds the kernel's buffers; chunks run on threads)
_SENT_BITS = 24  # unit key of a sentence: article row << 24 | sentence id

Key = tuple[str, bool]  # (term as written, case-sensitive)


@dataclass
class Hits:
    """Hits of one term in one column: parallel arrays (article row, sentence id, start, end)."""

    doc: np.ndarray
    sent: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def take(self, mask: np.ndarray) -> Hits:
        """The hits where ``mask`` is true."""
        return Hits(self.doc[mask], self.sent[mask], self.start[mask], self.end[mask])


def _empty_hits() -> Hits:
    """No hits."""
    e = np.zeros(0, np.int64)
    return Hits(e, e, e, e)


def text_column(articles: pd.DataFrame, name: str) -> pa.Array:
    """A text column as an Arrow string array (no copy for Arrow-backed columns); non-strings are null."""
    if name not in articles:
        return pa.nulls(len(articles), pa.string())
    col = articles[name]
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        arr = pa.array(col.array)
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return pa.array([x if isinstance(x, str) else None for x in col.tolist()], pa.large_string())


def word_patterns(key: Key) -> set[tuple[str, bool]]:
    """(word, is a prefix) of every word of every variant of a term, in lower case."""
    text, case = key
    term = lx.Term(text, "q", case=case, plural=not case)
    out = set()
    for form in lx.variants(term):
        words = form.lower().split()
        for i, w in enumerate(words):
            out.add((w, term.glob and i == len(words) - 1))
    return out


def _compatible(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
    """True when one word of a document could match both patterns."""
    (wa, pa_), (wb, pb) = a, b
    if pa_ and pb:
        return wa.startswith(wb) or wb.startswith(wa)
    if pa_:
        return wb.startswith(wa)
    if pb:
        return wa.startswith(wb)
    return wa == wb


def _multiword(key: Key) -> bool:
    """True when some variant of the term has more than one word."""
    term = lx.Term(key[0], "q", case=key[1], plural=not key[1])
    return any(" " in f for f in lx.variants(term))


def term_groups(keys: list[Key]) -> list[list[int]]:
    """Split terms into groups whose spans can never overlap without coinciding (one scan per group).

    Single words (and prefix globs) always cover whole words, so they never conflict; a phrase
    conflicts with another term that could match one of its words.

    >>> term_groups([("trade", False), ("free trade", False), ("Mexico", False)])
    [[0, 2], [1]]
    """
    pats = [word_patterns(k) for k in keys]
    multi = [_multiword(k) for k in keys]
    groups: list[list[int]] = []
    for i in range(len(keys)):
        for g in groups:
            if all(not ((multi[i] or multi[j]) and any(_compatible(a, b) for a in pats[i] for b in pats[j]))
                   for j in g):
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


def _lexicons(keys: list[Key], ids: list[int]) -> dict[str, lx.Lexicon]:
    """One one-term lexicon per term (theme ``q<i>``)."""
    out = {}
    for i in ids:
        text, case = keys[i]
        tid = f"q{i}"
        term = lx.Term(text, tid, case=case, plural=not case)
        out[tid] = lx.Lexicon(tid, tid, "query term", (), "query", (term,))
    return out


def scan_terms(keys: list[Key], titles: Any, texts: Any, raw: bool = False, workers: int = 1,
               rows: np.ndarray | None = None) -> dict[Key, Hits]:
    """Return every hit of every term in the documents (``title + "\\n\\n" + text``, or ``texts`` as given).

    With ``rows`` (sorted Arrow row numbers) only those documents are scanned; the hits keep the
    row numbers of the whole arrays.
    """
    if rows is not None:
        idx = pa.array(rows, pa.int64())
        hits = scan_terms(keys, titles.take(idx), texts.take(idx), raw, workers)
        return {k: Hits(rows[h.doc], h.sent, h.start, h.end) for k, h in hits.items()}
    n = len(texts)
    out: dict[Key, list[Hits]] = {k: [] for k in keys}
    if not keys or n == 0:
        return {k: _empty_hits() for k in keys}
    for ids in term_groups(keys):
        matcher = compile_matcher(_lexicons(keys, ids))
        ent_key = np.array([int(e[0][1:]) for e in matcher.entries], np.int64)
        chunks = [(i, min(n, i + CHUNK_ARTICLES)) for i in range(0, n, CHUNK_ARTICLES)]

        def one(span: tuple[int, int], matcher: Any = matcher) -> tuple:
            lo, hi = span
            return lo, matcher.scan_docs(titles[lo:hi], texts[lo:hi], with_hits=True, raw=raw).hits

        if workers > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(one, chunks))
        else:
            parts = [one(c) for c in chunks]
        for lo, (doc, ent, sent, start, end) in parts:
            which = ent_key[ent]
            for i in ids:
                m = which == i
                if m.any():
                    out[keys[i]].append(Hits(doc[m] + lo, sent[m], start[m], end[m]))
    return {k: Hits(*(np.concatenate([getattr(h, f) for h in v]) for f in ("doc", "sent", "start", "end")))
            if v else _empty_hits() for k, v in out.items()}


def word_index(doc: str) -> np.ndarray:
    """Word number (0-based) of each character of ``doc``: runs of letters/digits of its matching form.

    >>> word_index("Mexico’s cut").tolist()
    [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2]
    """
    norm = lx.normalize(doc)
    w = np.frombuffer(norm.encode("latin-1"), np.uint8) != 32
    starts = w.copy()
    starts[1:] &= ~w[:-1]
    return np.cumsum(starts) - 1


def within(spans: list[tuple[np.ndarray, np.ndarray]], distance: int) -> bool:
    """True when one (first word, last word) per list fits: ``max(first) - min(last) <= distance``."""
    anchors = np.concatenate([we for _, we in spans])
    ok = np.ones(anchors.shape[0], bool)
    for ws, we in spans:
        ok &= ((we[None, :] >= anchors[:, None]) & (ws[None, :] <= anchors[:, None] + distance)).any(axis=1)
    return bool(ok.any())


def presence_sets(themes: pd.DataFrame) -> dict[str, set[str]]:
    """theme -> ids of the articles where it is present (from theme scores or an article_themes table)."""
    out: dict[str, set[str]] = {}
    if "present" in themes.columns and "theme" in themes.columns:
        rows = themes.loc[themes["present"].astype(bool), ["article_id", "theme"]]
        for aid, th in zip(rows["article_id"].astype(str), rows["theme"].astype(str)):
            out.setdefault(th, set()).add(aid)
    elif "themes" in themes.columns:
        for aid, ths in zip(themes["article_id"].astype(str), themes["themes"]):
            for th in list(ths) if ths is not None else []:
                out.setdefault(str(th), set()).add(aid)
    else:
        raise ValueError("themes must be a theme-score table (theme, present) or article_themes (themes)")
    return out


@dataclass
class Matches:
    """The evaluation of a query: per article row ``matched`` and ``hits``; the hits of its positive terms."""

    matched: np.ndarray
    hits: np.ndarray
    hit_table: pd.DataFrame  # (row, term, field, sentence_id, start, end) of matched articles; offsets into the
    # document (no field, title:, text:) or into the field's value (source:, section:, byline:)


class Evaluator:
    """Array evaluation of one parsed query over one article table."""

    def __init__(self, articles: pd.DataFrame, node: Node, query: str, lexicons: Any = None,
                 themes: pd.DataFrame | None = None, workers: int = 1):
        """Scan the articles for every term of ``node``."""
        self.articles, self.node, self.query = articles, node, query
        self.n = len(articles)
        self.lexicons, self.themes_table = lexicons, themes
        self.columns: dict[str, Any] = {}
        self._docs: dict[tuple[str, int], str] = {}
        terms = terms_of(node)
        by_column: dict[str, list[Key]] = {}
        for t in terms:
            col = t.field if t.field in META_FIELDS else "document"
            by_column.setdefault(col, [])
            if t.key not in by_column[col]:
                by_column[col].append(t.key)
        self.hits: dict[str, dict[Key, Hits]] = {}
        # rows that may match (a superset of the matches; None: all): only they are scanned
        self.candidates = candidate_rows(node, self.column("title"), self.column("text"))
        for col, keys in by_column.items():
            if col == "document":
                titles, texts = self.column("title"), self.column("text")
                self.hits[col] = scan_terms(keys, titles, texts, workers=workers, rows=self.candidates)
            else:
                self.hits[col] = scan_terms(keys, pa.nulls(self.n, pa.string()), self.column(col), raw=True,
                                            workers=workers)
        self.title_end = None
        if any(t.field in ("title", "text") for t in terms):
            values = self.column("title").to_pylist()
            self.title_end = np.array([len(t.strip()) if isinstance(t, str) else 0 for t in values], np.int64)

    def column(self, name: str) -> Any:
        """An article column as Arrow strings (cached)."""
        if name not in self.columns:
            self.columns[name] = text_column(self.articles, name)
        return self.columns[name]

    def text_of(self, col: str, row: int) -> str:
        """The text a hit's offsets refer to: the document, or the value of a metadata column."""
        key = (col, row)
        if key not in self._docs:
            def get(name: str) -> Any:
                return self.column(name)[row].as_py()
            self._docs[key] = document_text(get("title"), get("text")) if col == "document" else (get(col) or "")
        return self._docs[key]

    def leaf(self, t: Term) -> Hits:
        """The hits of a term in its field."""
        col = t.field if t.field in META_FIELDS else "document"
        h = self.hits[col][t.key]
        if t.field == "title":
            return h.take(h.start < self.title_end[h.doc])
        if t.field == "text":
            return h.take(h.start >= self.title_end[h.doc])
        return h

    def mask(self, rows: np.ndarray) -> np.ndarray:
        """A boolean article mask with ``rows`` set."""
        m = np.zeros(self.n, bool)
        m[rows] = True
        return m

    def docs(self, node: Node) -> np.ndarray:
        """Boolean mask of the articles matching ``node``."""
        if isinstance(node, Term):
            return self.mask(self.leaf(node).doc)
        if isinstance(node, And):
            out = self.docs(node.items[0]).copy()
            for x in node.items[1:]:
                out &= self.docs(x)
            return out
        if isinstance(node, Or):
            out = self.docs(node.items[0]).copy()
            for x in node.items[1:]:
                out |= self.docs(x)
            return out
        if isinstance(node, Not):
            return ~self.docs(node.item)
        if isinstance(node, Near):
            return self.mask(self.near(node, sentences=False))
        if isinstance(node, Sent):
            keys = self.sentence_units(node.item)
            ok = self.units(node.item, keys)
            return self.mask(keys[ok] >> _SENT_BITS)
        if isinstance(node, ThemeIs):
            return self.theme_mask(node)
        if isinstance(node, DateRange):
            return self.date_mask(node)
        raise TypeError(f"unknown query node {node!r}")

    def sentence_units(self, node: Node) -> np.ndarray:
        """Sorted unit keys of the sentences with a hit of a term of ``node``."""
        parts = [(h.doc << _SENT_BITS) | h.sent for h in (self.leaf(t) for t in terms_of(node))]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)

    def units(self, node: Node, keys: np.ndarray) -> np.ndarray:
        """Boolean array over sentence units ``keys``: does ``node`` hold in that sentence."""
        if isinstance(node, Term):
            h = self.leaf(node)
            return np.isin(keys, (h.doc << _SENT_BITS) | h.sent)
        if isinstance(node, Near):
            return np.isin(keys, self.near(node, sentences=True))
        if isinstance(node, And):
            out = self.units(node.items[0], keys).copy()
            for x in node.items[1:]:
                out &= self.units(x, keys)
            return out
        if isinstance(node, Or):
            out = self.units(node.items[0], keys).copy()
            for x in node.items[1:]:
                out |= self.units(x, keys)
            return out
        if isinstance(node, Not):
            return ~self.units(node.item, keys)
        raise TypeError(f"{node!r} cannot be used inside SENT(...)")

    def near(self, node: Near, sentences: bool) -> np.ndarray:
        """Article rows (or sentence unit keys) where the terms of ``node`` are within its distance."""
        hits = [self.leaf(t) for t in node.terms]
        cand = self.mask(hits[0].doc)
        for h in hits[1:]:
            cand &= self.mask(h.doc)
        col = node.terms[0].field if node.terms[0].field in META_FIELDS else "document"
        rows = np.flatnonzero(cand)
        if rows.size == 0:
            return rows
        out: list[int] = []
        sel = [h.take(cand[h.doc]) for h in hits]
        order = [np.argsort(h.doc, kind="stable") for h in sel]
        sel = [Hits(h.doc[o], h.sent[o], h.start[o], h.end[o]) for h, o in zip(sel, order)]
        bounds = [np.searchsorted(h.doc, rows) for h in sel], [np.searchsorted(h.doc, rows, side="right") for h in sel]
        for k, row in enumerate(rows.tolist()):
            widx = word_index(self.text_of(col, row))
            per = []
            for h, lo, hi in zip(sel, bounds[0], bounds[1]):
                a, b = lo[k], hi[k]
                per.append((h.sent[a:b], widx[h.start[a:b]], widx[h.end[a:b] - 1]))
            if not sentences:
                if within([(ws, we) for _, ws, we in per], node.distance):
                    out.append(row)
                continue
            common = set(per[0][0].tolist())
            for s, _, _ in per[1:]:
                common &= set(s.tolist())
            for s in sorted(common):
                if within([(ws[ss == s], we[ss == s]) for ss, ws, we in per], node.distance):
                    out.append((row << _SENT_BITS) | s)
        return np.array(out, np.int64)

    def theme_mask(self, node: ThemeIs) -> np.ndarray:
        """Articles where the theme is present."""
        lexicons = lx.load_lexicons(self.lexicons) if not isinstance(self.lexicons, dict) else self.lexicons
        given = presence_sets(self.themes_table) if self.themes_table is not None else {}
        if node.theme not in lexicons and node.theme not in given:
            known = sorted(set(lexicons) | set(given))
            raise QuerySyntaxError(caret_message(self.query, node.pos,
                                                 f"unknown theme {node.theme!r}; themes: {', '.join(known)}"))
        if self.themes_table is None:
            self.themes_table = score_themes(self.articles, self.lexicons)
            given = presence_sets(self.themes_table)
        ids = given.get(node.theme, set())
        return self.articles["article_id"].astype(str).isin(ids).to_numpy(dtype=bool, copy=True)

    def date_mask(self, node: DateRange) -> np.ndarray:
        """Articles dated within the range (undated articles never match)."""
        if "date" not in self.articles:
            raise QuerySyntaxError(caret_message(self.query, node.pos, "date: needs a 'date' column in the articles"))
        d = pd.to_datetime(self.articles["date"], errors="coerce")
        d = (d.dt.tz_localize(None) if getattr(d.dt, "tz", None) is not None else d).dt.normalize()
        ok = d.notna()
        if node.lo is not None:
            ok &= d >= node.lo
        if node.hi is not None:
            ok &= d <= node.hi
        return ok.to_numpy(dtype=bool, copy=True)

    def positive_terms(self, node: Node, sign: bool = True) -> list[Term]:
        """The terms not under an odd number of NOTs (their hits are the evidence of a match)."""
        if isinstance(node, Term):
            return [node] if sign else []
        if isinstance(node, Near):
            return list(node.terms) if sign else []
        if isinstance(node, (And, Or)):
            return [t for x in node.items for t in self.positive_terms(x, sign)]
        if isinstance(node, Not):
            return self.positive_terms(node.item, not sign)
        if isinstance(node, Sent):
            return self.positive_terms(node.item, sign)
        return []

    def run(self) -> Matches:
        """Evaluate the whole query."""
        matched = self.docs(self.node)
        if self.candidates is not None:
            matched &= self.mask(self.candidates)
        counts = np.zeros(self.n, np.int64)
        frames = []
        seen: set[tuple] = set()
        for t in self.positive_terms(self.node):
            if (t.key, t.field) in seen:
                continue
            seen.add((t.key, t.field))
            h = self.leaf(t)
            h = h.take(matched[h.doc])
            np.add.at(counts, h.doc, 1)
            frames.append(pd.DataFrame({"row": h.doc, "term": t.text, "field": t.field or "",
                                        "sentence_id": h.sent, "start": h.start, "end": h.end}))
        table = (pd.concat(frames, ignore_index=True) if frames else
                 pd.DataFrame({"row": [], "term": [], "field": [], "sentence_id": [], "start": [], "end": []}))
        table = table.astype({"row": "int64", "term": "string", "field": "string", "sentence_id": "int64",
                              "start": "int64", "end": "int64"})
        table = table.drop_duplicates().sort_values(["row", "start", "term"], kind="stable").reset_index(drop=True)
        return Matches(matched, counts, table)


def match(articles: pd.DataFrame, q: str, lexicons: Any = None, themes: pd.DataFrame | None = None,
          workers: int = 1) -> Matches:
    """Evaluate query ``q`` on every row of ``articles`` (see :class:`Matches`).

    ``lexicons`` and ``themes`` (theme scores or ``article_themes``) serve ``theme:`` terms; the
    scores are computed when ``themes`` is None. ``workers`` threads share the scan.

    >>> import pandas as pd
    >>> m = match(pd.DataFrame({"title": ["ICE raids", "Ice storm"], "text": ["", ""]}), "ICE")
    >>> m.matched.tolist(), m.hits.tolist()
    ([True, False], [1, 0])
    """
    node = parse_query(q)
    return Evaluator(articles, node, q, lexicons, themes, workers).run()


@dataclass
class QueryResult:
    """What :func:`query` returns: the matching articles, the hits, and (on demand) their sentences."""

    query: str
    articles: pd.DataFrame  # matching articles (all columns but text) + ``hits``, most hits first
    hits: pd.DataFrame  # (article_id, term, field, sentence_id, start, end): offsets into the document or field
    n_articles: int  # articles searched
    source: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """(article_id, sentence_id, start, end, text) of every document sentence with a hit."""
        rows: dict[str, list] = {"article_id": [], "sentence_id": [], "start": [], "end": [], "text": []}
        body = self.hits[self.hits["field"].isin(["", "title", "text"])]
        pairs = body[["article_id", "sentence_id"]].drop_duplicates()
        src = self.source.set_index(self.source["article_id"].astype(str)) if len(pairs) else self.source
        for aid, group in pairs.groupby("article_id", sort=False):
            art = src.loc[str(aid)]
            art = art.iloc[0] if isinstance(art, pd.DataFrame) else art
            doc = document_text(art.get("title"), art.get("text"))
            spans = cached_sentence_spans(doc)
            for sid in sorted(group["sentence_id"].tolist()):
                if sid < len(spans):
                    s, e = spans[sid]
                    for k, v in zip(rows, (aid, sid, s, e, doc[s:e])):
                        rows[k].append(v)
        return pd.DataFrame(rows).astype({"article_id": "string", "sentence_id": "int64", "start": "int64",
                                          "end": "int64", "text": "string"})

    @property
    def share(self) -> float:
        """Matching articles / articles searched."""
        return len(self.articles) / self.n_articles if self.n_articles else float("nan")


def query(articles: pd.DataFrame, q: str, lexicons: Any = None, themes: pd.DataFrame | None = None,
          workers: int = 1) -> QueryResult:
    """Run query ``q`` over ``articles``: matching articles with hit counts, hits and matched sentences.

    The language is described in :mod:`analysis.search.parser`; ``result.sentences`` gives the
    sentences holding a hit (offsets into ``title + "\\n\\n" + text``).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["Deportations rise"], "text": ["Courts pause them."]})
    >>> r = query(arts, "deport* NOT court")
    >>> len(r.articles), r.n_articles
    (0, 1)
    >>> query(arts, "SENT(deport*)").sentences[["sentence_id", "text"]].values.tolist()
    [[0, 'Deportations rise']]
    """
    m = match(articles, q, lexicons, themes, workers)
    rows = np.flatnonzero(m.matched)
    ids = (articles["article_id"].astype(str).to_numpy() if "article_id" in articles
           else np.array([str(i) for i in range(len(articles))], dtype=object))
    keep = [c for c in articles.columns if c != "text"]
    out = articles.iloc[rows][keep].copy()
    if "article_id" not in out:
        out.insert(0, "article_id", ids[rows])
    out["hits"] = m.hits[rows]
    out = out.sort_values("hits", ascending=False, kind="stable").reset_index(drop=True)
    hits = m.hit_table.copy()
    hits.insert(0, "article_id", pd.array(ids[hits["row"].to_numpy()], dtype="string"))
    hits = hits.drop(columns="row")
    source = articles.iloc[rows][[c for c in ("title", "text") if c in articles]].copy()
    source.insert(0, "article_id", ids[rows])
    return QueryResult(q, out, hits, len(articles), source)
