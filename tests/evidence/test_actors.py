"""Actors (analysis.evidence.actors): typed, never places or programmes, initials kept apart, one name per actor."""
from __future__ import annotations

import pandas as pd

from analysis.evidence.actors import actors, canonical_names, canonical_person, doc_actors, is_place

NO_HITS = pd.DataFrame(columns=["article_id", "theme", "sentence_id"])


def test_places_and_programmes_are_not_people() -> None:
    doc = ("Officials in El Paso said migrants with Temporary Protected Status crossed. "
           "Gov. Greg Abbott spoke in Los Angeles. Abbott said no.")
    got = {(m.kind, m.canonical) for m in doc_actors(doc)}
    assert ("person", "Greg Abbott") in got
    assert not {c for _k, c in got} & {"El Paso", "Temporary Protected Status", "Los Angeles"}
    assert is_place("El Paso") and not is_place("Jackson")  # a city, and a surname left alone


def test_names_that_differ_in_initials_stay_apart() -> None:
    doc = "George W. Bush met George H.W. Bush. Later Donald J. Trump spoke."
    got = [m.canonical for m in doc_actors(doc) if m.kind == "person"]
    assert "George W. Bush" in got and "George H.W. Bush" in got
    assert "Donald Trump" in got  # the known-people table drops a middle initial of a known person
    assert canonical_person(["George", "W.", "Bush"]) != canonical_person(["George", "H.W.", "Bush"])


def test_variants_merge_within_an_article_and_across_the_corpus() -> None:
    arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["", ""],
                         "text": ["President Donald Trump spoke. Mr. Trump left. Trump’s aides stayed.",
                                  "Mr. Trump spoke. Sen. Jane Doe answered."]})
    got = actors(arts, hits=NO_HITS)
    people = got[got["kind"] == "person"]
    assert people[people["article_id"] == "a"]["canonical"].tolist() == ["Donald Trump"]
    assert people[people["article_id"] == "a"]["count"].tolist() == [3]
    assert canonical_names(pd.Series(["Trump", "Donald Trump", "Bush", "George W. Bush", "George H.W. Bush"])) == {
        "Trump": "Donald Trump"}  # "Bush" is ambiguous across the corpus and stays as it is
    assert set(got["kind"]) <= {"person", "org"}
