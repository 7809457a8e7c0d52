"""Per-code-point lookup tables and the code-point form of documents, for :mod:`analysis.themes.kernel.documents`.

Every table covers the Basic Multilingual Plane (65,536 entries) and is derived from Python's own
string methods, so the compiled kernels classify characters exactly as ``str.isspace``,
``str.lower`` and the regular expressions of :mod:`analysis.text.sentences` do. (No character outside
the BMP is white space, sentence punctuation or a Latin-1 letter in lower case; a test checks it.)

    >>> t = char_tables()
    >>> int(t.norm[ord("É")]), int(t.norm[ord("’")]), int(t.case[ord("É")])
    (233, 32, 201)
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from analysis.text.sentences import abbreviations
from analysis.themes.kernel import documents as scanner
from analysis.themes.lexicon import CASE_TABLE, NORM_TABLE

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


def _flags(chars: list[str], cp: np.ndarray) -> np.ndarray:
    """Class bits of every BMP character (``cp`` = their code points)."""
    f = np.zeros(_BMP, dtype=np.uint16)
    space = np.array([c.isspace() for c in chars])
    f[space] |= scanner.SPACE
    f[space & (cp < 256)] |= scanner.WSB
    f[ord("\n")] |= scanner.NEWLINE
    for bit, group in ((scanner.TERM, _TERM), (scanner.CLOSE, _CLOSE), (scanner.OPEN, _OPEN)):
        f[[ord(c) for c in group]] |= bit
    upper = (cp >= ord("A")) & (cp <= ord("Z"))
    f[upper | ((cp >= ord("0")) & (cp <= ord("9"))) | ((cp >= ord("À")) & (cp <= ord("Ý")))] |= scanner.START
    f[upper | ((cp >= ord("a")) & (cp <= ord("z")))] |= scanner.ALPHA
    f[upper] |= scanner.UPPER
    return f


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
    cp = np.arange(_BMP)
    lower = np.array([ord(low) if len(low := c.lower()) == 1 else -1 for c in chars], dtype=np.int64)
    # lexicon.normalize: lower case (a character whose lower case is longer stays as it is), then the
    # Latin-1 matching form; anything beyond Latin-1 is a separator
    lowered = np.where(lower >= 0, lower, cp)
    norm = np.where(lowered < 256, np.frombuffer(NORM_TABLE, np.uint8)[np.minimum(lowered, 255)], 32).astype(np.uint8)
    flags = _flags(chars, cp)
    case = np.zeros(_BMP, dtype=np.uint8)
    case[:256] = np.frombuffer(CASE_TABLE, dtype=np.uint8)
    case[256:] = 32
    never, starters = abbreviations()
    return CharTables(flags, lower, norm, case, word_table(sorted(never)), word_table(sorted(starters)))


__all__ = ["CharTables", "char_tables", "word_table"]
