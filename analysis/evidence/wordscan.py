"""One Aho-Corasick pass per document over the extractors' fixed word lists: place names and number words.

``places`` needs the longest place name at each leftmost position, on word boundaries; ``amounts``
needs the start of every number word ("two", "Dozen", "a half-dozen") that stands as a word. Both
lists go into one automaton (``ahocorasick_rs``, about twice as fast per character as
``pyahocorasick`` here), so a document is scanned once for both. The pass reports every
overlapping match; place matches are then reduced leftmost-longest and number words kept where
they stand as a word. The result is cached per document (``SCAN_CACHE``, a ``sentences.DocumentCache``
bounded by ``SCAN_CACHE_CHARS``), since a report runs ``amounts`` and ``places`` over the same
documents one after the other. ``amounts`` asks for :func:`number_starts`: until places are first
asked for in the process, those come from a small automaton of number words alone (``amounts`` on
its own does not load the gazetteer, about 0.3 s); after that, from the shared scan.

    >>> scan = word_scan("Two Mexican officials met in New Mexico.")
    >>> [(p[2], p[5]) for p in scan.places], scan.numbers
    ([('Mexico', 'country'), ('New Mexico', 'state')], (0,))
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs

from analysis.evidence.documents import data_table
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.text.sentences import DocumentCache

PlaceMatch = tuple[int, int, str, str, str, str]  # start, end, canonical, iso3, surface form, level
NUMBER = "number"  # the automaton value's marker of a number word
WORD_BOUNDARY = " \n\t\xa0(“\"‘'—–-/"  # what may stand before a number word
SCAN_CACHE_CHARS = 64_000_000  # documents' characters kept in the cache before it is emptied


class WordScan(NamedTuple):
    """The place mentions and the number-word starts of one document, in document order."""

    places: tuple[PlaceMatch, ...]
    numbers: tuple[int, ...]


def number_words() -> frozenset[str]:
    """The first words of the number phrases of ``numbers.csv``, lower case and capitalized.

    >>> {"two", "Two", "a dozen"} <= number_words()
    True
    """
    words = {w for w, _v, t in data_table("numbers.csv")[1:] if t == "number"}
    keys = {w.lower() if w.startswith(("a ", "one ", "half")) else w.split(" ")[0].split("-")[0] for w in words}
    return frozenset(form for key in keys for form in (key, key[:1].upper() + key[1:]))  # no lower-casing of documents


class WordAutomaton(NamedTuple):
    """The automaton over all words and, per pattern index, its (surface form, target)."""

    matcher: ahocorasick_rs.AhoCorasick
    values: tuple[tuple[str, object], ...]


@lru_cache(maxsize=1)
def automaton() -> WordAutomaton:
    """The automaton over every place name (target: its place, None for a look-alike) and number word (NUMBER)."""
    values: dict[str, object] = {}
    for form, target in gazetteer().items():
        values[form] = None if target is None else (target[0], target[1], "country")
    for form, place in subnational().items():
        values[form] = place
    for form in sorted(number_words()):
        if form in values:
            raise ValueError(f"{form!r} is both a place name and a number word")
        values[form] = NUMBER
    forms = list(values)
    return WordAutomaton(ahocorasick_rs.AhoCorasick(forms), tuple((f, values[f]) for f in forms))


@lru_cache(maxsize=1)
def number_automaton() -> ahocorasick_rs.AhoCorasick:
    """The automaton over the number words alone (for ``amounts`` before any place is asked for)."""
    return ahocorasick_rs.AhoCorasick(sorted(number_words()))


def stands_alone(doc: str, start: int, end: int) -> bool:
    """True when the number word at ``doc[start:end]`` stands as a word (a boundary before, no letter after)."""
    return (start == 0 or doc[start - 1] in WORD_BOUNDARY) and (end >= len(doc) or not doc[end].isalpha())


def scan_numbers(doc: str) -> tuple[int, ...]:
    """The number-word starts of ``doc`` (not cached), as :func:`scan_document` finds them, without the places.

    >>> scan_numbers("Two Mexican officials met in New Mexico.")
    (0,)
    """
    return tuple(sorted(start for _i, start, end in number_automaton().find_matches_as_indexes(doc, overlapping=True)
                        if stands_alone(doc, start, end)))


def scan_document(doc: str) -> WordScan:
    """Scan ``doc`` once (not cached): place mentions and number-word starts."""
    n = len(doc)
    numbers: list[int] = []
    found: list[tuple[int, int, str, object]] = []
    matcher, values = automaton()
    for i, start, end in matcher.find_matches_as_indexes(doc, overlapping=True):
        form, target = values[i]
        if target is NUMBER:
            if stands_alone(doc, start, end):
                numbers.append(start)
        else:
            found.append((start, start - end, form, target))
    found.sort()
    places: list[PlaceMatch] = []
    done = 0
    for start, minus_len, form, target in found:
        if start < done:
            continue  # inside the longer name found at an earlier position
        end = done = start - minus_len
        if target is None:
            continue  # a look-alike ("Latin American"): it hides the names inside it
        if start > 0 and doc[start - 1].isalnum():
            continue
        if end < n and doc[end].isalnum() and not form.endswith("."):
            continue
        places.append((start, end, target[0], target[1], form, target[2]))
    return WordScan(tuple(places), tuple(sorted(numbers)))


SCAN_CACHE: DocumentCache[WordScan] = DocumentCache(scan_document, SCAN_CACHE_CHARS)
NUMBER_CACHE: DocumentCache[tuple[int, ...]] = DocumentCache(scan_numbers, SCAN_CACHE_CHARS)


def word_scan(doc: str) -> WordScan:
    """``scan_document(doc)``, cached per document text in this process."""
    return SCAN_CACHE[doc]


def number_starts(doc: str) -> tuple[int, ...]:
    """The number-word starts of ``doc`` (cached): from the shared :func:`word_scan` once the place
    automaton is built (places were asked for in this process), else from the number words alone.

    >>> number_starts("Seven officials met; two left.")
    (0, 21)
    """
    if automaton.cache_info().currsize:
        if NUMBER_CACHE:  # no longer read: free the documents it holds
            NUMBER_CACHE.clear()
        return SCAN_CACHE[doc].numbers
    return NUMBER_CACHE[doc]


def clear_word_scan_cache() -> None:
    """Empty the word-scan caches (benchmarks measure cold runs; ``sentences.clear_document_caches`` empties them too)."""
    SCAN_CACHE.clear()
    NUMBER_CACHE.clear()


__all__ = ["NUMBER", "NUMBER_CACHE", "SCAN_CACHE", "SCAN_CACHE_CHARS", "WORD_BOUNDARY", "PlaceMatch", "WordAutomaton",
           "WordScan", "automaton", "clear_word_scan_cache", "number_automaton", "number_starts", "number_words",
           "scan_document", "scan_numbers", "stands_alone", "word_scan"]
