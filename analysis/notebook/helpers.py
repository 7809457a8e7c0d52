"""One-call helpers for the report notebooks: load a corpus slice with its theme scores, show
HTML-escaped tables and reader sections (finding, chart, table), resolve output paths. Notebooks stay
thin: parameters -> these -> charts -> ``show_section``.

    >>> import pandas as pd
    >>> "&lt;script&gt;" in table_html(pd.DataFrame({"title": ["<script>alert(1)</script>"]}))
    True
"""
from __future__ import annotations

import base64
import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from analysis import config
from analysis.aggregate import selection
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import kept_versions, load_corpus, version_dir
from analysis.errors import StoreError, UsageError
from analysis.notebook import findings, plotting, tables
from analysis.spreadsheet import write_reader_csv
from analysis.themes import scoring
from analysis.themes.cache import load_scores
from analysis.themes.lexicon import lexicon_fingerprint, theme_labels, with_user_lexicons

log = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
SAMPLE_ARTICLE: Path = config.SAMPLE_DIR / "text" / "000_border_trade_brief.txt"


@dataclass
class Corpus:
    """A selected slice of the store: articles, theme scores/hits/article themes, and a source note."""

    articles: pd.DataFrame
    scores: pd.DataFrame
    hits: pd.DataFrame
    article_themes: pd.DataFrame
    note: str
    store: Path | None = None
    params: dict = field(default_factory=dict)
    store_version: str = ""


def store_or_default(store: str | Path | None) -> Path:
    """Return the store folder: the parameter if non-empty, else ``config.PROCESSED_DIR``."""
    return config.store_dir(store or None)


def check_version(store: Path, store_version: str = "") -> str:
    """Return ``store_version`` ("" = the current one) after checking ``store`` still has it.

    A name the store does not have is a one-line UsageError that names the versions it keeps.
    """
    if not store_version:
        return ""
    try:
        version_dir(store, store_version)
    except StoreError:
        have = ", ".join(kept_versions(store)) or "none"
        raise UsageError(f"store version {store_version!r} is not in {store} (it has: {have}); run the "
                         f"report again, or leave store_version empty to read the current version") from None
    return store_version


def _load_articles(store: Path, start: str | None, end: str | None, outlets: list[str],
                   store_version: str = "") -> pd.DataFrame:
    """Load the article table of ``store`` (pushing the date/outlet filters down to the reader)."""
    return load_corpus(store=store, start=start or None, end=end or None, sources=outlets or None,
                       version=store_version or None)


def score_articles(articles: pd.DataFrame, store: Path | None = None,
                   store_version: str = "", lexicons: str | Path = "") -> dict[str, pd.DataFrame]:
    """Theme scores, hits and article themes for ``articles`` (the store's cache when available).

    The cache is checked against the articles of the same store version (``store_version``, "" =
    the current one) that ``articles`` were read from, so scores never come from another version.
    ``lexicons`` is a folder of user themes added to the shipped ones (a same-named theme replaces
    the shipped one; "" = the shipped themes only); each lexicon set has its own cache. Findings,
    charts and tables word the themes with this set's labels from then on (``findings.use_labels``).
    """
    ids = set(articles["article_id"].astype(str))
    lex = with_user_lexicons(lexicons or None)
    findings.use_labels(theme_labels(lex))
    if store is not None:
        got = load_scores(store=store, lexicons=lex, version=store_version or None)
        return {k: v[v["article_id"].astype(str).isin(ids)].reset_index(drop=True) for k, v in got.items()
                if k in ("scores", "hits", "article_themes")}
    scores = scoring.score_themes(articles, lex)
    return {"scores": scores, "hits": scoring.theme_hits(articles, lex),
            "article_themes": scoring.article_themes(scores)}


