"""The place and number-word scans: the same matches as independent oracles, places cached per document."""
from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path

import ahocorasick
import pytest

from analysis.evidence import wordscan
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.evidence.wordscan import (
    PLACE_CACHE,
    WORD_BOUNDARY,
    number_starts,
    number_words,
    place_matches,
    scan_places,
)
from analysis.text.sentences import clear_document_caches, document_text


@functools.lru_cache(maxsize=1)
def _values() -> dict[str, tuple[str, str, str] | None]:
    """Every place name -> its place (None for a look-alike), as the gazetteer gives them."""
    values = {form: None if t is None else (t[0], t[1], "country") for form, t in gazetteer().items()}
    values.update(subnational())
    return values


@functools.lru_cache(maxsize=1)
def _oracle() -> ahocorasick.Automaton:
    """A pyahocorasick automaton over the place names (the oracle: an independent implementation)."""
    auto = ahocorasick.Automaton()
    for form in _values():
        auto.add_word(form, form)
    auto.make_automaton()
    return auto


def _places_alone(doc: str) -> list[tuple[int, int, str, str, str, str]]:
    """Place mentions by another library and algorithm: every overlapping match (pyahocorasick), then the
    longest at each leftmost position, skipping matches inside one already taken."""
    found = sorted((end + 1 - len(form), -len(form), form) for end, form in _oracle().iter(doc))
    values = _values()
    out, done, n = [], 0, len(doc)
    for start, minus_len, form in found:
        if start < done:
            continue
        end = done = start - minus_len
        target = values[form]
        if target is None or (start > 0 and doc[start - 1].isalnum()):
            continue
        if end < n and doc[end].isalnum() and not form.endswith("."):
            continue
        out.append((start, end, target[0], target[1], form, target[2]))
    return out


def _numbers_alone(doc: str) -> set[int]:
    """Where a number word starts as a word, by a plain regex (lookahead: every start position)."""
    alternatives = "|".join(sorted(map(re.escape, number_words()), key=len, reverse=True))
    pattern = re.compile(r"(?=(?:%s)(?![^\W\d_]))" % alternatives)
    return {m.start() for m in pattern.finditer(doc) if m.start() == 0 or doc[m.start() - 1] in WORD_BOUNDARY}


def test_the_scans_equal_independent_oracles_on_real_articles(allsides_path: Path) -> None:
    """On 600 AllSides articles: the places of a pyahocorasick scan reduced leftmost-longest, the number words
    of a regex."""
    rows = [json.loads(line) for line in allsides_path.read_text(encoding="utf-8").splitlines()[:600]]
    docs = [document_text(r.get("title"), r.get("text")) for r in rows]
    places = numbers = 0
    for doc in docs:
        found, starts = scan_places(doc), number_starts(doc)
        assert list(found) == _places_alone(doc)
        assert set(starts) == _numbers_alone(doc) and list(starts) == sorted(starts)
        places += len(found)
        numbers += len(starts)
    assert places > 2_000 and numbers > 300  # the comparison covered many matches of both kinds


def test_overlapping_names_reduce_leftmost_longest() -> None:
    """Random runs of overlapping names and fragments give the leftmost-longest places of the oracle."""
    names = sorted(set(gazetteer()) | set(subnational()))
    rng = random.Random(7)
    pieces = [n for n in names if " " in n] + ["New", "York", "City", "South", "North", "Korea", "the", "of", "two",
                                              "Seven", "a dozen", "Georgia", "Latin American", "U.S.", "-"]
    for _ in range(300):
        doc = " ".join(rng.choice(pieces) for _ in range(rng.randint(3, 12)))
        assert list(scan_places(doc)) == _places_alone(doc), doc


def test_number_words_on_random_runs() -> None:
    """Number words glued to letters, hyphens and punctuation: the starts the regex oracle finds."""
    rng = random.Random(11)
    pieces = sorted(number_words()) + ["New York", "Mexico", "x", "-", "(", "“", "twos", "Tens", "a", "dozen", "é"]
    for _ in range(400):
        doc = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "-", "s "]) for _ in range(rng.randint(1, 15)))
        assert set(number_starts(doc)) == _numbers_alone(doc), doc


def test_place_cache_returns_the_scan_and_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """place_matches caches by document text, empties itself past its budget, and is cleared with the others."""
    clear_document_caches()
    doc = "Seven Mexican officials met in El Paso."
    first = place_matches(doc)
    assert place_matches(doc) is first and first == scan_places(doc)
    assert [p[2] for p in first] == ["Mexico", "El Paso"]
    monkeypatch.setattr(PLACE_CACHE, "budget", len(doc) + 10)
    other = "Two Canadian ministers."
    place_matches(other)
    assert place_matches(doc) is not first  # the budget was exceeded: the cache was emptied and rebuilt
    clear_document_caches()
    assert not PLACE_CACHE


def test_offsets_are_characters_with_emoji_and_cjk() -> None:
    """Offsets count characters (not UTF-8 bytes) past emoji, flags and CJK text."""
    doc = "😀 Talks in Mexico 🇺🇸 with two Texas officials, é ü 中文 then Canada."
    assert [doc[s:e] for s, e, *_ in scan_places(doc)] == ["Mexico", "Texas", "Canada"]
    assert [doc[i:i + 3] for i in number_starts(doc)] == ["two"]


def test_amounts_alone_never_builds_the_place_automaton() -> None:
    """Number words have their own small automaton: amounts does not load the gazetteer."""
    wordscan.place_automaton.cache_clear()
    assert number_starts("Two officials, a dozen aides.") == (0, 15, 17)  # "a dozen" and "dozen"
    assert wordscan.place_automaton.cache_info().currsize == 0
