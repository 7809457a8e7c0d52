"""Finding-style captions for the report sections: one plain sentence computed from a section's table.

Every function is pure (a table in, a sentence out) and never names a column, a function or a
parameter: the sentence is what a reader should take away from the chart below it. An empty
table gives a sentence saying there is nothing to show, never an error.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2016-01-01", "2017-01-01", "2018-01-01"]),
    ...                   "n_articles_with_theme": [4, 6, 8], "n_articles": [100, 100, 100]})
    >>> attention(t, "trade")
    'Trade was carried by 8% of articles in 2018, up from 4% in 2016.'
    >>> percent(0.0004), percent(0.05), percent(0.123), count(12345)
    ('0.04%', '5%', '12%', '12,345')
    >>> label("security_crime"), chart_label("security_crime"), label("drugs_fentanyl"), label("outlet_name")
    ('security and crime', 'Security and crime', 'drugs and fentanyl', 'outlet name')
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.themes.lexicon import default_label, theme_labels

MIN_GROUP_ARTICLES = 20  # an outlet or group below this many articles is left out of comparisons
_LABELS: list[dict[str, str]] = []  # [the labels of the lexicon set in use] (use_labels); empty until first needed


# ---------------------------------------------------------------------------- wording helpers
def use_labels(labels: Mapping[str, str] | None = None) -> None:
    """Word themes with ``labels`` from now on (``theme_labels`` of the report's lexicon set; None: the shipped set).

    :func:`analysis.notebook.helpers.prepare` and ``score_article`` call it with the lexicon set
    they score with, so a user's own ``label:`` lines reach every finding, chart and table.
    """
    _LABELS[:] = [dict(theme_labels() if labels is None else labels)]  # swapped whole: never seen half-filled


def labels_in_use() -> dict[str, str]:
    """The theme and sub-theme labels findings, charts and tables use (as the lexicons write them)."""
    if not _LABELS:
        use_labels()
    return _LABELS[0]


def keeps_case(written: str) -> bool:
    """True when a label keeps its first capital inside a sentence: it holds a name or an acronym (another
    capital or a digit anywhere after its first letter: "EU rules", "COVID-19 pandemic", "Medicare and
    Medicaid"), its first word has a dot ("U.S. trade") or is a single letter.

    >>> [keeps_case(w) for w in ("Security and crime", "EU rules", "U.S. trade", "X", "Medicare and Medicaid")]
    [False, True, True, True, True]
    """
    first = written.split(" ", 1)[0]
    return len(first) <= 1 or "." in first or any(ch.isupper() or ch.isdigit() for ch in written[1:])


def label(name: object) -> str:
    """A theme, sub-theme or group id as a sentence writes it ("security_crime" -> "security and crime").

    Themes and sub-themes take their lexicon's ``label`` with its first letter lower-cased, unless the
    label holds a name or an acronym (:func:`keeps_case`: "COVID-19 pandemic", "U.S. trade"); anything
    else is its id with underscores as spaces.
    """
    text = str(name)
    written = labels_in_use().get(text)
    if written is None:
        return default_label(text)
    return written if keeps_case(written) else written[:1].lower() + written[1:]


def chart_label(name: object) -> str:
    """A theme, sub-theme or group as a chart or table shows it on its own ("Security and crime")."""
    return capital(label(name))


def capital(text: str) -> str:
    """``text`` with its first letter upper-cased (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def count(n: float) -> str:
    """A count with thousands separators ("12,345")."""
    return f"{int(round(float(n))):,}"


def percent(share: float) -> str:
    """A 0..1 share as a percentage with sensible rounding ("12%", "3.4%", "5%", "0.04%"), the one rule
    of every percentage readers see (sentences, table cells, chart labels); never scientific notation.

    >>> percent(0.00004), percent(-0.00004), percent(float("nan")), percent(pd.NA), percent(-0.25)
    ('<0.01%', '>-0.01%', 'n/a', 'n/a', '-25%')
    """
    if share is None or pd.isna(share):
        return "n/a"
    p = 100 * float(share)
    if p == 0 or abs(p) >= 10:
        return f"{p:.0f}%"
    if abs(p) >= 1:
        return f"{p:.1f}%".replace(".0%", "%")
    if abs(p) >= 0.01:
        return f"{p:.2g}%"
    return "<0.01%" if p > 0 else ">-0.01%"


def plural(n: float, word: str, words: str | None = None) -> str:
    """``"1 article"`` / ``"2,345 articles"``."""
    return f"{count(n)} {word if int(round(float(n))) == 1 else (words or word + 's')}"


def listing(items: list[str]) -> str:
    """Join items as prose ("a", "a and b", "a, b and c")."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def quoted(text: object) -> str:
    """Text in typographic quotes."""
    return f"\u201c{text}\u201d"


def period_name(value: object, freq: str = "") -> str:
    """A period start as prose: "2018" (years), "March 2018" (months, quarters), else the date."""
    ts = pd.Timestamp(value)
    f = (freq or "").upper()
    if f.startswith(("Y", "A")):
        return f"{ts:%Y}"
    if f.startswith("Q"):
        return f"Q{(ts.month - 1) // 3 + 1} {ts:%Y}"
    if f.startswith("M"):
        return f"{ts:%B %Y}"
    if f.startswith("W"):
        return f"the week of {ts:%Y-%m-%d}"
    return f"{ts:%Y-%m-%d}"


def corpus_line(note: str) -> str:
    """The reader part of a source note: "2,724 articles, 6 outlets, 2012-06-01 to 2013-03-31"."""
    parts = str(note).split(" · ", 1)
    return parts[1] if len(parts) == 2 else ""


def _empty(table: pd.DataFrame | None) -> bool:
    """True when there is no table or it has no rows."""
    return table is None or len(table) == 0


def nothing(what: str) -> str:
    """The sentence for a section without data."""
    return f"There is no {what} to show for this selection."


# ---------------------------------------------------------------------------- corpus overview
def volume(counts: pd.DataFrame) -> str:
    """Articles per period by outlet: total dated articles, outlets, and the largest outlet."""
    if _empty(counts) or counts["n_articles"].sum() == 0:
        return nothing("dated article")
    by = counts.groupby("source")["n_articles"].sum().sort_values(ascending=False, kind="stable")
    total = by.sum()
    top, n = by.index[0], by.iloc[0]
    return (f"The selection holds {plural(total, 'dated article')} from {plural(len(by), 'outlet')}; "
            f"{top} published the most ({count(n)}, {percent(n / total)}).")


def theme_mix(mix: pd.DataFrame, freq: str = "MS") -> str:
    """Theme mix over time: the most carried theme overall and its peak period."""
    d = mix[mix["theme"] != "other"] if not _empty(mix) else mix
    if _empty(d) or d["n_articles_with_theme"].sum() == 0:
        return nothing("policy theme")
    all_articles = d.drop_duplicates("period")["n_articles"].sum()
    by = d.groupby("theme")["n_articles_with_theme"].sum().sort_values(ascending=False, kind="stable")
    theme = by.index[0]
    rows = d[(d["theme"] == theme) & (d["n_articles"] > 0)]
    peak = rows.loc[(rows["n_articles_with_theme"] / rows["n_articles"]).idxmax()]
    return (f"{capital(label(theme))} was the most carried theme, in {percent(by.iloc[0] / all_articles)} "
            f"of all articles; its share peaked at {percent(peak['n_articles_with_theme'] / peak['n_articles'])} "
            f"in {period_name(peak['period'], freq)}.")


def theme_totals(totals: pd.DataFrame) -> str:
    """Themes over the whole selection: share without a policy theme and the two most carried themes."""
    if _empty(totals):
        return nothing("article")
    n = int(totals["n_articles"].max())
    d = totals[totals["theme"] != "other"].sort_values("n_articles_with_theme", ascending=False, kind="stable")
    d = d[d["n_articles_with_theme"] > 0]
    other = totals.loc[totals["theme"] == "other", "n_articles_with_theme"].sum()
    lead = [f"{label(r.theme)} ({percent(r.n_articles_with_theme / n)})" for r in d.head(2).itertuples()]
    if not lead:
        return f"Not one of the {plural(n, 'article')} carries a policy theme."
    none = f", {percent(other / n)} carry no policy theme" if other > 0 else ""
    return f"Of {plural(n, 'article')}{none}; the most carried themes are {listing(lead)}." if none else (
        f"Of {plural(n, 'article')}, the most carried themes are {listing(lead)}.")


def cooccurrence(pairs: pd.DataFrame) -> str:
    """Theme co-occurrence: the pair of different themes most often carried together."""
    d = pairs
    if not _empty(d):
        d = d.groupby(["theme_a", "theme_b"], as_index=False)["n_articles"].sum()
        d = d[(d["theme_a"] < d["theme_b"]) & (d["n_articles"] > 0)]
    if _empty(d):
        return "No article carries two policy themes at once in this selection."
    top = d.sort_values(["n_articles", "theme_a", "theme_b"], ascending=[False, True, True]).iloc[0]
    return (f"{capital(label(top['theme_a']))} and {label(top['theme_b'])} appear together most often: "
            f"{plural(top['n_articles'], 'article carries', 'articles carry')} both.")


def outlet_gap(shares: pd.DataFrame, min_articles: int = MIN_GROUP_ARTICLES) -> str:
    """Outlets x themes: the theme whose share differs most between outlets (outlets with enough articles)."""
    d = shares[(shares["theme"] != "other") & (shares["n_articles"] >= min_articles)] if not _empty(shares) else shares
    if _empty(d) or d["source"].nunique() < 2:
        return (f"Fewer than two outlets have {min_articles} or more articles, too few to compare "
                f"outlets reliably.")
    d = d.assign(s=d["n_articles_with_theme"] / d["n_articles"])
    spread = d.groupby("theme")["s"].agg(lambda s: s.max() - s.min()).sort_values(ascending=False, kind="stable")
    theme = spread.index[0]
    rows = d[d["theme"] == theme].sort_values("s", kind="stable")
    lo, hi = rows.iloc[0], rows.iloc[-1]
    return (f"Outlets differ most on {label(theme)}: {percent(hi['s'])} of {hi['source']} articles carry it, "
            f"against {percent(lo['s'])} of {lo['source']} articles.")


def quality(checks: pd.DataFrame) -> str:
    """Data quality: the store size and the problems that occur (only the non-zero ones)."""
    if _empty(checks):
        return nothing("data-quality count")
    n = dict(zip(checks["check"], checks["n"]))
    total = int(n.get("articles in store", 0))
    problems = {k: v for k, v in n.items() if k != "articles in store" and v > 0}
    if not problems:
        return (f"All {plural(total, 'article')} in the store have a date and a text, none is flagged as a "
                f"duplicate and the last ingest skipped nothing.")
    words = {"articles without a date": "have no date", "articles with empty text": "have an empty text"}
    parts = []
    for k, v in problems.items():
        if k.startswith("duplicates"):
            parts.append(f"{count(v)} ({percent(v / total)}) are flagged as duplicates" if total else "")
        elif k.startswith("ingest skipped"):
            parts.append(f"the last ingest skipped {plural(v, 'item')} ({k.split(':', 1)[1].strip()})")
        else:
            parts.append(f"{count(v)} ({percent(v / total)}) {words.get(k, k)}" if total else "")
    return f"Of {plural(total, 'article')} in the store, {listing(parts)}."


# ---------------------------------------------------------------------------- theme report
def theme_count(n_on: int, n_all: int, theme: str) -> str:
    """How many selected articles carry the theme."""
    if not n_all:
        return nothing("article")
    return (f"{count(n_on)} of the {plural(n_all, 'selected article')} ({percent(n_on / n_all)}) carry "
            f"the theme {label(theme)}.")


def attention(table: pd.DataFrame, theme: str, min_articles: int = MIN_GROUP_ARTICLES) -> str:
    """Attention over time: the theme's share in the latest year against the first (years with at
    least ``min_articles`` articles when two or more have that many)."""
    d = table[table["n_articles"] > 0] if not _empty(table) else table
    if _empty(d):
        return nothing("dated article")
    name = capital(label(theme))
    years = d.groupby(pd.to_datetime(d["period"]).dt.year)[["n_articles_with_theme", "n_articles"]].sum()
    enough = years[years["n_articles"] >= min_articles]
    years = enough if len(enough) >= 2 else years  # years with few articles give unstable shares
    share = years["n_articles_with_theme"] / years["n_articles"]
    if len(years) == 1:
        y = years.iloc[0]
        return (f"{name} was carried by {percent(share.iloc[0])} of articles in {years.index[0]} "
                f"({count(y['n_articles_with_theme'])} of {count(y['n_articles'])}).")
    first, last = share.index[0], share.index[-1]
    direction = ("up from" if share[last] > share[first] else "down from" if share[last] < share[first]
                 else "the same as")
    return f"{name} was carried by {percent(share[last])} of articles in {last}, {direction} {percent(share[first])} in {first}."


def outlet_attention(shares: pd.DataFrame, theme: str, min_articles: int = MIN_GROUP_ARTICLES) -> str:
    """Attention by outlet: which outlet carried the theme most and least often over the whole span."""
    d = shares[shares["theme"] == theme] if not _empty(shares) else shares
    if _empty(d):
        return nothing("outlet")
    by = d.groupby("source")[["n_articles_with_theme", "n_articles"]].sum()
    by = by[by["n_articles"] >= min_articles]
    if len(by) < 2:
        return f"Fewer than two outlets have {min_articles} or more articles, too few to compare outlets."
    s = (by["n_articles_with_theme"] / by["n_articles"]).sort_values(kind="stable")
    return (f"Among outlets with at least {min_articles} articles, {s.index[-1]} carried {label(theme)} most "
            f"often ({percent(s.iloc[-1])} of its articles) and {s.index[0]} least ({percent(s.iloc[0])}).")


def top_item(table: pd.DataFrame, name: str, value: str, what: str, unit: tuple[str, str],
             context: str = "") -> str:
    """Generic "the most ... is X, with N units" sentence for a ranked table."""
    if _empty(table):
        return nothing(what)
    d = table.sort_values(value, ascending=False, kind="stable")
    first = d.iloc[0]
    rest = [quoted(v) if what.endswith(("term", "word pair")) else str(v) for v in d[name].iloc[1:3]]
    head = quoted(first[name]) if what.endswith(("term", "word pair")) else str(first[name])
    more = f", followed by {listing(rest)}" if rest else ""
    return (f"The most frequent {what}{context} is {head}, with {plural(first[value], *unit)}{more}.")


def subthemes(table: pd.DataFrame, theme: str) -> str:
    """Sub-themes: the sub-theme mentioned by most of the theme's articles."""
    d = table[(table["theme"] == theme) & (table["n_articles"] > 0)] if not _empty(table) else table
    if _empty(d):
        return nothing("sub-theme")
    d = d.assign(subtheme=d["subtheme"].map(label))
    return top_item(d, "subtheme", "n_articles", "sub-theme", ("article", "articles"), f" of {label(theme)}")


def matched_terms(table: pd.DataFrame, theme: str) -> str:
    """Top matched terms: the lexicon term matched most often."""
    return top_item(table, "term", "n_hits", "term", ("match", "matches"), f" of {label(theme)}")


def collocations(table: pd.DataFrame) -> str:
    """Collocations: the most frequent recurring word pair."""
    return top_item(table, "ngram", "freq", "word pair", ("occurrence", "occurrences"))


def keyness(table: pd.DataFrame, theme: str) -> str:
    """Distinctive terms: the words most typical of the theme's articles."""
    if _empty(table):
        return nothing("distinctive word")
    mine = table[(table["group"].astype(str) == theme) & (table["z"] > 0)].sort_values("z", ascending=False)
    if mine.empty:
        return nothing("distinctive word")
    words = listing([quoted(t) for t in mine["term"].head(3)])
    return f"The words most distinctive of {label(theme)} coverage, against all other coverage, are {words}."


def tone(table: pd.DataFrame, theme: str, freq: str = "MS") -> str:
    """Tone over time: the article-weighted mean tone and its lowest period."""
    d = table.dropna(subset=["mean_compound"]) if not _empty(table) else table
    if _empty(d):
        return nothing("tone score")
    w = d["n_articles"].clip(lower=0)
    mean = float((d["mean_compound"] * w).sum() / w.sum()) if w.sum() else float(d["mean_compound"].mean())
    low = d.loc[d["mean_compound"].idxmin()]
    mood = "negative" if mean < -0.05 else "positive" if mean > 0.05 else "neutral"
    return (f"Sentences about {label(theme)} were {mood} on average ({mean:+.2f} on a scale from -1 to +1), "
            f"most negative in {period_name(low['period'], freq)} ({low['mean_compound']:+.2f}).")


def mentions(table: pd.DataFrame, what: str, theme: str) -> str:
    """Places / people and organisations: the name mentioned in most of the theme's articles."""
    return top_item(table, "name", "n_articles", what, ("article", "articles"), f" in {label(theme)} coverage")


def countries(table: pd.DataFrame, theme: str) -> str:
    """Countries by theme of the sentence: the country mentioned in most articles (any theme column)."""
    if _empty(table) or "country" not in table.columns:
        return nothing("country")
    values = table.drop(columns="country").select_dtypes("number")
    col = theme if theme in values.columns else None
    score = values[col] if col else values.sum(axis=1)
    i = score.idxmax()
    where = f"sentences about {label(theme)}" if col else "the theme's articles"
    return f"{table.loc[i, 'country']} is the country mentioned in most articles in {where} ({count(score[i])})."


def who_is_quoted(table: pd.DataFrame, theme: str) -> str:
    """Who is quoted: the most quoted speaker and their share of attributed quotations."""
    if _empty(table):
        return f"No quotation in {label(theme)} sentences could be attributed to a speaker."
    top = table.iloc[0]
    return (f"{top['speaker']} is quoted most often in {label(theme)} coverage: {plural(top['quotes'], 'quotation')} "
            f"({percent(top['share'])} of attributed quotations) in {plural(top['articles'], 'article')} from "
            f"{plural(top['outlets'], 'outlet')}.")


def quotes(table: pd.DataFrame, theme: str) -> str:
    """Quotes: how many of the most recent quotations are shown and how many name their speaker."""
    if _empty(table):
        return f"No direct quotation was found in {label(theme)} sentences."
    named = int(table["speaker"].notna().sum()) if "speaker" in table.columns else 0
    return (f"The {plural(len(table), 'most recent quotation')} in {label(theme)} sentences are listed below; "
            f"{count(named)} name their speaker.")


def amounts(table: pd.DataFrame, theme: str) -> str:
    """Amounts: how many recent amounts are shown, by kind of unit."""
    if _empty(table):
        return f"No amount (money, percentage or quantity) was found in {label(theme)} sentences."
    units = table["unit"].fillna("other").astype(str).value_counts()
    parts = [f"{count(v)} in {u}" for u, v in units.head(3).items()]
    return f"The {plural(len(table), 'most recent amount')} cited in {label(theme)} sentences: {listing(parts)}."


def kwic(table: pd.DataFrame, theme: str) -> str:
    """Keyword in context: how many lines from how many articles, and the most frequent match."""
    if _empty(table):
        return nothing("match")
    n_art = table["article_id"].nunique() if "article_id" in table.columns else 0
    word = table["match"].astype(str).str.lower().value_counts().index[0]
    return (f"{plural(len(table), 'sample line')} from {plural(n_art, 'article')} show how {label(theme)} "
            f"terms are used; the most frequent match is {quoted(word)}.")


def cooccurring(table: pd.DataFrame, theme: str) -> str:
    """Co-occurring themes: the other theme most often carried by the theme's articles."""
    d = table[table["n_articles"] > 0] if not _empty(table) else table
    if _empty(d):
        return f"No article that carries {label(theme)} carries another policy theme."
    top = d.sort_values("share_of_theme_articles", ascending=False, kind="stable").iloc[0]
    return (f"Of the articles that carry {label(theme)}, {percent(top['share_of_theme_articles'])} also carry "
            f"{label(top['co_theme'])}, the most frequent companion theme.")


def top_articles(table: pd.DataFrame, theme: str) -> str:
    """The most on-theme articles: the first one, with its outlet, date and matches per 1,000 words."""
    if _empty(table):
        return nothing(f"article carrying {label(theme)}")
    top = table.iloc[0]
    when = pd.to_datetime(top.get("date"), errors="coerce")
    where = ", ".join(x for x in (str(top.get("source") or ""), f"{when:%Y-%m-%d}" if pd.notna(when) else "") if x)
    return (f"The most on-theme article is {quoted(top['title'])}" + (f" ({where})" if where else "")
            + f", with {top['hits_per_1k_words']:.1f} {label(theme)} matches per 1,000 words.")


# ---------------------------------------------------------------------------- article brief
def brief(scores: pd.DataFrame, chosen_for: str = "") -> str:
    """Article themes: the themes the article carries and its strongest one."""
    if _empty(scores) or scores["hits"].sum() == 0:
        return "The article matches no policy theme." + (f" {chosen_for}" if chosen_for else "")
    d = scores.sort_values("hits", ascending=False, kind="stable")
    carried = [label(t) for t in d.loc[d["present"].astype(bool), "theme"]]
    top = d.iloc[0]
    head = (f"The article carries {listing(carried)}" if carried else "The article carries no policy theme")
    return (f"{head}; its strongest theme is {label(top['theme'])} with {plural(top['hits'], 'match', 'matches')}."
            + (f" {chosen_for}" if chosen_for else ""))


def strip(table: pd.DataFrame) -> str:
    """Theme strip: where in the article the strongest theme comes in and where it peaks."""
    if _empty(table) or table["hits"].sum() == 0:
        return "No paragraph of the article matches a policy theme."
    theme = table.groupby("theme")["hits"].sum().idxmax()
    d = table[(table["theme"] == theme) & (table["hits"] > 0)]
    first = int(d["paragraph"].min())
    peak = d.loc[d["hits"].idxmax()]
    where = "in the headline" if first == 0 else f"in paragraph {first}"
    return (f"{capital(label(theme))} first appears {where} and peaks in paragraph {int(peak['paragraph'])} "
            f"({plural(peak['hits'], 'match', 'matches')}).")


def evidence(table: pd.DataFrame) -> str:
    """Evidence sentences: how many sentences hold theme matches, for how many themes."""
    if _empty(table):
        return "No sentence of the article matches a policy theme."
    return (f"{plural(table['sentence_id'].nunique(), 'sentence')} hold matches for "
            f"{plural(table['theme'].nunique(), 'theme')}; each is listed with the terms that matched.")


def found(table: pd.DataFrame, what: str, whats: str) -> str:
    """A count sentence for an extractor's table ("The article contains 3 quotations.")."""
    if _empty(table):
        return f"The article contains no {whats}."
    return f"The article contains {plural(len(table), what, whats)}."


# ---------------------------------------------------------------------------- compare
def groups(grouped: pd.DataFrame, group_label: str = "group") -> str:
    """The groups compared and their sizes ("left (120 articles), center (100) and right (80)").

    >>> groups(pd.DataFrame({"group": ["left", "right", "left"]}), "source bias")
    'Groups compared by source bias: left (2 articles) and right (1).'
    """
    if _empty(grouped):
        return "There is no article to compare."
    sizes = grouped["group"].value_counts()
    parts = [f"{label(g)} ({plural(n, 'article') if i == 0 else count(n)})" for i, (g, n) in enumerate(sizes.items())]
    return f"Groups compared by {label(group_label)}: {listing(parts)}."


def article_line(article: pd.DataFrame) -> str:
    """One article as prose: its headline, outlet, date and length.

    >>> article_line(pd.DataFrame({"title": ["Tariffs rise"], "source": ["AP"], "date": ["2024-01-02"],
    ...                            "n_words": [812]}))
    '“Tariffs rise”, AP, 2024-01-02, 812 words.'
    """
    row = article.iloc[0]
    when = pd.to_datetime(row.get("date"), errors="coerce")
    parts = [quoted(row.get("title") or "untitled")]
    if isinstance(row.get("source"), str) and row.get("source"):
        parts.append(str(row["source"]))
    parts.append(f"{when:%Y-%m-%d}" if pd.notna(when) else "undated")
    words = row.get("n_words")
    if words is not None and not pd.isna(words):
        parts.append(plural(words, "word"))
    return ", ".join(parts) + "."


def compare(shares: pd.DataFrame, group_label: str = "group") -> str:
    """Theme shares per group: the theme whose share differs most between the groups."""
    d = shares[shares["theme"] != "other"] if not _empty(shares) else shares
    if _empty(d) or d["group"].nunique() < 2:
        return "There are fewer than two groups to compare."
    spread = d.groupby("theme")["share"].agg(lambda s: s.max() - s.min()).sort_values(ascending=False, kind="stable")
    theme = spread.index[0]
    rows = d[d["theme"] == theme].sort_values("share", kind="stable")
    lo, hi = rows.iloc[0], rows.iloc[-1]
    apart = ("their 95% intervals do not overlap" if hi["ci_low"] > lo["ci_high"]
             else "their 95% intervals overlap, so the data cannot tell them apart")
    return (f"The groups differ most on {label(theme)}: {percent(hi['share'])} of {label(hi['group'])} articles "
            f"carry it against {percent(lo['share'])} of {label(lo['group'])} articles; {apart}.")


def distinctive(table: pd.DataFrame) -> str:
    """Distinctive terms per group: the top word of each group."""
    d = table[table["z"] > 0] if not _empty(table) else table
    if _empty(d):
        return nothing("distinctive word")
    tops = d.sort_values("z", ascending=False).groupby("group", sort=True).head(1)
    parts = [f"{quoted(r.term)} for {label(r.group)}" for r in tops.itertuples()]
    return f"The most distinctive word of each group: {listing(parts)}."