def prepare(store: str | Path | None = "", start: str = "", end: str = "", outlets: str | list[str] = "",
            exclude_duplicates: bool = True, corpus_label: str = "", store_version: str = "",
            lexicons: str | Path = "") -> Corpus:
    """Load articles (date range inclusive, outlets, duplicates excluded) with their theme scores.

    ``store_version`` pins one committed version of the store (e.g. ``"v000012"``; "" = the
    current one): the articles and the scores both come from it. ``lexicons``: a folder of user
    themes added to the shipped ones (same-named themes replaced); "" = the shipped themes.
    """
    folder = store_or_default(store)
    if not (folder / config.ARTICLES_DATASET).exists():
        raise UsageError(f"no article store at {folder}: run `python -m analysis ingest PATH --store {folder}`")
    store_version = check_version(folder, store_version)
    names = selection.parse_list(outlets)
    if names:  # the store's own spelling ("new york times news" -> "New York Times - News"), or a did-you-mean
        known = load_corpus(store=folder, columns=["source"], version=store_version or None)["source"]
        names = selection.match_outlets(names, known.dropna().astype(str).unique())
    articles = _load_articles(folder, start, end, names, store_version)
    articles = selection.select_articles(articles, start or None, end or None, names, exclude_duplicates)
    articles = articles.reset_index(drop=True)
    scored = score_articles(articles, folder, store_version, lexicons)
    label = corpus_label or f"Source: article store '{folder.name}'"
    note = plotting.source_note(articles, label)
    params = {"store": str(folder), "start": start, "end": end, "outlets": names,
              "exclude_duplicates": exclude_duplicates, "store_version": store_version, "lexicons": str(lexicons or "")}
    log.info("prepared %d articles from %s (version %s)", len(articles), folder, store_version or "current")
    return Corpus(articles, scored["scores"], scored["hits"], scored["article_themes"], note, folder, params,
                  store_version)


def load_article(article_id: str = "", path: str = "", store: str | Path | None = "",
                 store_version: str = "") -> pd.DataFrame:
    """One article as a one-row table: from ``path`` (read with the loaders), else ``article_id``
    in the store (version ``store_version``, "" = the current one); one of them is required
    (:func:`brief_article` picks the most on-theme article of a selection instead)."""
    if article_id:
        folder = store_or_default(store)
        arts = load_corpus(store=folder, version=check_version(folder, store_version) or None)
        row = arts[arts["article_id"].astype(str) == article_id]
        if row.empty:
            raise UsageError(f"article_id {article_id!r} not found in {store_or_default(store)}")
        return row.reset_index(drop=True)
    if not path:
        raise UsageError("give an article_id or a path (or leave both empty in the article brief to brief "
                         "the most on-theme article of the selection)")
    target = Path(path)
    if not target.exists():
        raise UsageError(f"article file not found: {target}")
    arts, skipped = read_articles([target])
    if arts.empty:
        raise UsageError(f"could not read an article from {target}: {skipped}")
    return arts.head(1).reset_index(drop=True)


def most_on_theme(corpus: Corpus, theme: str = "") -> pd.DataFrame:
    """The article of ``corpus`` that carries ``theme`` (any theme when "") most strongly, as a one-row table.

    Ranked by theme matches per 1,000 words, then matches, then article id (deterministic);
    a one-line UsageError when no selected article carries the theme.
    """
    s = corpus.scores[corpus.scores["present"].astype(bool)]
    s = s[s["theme"] != "other"]
    if theme:
        s = s[s["theme"] == theme]
    if s.empty:
        what = f"the theme {theme!r}" if theme else "a policy theme"
        raise UsageError(f"no selected article carries {what}: widen the dates or outlets, or give an "
                         f"article_id or path")
    s = s.astype({"article_id": "string"}).sort_values(["hits_per_1k_words", "hits", "article_id"],
                                                       ascending=[False, False, True], kind="stable")
    best = str(s["article_id"].iloc[0])
    return corpus.articles[corpus.articles["article_id"].astype(str) == best].head(1).reset_index(drop=True)


