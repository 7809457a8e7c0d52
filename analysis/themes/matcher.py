"""The theme matcher: one Aho-Corasick pass over a normalized copy of each document.

How a document is matched (every rule exact; see :mod:`analysis.themes.lexicon` for the term syntax):

1. The document (``title + "\\n\\n" + text``) is normalized without changing its length: lower
   case, every character that is not a Latin-1 letter or digit becomes a space (so curly
   apostrophes, hyphens and dashes are separators and ``Mexico’s`` contains the word ``mexico``).
2. Every term variant is a key `` <variant> `` (padded with spaces, i.e. whole words); a prefix
   glob is a key `` <stem>`` and its match extends to the end of the word. One automaton holds
   the keys of all themes; a case-sensitive term must also equal the original text's
   capitalization at the matched offsets.
3. Longest match wins: candidate spans are taken by decreasing length (then left to right) and a
   span overlapping an already taken one is dropped, so ``free trade pact`` and its own word
   ``trade`` are never both counted. Themes that list the same word each get one hit for it.
4. Exclusions: a theme's hit overlapping one of that theme's exclusion spans is dropped.

The automaton is a dense transition table (:mod:`analysis.themes.kernel.automaton`) and the scan, the
resolution and the per-theme tallies are compiled (:mod:`analysis.themes.kernel.scan`): no Python runs per
character or per hit. This module turns lexicons into the arrays the kernel reads.

    >>> m = compile_matcher()
    >>> [(h[0], h[2], h[3], h[4]) for h in m.find("Tariffs hit Mexico’s cross-border trade.")]
    [('trade', 'tariff*', 0, 7), ('foreign_affairs', 'Mexico', 12, 18), ('trade', 'cross-border trade', 21, 39)]
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.themes.kernel import documents as scanner
from analysis.themes.kernel.automaton import build_dfa
from analysis.themes.kernel.charclasses import char_tables
from analysis.themes.kernel.scan import CT_MARK, CT_WSB, scan_batch
from analysis.themes.lexicon import Lexicon, case_form, lexicon_fingerprint, load_lexicons, variants

# a hit: (theme, subtheme, term as written, start, end) with offsets into the document
Hit = tuple[str, str, str, int, int]
Entry = tuple[str, str, str, bool]  # (theme, subtheme, term as written, is a glob)


class Scan(NamedTuple):
    """Arrays returned by :meth:`Matcher.scan_docs` (row i of ``scores`` is document ``doc[i]``)."""

    scores: tuple  # (doc, theme id, hits, title hits, sentences with a hit, words, sentences, score)
    terms: tuple  # (score row, text id, count), most frequent first within a row
    hits: tuple  # (doc, entry id, sentence id, start, end)


def one_entry_per_theme(terms: tuple) -> tuple:
    """Keep one entry per theme (exact words before globs; first listed wins), sorted by theme."""
    seen: set[str] = set()
    out = []
    for t in sorted(terms, key=lambda t: t[3]):
        if t[0] not in seen:
            seen.add(t[0])
            out.append(t)
    return tuple(sorted(out, key=lambda t: t[0]))


class Matcher:
    """A compiled set of lexicons; :meth:`find` returns the hits of one document."""

    def __init__(self, lexicons: dict[str, Lexicon]):
        """Build the automaton and the kernel's arrays from ``lexicons``."""
        self.lexicons = lexicons
        # (theme, term as written) -> weight used for the primary-theme score
        self.weights: dict[tuple[str, str], float] = {
            (t.theme, t.text): t.weight * lex.weight for lex in lexicons.values() for t in lex.terms}
        grouped: dict[str, list] = {}
        for lex in lexicons.values():
            for term in lex.terms + lex.exclusions:
                cf = case_form(term) if term.case else None
                for form in variants(term):
                    key = " " + form + ("" if term.glob else " ")
                    grouped.setdefault(key, []).append((term, cf))
        self.themes = sorted({t.theme for lex in lexicons.values() for t in lex.terms + lex.exclusions})
        self.n_keys = len(grouped)
        self._build(grouped)

    def _build(self, grouped: dict[str, list]) -> None:
        """Turn the keys and their entries into the kernel's arrays."""
        theme_id = {t: i for i, t in enumerate(self.themes)}
        sets: dict[tuple, int] = {}
        forms: dict[str, int] = {}
        rows: list[tuple] = []  # per key: (k, simple, glob, plain set, [(form, set)], [(theme, form)])

        def set_id(terms: tuple) -> int:
            return sets.setdefault(terms, len(sets)) if terms else -1

        def form_id(cf: str | None) -> int:
            return -1 if cf is None else forms.setdefault(cf, len(forms))

        for key, entries in grouped.items():
            # exact words before globs, case-sensitive before insensitive (the more specific entry is reported)
            entries.sort(key=lambda e: (e[0].glob, e[1] is None))
            plain = one_entry_per_theme(tuple((t.theme, t.subtheme, t.text, t.glob) for t, cf in entries
                                              if not t.exclusion and cf is None))
            cased = [((t.theme, t.subtheme, t.text, t.glob), cf) for t, cf in entries if not t.exclusion and cf is not None]
            groups = []
            for cf in dict.fromkeys(cf for _, cf in cased):
                matched = tuple(t for t, c in cased if c == cf)
                groups.append((form_id(cf), set_id(one_entry_per_theme(matched + plain))))
            excl = [(theme_id[t.theme], form_id(cf)) for t, cf in entries if t.exclusion]
            glob = key[-1] != " "
            rows.append((len(key) - 1, not (glob or cased or excl), glob, set_id(plain), groups, excl))
        ordered = sorted(sets, key=lambda s: s)
        rank = {s: i for i, s in enumerate(ordered)}
        by_id = sorted(sets, key=sets.get)
        self.entries: list[Entry] = sorted({e for s in sets for e in s})
        ent_id = {e: i for i, e in enumerate(self.entries)}
        self.texts = sorted({e[2] for e in self.entries})
        # Arrow columns of the entries, for building hit tables without Python objects
        self.entry_themes, self.entry_subthemes, self.entry_texts = (
            pa.array([e[i] for e in self.entries], pa.string()) for i in range(3))
        text_id = {t: i for i, t in enumerate(self.texts)}
        i64 = np.int64
        set_ptr = np.zeros(len(by_id) + 1, i64)
        set_ptr[1:] = np.cumsum([len(s) for s in by_id])
        self.sets = (set_ptr, np.array([ent_id[e] for s in by_id for e in s], i64),
                     np.array([rank[s] for s in by_id], i64),
                     np.array([theme_id[e[0]] for e in self.entries], i64),
                     np.array([e[3] for e in self.entries], np.bool_),
                     np.array([self.weights.get((e[0], e[2]), 1.0) for e in self.entries], np.float64),
                     np.array([text_id[e[2]] for e in self.entries], i64), np.arange(len(self.texts), dtype=i64))
        form_list = sorted(forms, key=forms.get)
        form_ptr = np.zeros(len(form_list) + 1, i64)
        form_ptr[1:] = np.cumsum([len(f) for f in form_list])
        cg_ptr = np.zeros(len(rows) + 1, i64)
        cg_ptr[1:] = np.cumsum([len(r[4]) for r in rows])
        ex_ptr = np.zeros(len(rows) + 1, i64)
        ex_ptr[1:] = np.cumsum([len(r[5]) for r in rows])
        self.keys = (np.array([r[0] for r in rows], i64), np.array([r[1] for r in rows], np.bool_),
                     np.array([r[2] for r in rows], np.bool_), np.array([r[3] for r in rows], i64), cg_ptr,
                     np.array([g[0] for r in rows for g in r[4]], i64), np.array([g[1] for r in rows for g in r[4]], i64),
                     ex_ptr, np.array([x[0] for r in rows for x in r[5]], i64), np.array([x[1] for r in rows for x in r[5]], i64),
                     form_ptr, np.frombuffer("".join(form_list).encode("latin-1", "replace"), np.uint8).astype(i64))
        sym, delta, out_ptr, out_keys = build_dfa([k.encode("latin-1") for k in grouped])
        has_out = (out_ptr[1:] > out_ptr[:-1]).astype(np.uint8)
        self.dfa = (delta.ravel(), np.int64(delta.shape[1]), has_out, out_ptr, out_keys, np.int64(sym[32]))
        t = char_tables()
        # one lookup per character in the scan loop: the automaton symbol of the character's matching
        # form (low 16 bits) + the word-count and punctuation bits
        self.chartab = (sym[t.norm] | np.where(t.flags & scanner.WSB, CT_WSB, 0)
                        | np.where(t.flags & scanner.MARK, CT_MARK, 0)).astype(np.int32)

    def scan_docs(self, titles: Any, texts: Any, with_hits: bool = True,
                  title_weights: tuple[float, float, int] = (4.0, 0.0, 60), raw: bool = False) -> Scan:
        """Scan articles given as parallel ``titles`` and ``texts`` (see :func:`text_buffers`).

        Each document is ``document_text(title, text)``; with ``raw`` it is the text as given.
        ``title_weights`` is (weight of headline hits in long documents, in short ones, words below
        which a document is short); see :mod:`analysis.themes`.
        """
        t = char_tables()
        tables = (t.flags, t.lower, t.case, t.never, t.starters, self.chartab)
        params = (np.int64(len(self.themes)), float(title_weights[0]), float(title_weights[1]), np.int64(title_weights[2]))
        out = scan_batch(text_buffers(titles), text_buffers(texts), bool(raw), bool(with_hits), tables, self.dfa,
                         self.keys, self.sets, params)
        return Scan(*out)

    def find(self, doc: str) -> list[Hit]:
        """Return the hits of ``doc`` sorted by start offset (then theme).

        >>> compile_matcher().find("ICE agents, not ice.")[0][:3]
        ('migration', 'enforcement', 'ICE')
        """
        if not doc:
            return []
        _, ent, _, starts, ends = self.scan_docs([""], [doc], raw=True).hits
        return [(*self.entries[e][:3], int(s), int(x)) for e, s, x in zip(ent.tolist(), starts, ends)]


