"""Notebook helpers: tables and CSVs for readers, one pinned store version per report."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.corpus.ingest import ingest
from analysis.errors import UsageError
from analysis.notebook import helpers, tables

HOSTILE = ['=HYPERLINK("http://evil","x")', "@SUM(1+1)*cmd|' /C calc'!A0"]
TRADE = "Tariffs on steel imports rose again. The trade talks stalled over export quotas and tariffs."


def _jsonl(path: Path, rows: list[dict]) -> Path:
    """Write ``rows`` as a JSONL file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(titles: list[str], day: int = 1) -> list[dict]:
    """On-theme (trade) articles with these titles, one day apart from ``day``."""
    return [{"title": t, "text": f"{TRADE} Story {i} of {t}.", "date": f"2025-01-{day + i:02d}",
             "source": "Harbor Gazette", "url": f"https://example.org/{day + i}"} for i, t in enumerate(titles)]


def _cells(path: Path) -> list[list[str]]:
    """The raw cells of a CSV file (header first), as a spreadsheet would see them."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture()
def hostile_store(tmp_path: Path) -> Path:
    """A store whose articles have formula-like titles."""
    store = tmp_path / "store"
    ingest([_jsonl(tmp_path / "in" / "a.jsonl", _rows(HOSTILE + ["-5 percent tariff", "Plain trade"]))],
           store=store, progress=False)
    return store


def test_show_table_csv_neutralizes_formula_titles(hostile_store: Path, tmp_path: Path) -> None:
    corpus = helpers.prepare(hostile_store)
    top = tables.top_articles(corpus.articles, corpus.scores, "trade", n=10)
    assert set(HOSTILE) <= set(top["title"])  # the table itself stays raw
    out = tmp_path / "figures" / "trade_top_articles.csv"
    helpers.show_table(top.assign(delta=-1.5), csv=out)
    rows = _cells(out)
    col = rows[0].index("title")
    titles = {r[col] for r in rows[1:]}
    assert {"'" + t for t in HOSTILE} | {"'-5 percent tariff", "Plain trade"} == titles
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows[1:] for c in r if c != "-1.5")
    delta = rows[0].index("delta")
    assert {r[delta] for r in rows[1:]} == {"-1.5"}  # numbers (negative ones too) are unchanged
    hits = rows[0].index("hits")
    assert all(r[hits].isdigit() for r in rows[1:])




@pytest.fixture()
def shown(monkeypatch) -> list[str]:
    """Collect what the helpers display (the HTML a report page shows)."""
    import IPython.display

    got: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: got.append(obj.data))
    return got


def test_section_reads_finding_chart_then_folded_table(hostile_store: Path, tmp_path: Path, shown) -> None:
    """A section: the finding, the chart with alt text naming it, then the table (human names, formatted
    numbers, escaped) in a details box; the CSV keeps the machine names and all the rows."""
    import pandas as pd

    from analysis.notebook import charts

    counts = pd.DataFrame({"theme": ["security_crime", "trade"], "n_articles_with_theme": [1234, 56],
                           "n_articles": [25000, 25000], "n_hits": [370_000_000_000, 6.94e-18]})
    chart = charts.matched_terms(counts.assign(term=["<b>crime</b>", "tariff"]), "trade")
    csv_path = tmp_path / "t.csv"
    helpers.show_section("Trade was carried by 8% of articles.", chart, counts, csv=csv_path)
    html = shown[-1]
    assert html.index('class="pn-finding"') < html.index("<img") < html.index("<details") < html.index("<table")
    assert 'alt="Chart: Top matched terms: trade. Measure: matches (count)."' in html
    assert "Articles carrying the theme" in html and "n_articles_with_theme" not in html
    table = html[html.index("<table"):]
    assert "1,234" in table and "370,000,000,000" in table and "e+" not in table and "e-1" not in table
    assert "<td>Security and crime</td>" in html and "security_crime" not in html  # the lexicon's label
    assert _cells(csv_path)[0] == ["theme", "n_articles_with_theme", "n_articles", "n_hits"]
    import matplotlib.pyplot as plt

    assert not plt.fignum_exists(chart.fig.number)   # shown once, as the <img>, not again by the backend


def test_reader_tables_and_raw_tables_format_cells_alike() -> None:
    """One cell formatter: a raw table (show_table) and a reader table show lists, dates and numbers the same way."""
    import pandas as pd

    raw = pd.DataFrame({"themes": [["trade", "security_crime"]], "when": [pd.Timestamp("2024-01-02 10:30")],
                        "note": [None], "n": [12345]})
    html = helpers.table_html(raw)
    assert "<td>Trade, security and crime</td><td>2024-01-02 10:30</td><td></td><td>12,345</td>" in html
    shown = tables.reader_table(raw.astype({"when": object, "n": object}))
    assert shown.iloc[0].tolist() == ["Trade, security and crime", "2024-01-02 10:30", "", "12,345"]
    ids = helpers.table_html(pd.DataFrame({"ids": [["nyt_2024_01", "trade"]]}))
    assert "<td>nyt_2024_01, trade</td>" in ids  # a list of other ids stays as written


def test_section_table_links_show_the_host(shown) -> None:
    import pandas as pd

    helpers.show_section("x", table=pd.DataFrame({"title": ["A"], "url": ["https://www.example.org/a_b/c"],
                                                  "article_id": ["deadbeef"]}))
    assert '<a href="https://www.example.org/a_b/c" rel="noopener noreferrer">example.org</a>' in shown[-1]
    assert "deadbeef" not in shown[-1] and "<th>Link</th>" in shown[-1]


def test_brief_picks_the_most_on_theme_article_never_the_sample(tmp_path: Path) -> None:
    """Without article_id/path the brief reads the most on-theme article of the selection."""
    rows = _rows(["Light", "Heavy"]) + [{"title": "Weather", "text": "Rain fell on the hills all day long.",
                                          "date": "2025-01-05", "source": "Harbor Gazette"}]
    rows[1]["text"] = f"{TRADE} {TRADE} Tariffs."   # the most trade matches per 1,000 words
    rows[0]["text"] = f"{TRADE} " + "The weather was mild and the harbour was calm that week. " * 10
    store = tmp_path / "store"
    ingest([_jsonl(tmp_path / "in" / "a.jsonl", rows)], store=store, progress=False)
    article, why = helpers.brief_article(store=store, theme="trade")
    assert article["title"].tolist() == ["Heavy"] and "most on-theme article about trade" in why
    assert helpers.brief_article(store=store)[0]["title"].tolist() == ["Heavy"]   # any theme
    with pytest.raises(helpers.UsageError, match="no selected article carries"):
        helpers.brief_article(store=store, theme="trade", start="2025-01-04")
    with pytest.raises(helpers.UsageError, match="article_id or a path"):
        helpers.load_article(store=store)
    by_id = helpers.brief_article(article_id=str(article["article_id"].iloc[0]), store=store)
    assert by_id[1] == "" and by_id[0]["title"].tolist() == ["Heavy"]


def test_prepare_matches_outlets_as_a_reader_types_them(hostile_store: Path) -> None:
    """A notebook run by hand matches outlet names case- and punctuation-insensitively."""
    corpus = helpers.prepare(hostile_store, outlets="harbor GAZETTE")
    assert len(corpus.articles) == 4 and set(corpus.articles["source"]) == {"Harbor Gazette"}
    with pytest.raises(UsageError, match="did you mean 'Harbor Gazette'"):
        helpers.prepare(hostile_store, outlets="Harbour Gazete")
