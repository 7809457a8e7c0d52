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
from analysis.aggregate.text_counts import count_speakers, who_is_quoted_from_counts
from analysis.errors import UsageError
from analysis.frames import isin
from analysis.notebook.findings import capital, chart_label, label, labels_in_use
from analysis.notebook.findings import percent as percentage
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
    q = with_theme(quotes, theme)
    q = q[q["speaker"].notna()] if "speaker" in q else q.iloc[0:0]
    if q.empty:
        return pd.DataFrame(columns=WHO_IS_QUOTED_COLUMNS)
    if "speaker_type" not in q:
        q = q.assign(speaker_type="person")
    q = q.astype({"article_id": "string"}).reset_index(drop=True)
    meta = _meta(articles).drop_duplicates("article_id").set_index("article_id")["source"]
    counted = count_speakers(q, q["article_id"].map(meta), theme or "", pd.Series(range(len(q))))
    return who_is_quoted_from_counts(counted["speakers"], counted["speaker_articles"], counted["shared_speakers"],
                                     theme or "", n=n)


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


# ---------------------------------------------------------------------------- reader display
READER_NAMES: dict[str, str] = {
    "period": "Period", "theme": "Theme", "co_theme": "Other theme", "theme_a": "Theme", "theme_b": "With theme",
    "subtheme": "Sub-theme", "source": "Outlet", "outlet": "Outlet", "group": "Group", "date": "Date",
    "title": "Title", "url": "Link", "section": "Section", "byline": "Byline", "n_words": "Words",
    "n_articles_with_theme": "Articles carrying the theme", "n_articles": "Articles",
    "n_articles_mentioning": "Articles mentioning the theme", "mention_share": "Share mentioning the theme",
    "share": "Share of articles", "ci_low": "95% interval from", "ci_high": "95% interval to",
    "share_of_theme_articles": "Share of the theme's articles", "share_of_articles": "Share of articles",
    "share_of_sentences": "Share of sentences with a match", "hits": "Theme matches",
    "hits_per_1k_words": "Matches per 1,000 words", "present": "Carried", "n_hits": "Matches",
    "n_mentions": "Mentions", "term": "Term", "ngram": "Word pair", "freq": "Occurrences", "score": "Score",
    "count_a": "Count in the theme's articles", "count_b": "Count in other articles", "log_odds": "Log-odds ratio",
    "z": "z-score", "mean_compound": "Mean tone (-1 to +1)", "speaker": "Speaker", "speaker_type": "Speaker type",
    "quote": "Quote", "quotes": "Quotations", "articles": "Articles", "outlets": "Outlets",
    "top_outlets": "Outlets quoting most", "value": "Value", "unit": "Unit", "object": "What it measures",
    "sentence": "Sentence", "text": "Text", "left": "Before", "match": "Match", "right": "After",
    "check": "Check", "n": "Count", "kind": "Kind", "name": "Name", "country": "Country",
    "paragraph": "Paragraph", "terms": "Matched terms", "sentence_id": "Sentence", "label": "Label",
    "canonical": "Canonical name", "iso_country": "Country code", "count": "Mentions", "rule": "Rule",
    "speaker_mention": "Speaker as written", "compound": "Tone", "themes": "Themes", "primary": "Primary",
}
PERCENT_COLUMNS: frozenset[str] = frozenset({
    "share", "ci_low", "ci_high", "mention_share", "share_of_theme_articles", "share_of_articles",
    "share_of_sentences"})
LABEL_COLUMNS: frozenset[str] = frozenset({"theme", "co_theme", "theme_a", "theme_b", "subtheme"})
HIDDEN_COLUMNS: tuple[str, ...] = ("article_id", "start", "end", "origin", "dup_of", "period_label", "rule",
                                   "compound_sum")
READER_VALUES: dict[str, str] = {"duplicates flagged (dup_of set)": "duplicates flagged"}


def format_number(value: object, percent: bool = False) -> str:
    """A number for readers: thousands separators, sensible rounding, never scientific notation.

    >>> [format_number(v) for v in (12345, 3.7e11, 6.94e-18, 0.4567, 12.345, True)]
    ['12,345', '370,000,000,000', '0', '0.457', '12.3', 'yes']
    >>> format_number(0.0812, percent=True), format_number(0.05, percent=True), format_number(float("nan"))
    ('8.1%', '5%', '')
    """
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    if percent:
        return percentage(v)
    if v == int(v) or abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    text = (f"{v:.2f}" if abs(v) >= 1 else f"{v:.3f}").rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_cell(value: object) -> str:
    """One cell as readers see it: numbers as :func:`format_number`, dates as YYYY-MM-DD (and the
    time when there is one), lists joined (themes by their labels, as the Theme column writes them:
    "Trade, security and crime"; anything else as it is), missing values empty.

    >>> format_cell(["trade", "security_crime"]), format_cell(["nyt_2024_01"]), format_cell(None)
    ('Trade, security and crime', 'nyt_2024_01', '')
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        known = labels_in_use()
        parts = [label(v) if str(v) in known else str(v) for v in list(value)]
        return ", ".join([capital(parts[0]), *parts[1:]] if parts and str(value[0]) in known else parts)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)):
        return format_number(value)
    if value is None or (not isinstance(value, (dict, str)) and pd.isna(value)):
        return ""
    return READER_VALUES.get(value, value) if isinstance(value, str) else str(value)


def reader_table(df: pd.DataFrame, names: dict[str, str] | None = None,
                 hide: tuple[str, ...] = HIDDEN_COLUMNS) -> pd.DataFrame:
    """The table as readers see it: human column names, formatted numbers, theme labels, ids hidden.

    The CSVs keep the machine table; this is only for display. ``names`` adds or overrides
    column names (e.g. ``{"count_a": "In trade articles"}``).

    >>> t = pd.DataFrame({"theme": ["security_crime"], "n_articles_with_theme": [1234], "share": [0.0812],
    ...                   "article_id": ["a1"]})
    >>> reader_table(t).to_dict("records")
    [{'Theme': 'Security and crime', 'Articles carrying the theme': '1,234', 'Share of articles': '8.1%'}]
    """
    out = df.drop(columns=[c for c in hide if c in df.columns]).copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else format_cell(pd.Timestamp(v)))
        elif pd.api.types.is_bool_dtype(s) or (pd.api.types.is_numeric_dtype(s)):
            out[col] = s.map(lambda v, p=str(col) in PERCENT_COLUMNS: format_number(v, percent=p))
        elif col in LABEL_COLUMNS:
            out[col] = s.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else chart_label(v))
        else:
            out[col] = s.map(format_cell)
    mapping = {**READER_NAMES, **(names or {})}
    out.columns = [mapping.get(str(c), chart_label(c)) for c in out.columns]  # theme columns: their labels
    return out
