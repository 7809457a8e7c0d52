"""Places (countries, ISO codes) and actors (people, organizations): seed, AllSides passages, rules."""
from __future__ import annotations

import pandas as pd

from analysis.evidence.actors import actor_mentions, actors, doc_actors
from analysis.evidence.gazetteer import gazetteer
from analysis.evidence.places import doc_places, mention_counts, place_mentions, places
from analysis.schema import MENTION_COLUMNS
from analysis.text.sentences import (
    cached_sentence_spans,
    clear_document_caches,
    documents,
    sentence_spans,
    sentence_starts,
)
from analysis.text.theme_tags import sentence_theme_index

NO_HITS = pd.DataFrame(columns=["article_id", "theme", "sentence_id"])


def test_seed_top_places(seed_articles: pd.DataFrame) -> None:
    got = places(seed_articles, hits=NO_HITS)
    assert list(got.columns) == MENTION_COLUMNS
    assert set(got["kind"]) == {"place"}
    top = got.head(6)
    assert {"Mexico", "United States", "El Salvador", "Colombia", "Venezuela"} <= set(top["canonical"])
    codes = dict(zip(got["canonical"], got["iso_country"]))
    assert codes["Mexico"] == "MEX" and codes["United States"] == "USA" and codes["El Salvador"] == "SLV"
    counts = dict(zip(got["canonical"], got["count"]))
    assert counts["Mexico"] > counts["El Salvador"] > counts["Colombia"] == 1
    # "Mexican", "Salvadoran", "Salvadorian" and "Venezuelan(s)" count for their countries
    long = place_mentions(seed_articles, hits=NO_HITS)
    forms = set(zip(long["name"], long["canonical"]))
    assert {("Mexican", "Mexico"), ("Salvadoran", "El Salvador"), ("Venezuelans", "Venezuela"),
            ("U.S.", "United States")} <= forms
    assert "Latin American" not in set(long["name"])  # a region, not the US


def test_seed_actors(seed_articles: pd.DataFrame) -> None:
    got = actors(seed_articles, hits=NO_HITS)
    assert list(got.columns) == MENTION_COLUMNS
    people = got[got["kind"] == "person"].set_index("canonical")["count"]
    # Noem: title + 11 body mentions incl. "Noem’s" and "Noem-Sheinbaum"; Trump -> Donald Trump (known-people table)
    assert people.index[:3].tolist() == ["Kristi Noem", "Claudia Sheinbaum", "Donald Trump"]
    assert people["Kristi Noem"] >= 10 and people["Claudia Sheinbaum"] >= 8 and people["Donald Trump"] >= 8
    orgs = set(got[got["kind"] == "org"]["canonical"])
    assert {"Homeland Security", "Tren de Aragua"} <= orgs
    assert not ({"Mexico", "Latin American", "Mexican"} & set(got["canonical"]))


def test_titles_and_merging() -> None:
    doc = ("White House Press Secretary Jay Carney spoke. Later Carney left. Suddenly Carney came back, and Sen. Rand Paul "
           "met Mexican President Andrés Manuel López Obrador. López Obrador and Paul talked.")
    got = [(m.kind, m.canonical) for m in doc_actors(doc)]
    assert got == [("org", "White House"), ("person", "Jay Carney"), ("person", "Jay Carney"), ("person", "Jay Carney"),
                   ("person", "Rand Paul"), ("person", "Andrés Manuel López Obrador"),
                   ("person", "Andrés Manuel López Obrador"), ("person", "Rand Paul")]


def test_place_rules() -> None:
    doc = "New Mexico is not Mexico; Latin Americans, Britain and the U.S.-Mexico border; Mexico’s economy."
    got = [(m[4], m[2]) for m in doc_places(doc)]
    assert got == [("New Mexico", "New Mexico"), ("Mexico", "Mexico"), ("Britain", "United Kingdom"),
                   ("U.S.", "United States"), ("Mexico", "Mexico"), ("Mexico", "Mexico")]
    assert [m[3] for m in doc_places(doc)][:2] == ["USA", "MEX"]  # the state rolls up to its country
    assert gazetteer()["Salvadorian"] == ("El Salvador", "SLV")


def test_counts_per_theme(seed_articles: pd.DataFrame) -> None:
    aid = seed_articles["article_id"].iloc[0]
    doc = documents(seed_articles).iloc[0]
    # sentence 1 = "Homeland Security Secretary Kristi Noem arrived in Mexico ... U.S.-Mexico relations."
    long = place_mentions(seed_articles, hits=pd.DataFrame({"article_id": [aid], "theme": ["trade"], "sentence_id": [1]}))
    counts = mention_counts(long, by="theme")
    trade = counts[counts["group"] == "trade"].set_index("canonical")["mentions"].to_dict()
    assert trade == {"Mexico": 2, "United States": 1}  # "in Mexico ... U.S.-Mexico relations"
    assert doc[long["start"].iloc[0]:long["end"].iloc[0]] == "Mexican"  # headline: "meets Mexican president"
    total = counts.groupby("canonical")["mentions"].sum()
    assert total["Mexico"] == places(seed_articles, hits=NO_HITS).set_index("canonical")["count"]["Mexico"]


