"""Money, percentages and counts: the seed article, hand-checked AllSides passages and the rules."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.evidence.amounts import amounts, doc_amounts
from analysis.schema import AMOUNT_COLUMNS
from analysis.text.sentences import documents, sentence_spans

NO_HITS = pd.DataFrame(columns=["article_id", "theme", "sentence_id"])


def _read(text: str) -> list[tuple[float, str, str, str]]:
    """(value, unit, object, text) of every amount in ``text``."""
    return [(a.value, a.unit, a.object, text[a.start:a.end]) for a in doc_amounts(text)]


def test_seed_amounts_with_objects(seed_articles: pd.DataFrame) -> None:
    got = amounts(seed_articles, hits=NO_HITS)
    assert list(got.columns) == AMOUNT_COLUMNS
    rows = {(r.value, r.unit): (r.object, r.text) for r in got.itertuples()}
    assert rows[(50000.0, "usd")] == ("Rolex", "$50,000")
    assert rows[(25.0, "percent")] == ("tariff", "25%")
    assert rows[(80.0, "percent")] == ("exports", "more than 80%")
    assert rows[(10000.0, "count")] == ("troops", "10,000")
    assert rows[(1_000_000.0, "count")] == ("people", "more than 1 million")
    assert rows[(6.0, "count")][0].endswith("cartels")  # "a half-dozen Mexican criminal cartels"
    assert rows[(24.0, "count")][0].endswith("drug lords")  # "more than two dozen alleged drug lords"
    # "three-nation", "18-karat", "18th century" and the year 2020 are not amounts
    assert not got["text"].str.contains("three|18|2020").any()


def test_seed_offsets_and_sentences(seed_articles: pd.DataFrame) -> None:
    doc = documents(seed_articles).iloc[0]
    spans = sentence_spans(doc)
    for r in amounts(seed_articles, hits=NO_HITS).itertuples():
        assert doc[r.start:r.end] == r.text
        s, e = spans[r.sentence_id]
        assert s <= r.start < e


def test_money_forms() -> None:
    got = _read("Aid of $2.5 billion, €3 million in loans, 5 million pesos and a $3bn plan; US$40 too.")
    assert (2.5e9, "usd", "", "$2.5 billion") in got
    assert (3e6, "eur", "loans", "€3 million") in got
    assert (5e6, "mxn", "", "5 million pesos") in got
    assert (3e9, "usd", "plan", "$3bn") in got
    assert (40.0, "usd", "", "US$40") in got


def test_percent_and_count_forms() -> None:
    got = _read("Unemployment rose 2.5 percentage points to 9 percent; nearly 25 per cent of voters and "
                "two dozen governors, but not the Group of Seven, agreed on Jan. 6 at 10 a.m. in 2019.")
    assert (2.5, "percentage_points", "", "2.5 percentage points") in got
    assert (9.0, "percent", "", "9 percent") in got
    assert (25.0, "percent", "voters", "nearly 25 per cent") in got
    assert (24.0, "count", "governors", "two dozen") in got
    assert len(got) == 4  # no "Seven", no date, no clock time, no year


def test_themes_of_the_sentence() -> None:
    art = pd.DataFrame({"article_id": ["x"], "title": ["Tariffs"], "text": ["A 25% tariff. Then 300 jobs went."]})
    hits = pd.DataFrame({"article_id": ["x", "x"], "theme": ["trade", "economy"], "sentence_id": [1, 2]})
    got = amounts(art, hits=hits)
    assert got["themes"].tolist() == [["trade"], ["economy"]]
    assert got["object"].tolist() == ["tariff", "jobs"]


def test_allsides_hand_checked(allsides_path: Path) -> None:
    rows = []
    with allsides_path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] == "allsides-iK2k3Grnt0Bn9Ieh":
                rows.append({"article_id": rec["id"], "title": rec["title"], "text": rec["text"]})
    got = amounts(pd.DataFrame(rows), hits=NO_HITS)
    # Reuters on Xi Jinping at the SCO summit: "tariffs on goods worth up to $150 billion each",
    # "30 billion yuan ($4.7 billion) in loans", "two new members", "four ex-Soviet ... republics"
    by_text = dict(zip(got["text"], zip(got["value"], got["unit"], got["object"])))
    assert by_text["up to $150 billion"] == (1.5e11, "usd", "")
    assert by_text["30 billion yuan"] == (3e10, "cny", "")
    assert by_text["$4.7 billion"][:2] == (4.7e9, "usd")
    assert by_text["two"] == (2.0, "count", "new members")
    assert by_text["four"][2].endswith("republics")
    assert "Seven" not in by_text  # "Group of Seven" is a name


def test_default_hits_come_from_the_theme_engine(seed_articles: pd.DataFrame) -> None:
    pytest.importorskip("analysis.themes.scoring")
    got = amounts(seed_articles)  # hits=None: analysis.themes.scoring.theme_hits tags the sentences
    tariff = got[got["text"] == "25%"].iloc[0]
    assert "trade" in tariff["themes"]  # "... a 25% tariff on vehicles and auto parts ..."
