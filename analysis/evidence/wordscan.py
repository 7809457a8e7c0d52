"""One Aho-Corasick pass per document over the extractors' fixed word lists: place names and number words.

``places`` needs the longest place name at each leftmost position, on word boundaries; ``amounts``
needs the start of every number word ("two", "Dozen", "a half-dozen") that stands as a word. Both
lists go into one automaton (``ahocorasick_rs``, about twice as fast per character as
``pyahocorasick`` here), so a document is scanned once for both. The pass reports every
overlapping match; place matches are then reduced leftmost-longest and number words kept where
they stand as a word. The result is
cached per document (bounded by ``SCAN_CACHE_CHARS``), since a report runs ``amounts`` and
``places`` over the same documents one after the other.

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


def scan_document(doc: str) -> WordScan:
    """Scan ``doc`` once (not cached): place mentions and number-word starts."""
    n = len(doc)
    numbers: list[int] = []
    found: list[tuple[int, int, str, object]] = []
    matcher, values = automaton()
    for i, start, end in matcher.find_matches_as_indexes(doc, overlapping=True):
        form, target = values[i]
        if target is NUMBER:
            if (start == 0 or doc[start - 1] in WORD_BOUNDARY) and (end >= n or not doc[end].isalpha()):
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


_SCANS: dict[str, WordScan] = {}
_SCANS_CHARS = [0]


def word_scan(doc: str) -> WordScan:
    """``scan_document(doc)``, cached per document text in this process."""
    got = _SCANS.get(doc)
    if got is None:
        if _SCANS_CHARS[0] + len(doc) > SCAN_CACHE_CHARS:
            clear_word_scan_cache()
        got = _SCANS[doc] = scan_document(doc)
        _SCANS_CHARS[0] += len(doc)
    return got


def clear_word_scan_cache() -> None:
    """Empty the word-scan cache (benchmarks measure cold runs; cluster workers free it per partition)."""
    _SCANS.clear()
    _SCANS_CHARS[0] = 0


__all__ = ["NUMBER", "SCAN_CACHE_CHARS", "WORD_BOUNDARY", "PlaceMatch", "WordAutomaton", "WordScan", "automaton",
           "clear_word_scan_cache", "number_words", "scan_document", "word_scan"]
