"""Article-level report tables: most on-theme articles, quotes, who is quoted and amounts with their
outlet and date, one article's theme strip by paragraph and its evidence sentences, keyness per group.

All functions are pure (DataFrames in, DataFrame out); offsets refer to
``analysis.text.sentences.document_text(title, text)`` like every other table of the package.

    >>> import pandas as pd
    >>> art = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs"], "text": ["Tariffs rose.\\n\\nRain."]})
    >>> hits = pd.DataFrame({"article_id": ["a"], "theme": ["trade"], "subtheme": ["tariffs"],
    ...                      "term": ["tariffs"], "sentence_id": [1], "start": [9], "end": [16]})
    >>> theme_strip(art, hits).query("hits > 0")[["paragraph", "theme", "hits"]].values.tolist()
    [[1, 'trade', 1]]
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from analysis import schema
from analysis.aggregate.counts import presence
from analysis.errors import UsageError
from analysis.evidence.actors import canonical_names
from analysis.frames import isin
from analysis.text.keyness import keyness, keyness_from_counts
from analysis.text.sentences import document_text, paragraph_spans, sentence_spans
from analysis.text.words import term_counts

_META = ["article_id", "date", "source", "title", "url"]


TOP_ARTICLE_COLUMNS: list[str] = ["date", "source", "title", "url", "hits", "hits_per_1k_words",
                                  "share_of_sentences", "article_id"]
QUOTE_COLUMNS: list[str] = ["speaker", "speaker_type", "quote", "date", "outlet", "title", "article_id"]
WHO_IS_QUOTED_COLUMNS: list[str] = ["speaker", "speaker_type", "quotes", "articles", "outlets", "share",
                                    "top_outlets"]
AMOUNT_COLUMNS: list[str] = ["value", "unit", "object", "sentence", "date", "outlet", "article_id"]
KEYNESS_COLUMNS: list[str] = ["term", "count_a", "count_b", "log_odds", "z", "group"]


def _meta(articles: pd.DataFrame) -> pd.DataFrame:
    """The display metadata columns of an article table (missing ones as empty)."""
    out = articles.reindex(columns=_META).copy()
    out["article_id"] = out["article_id"].astype("string")
    return out


def with_theme(rows: pd.DataFrame, theme: str | None) -> pd.DataFrame:
    """Keep rows whose ``themes`` list contains ``theme`` (all rows when theme is None/empty)."""
    if not theme or "themes" not in rows.columns:
        return rows
    keep = rows["themes"].map(lambda ts: ts is not None and not isinstance(ts, float) and theme in list(ts))
    return rows[keep.astype(bool)]


def theme_articles(articles: pd.DataFrame, scores: pd.DataFrame, theme: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into (those where ``theme`` is present, all the others)."""
    ids = set(presence(scores).query("theme == @theme")["article_id"])
    mask = isin(articles["article_id"].astype("string"), ids)
    return articles[mask], articles[~mask]