def test_actor_mentions_long_table(seed_articles: pd.DataFrame) -> None:
    long = actor_mentions(seed_articles, hits=NO_HITS)
    doc = documents(seed_articles).iloc[0]
    noem = long[long["canonical"] == "Kristi Noem"]
    assert all(doc[s:e] in ("Kristi Noem", "Noem") for s, e in zip(noem["start"], noem["end"]))


def test_allsides_hand_checked(allsides_articles) -> None:
    arts = allsides_articles("allsides-iK2k3Grnt0Bn9Ieh", "allsides-UMYlZtWlDceiwYJN")
    pl = places(arts, hits=NO_HITS)
    xi = pl[pl["article_id"] == "allsides-iK2k3Grnt0Bn9Ieh"]
    # Reuters, SCO summit in Qingdao: China dominates; US, Russia, Iran, India, Pakistan named
    assert xi["canonical"].iloc[0] == "China"
    assert {"United States", "Russia", "Iran", "India", "Pakistan"} <= set(xi["canonical"])
    ac = actors(arts, hits=NO_HITS)
    xa = ac[ac["article_id"] == "allsides-iK2k3Grnt0Bn9Ieh"]
    assert xa["canonical"].iloc[0] == "Xi Jinping"  # "Chinese President Xi Jinping" then "Xi" x6
    assert "Donald Trump" in set(xa["canonical"])
    assert "Shanghai Cooperation Organisation" in set(xa[xa["kind"] == "org"]["canonical"])
    npr = ac[ac["article_id"] == "allsides-UMYlZtWlDceiwYJN"]
    # NPR: "House Speaker John Boehner, R-Ohio", "Rep. Don Young, R-Alaska", later "Young", "Boehner"
    people = npr[npr["kind"] == "person"].set_index("canonical")["count"]
    assert people.index[0] == "Don Young" and people["John Boehner"] >= 3
    assert "Barack Obama" in people.index  # "President Obama"
    np_places = pl[pl["article_id"] == "allsides-UMYlZtWlDceiwYJN"]
    assert {"United States", "Mexico"} <= set(np_places["canonical"])  # "U.S. House", "Mexicans"


def test_sentence_theme_index_of_some_articles_and_sentence_cache() -> None:
    hits = pd.DataFrame({"article_id": pd.Series(["a", "a", "b", "c", None], dtype="string"),
                         "theme": ["trade", "economy", "trade", "trade", "trade"], "sentence_id": [2, 2, 0, 1, 4]})
    everything = sentence_theme_index(hits)
    some = sentence_theme_index(hits, pd.DataFrame({"article_id": ["a", "c"]}))
    assert some == {k: v for k, v in everything.items() if k[0] in ("a", "c")}
    assert some[("a", 2)] == ("economy", "trade") and ("b", 0) not in some
    doc = "He met Sen. Smith in the U.S. on Friday. It rained."
    clear_document_caches()
    assert cached_sentence_spans(doc) == sentence_spans(doc) == cached_sentence_spans(doc)
    assert sentence_starts(doc) == [s for s, _ in sentence_spans(doc)]


def test_us_states_and_cities_roll_up_to_their_country() -> None:
    from analysis.evidence.gazetteer import subnational
    from analysis.evidence.places import country_mentions, theme_country_table

    doc = "Migrants reached El Paso, Texas, then Chicago; Mexico City and Jackson stayed calm."
    got = [(m[4], m[2], m[3], m[5]) for m in doc_places(doc)]
    assert ("El Paso", "El Paso", "USA", "city") in got and ("Texas", "Texas", "USA", "state") in got
    assert ("Mexico City", "Mexico", "MEX", "country") in got  # capitals stay aliases of their country
    assert "Jackson" not in {g[0] for g in got}  # a surname more often than a city (places_excluded.txt)
    assert subnational()["Chicago"] == ("Chicago", "USA", "city")
    arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["", ""],
                         "text": ["Texas and Mexico trade. Rain fell.", "Chicago and El Paso voted."]})
    hits = pd.DataFrame({"article_id": ["a", "b"], "theme": ["trade", "politics_elections"], "sentence_id": [0, 0]})
    long = place_mentions(arts, hits=hits)
    assert set(long["level"]) == {"state", "country", "city"}
    assert set(country_mentions(long)["canonical"]) == {"United States", "Mexico"}
    table = theme_country_table(long)
    assert table.loc["United States", "trade"] == 1 and table.loc["United States", "politics_elections"] == 1
    assert table.loc["Mexico", "trade"] == 1 and table.index[0] == "United States"
