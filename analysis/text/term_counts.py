"""Additive content-term counts: the per-partition half of ``analysis.text.words.top_terms``.

``term_counts_table`` counts the same words, stopwords and groups as ``text.top_terms`` (it calls
text's own tokenizer, normalizer and stopword list) but returns raw counts that can be summed over
partitions; ``top_terms_from_counts`` ranks the summed counts exactly like ``top_terms``::

    >>> import pandas as pd
    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs on cars. Cars cost more."]})
    >>> top_terms_from_counts(term_counts_table(df), top=2).values.tolist()
    [['all', 'cars', 2, 285.7142857142857], ['all', 'tariffs', 2, 285.7142857142857]]
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.errors import UsageError


def term_counts_table(articles: pd.DataFrame, by: str | None = None, hits: pd.DataFrame | None = None,
                      freq: str = "MS") -> pd.DataFrame:
    """Additive content-term counts per group: (group, term, count); term "" holds the group's word total.

    The per-partition half of ``text.top_terms`` (same words, stopwords and groups);
    :func:`top_terms_from_counts` is its finalize step.
    """
    from analysis.text import words as text
    from analysis.text.sentences import sentence_spans

    counts: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    keep = lambda ws: [t for t in map(text.normalize, ws) if t not in text.STOPWORDS and text._HAS_LETTER.search(t)]  # noqa: E731
    if by == "theme":
        lookup = text.sentence_theme_lookup(text.theme_hits_for(articles, hits))
        for aid, doc in text._iter_docs(articles):
            for k, (s, e) in enumerate(sentence_spans(doc)):
                ths = lookup.get((aid, k))
                if ths:
                    ws = text.words(doc[s:e])
                    ts = keep(ws)
                    for th in ths:
                        counts.setdefault(th, Counter()).update(ts)
                        totals[th] += len(ws)
    else:
        if by is None:
            labels = ["all"] * len(articles)
        elif by == "source":
            labels = articles["source"].astype("string").fillna("unknown").tolist()
        elif by == "period":
            labels = text._period_labels(articles["date"], freq)
        else:
            raise UsageError(f"top_terms: by must be None, 'theme', 'source' or 'period', not {by!r}")
        for label, doc in zip(labels, text.documents(articles).tolist()):
            ws = text.words(doc)
            counts.setdefault(label, Counter()).update(keep(ws))
            totals[label] += len(ws)
    rows = [(g, t, c) for g, cnt in counts.items() for t, c in cnt.items()]
    rows += [(g, "", n) for g, n in totals.items()]
    out = pd.DataFrame(rows, columns=["group", "term", "count"])
    return out.astype({"group": "string", "term": "string", "count": "int64"})


def top_terms_from_counts(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """Finalize summed :func:`term_counts_table` rows into ``text.top_terms`` output."""
    summed = counts.groupby(["group", "term"], sort=False)["count"].sum()
    rows = []
    for group in sorted(set(summed.index.get_level_values(0))):
        g = summed.loc[group]
        total = int(g.get("", 0))
        items = [(t, int(c)) for t, c in g.items() if t != ""]
        for t, c in sorted(items, key=lambda kv: (-kv[1], kv[0]))[:top]:
            rows.append((group, t, c, 1000.0 * c / total))
    return pd.DataFrame(rows, columns=["group", "term", "count", "rate_per_1k"])




_SEP = " QXSEPQX "  # sentence separator token: upper case, so never a token of lower-cased text


def _chunk_text(docs: list[str]) -> str:
    """The sentences of ``docs``, lower-cased, joined with ``_SEP`` (curly apostrophes made straight)."""
    from analysis.evidence.documents import cached_sentence_spans

    pieces: list[str] = []
    for doc in docs:
        low = doc.lower()
        same = len(low) == len(doc)  # then offsets into doc apply to low
        pieces.extend(low[s:e] if same else doc[s:e].lower() for s, e in cached_sentence_spans(doc))
    return _SEP.join(pieces).replace("’", "'")


def _word_ids(text: str, vocab: dict[str, int]) -> np.ndarray:
    """Vocabulary ids of the word tokens of ``text`` (possessive 's dropped; vocab grows).

    Word tokens never span whitespace, so each distinct whitespace-separated chunk is tokenized
    once and its ids are repeated wherever it occurs.
    """
    from analysis.text.words import _WORD

    codes, uniq = pd.factorize(np.asarray(text.split(), dtype=object))
    lens = np.zeros(len(uniq), dtype=np.int64)
    flat: list[int] = []
    for k, chunk in enumerate(uniq.tolist()):
        found = _WORD.findall(chunk)
        lens[k] = len(found)
        flat.extend(vocab.setdefault(w[:-2] if w.endswith("'s") else w, len(vocab)) for w in found)
    per = lens[codes]
    ends = np.cumsum(per)
    offsets = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    pos = np.repeat(offsets[codes] - (ends - per), per) + np.arange(int(ends[-1]) if len(ends) else 0)
    return np.asarray(flat, dtype=np.int64)[pos]


def sentence_ngram_counts(docs: Iterable[str], offsets: Sequence[Sequence[int]] = ((0, 1),),
                          chunk: int = 2000) -> tuple[list[str], np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Count words and within-sentence word n-grams of documents, vectorized.

    Tokens are those of ``analysis.text.words.collocations`` (lower case, possessive 's dropped, per
    sentence). ``offsets`` lists the n-gram shapes: (0, 1) bigrams, (0, 2) words two apart,
    (0, 1, 2) trigrams. Returns (vocabulary, count per word, [(word-id matrix, counts)] per shape).

    >>> vocab, wc, [(ids, n)] = sentence_ngram_counts(["Border wall. Border wall rose."])
    >>> sorted((vocab[a], vocab[b], int(c)) for (a, b), c in zip(ids, n))
    [('border', 'wall', 2), ('wall', 'rose', 1)]
    """
    sep = _SEP.strip()
    vocab: dict[str, int] = {sep: 0}
    width = [max(o) for o in offsets]
    base = 2 ** (63 // max(len(o) for o in offsets))
    keys: list[list[np.ndarray]] = [[] for _ in offsets]
    words: list[np.ndarray] = []
    docs = list(docs)
    for lo in range(0, len(docs), chunk):
        g = _word_ids(_chunk_text(docs[lo:lo + chunk]), vocab)
        if len(vocab) >= base:
            raise OverflowError("vocabulary too large for the n-gram key")
        if not len(g):
            continue
        words.append(g)
        run = np.concatenate([[0], np.cumsum(g == 0)])  # separators before each position
        for j, (off, w) in enumerate(zip(offsets, width)):
            m = len(g) - w
            if m <= 0:
                continue
            ok = run[w + 1:] - run[:m] == 0  # no separator inside the window
            key = np.zeros(int(ok.sum()), dtype=np.int64)
            for o in off:
                key = key * base + g[o:o + m][ok]
            keys[j].append(key)
    n_words = np.bincount(np.concatenate(words), minlength=len(vocab)) if words else np.zeros(len(vocab), np.int64)
    out = []
    for j, off in enumerate(offsets):
        uniq_keys, counts = np.unique(np.concatenate(keys[j]) if keys[j] else np.zeros(0, np.int64),
                                      return_counts=True)
        ids = np.stack([(uniq_keys // base ** (len(off) - 1 - i)) % base for i in range(len(off))], axis=1)
        out.append((ids, counts))
    names = list(vocab)
    n_words[0] = 0  # the separator is not a word
    return names, n_words, out


__all__ = ["sentence_ngram_counts", "term_counts_table", "top_terms_from_counts"]
