"""The pure-Python reference of theme matching and scoring (the first implementation), kept as a test oracle.

It follows the rules of :mod:`analysis.themes.matcher` with a pyahocorasick automaton, one Python step per
hit, :func:`analysis.text.sentences.sentence_spans` and :func:`word_count` below. The compiled
engine (:mod:`analysis.themes.kernel.scan`) must give exactly the same score rows and hits.
"""
from __future__ import annotations

import ahocorasick

from analysis import schema
from analysis.text.sentences import document_text, sentence_spans
from analysis.themes.lexicon import case_form, normalize, normalize_case, variants
from analysis.themes.matcher import one_entry_per_theme
from analysis.themes.scoring import (
    MAX_THEMES,
    MIN_SENTENCE_SHARE,
    SECONDARY_SHARE_SHORT,
    SHORT_DOC_WORDS,
    TITLE_WEIGHT,
    TITLE_WEIGHT_SHORT,
    is_present,
    secondary_share,
)

# whitespace -> b" ", everything else -> b"a": counting b" a" counts whitespace-separated words
_WS_TABLE = bytes(32 if chr(c).isspace() else 97 for c in range(256))


def word_count(doc: str) -> int:
    """Return the number of whitespace-separated words of ``doc`` (Latin-1 white space, via bytes)."""
    return (b" " + doc.encode("latin-1", "replace").translate(_WS_TABLE)).count(b" a")


class ReferenceMatcher:
    """Aho-Corasick over the normalized document, candidates resolved in Python."""

    def __init__(self, lexicons: dict) -> None:
        self.weights = {(t.theme, t.text): t.weight * lex.weight for lex in lexicons.values() for t in lex.terms}
        keys: dict[str, list] = {}
        for lex in lexicons.values():
            for term in lex.terms + lex.exclusions:
                cf = case_form(term) if term.case else None
                for form in variants(term):
                    keys.setdefault(" " + form + ("" if term.glob else " "), []).append((term, cf))
        self.automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            entries.sort(key=lambda e: (e[0].glob, e[1] is None))
            plain = one_entry_per_theme(tuple((t.theme, t.subtheme, t.text, t.glob) for t, cf in entries
                                  if not t.exclusion and cf is None))
            cased = tuple(((t.theme, t.subtheme, t.text, t.glob), cf) for t, cf in entries if not t.exclusion and cf is not None)
            excl = tuple((t.theme, cf) for t, cf in entries if t.exclusion)
            glob = key[-1] != " "
            self.automaton.add_word(key, (len(key) - 1, not (glob or cased or excl), glob, plain, cased, excl))
        self.automaton.make_automaton()

    def find(self, doc: str) -> list[tuple]:
        """Return (theme, subtheme, term, start, end) hits of ``doc``."""
        if not doc:
            return []
        norm = " " + normalize(doc) + " "
        cands = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        for end, (k, simple, glob, plain, cased, excl) in self.automaton.iter(norm):
            s = end - k
            if simple:
                cands.append((s, 1 - end, plain))
                continue
            e = norm.find(" ", end + 1) - 1 if glob else end - 1
            for theme, cf in excl:
                if cf is None or normalize_case(doc[s:e]) == cf:
                    excluded.setdefault(theme, []).append((s, e))
            terms = plain
            if cased:
                matched = tuple(t for t, cf in cased if cf == normalize_case(doc[s:e]))
                terms = one_entry_per_theme(matched + plain) if matched else plain
            if terms:
                cands.append((s, -e, terms))
        cands.sort()
        chosen, cluster, cl_end = [], [], -1
        for c in cands + [None]:
            if c is not None and cluster and c[0] < cl_end:
                cluster.append(c)
                cl_end = max(cl_end, -c[1])
                continue
            if cluster:
                chosen.extend(_resolve(cluster) if len(cluster) > 1 else cluster)
            if c is not None:
                cluster, cl_end = [c], -c[1]
        hits = []
        for s, neg_e, terms in chosen:
            e = -neg_e
            for theme, sub, text, _glob in terms:
                if any(xs < e and s < xe for xs, xe in excluded.get(theme, [])):
                    continue
                hits.append((theme, sub, text, s, e))
        return hits


