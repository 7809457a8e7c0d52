"""Aho-Corasick scans over the extractors' fixed word lists: place names (``places``) and number words (``amounts``).

``places`` needs the longest place name at each leftmost position, on word boundaries: one
leftmost-longest automaton over the gazetteer's names (``ahocorasick_rs``, a Rust automaton), with
look-alikes ("Latin American") matched as names that hide the names inside them. The result is
cached per document (``PLACE_CACHE``, a ``sentences.DocumentCache`` bounded by ``PLACE_CACHE_CHARS``),
since a report runs ``places``, ``place_mentions`` and the country counts over the same documents.
``amounts`` needs the start of every number word ("two", "Dozen", "a half-dozen") that stands as a
word: a small automaton of its own, reporting overlapping matches, so ``amounts`` never loads the
gazetteer.

    >>> [(p[2], p[5]) for p in place_matches("Two Mexican officials met in New Mexico.")]
    [('Mexico', 'country'), ('New Mexico', 'state')]
    >>> number_starts("Two Mexican officials met in New Mexico.")
    (0,)
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs

from analysis.evidence.documents import data_table
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.text.sentences import DocumentCache

PlaceMatch = tuple[int, int, str, str, str, str]  # start, end, canonical, iso3, surface form, level
WORD_BOUNDARY = " \n\t\xa0(“\"‘'—–-/"  # what may stand before a number word
PLACE_CACHE_CHARS = 64_000_000  # documents' characters kept in the cache before it is emptied


def number_words() -> frozenset[str]:
    """The first words of the number phrases of ``numbers.csv``, lower case and capitalized.

    >>> {"two", "Two", "a dozen"} <= number_words()
    True
    """
    words = {w for w, _v, t in data_table("numbers.csv")[1:] if t == "number"}
    keys = {w.lower() if w.startswith(("a ", "one ", "half")) else w.split(" ")[0].split("-")[0] for w in words}
    return frozenset(form for key in keys for form in (key, key[:1].upper() + key[1:]))  # no lower-casing of documents


class PlaceAutomaton(NamedTuple):
    """The leftmost-longest automaton over every place name and, per pattern index, (surface form, place)."""

    matcher: ahocorasick_rs.AhoCorasick
    values: tuple[tuple[str, tuple[str, str, str] | None], ...]


@lru_cache(maxsize=1)
def place_automaton() -> PlaceAutomaton:
    """The automaton over every place name (its place: canonical, iso3, level; None for a look-alike)."""
    values: dict[str, tuple[str, str, str] | None] = {}
    for form, target in gazetteer().items():
        values[form] = None if target is None else (target[0], target[1], "country")
    values.update(subnational())
    forms = list(values)
    matcher = ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
    return PlaceAutomaton(matcher, tuple((f, values[f]) for f in forms))


def scan_places(doc: str) -> tuple[PlaceMatch, ...]:
    """The place mentions of ``doc`` in document order (not cached): the longest name at each leftmost
    position that stands on word boundaries (a look-alike hides the names inside it and is dropped)."""
    n = len(doc)
    matcher, values = place_automaton()
    out: list[PlaceMatch] = []
    for i, start, end in matcher.find_matches_as_indexes(doc):
        form, target = values[i]
        if target is None or (start > 0 and doc[start - 1].isalnum()):
            continue
        if end < n and doc[end].isalnum() and not form.endswith("."):
            continue
        out.append((start, end, target[0], target[1], form, target[2]))
    return tuple(out)


PLACE_CACHE: DocumentCache[tuple[PlaceMatch, ...]] = DocumentCache(scan_places, PLACE_CACHE_CHARS)


def place_matches(doc: str) -> tuple[PlaceMatch, ...]:
    """:func:`scan_places` of ``doc``, cached per document text in this process."""
    return PLACE_CACHE[doc]


@lru_cache(maxsize=1)
def number_automaton() -> ahocorasick_rs.AhoCorasick:
    """The automaton over the number words (every overlapping match is reported)."""
    return ahocorasick_rs.AhoCorasick(sorted(number_words()))


def stands_alone(doc: str, start: int, end: int) -> bool:
    """True when the number word at ``doc[start:end]`` stands as a word (a boundary before, no letter after)."""
    return (start == 0 or doc[start - 1] in WORD_BOUNDARY) and (end >= len(doc) or not doc[end].isalpha())


def number_starts(doc: str) -> tuple[int, ...]:
    """The sorted starts of the number words of ``doc`` that stand as words (not cached: ``amounts`` reads each once).

    >>> number_starts("Seven officials met; twenty-two left.")
    (0, 21, 28)
    """
    return tuple(sorted(start for _i, start, end in number_automaton().find_matches_as_indexes(doc, overlapping=True)
                        if stands_alone(doc, start, end)))


__all__ = ["PLACE_CACHE", "PLACE_CACHE_CHARS", "WORD_BOUNDARY", "PlaceAutomaton", "PlaceMatch", "number_automaton",
           "number_starts", "number_words", "place_automaton", "place_matches", "scan_places", "stands_alone"]