def brief_article(article_id: str = "", path: str = "", store: str | Path | None = "", store_version: str = "",
                  theme: str = "", start: str = "", end: str = "", outlets: str | list[str] = "",
                  exclude_duplicates: bool = True, lexicons: str | Path = "") -> tuple[pd.DataFrame, str]:
    """The article the brief reads and why: ``article_id``/``path`` when given, else the most
    on-theme article (of ``theme``, or of any theme) of the selected store, dates and outlets.

    Returns (one-row article table, a sentence for readers saying how it was chosen).
    """
    if article_id or path:
        return load_article(article_id, path, store, store_version), ""
    corpus = prepare(store, start, end, outlets, exclude_duplicates, store_version=store_version, lexicons=lexicons)
    article = most_on_theme(corpus, theme)
    what = f"about {findings.label(theme)}" if theme else "about any policy theme"
    span = findings.corpus_line(corpus.note)
    return article, (f"It was chosen as the most on-theme article {what} (most theme matches per 1,000 words) "
                     f"of the selection" + (f": {span}." if span else "."))


def score_article(article: pd.DataFrame, lexicons: str | Path = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(theme scores, theme hits) of one article with the shipped themes plus ``lexicons`` ("" = shipped only);
    findings, charts and tables word the themes with this set's labels from then on."""
    lex = with_user_lexicons(lexicons or None)
    findings.use_labels(theme_labels(lex))
    return scoring.score_themes(article, lex), scoring.theme_hits(article, lex)


def article_note(article: pd.DataFrame) -> str:
    """Source line for one article: its outlet (or file name) and date."""
    row = article.iloc[0]
    origin = str(row.get("origin") or "")
    where = row.get("source") if isinstance(row.get("source"), str) and row.get("source") else Path(origin.split(":")[0]).name
    date = pd.to_datetime(row.get("date"), errors="coerce")
    return f"Source: {where}" + (f", {date:%Y-%m-%d}" if pd.notna(date) else " (undated)") + f" · article {row['article_id']}"


def out_path(out_dir: str | Path, name: str) -> Path:
    """Return ``out_dir/name`` (the stem for a chart or table), creating ``out_dir``."""
    folder = Path(out_dir or ".")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _cell(value: object, max_chars: int, links: bool, hosts: bool = False) -> str:
    """One escaped table cell (the text of :func:`analysis.notebook.tables.format_cell`); http(s) URLs
    become links with an escaped href (shown as their host name with ``hosts``)."""
    text = tables.format_cell(value)
    short = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
    if links and _URL.match(text) and not any(ch.isspace() for ch in text):
        shown = (urlparse(text).hostname or short).removeprefix("www.") if hosts else short
        return (f'<td><a href="{html.escape(text, quote=True)}" rel="noopener noreferrer">'
                f"{html.escape(shown)}</a></td>")
    return f"<td>{html.escape(short)}</td>"


def table_html(df: pd.DataFrame, max_rows: int = 30, max_chars: int = 300, links: bool = True,
               hosts: bool = False) -> str:
    """Render a table as HTML with every cell and header escaped (http(s) URLs become safe links)."""
    view = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in view.columns)
    rows = "".join("<tr>" + "".join(_cell(v, max_chars, links, hosts) for v in row) + "</tr>\n"
                   for row in view.itertuples(index=False, name=None))
    more = (f"<caption>The first {max_rows:,} of {len(df):,} rows; the CSV file holds all of them.</caption>"
            if len(df) > max_rows else "")
    return (f'<table class="dataframe report-table">{more}<thead><tr>{head}</tr></thead>'
            f"<tbody>\n{rows}</tbody></table>")


def show_table(df: pd.DataFrame, max_rows: int = 30, max_chars: int = 300, links: bool = True,
               csv: str | Path | None = None) -> None:
    """Display a table (HTML-escaped) in the notebook; with ``csv=`` also save all its rows there.

    The CSV is a reader CSV (:func:`analysis.spreadsheet.write_reader_csv`): cells such as
    ``=HYPERLINK(...)`` in a title are written as ``'=HYPERLINK(...)``; numbers stay unchanged.
    """
    from IPython.display import HTML, display

    if csv is not None:
        write_reader_csv(df, csv, index=False)
    if df.empty:
        display(HTML("<p><em>No rows for these parameters.</em></p>"))
        return
    display(HTML(table_html(df, max_rows, max_chars, links)))