def top_articles(articles: pd.DataFrame, scores: pd.DataFrame, theme: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` most on-theme articles (present; by hits per 1k words, then hits) with links."""
    s = scores[(scores["theme"] == theme) & scores["present"].astype(bool)]
    s = s[["article_id", "hits", "hits_per_1k_words", "share_of_sentences"]].astype({"article_id": "string"})
    out = _meta(articles).merge(s, on="article_id")
    out = out.sort_values(["hits_per_1k_words", "hits", "article_id"], ascending=[False, False, True])
    return out.head(n).reset_index(drop=True)[TOP_ARTICLE_COLUMNS]


def quote_table(quotes: pd.DataFrame, articles: pd.DataFrame, theme: str | None = None,
                n: int | None = 25) -> pd.DataFrame:
    """Quotes (speaker, quote, date, outlet, title) for ``theme``'s sentences, newest first."""
    q = with_theme(quotes, theme).astype({"article_id": "string"})
    out = q.merge(_meta(articles), on="article_id", how="left")
    out = out.sort_values(["date", "article_id", "sentence_id"], ascending=[False, True, True], na_position="last")
    out = out.rename(columns={"source": "outlet"})
    out = out[[c for c in QUOTE_COLUMNS if c in out.columns]]
    return (out if n is None else out.head(n)).reset_index(drop=True)


def who_is_quoted(quotes: pd.DataFrame, articles: pd.DataFrame, theme: str | None = None,
                  n: int | None = 15) -> pd.DataFrame:
    """Who gets a voice: quotations per canonical speaker (person/org) for ``theme``'s sentences.

    Speakers are merged across articles where unambiguous (``actors.canonical_names``: "Trump" ->
    "Donald Trump"); columns speaker, speaker_type, quotes, articles, outlets (number), share (of
    the theme's attributed quotations) and top_outlets (the three outlets quoting them most).

    >>> q = pd.DataFrame({"article_id": ["a", "b", "b"], "speaker": ["Trump", "Donald Trump", None],
    ...                   "speaker_type": ["person", "person", None], "themes": [["trade"]] * 3})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["AP", "NPR"]})
    >>> who_is_quoted(q, arts, "trade")[["speaker", "speaker_type", "quotes", "outlets"]].values.tolist()
    [['Donald Trump', 'person', 2, 2]]
    """
    cols = WHO_IS_QUOTED_COLUMNS
    q = with_theme(quotes, theme)
    q = q[q["speaker"].notna()].astype({"article_id": "string"}) if "speaker" in q else q.iloc[0:0]
    if q.empty:
        return pd.DataFrame(columns=cols)
    types = q["speaker_type"] if "speaker_type" in q else pd.Series(["person"] * len(q), index=q.index)
    merged = canonical_names(q["speaker"], types.fillna("person"))
    q = q.assign(speaker=q["speaker"].map(lambda s: merged.get(s, s)), speaker_type=types.fillna("person"))
    q = q.merge(_meta(articles)[["article_id", "source"]], on="article_id", how="left")
    rows = []
    for (speaker, kind), g in q.groupby(["speaker", "speaker_type"], sort=False):
        outlets = g["source"].dropna().value_counts()
        rows.append({"speaker": speaker, "speaker_type": kind, "quotes": len(g), "articles": g["article_id"].nunique(),
                     "outlets": len(outlets), "share": len(g) / len(q),
                     "top_outlets": ", ".join(f"{o} ({c})" for o, c in outlets.head(3).items())})
    out = pd.DataFrame(rows, columns=cols).sort_values(["quotes", "articles", "speaker"],
                                                        ascending=[False, False, True], kind="stable")
    return (out if n is None else out.head(n)).reset_index(drop=True)


def amount_table(amounts: pd.DataFrame, articles: pd.DataFrame, theme: str | None = None,
                 n: int | None = 25) -> pd.DataFrame:
    """Amounts (value, unit, object, sentence text, date, outlet) for ``theme``'s sentences."""
    a = with_theme(amounts, theme).astype({"article_id": "string"})
    out = a.merge(_meta(articles).drop(columns=["url"]), on="article_id", how="left")
    out = out.sort_values(["date", "article_id", "sentence_id"], ascending=[False, True, True], na_position="last")
    out = out.rename(columns={"source": "outlet", "text": "sentence"})
    cols = AMOUNT_COLUMNS
    return (out[cols] if n is None else out[cols].head(n)).reset_index(drop=True)


def paragraphs(article: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Paragraphs of one article's document: (paragraph, start, end, text); paragraph 0 = headline."""
    row = article.iloc[0] if isinstance(article, pd.DataFrame) else article
    doc = document_text(row.get("title"), row.get("text"))
    spans = paragraph_spans(doc)
    return pd.DataFrame({"paragraph": range(len(spans)), "start": [s for s, _ in spans],
                         "end": [e for _, e in spans], "text": [doc[s:e] for s, e in spans]})


def theme_strip(article: pd.Series | pd.DataFrame, hits: pd.DataFrame,
                theme_list: list[str] | None = None) -> pd.DataFrame:
    """Theme matches per paragraph of one article: (paragraph, theme, hits), zeros included."""
    row = article.iloc[0] if isinstance(article, pd.DataFrame) else article
    paras = paragraphs(row)
    h = hits[hits["article_id"].astype("string") == str(row["article_id"])]
    themes = theme_list or [t for t in schema.ALL_THEMES if t in set(h["theme"])] or sorted(set(h["theme"]))
    starts = paras["start"].tolist()
    para_of = [max(0, sum(1 for s in starts if s <= off) - 1) for off in h["start"].tolist()]
    counts = pd.DataFrame({"paragraph": para_of, "theme": h["theme"].astype(str).tolist()})
    counts = counts.groupby(["paragraph", "theme"]).size().rename("hits")
    grid = pd.MultiIndex.from_product([paras["paragraph"], themes], names=["paragraph", "theme"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    return out.astype({"paragraph": "int64", "hits": "int64"})


def evidence_sentences(article: pd.Series | pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Sentences of one article with theme matches: (theme, sentence_id, terms, sentence)."""
    row = article.iloc[0] if isinstance(article, pd.DataFrame) else article
    doc = document_text(row.get("title"), row.get("text"))
    spans = sentence_spans(doc)
    h = hits[hits["article_id"].astype("string") == str(row["article_id"])]
    if h.empty:
        return pd.DataFrame(columns=["theme", "sentence_id", "terms", "sentence"])
    g = h.groupby(["theme", "sentence_id"])["term"].agg(lambda t: ", ".join(sorted(set(map(str, t)))))
    out = g.rename("terms").reset_index()
    out["sentence"] = [doc[spans[i][0]:spans[i][1]] if 0 <= i < len(spans) else "" for i in out["sentence_id"]]
    order = {t: i for i, t in enumerate(schema.ALL_THEMES)}
    out = out.sort_values(["theme", "sentence_id"], key=lambda s: s.map(order) if s.name == "theme" else s)
    return out.reset_index(drop=True)


def _bucket_counts(articles: pd.DataFrame, column: str) -> tuple[np.ndarray, list[Counter[str]]]:
    """Term counts of each distinct value of ``column`` (NA values form one bucket): (codes, counts)."""
    codes, uniques = pd.factorize(articles[column], use_na_sentinel=True)
    codes = np.where(codes < 0, len(uniques), codes)  # NA rows: the last bucket
    counts = [term_counts(articles[codes == b]) for b in range(len(uniques) + 1)]
    return codes, counts


def _sum_buckets(counts: list[Counter[str]], codes: np.ndarray, mask: np.ndarray) -> Counter[str] | None:
    """Sum the bucket counts of the rows in ``mask`` (None when a bucket is only partly masked)."""
    total: Counter[str] = Counter()
    for b in np.unique(codes):
        inside = mask[codes == b]
        if inside.all():
            total.update(counts[b])
        elif inside.any():
            return None
    return total


def keyness_per_group(articles: pd.DataFrame, column: str = "group", top: int = 15) -> pd.DataFrame:
    """Keyness of each group's articles against all other groups: (group, term, ..., log_odds, z).

    Terms are counted once per group; "others" is the sum of the other groups' counts.
    """
    frames = []
    codes, counts = _bucket_counts(articles, column)
    for g in sorted(articles[column].dropna().unique().tolist()):
        mine = articles[column] == g
        if mine.all() or not mine.any():
            continue
        sides = [np.asarray(m.fillna(False) if hasattr(m, "fillna") else m, dtype=bool) for m in (mine, ~mine)]
        ca, cb = (_sum_buckets(counts, codes, m) for m in sides)
        if ca is None or cb is None:  # a group value split over buckets: count its rows directly
            ca, cb = term_counts(articles[sides[0]]), term_counts(articles[sides[1]])
        try:
            k = keyness_from_counts(ca, cb, top=top, labels=(str(g), "others"))
        except UsageError:  # a group without any terms
            continue
        frames.append(k[k["group"] == str(g)])
    if not frames:
        return pd.DataFrame(columns=["group", "term", "count_a", "count_b", "log_odds", "z"])
    return pd.concat(frames, ignore_index=True)


def theme_keyness(articles: pd.DataFrame, scores: pd.DataFrame, theme: str, top: int = 15) -> pd.DataFrame:
    """Keyness of ``theme``'s articles vs all other coverage (empty when either side has no text)."""
    on, off = theme_articles(articles, scores, theme)
    if on.empty or off.empty:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    try:
        return keyness(on, off, top=top, labels=(theme, "other coverage"))
    except UsageError:  # a group without any terms
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
