"""The lookup tables classify every character exactly as Python's string methods do."""
from __future__ import annotations

import numpy as np

from analysis.themes.kernel import documents as scanner
from analysis.themes.kernel.charclasses import char_tables, word_table
from analysis.themes.lexicon import normalize, normalize_case


def test_tables_agree_with_python_on_the_whole_bmp():
    t = char_tables()
    chars = [chr(i) for i in range(65536) if not 0xD800 <= i < 0xE000]
    text = "".join(chars)
    norm = normalize(text).encode("latin-1")
    case = normalize_case(text).encode("latin-1")
    idx = np.array([ord(c) for c in chars])
    assert bytes(t.norm[idx].astype(np.uint8)) == norm
    assert bytes(t.case[idx].astype(np.uint8)) == case
    assert [bool(f & scanner.SPACE) for f in t.flags[idx]] == [c.isspace() for c in chars]


def test_no_character_outside_the_bmp_needs_a_table_entry():
    # the kernels treat code points >= 65536 as: not white space, not punctuation, a separator when matching
    for i in range(0x10000, 0x110000):
        c = chr(i)
        assert not c.isspace()
        low = c.lower()
        assert len(low) != 1 or ord(low) >= 256


def test_word_table():
    hashes, ptr, chars = word_table(["sen", "gov"])
    assert len(hashes) == 2 and ptr.tolist() == [0, 3, 6] and sorted(chars.tolist()) == sorted(map(ord, "sengov"))
