"""Notebook helpers: tables and CSVs for readers, one pinned store version per report."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.corpus.ingest import ingest
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
