"""One scan for place names and number words: the same matches as two separate scans, cached per document."""
from __future__ import annotations

import json
import random
from pathlib import Path

import ahocorasick
import pytest

from analysis.evidence import wordscan
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.evidence.wordscan import (
    WORD_BOUNDARY,
    clear_word_scan_cache,
    number_words,
    scan_document,
    word_scan,
)
from analysis.text.sentences import document_text


def _places_alone(doc: str) -> list[tuple[int, int, str, str, str, str]]:
    """Place mentions by ``iter_long`` over an automaton of the place names only (the earlier scan)."""
    auto = ahocorasick.Automaton()
    for form, target in gazetteer().items():
        auto.add_word(form, (form, None if target is None else (target[0], target[1], "country")))
    for form, target in subnational().items():
        auto.add_word(form, (form, target))
    auto.make_automaton()
    out, n = [], len(doc)
    for last, (form, target) in auto.iter_long(doc):
        start, end = last - len(form) + 1, last + 1
        if target is None or (start > 0 and doc[start - 1].isalnum()):
            continue
        if end < n and doc[end].isalnum() and not form.endswith("."):
            continue
        out.append((start, end, target[0], target[1], form, target[2]))
    return out


def _numbers_alone(doc: str) -> list[int]:
    """Number-word starts by an automaton of the number words only (every match, as the earlier scan)."""
    auto = ahocorasick.Automaton()
    for form in number_words():
        auto.add_word(form, len(form))
    auto.make_automaton()
    n, out = len(doc), []
    for last, length in auto.iter(doc):
        s = last - length + 1
        if (s == 0 or doc[s - 1] in WORD_BOUNDARY) and (last + 1 >= n or not doc[last + 1].isalpha()):
            out.append(s)
    return sorted(out)


def test_one_pass_equals_the_separate_scans_on_real_articles(allsides_path: Path) -> None:
    """On 600 AllSides articles: the same places as iter_long over the names alone, the same number words."""
    rows = [json.loads(line) for line in allsides_path.read_text(encoding="utf-8").splitlines()[:600]]
    docs = [document_text(r.get("title"), r.get("text")) for r in rows]
    places = numbers = 0
    for doc in docs:
        scan = scan_document(doc)
        assert list(scan.places) == _places_alone(doc)
        assert list(scan.numbers) == _numbers_alone(doc)
        places += len(scan.places)
        numbers += len(scan.numbers)
    assert places > 2_000 and numbers > 300  # the comparison covered many matches of both kinds


def test_overlapping_names_reduce_leftmost_longest() -> None:
    """Random runs of overlapping names and fragments give what iter_long gives on the names alone."""
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
    monkeypatch.setattr(wordscan, "SCAN_CACHE_CHARS", len(doc) + 10)
    other = "Two Canadian ministers."
    word_scan(other)
    assert word_scan(doc) is not first  # the budget was exceeded: the cache was emptied and rebuilt
    clear_word_scan_cache()
    assert word_scan(other) == scan_document(other)
