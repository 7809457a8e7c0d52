"""Sentence splitting on news copy and on the seed article."""
from __future__ import annotations

import pytest

from analysis.text.sentences import (
    SPAN_CACHE,
    DocumentCache,
    cached_sentence_spans,
    clear_document_caches,
    paragraph_spans,
    sentence_spans,
    sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ties with the U.S. matter. U.S. authorities agreed.",
         ["Ties with the U.S. matter.", "U.S. authorities agreed."]),
        ("It was a delicate moment in U.S.-Mexico relations. Noem came later.",
         ["It was a delicate moment in U.S.-Mexico relations.", "Noem came later."]),
        ("Sen. Warren and Gov. Abbott met Gen. Milley. Dr. Fauci joined.",
         ["Sen. Warren and Gov. Abbott met Gen. Milley.", "Dr. Fauci joined."]),
        ("The bill passed on Jan. 5 in the Senate. It now goes to Mr. Biden.",
         ["The bill passed on Jan. 5 in the Senate.", "It now goes to Mr. Biden."]),
        ("Acme Inc. Chief Executive J. Smith spoke. Harvard Univ. Press agreed.",
         ["Acme Inc. Chief Executive J. Smith spoke.", "Harvard Univ. Press agreed."]),
        ("Troops left the U.S. The president said so.",
         ["Troops left the U.S.", "The president said so."]),
        ("“We will act,” she said. “Now.”", ["“We will act,” she said.", "“Now.”"]),
        ("Growth was 3.5 percent. Prices rose!", ["Growth was 3.5 percent.", "Prices rose!"]),
    ],
)
def test_news_abbreviations(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraph_break_always_ends_sentence() -> None:
    text = "A headline without a period\n\nBody starts here. And ends."
    assert sentences(text) == ["A headline without a period", "Body starts here.", "And ends."]
    assert paragraph_spans(text) == [(0, 27), (29, 56)]


def test_offsets_round_trip() -> None:
    text = "  One. Two?\n\n Three!  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["One.", "Two?", "Three!"]


def test_seed_sentences(seed_path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    sents = sentences(text)
    assert any(s.endswith("in a delicate moment in U.S.-Mexico relations.") for s in sents)
    assert any(s.startswith("Relatives of and attorneys for the expelled Venezuelans say U.S. authorities set aside")
               for s in sents)
    assert "“We’re going to let the courts play out,” Noem told reporters." in sents
    assert "It affects the United States and it affects Mexico.”" in sents


def test_boundary_rules_on_edge_cases() -> None:
    text = ("Born in the U.S.A. The band played. He said “No.” Then left. It was 5 p.m. Friday. "
            "Dr. No spoke.\n\n  \nNew paragraph without end  \n\nE. Coli. Last one")
    # "The" usually starts a sentence after an initialism; "No." is a listed abbreviation (No. 5)
    assert sentences(text) == [
        "Born in the U.S.A.", "The band played.", "He said “No.” Then left.",
        "It was 5 p.m. Friday.", "Dr. No spoke.", "New paragraph without end", "E. Coli.", "Last one"]
    assert paragraph_spans("   \n\n  ") == []


def test_document_cache_is_bounded_and_emptied_with_the_others() -> None:
    """A DocumentCache computes once per document (None too), empties itself before passing its budget of
    characters, and clear_document_caches empties every instance, the sentence spans' included."""
    calls: list[str] = []

    def length(doc: str) -> int:
        calls.append(doc)
        return len(doc)

    cache = DocumentCache(length, budget=10)
    nothing = DocumentCache(lambda doc: None, budget=100)
    assert cache["abcd"] == 4 and cache["abcd"] == 4 and calls == ["abcd"]
    assert cache["efgh"] == 4 and len(cache) == 2 and cache.chars == 8
    assert cache["ijk"] == 3 and list(cache) == ["ijk"] and cache.chars == 3   # 8 + 3 > 10: emptied first
    assert nothing["x"] is None and nothing["x"] is None and len(nothing) == 1
    assert cached_sentence_spans("One. Two.") == [(0, 4), (5, 9)] and "One. Two." in SPAN_CACHE
    clear_document_caches()
    assert not cache and cache.chars == 0 and not nothing and not SPAN_CACHE
    assert cache["abcd"] == 4 and calls == ["abcd", "efgh", "ijk", "abcd"]