def chart_html(chart: plotting.Chart, alt: str = "") -> str:
    """The chart as an ``<img>`` (PNG data URI) with alt text (its title and measure unless ``alt``)."""
    text = alt or plotting.alt_text(chart.fig)
    data = base64.b64encode(plotting.png_bytes(chart.fig)).decode("ascii")
    return (f'<figure class="pn-chart"><img alt="{html.escape(text, quote=True)}" '
            f'src="data:image/png;base64,{data}"></figure>')


def section_html(caption: str, chart_part: str = "", table: pd.DataFrame | None = None,
                 names: dict[str, str] | None = None, max_rows: int = 30, max_chars: int = 300,
                 summary: str = "") -> str:
    """One reader section: the finding, then the chart, then the table folded in a ``<details>`` box."""
    parts = [f'<p class="pn-finding">{html.escape(caption)}</p>', chart_part]
    if table is not None and len(table):
        shown = tables.reader_table(table, names)
        what = summary or ("The numbers behind the chart" if chart_part else "The table")
        rows = f"{len(table):,} row{'s' if len(table) != 1 else ''}"
        parts.append(f'<details class="pn-table"><summary>{html.escape(what)} ({rows})</summary>'
                     f'<div class="pn-scroll">{table_html(shown, max_rows, max_chars, hosts=True)}</div></details>')
    return "".join(parts)


def show_section(caption: str, chart: plotting.Chart | None = None, table: pd.DataFrame | None = None, *,
                 alt: str = "", csv: str | Path | None = None, names: dict[str, str] | None = None,
                 max_rows: int = 30, max_chars: int = 300, summary: str = "") -> None:
    """Display a reader section: a finding sentence, the chart (with alt text), the table in a details box.

    ``table`` defaults to the chart's numbers; it is shown with human column names and formatted
    numbers, while ``csv=`` saves the machine table (all rows, machine column names).
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    if table is None and chart is not None:
        table = chart.data
    if csv is not None and table is not None:
        write_reader_csv(table, csv, index=False)
    figure = ""
    if chart is not None:
        figure = chart_html(chart, alt)
        plt.close(chart.fig)
    display(HTML(section_html(caption, figure, table, names, max_rows, max_chars, summary)))


def show_text(text: str, kind: str = "pn-note") -> None:
    """Display one escaped paragraph for readers (``kind`` is its CSS class)."""
    from IPython.display import HTML, display

    display(HTML(f'<p class="{html.escape(kind, quote=True)}">{html.escape(text)}</p>'))


def about(note: str, store_version: str = "", lexicons: str | Path = "", model: str = "",
          from_cluster: bool = False) -> list[str]:
    """The data-source lines of a page's "About this report" section (no paths, no code names)."""
    lines = []
    span = findings.corpus_line(note)
    if span:
        lines.append(f"Data: {span}.")
    lines.append(f"Store version: {store_version}." if store_version else "Store version: the current one.")
    lex = with_user_lexicons(lexicons or None)
    extra = " plus the user's own theme files" if lexicons else ""
    lines.append(f"Themes: the shipped theme lexicons{extra} (lexicon version {lexicon_fingerprint(lex)[:12]}).")
    if model:
        lines.append("Which themes an article carries comes from a trained model, not from the lexicon rule.")
    lines.append("Counts were computed on a cluster from count tables summed over the corpus." if from_cluster
                 else "Counts were computed from the article text of the selection.")
    return lines


def show_about(note: str, store_version: str = "", lexicons: str | Path = "", model: str = "",
               from_cluster: bool = False) -> None:
    """Display the data-source lines of the "About this report" section."""
    from IPython.display import HTML, display

    items = "".join(f"<li>{html.escape(line)}</li>" for line in about(note, store_version, lexicons, model,
                                                                     from_cluster))
    display(HTML(f'<ul class="pn-about">{items}</ul>'))
