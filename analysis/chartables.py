"""Per-code-point lookup tables and the code-point form of documents, for :mod:`analysis.scanner`.

Every table covers the Basic Multilingual Plane (65,536 entries) and is derived from Python's own
string methods, so the compiled kernels classify characters exactly as ``str.isspace``,
``str.lower`` and the regular expressions of :mod:`analysis.sentences` do. (No character outside
the BMP is white space, sentence punctuation or a Latin-1 letter in lower case; a test checks it.)

    >>> t = char_tables()
    >>> int(t.norm[ord("É")]), int(t.norm[ord("’")]), int(t.case[ord("É")])
    (233, 32, 201)
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Sequence

import numpy as np

from analysis import scanner
from analysis.lexicon import CASE_TABLE, NORM_TABLE
from analysis.sentences import _abbreviations

_BMP = 65536
# the character sets of sentences._CANDIDATE: terminal, closing, opening punctuation, sentence start
_TERM = set(".!?…")
_CLOSE = set("\"'”’)]")
_OPEN = set("\"'“‘([")


class CharTables(NamedTuple):
    """Lookup tables indexed by code point (BMP) and the abbreviation word lists."""

    flags: np.ndarray  # uint16 class bits (scanner.SPACE, TERM, ...)
    lower: np.ndarray  # int64 lower-case code point, -1 when the lower case is longer
    norm: np.ndarray  # uint8 matching form (lexicon.normalize) of each character
    case: np.ndarray  # uint8 case-preserving form (lexicon.normalize_case)
    never: tuple  # abbreviations that never end a sentence (hash, ptr, chars)
    starters: tuple  # words that usually start a sentence


def _flags(c: str) -> int:
    """Class bits of one character."""
    f = 0
    if c.isspace():
        f |= scanner.SPACE
        if ord(c) < 256:
            f |= scanner.WSB
    if c == "\n":
        f |= scanner.NEWLINE
    if c in _TERM:
        f |= scanner.TERM
    if c in _CLOSE:
        f |= scanner.CLOSE
    if c in _OPEN:
        f |= scanner.OPEN
    if "A" <= c <= "Z" or "0" <= c <= "9" or "À" <= c <= "Ý":
        f |= scanner.START
    if "A" <= c <= "Z" or "a" <= c <= "z":
        f |= scanner.ALPHA
    if "A" <= c <= "Z":
        f |= scanner.UPPER
    return f


def _norm(c: str) -> int:
    """The byte ``lexicon.normalize`` gives one character (lower case, separators as space)."""
    low = c.lower()
    if len(low) != 1:  # normalize keeps such characters as they are
        low = c
    o = ord(low)
    return NORM_TABLE[o] if o < 256 else 32


def word_table(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pack lower-case words as (sorted FNV-1a hashes, offsets, code points) for ``scanner._in_set``.

    >>> word_table(["mr", "dr"])[1].tolist()
    [0, 2, 4]
    """
    items = []
    for w in set(words):
        h = 1469598103934665603
        for ch in w:
            h = ((h ^ ord(ch)) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        items.append((h, w))
    items.sort()
    ptr = np.zeros(len(items) + 1, np.int64)
    ptr[1:] = np.cumsum([len(w) for _, w in items])
    chars = np.array([ord(ch) for _, w in items for ch in w], dtype=np.int64)
    return np.array([h for h, _ in items], dtype=np.uint64), ptr, chars


@lru_cache(maxsize=1)
def char_tables() -> CharTables:
    """Build (once per process) the lookup tables."""
    chars = [chr(i) for i in range(_BMP)]
    flags = np.array([_flags(c) for c in chars], dtype=np.uint16)
    lower = np.array([ord(c.lower()) if len(c.lower()) == 1 else -1 for c in chars], dtype=np.int64)
    norm = np.array([_norm(c) for c in chars], dtype=np.uint8)
    case = np.zeros(_BMP, dtype=np.uint8)
    case[:256] = np.frombuffer(CASE_TABLE, dtype=np.uint8)
    case[256:] = 32
    never, starters = _abbreviations()
    return CharTables(flags, lower, norm, case, word_table(sorted(never)), word_table(sorted(starters)))


def codepoints(docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (code points of all documents concatenated as uint32, start offsets with the total last).

    >>> cps, off = codepoints(["ab", "", "ç"])
    >>> cps.tolist(), off.tolist()
    ([97, 98, 231], [0, 2, 2, 3])
    """
    off = np.zeros(len(docs) + 1, dtype=np.int64)
    if docs:
        np.cumsum([len(d) for d in docs], out=off[1:])
    buf = "".join(docs).encode("utf-32-le") if docs else b""
    return np.frombuffer(buf, dtype=np.uint32), off


__all__ = ["CharTables", "char_tables", "codepoints", "word_table"]
