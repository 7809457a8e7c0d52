"""The theme matcher: one Aho-Corasick pass over a normalized copy of each document.

How a document is matched (every rule exact; see :mod:`analysis.lexicon` for the term syntax):

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

    >>> m = compile_matcher()
    >>> [(h[0], h[2], h[3], h[4]) for h in m.find("Tariffs hit Mexico’s cross-border trade.")]
    [('trade', 'tariff*', 0, 7), ('foreign_affairs', 'Mexico', 12, 18), ('trade', 'cross-border trade', 21, 39)]
"""
from __future__ import annotations

from functools import lru_cache

import ahocorasick

from analysis.lexicon import Lexicon, Term, case_form, lexicon_fingerprint, load_lexicons, normalize, normalize_case, variants

# a hit: (theme, subtheme, term as written, start, end) with offsets into the document
Hit = tuple[str, str, str, int, int]


class Matcher:
    """A compiled set of lexicons; :meth:`find` returns the hits of one document."""

    def __init__(self, lexicons: dict[str, Lexicon]):
        """Build the automaton from ``lexicons``."""
        self.lexicons = lexicons
        self.fingerprint = lexicon_fingerprint(lexicons)
        # (theme, term as written) -> weight used for the primary-theme score
        self.weights: dict[tuple[str, str], float] = {
            (t.theme, t.text): t.weight * lex.weight for lex in lexicons.values() for t in lex.terms}
        keys: dict[str, list] = {}
        for lex in lexicons.values():
            for term in lex.terms + lex.exclusions:
                cf = case_form(term) if term.case else None
                for form in variants(term):
                    key = " " + form + ("" if term.glob else " ")
                    keys.setdefault(key, []).append((term, cf))
        self.automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            # exact words before globs, case-sensitive before insensitive (the more specific entry is reported)
            entries.sort(key=lambda e: (e[0].glob, e[1] is None))
            plain = _dedupe(tuple((t.theme, t.subtheme, t.text, t.glob) for t, cf in entries
                                  if not t.exclusion and cf is None))
            cased = tuple(((t.theme, t.subtheme, t.text, t.glob), cf) for t, cf in entries if not t.exclusion and cf is not None)
            excl = tuple((t.theme, cf) for t, cf in entries if t.exclusion)
            glob = key[-1] != " "
            simple = not (glob or cased or excl)  # the common case: the span is the key, no checks
            self.automaton.add_word(key, (len(key) - 1, simple, glob, plain, cased, excl))
        self.automaton.make_automaton()
        self.n_keys = len(keys)

    def find(self, doc: str) -> list[Hit]:
        """Return the hits of ``doc`` sorted by start offset (then theme).

        >>> compile_matcher().find("ICE agents, not ice.")[0][:3]
        ('migration', 'enforcement', 'ICE')
        """
        if not doc:
            return []
        return self.scan(" " + normalize(doc) + " ", doc)

    def scan(self, norm: str, doc: str) -> list[Hit]:
        """Return the hits given the padded normalized document (see :meth:`find`)."""
        cands = []
        append = cands.append
        excluded: dict[str, list[tuple[int, int]]] = {}
        for end, (k, simple, glob, plain, cased, excl) in self.automaton.iter(norm):
            s = end - k  # index of the leading space in norm == word start in doc
            if simple:
                append((s, 1 - end, plain))
                continue
            e = norm.find(" ", end + 1) - 1 if glob else end - 1
            if excl:
                for theme, cf in excl:
                    if cf is None or normalize_case(doc[s:e]) == cf:
                        excluded.setdefault(theme, []).append((s, e))
            if cased:
                form = normalize_case(doc[s:e])
                matched = tuple(t for t, cf in cased if cf == form)
                terms = _dedupe(matched + plain) if matched else plain
            else:
                terms = plain
            if terms:
                append((s, -e, terms))
        if not cands:
            return []
        cands.sort()
        chosen = []
        cluster = [cands[0]]
        cl_end = -cands[0][1]
        for c in cands[1:]:
            if c[0] < cl_end:
                cluster.append(c)
                if -c[1] > cl_end:
                    cl_end = -c[1]
                continue
            if len(cluster) > 1:
                chosen.extend(_resolve(cluster))
            else:
                chosen.append(cluster[0])
            cluster = [c]
            cl_end = -c[1]
        if len(cluster) > 1:
            chosen.extend(_resolve(cluster))
        else:
            chosen.append(cluster[0])
        hits: list[Hit] = []
        for s, neg_e, terms in chosen:
            e = -neg_e
            for theme, sub, text, _glob in terms:
                if excluded and theme in excluded and any(xs < e and s < xe for xs, xe in excluded[theme]):
                    continue
                hits.append((theme, sub, text, s, e))
        return hits


def _resolve(cluster: list[tuple]) -> list[tuple]:
    """Pick non-overlapping spans of an overlapping cluster: longest first, then leftmost."""
    taken: list[tuple] = []
    for s, neg_e, terms in sorted(cluster, key=lambda c: (c[0] + c[1], c[0])):  # s - e: longest first
        e = -neg_e
        same = next((i for i, t in enumerate(taken) if t[0] == s and t[1] == neg_e), None)
        if same is not None:  # the same span found through another key (e.g. a glob)
            taken[same] = (s, neg_e, _dedupe(taken[same][2] + terms))
        elif all(e <= ts or -tne <= s for ts, tne, _ in taken):
            taken.append((s, neg_e, terms))
    return sorted(taken, key=lambda c: c[0])


def _dedupe(terms: tuple) -> tuple:
    """Keep one entry per theme (exact words before globs; first listed wins), sorted by theme."""
    seen: set[str] = set()
    out = []
    for t in sorted(terms, key=lambda t: t[3]):
        if t[0] not in seen:
            seen.add(t[0])
            out.append(t)
    return tuple(sorted(out, key=lambda t: t[0]))


@lru_cache(maxsize=8)
def _cached(path: str | None) -> Matcher:
    """Compile (once per process) the lexicons of a folder."""
    return Matcher(load_lexicons(path))


_BY_FINGERPRINT: dict[str, Matcher] = {}


def compile_matcher(lexicons: "dict[str, Lexicon] | str | None" = None) -> Matcher:
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


__all__ = ["Hit", "Matcher", "Term", "compile_matcher"]