def _resolve(cluster: list[tuple]) -> list[tuple]:
    """Longest first, then leftmost; the same span found through several keys is merged."""
    taken: list[tuple] = []
    for s, neg_e, terms in sorted(cluster, key=lambda c: (c[0] + c[1], c[0])):
        e = -neg_e
        same = next((i for i, t in enumerate(taken) if t[0] == s and t[1] == neg_e), None)
        if same is not None:
            taken[same] = (s, neg_e, one_entry_per_theme(taken[same][2] + terms))
        elif all(e <= ts or -tne <= s for ts, tne, _ in taken):
            taken.append((s, neg_e, terms))
    return sorted(taken, key=lambda c: c[0])


def reference_rows(matcher: ReferenceMatcher, rows: list[tuple[str, str, str]]) -> tuple[list[tuple], list[tuple]]:
    """Return (hit rows, score rows) of (article_id, title, text) rows, as the first implementation did."""
    hit_rows, score_rows = [], []
    for aid, title, text in rows:
        doc = document_text(title, text)
        hits = matcher.find(doc)
        if not hits:
            continue
        title_end = len(title.strip()) if title else 0
        starts = [st for st, _ in sentence_spans(doc)]
        n_sent, last = max(len(starts), 1), len(starts) - 1
        n_words = max(word_count(doc), 1)
        title_weight = TITLE_WEIGHT_SHORT if n_words < SHORT_DOC_WORDS else TITLE_WEIGHT
        per_theme: dict[str, list] = {}
        j = 0
        for theme, sub, term, st, e in hits:
            while j < last and starts[j + 1] <= st:
                j += 1
            hit_rows.append((aid, theme, sub, term, j, st, e))
            acc = per_theme.setdefault(theme, [{}, set(), 0, 0.0])
            acc[0][term] = acc[0].get(term, 0) + 1
            acc[1].add(j)
            w = matcher.weights.get((theme, term), 1.0)
            if st < title_end:
                acc[2] += 1
                acc[3] += w + title_weight * w
            else:
                acc[3] += w
        rows_of_doc = []
        for theme in sorted(per_theme):
            terms, sents, t_hits, score = per_theme[theme]
            n = sum(terms.values())
            per_1k = 1000.0 * n / n_words
            term_str = "; ".join(f"{t}:{c}" for t, c in sorted(terms.items(), key=lambda x: (-x[1], x[0])))
            rows_of_doc.append([aid, theme, n, per_1k, len(sents) / n_sent, is_present(n, t_hits, n_words, per_1k),
                                term_str, t_hits, round(score, 6)])
        score_rows.extend(tuple(r) for r in carried(rows_of_doc, n_words))
    return hit_rows, score_rows


def _share(theme: str, n_words: int) -> float:
    """The share of the primary's score a secondary theme needs (per theme in long documents)."""
    return SECONDARY_SHARE_SHORT if n_words < SHORT_DOC_WORDS else secondary_share(theme)


def carried(rows: list[list], n_words: int) -> list[list]:
    """Turn the candidate flag (index 5) of one document's score rows into "carries the theme", one row at a time."""
    prio = {t: i for i, t in enumerate(schema.ALL_THEMES)}
    ranked = sorted((r for r in rows if r[5]), key=lambda r: (-r[8], -r[7], prio.get(r[1], len(prio))))
    keep = {id(r) for i, r in enumerate(ranked)
            if i == 0 or (i < MAX_THEMES and r[8] >= _share(r[1], n_words) * ranked[0][8] and r[4] >= MIN_SENTENCE_SHARE)}
    for r in rows:
        r[5] = id(r) in keep
    return rows