def text_buffers(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return (UTF-8 bytes, int64 offsets) of a text column; missing values are empty.

    ``values`` is an Arrow string array (used without copying the text) or a sequence of str/None.
    The bytes are always a read-only array and the offsets a writable one, so that the compiled
    kernel is specialized (and cached) once.

    >>> [a.tolist() for a in text_buffers(["ab", None, "é"])]
    [[97, 98, 195, 169], [0, 2, 2, 4]]
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)) and pa.types.is_string(values.type) or (
            isinstance(values, (pa.Array, pa.ChunkedArray)) and pa.types.is_large_string(values.type)):
        arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        arr = arr.cast(pa.large_string())
        _, offsets, data = arr.buffers()
        off = np.frombuffer(offsets, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1].copy()
        u = np.frombuffer(data if data is not None else b"", dtype=np.uint8)
        u.flags.writeable = False
        return u, off
    encoded = [v.encode("utf-8", "surrogatepass") if isinstance(v, str) else b"" for v in values]
    off = np.zeros(len(encoded) + 1, dtype=np.int64)
    if encoded:
        np.cumsum([len(b) for b in encoded], out=off[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), off


@lru_cache(maxsize=8)
def _cached(path: str | None) -> Matcher:
    """Compile (once per process) the lexicons of a folder."""
    return Matcher(load_lexicons(path))


_BY_FINGERPRINT: dict[str, Matcher] = {}


def compile_matcher(lexicons: dict[str, Lexicon] | str | None = None) -> Matcher:
    """Return a (cached) :class:`Matcher` for loaded lexicons, a lexicon folder, or the default.

    >>> compile_matcher().n_keys > 1000
    True
    """
    if lexicons is None or isinstance(lexicons, (str,)) or hasattr(lexicons, "__fspath__"):
        return _cached(None if lexicons is None else str(lexicons))
    fp = lexicon_fingerprint(lexicons)
    if fp not in _BY_FINGERPRINT:
        _BY_FINGERPRINT[fp] = Matcher(lexicons)
    return _BY_FINGERPRINT[fp]


__all__ = ["Hit", "Matcher", "Scan", "compile_matcher", "one_entry_per_theme", "text_buffers"]
