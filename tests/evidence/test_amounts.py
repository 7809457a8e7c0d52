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
    assert (2.5e9, "usd", "Aid", "$2.5 billion") in got  # the object before the amount: "Aid of $2.5 billion"
    assert (3e6, "eur", "loans", "€3 million") in got
    assert (5e6, "mxn", "", "5 million pesos") in got
    assert (3e9, "usd", "plan", "$3bn") in got
    assert (40.0, "usd", "", "US$40") in got


def test_percent_and_count_forms() -> None:
    got = _read("Unemployment rose 2.5 percentage points to 9 percent; nearly 25 per cent of voters and "
                "two dozen governors, but not the Group of Seven, agreed on Jan. 6 at 10 a.m. in 2019.")
    assert (2.5, "percentage_points", "Unemployment", "2.5 percentage points") in got
    assert [g for g in got if g[3] == "9 percent"][0][:2] == (9.0, "percent")
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
    assert by_text["up to $150 billion"] == (1.5e11, "usd", "goods")  # "goods worth up to $150 billion"
    assert by_text["30 billion yuan"][:2] == (3e10, "cny")
    assert by_text["$4.7 billion"][:2] == (4.7e9, "usd")
    assert by_text["two"] == (2.0, "count", "new members")
    assert by_text["four"][2].endswith("republics")
    assert "Seven" not in by_text  # "Group of Seven" is a name


def test_default_hits_come_from_the_theme_engine(seed_articles: pd.DataFrame) -> None:
    pytest.importorskip("analysis.themes.scoring")
    got = amounts(seed_articles)  # hits=None: analysis.themes.scoring.theme_hits tags the sentences
    tariff = got[got["text"] == "25%"].iloc[0]
    assert "trade" in tariff["themes"]  # "... a 25% tariff on vehicles and auto parts ..."


def test_object_is_looked_for_both_ways_in_the_clause() -> None:
    got = {t: (v, u, o) for v, u, o, t in _read(
        "Imports of roughly $33 billion rose. The new tariff will be a little under 17%, officials said. "
        "The home, which was appraised for $580,000, was razed. The city offered $5,000 to cover the damage. "
        "Of the cases, 70 percent were violent assaults. He plans a 25% tariff.")}
    assert got["roughly $33 billion"] == (33e9, "usd", "Imports")
    assert got["under 17%"][2] == "new tariff"
    assert got["$580,000"][2] == "home"
    assert got["$5,000"][2] == "damage"
    assert got["70 percent"][2] == "violent assaults"
    assert got["25%"][2] == "tariff"  # after the number still wins when there is one


def test_cents_basis_points_fractions_ranges_and_index_names() -> None:
    got = {t: (v, u, o) for v, u, o, t in _read(
        "The Fed cut rates by 25 basis points; gas rose 50 cents a gallon; about a third of the workers "
        "and two-thirds of voters agreed; the plan costs $3 billion to $5 billion in aid; the CSI 300 index fell.")}
    assert got["25 basis points"][:2] == (25.0, "basis_points")
    assert got["50 cents"][:2] == (0.5, "usd")
    assert got["a third"] == (100 / 3, "percent", "workers")
    assert got["two-thirds"][0] == 200 / 3
    assert got["$3 billion to $5 billion"] == (3e9, "usd", "aid")  # a range: one amount, its low value
    assert not any("300" in t for t in got)  # "CSI 300 index" is a name, not an amount


def test_object_after_hedges_prepositions_relatives_and_changes() -> None:
    got = {t: o for _v, _u, o, t in _read(
        "The rule would cut hospital admissions by about 25 percent. Bonuses of as much as 40 percent were paid. "
        "The state spent $35 billion on new school buses. The law funnels up to $18 billion into the coffers of the cities. "
        "They will buy $75 billion more in farm goods. Then the bilateral deficit in goods, which peaked at "
        "$420 billion in 2018, fell. Critics said a 50 percent drop in crime was not enough. "
        "It costs $5 billion to build the bridge.")}
    assert got["about 25 percent"].endswith("hospital admissions")  # "by" links the amount to what it changes
    assert got["as much as 40 percent"] == "Bonuses"
    assert got["$35 billion"] == "new school buses"
    assert got["up to $18 billion"] == "coffers"
    assert got["$75 billion"] == "farm goods"
    assert got["$420 billion"] == "bilateral deficit in goods"
    assert got["50 percent"] == "drop in crime"
    assert got["$5 billion"] == "bridge"  # "to build": a purpose, not the object
