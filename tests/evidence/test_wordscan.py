"""One scan for place names and number words: the same matches as two separate scans, cached per document."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import ahocorasick_rs
import pytest

from analysis.evidence import wordscan
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.evidence.wordscan import (
    NUMBER_CACHE,
    SCAN_CACHE,
    WORD_BOUNDARY,
    clear_word_scan_cache,
    number_starts,
    number_words,
    scan_document,
    scan_numbers,
    word_scan,
)
from analysis.text.sentences import clear_document_caches, document_text


def _places_alone(doc: str) -> list[tuple[int, int, str, str, str, str]]:
    """Place mentions by a leftmost-longest automaton over the place names only (no overlapping matches)."""
    values = {form: None if t is None else (t[0], t[1], "country") for form, t in gazetteer().items()}
    values.update(subnational())
    forms = list(values)
    auto = ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
    out, n = [], len(doc)
    for i, start, end in auto.find_matches_as_indexes(doc):
        target = values[forms[i]]
        if target is None or (start > 0 and doc[start - 1].isalnum()):
            continue
        if end < n and doc[end].isalnum() and not forms[i].endswith("."):
            continue
        out.append((start, end, target[0], target[1], forms[i], target[2]))
    return out


def _numbers_alone(doc: str) -> set[int]:
    """Where a number word starts as a word, by a plain regex (lookahead: every start position)."""
    alternatives = "|".join(sorted(map(re.escape, number_words()), key=len, reverse=True))
    pattern = re.compile(r"(?=(?:%s)(?![^\W\d_]))" % alternatives)
    return {m.start() for m in pattern.finditer(doc) if m.start() == 0 or doc[m.start() - 1] in WORD_BOUNDARY}


def test_one_pass_equals_the_separate_scans_on_real_articles(allsides_path: Path) -> None:
    """On 600 AllSides articles: the same places as a leftmost-longest scan of the names alone, the same number words."""
    rows = [json.loads(line) for line in allsides_path.read_text(encoding="utf-8").splitlines()[:600]]
    docs = [document_text(r.get("title"), r.get("text")) for r in rows]
    places = numbers = 0
    for doc in docs:
        scan = scan_document(doc)
        assert list(scan.places) == _places_alone(doc)
        assert set(scan.numbers) == _numbers_alone(doc)
        places += len(scan.places)
        numbers += len(scan.numbers)
    assert places > 2_000 and numbers > 300  # the comparison covered many matches of both kinds


def test_overlapping_names_reduce_leftmost_longest() -> None:
    """Random runs of overlapping names and fragments give the leftmost-longest places of the names alone."""
    names = sorted(set(gazetteer()) | set(subnational()))
    rng = random.Random(7)
    pieces = [n for n in names if " " in n] + ["New", "York", "City", "South", "North", "Korea", "the", "of", "two",
                                              "Seven", "a dozen", "Georgia", "Latin American", "U.S.", "-"]
    for _ in range(300):
        doc = " ".join(rng.choice(pieces) for _ in range(rng.randint(3, 12)))
        assert list(scan_document(doc).places) == _places_alone(doc), doc


def test_cache_returns_the_scan_and_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """word_scan caches by document text, empties itself past its budget, and can be cleared."""
    clear_word_scan_cache()
    doc = "Seven Mexican officials met in El Paso."
    first = word_scan(doc)
    assert word_scan(doc) is first and first == scan_document(doc)
    assert [p[2] for p in first.places] == ["Mexico", "El Paso"] and first.numbers == (0,)
    monkeypatch.setattr(SCAN_CACHE, "budget", len(doc) + 10)
    other = "Two Canadian ministers."
    word_scan(other)
    assert word_scan(doc) is not first  # the budget was exceeded: the cache was emptied and rebuilt
    clear_word_scan_cache()
    assert word_scan(other) == scan_document(other)


def test_offsets_are_characters_with_emoji_and_cjk() -> None:
    """Offsets count characters (not UTF-8 bytes) past emoji, flags and CJK text."""
    doc = "😀 Talks in Mexico 🇺🇸 with two Texas officials, é ü 中文 then Canada."
    scan = scan_document(doc)
    assert [doc[s:e] for s, e, *_ in scan.places] == ["Mexico", "Texas", "Canada"]
    assert [doc[i:i + 3] for i in scan.numbers] == ["two"]


def test_number_words_alone_match_the_shared_scan() -> None:
    """Before places are asked for, number words come from their own automaton (no gazetteer); the starts
    are those of the shared scan, which serves them once the place automaton is built."""
    rng = random.Random(11)
    pieces = sorted(number_words()) + ["New York", "Mexico", "x", "-", "(", "“", "twos", "Tens", "a", "dozen", "é"]
    docs = ["".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "-", "s "]) for _ in range(rng.randint(1, 15)))
            for _ in range(400)]
    assert [scan_numbers(d) for d in docs] == [scan_document(d).numbers for d in docs]
    clear_document_caches()
    wordscan.automaton.cache_clear()
    try:
        first = number_starts(docs[0])
        assert wordscan.automaton.cache_info().currsize == 0      # amounts alone: no place automaton built
        assert docs[0] in NUMBER_CACHE and docs[0] not in SCAN_CACHE and number_starts(docs[0]) is first
        word_scan(docs[1])                                         # places asked for: the shared scan from now on
        assert number_starts(docs[1]) is word_scan(docs[1]).numbers and docs[1] not in NUMBER_CACHE
    finally:
        clear_document_caches()
