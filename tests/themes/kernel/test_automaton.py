"""The dense Aho-Corasick table reports exactly the key occurrences a brute-force search finds."""
from __future__ import annotations

import random

from analysis.themes.kernel.automaton import build_dfa


def _matches(keys: list[bytes], text: bytes) -> set[tuple[int, int]]:
    """(end index, key id) of every occurrence, by running the table."""
    sym, delta, ptr, out = build_dfa(keys)
    state, found = 0, set()
    for i, b in enumerate(text):
        state = delta[state, sym[b]]
        found |= {(i, int(k)) for k in out[ptr[state]:ptr[state + 1]]}
    return found


def test_random_keys_and_texts_match_brute_force():
    rng = random.Random(7)
    for _ in range(30):
        keys = list({bytes(rng.choice(b"ab c") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))})
        text = bytes(rng.choice(b"ab cd") for _ in range(200))
        want = {(i + len(k) - 1, kid) for kid, k in enumerate(keys) for i in range(len(text)) if text.startswith(k, i)}
        assert _matches(keys, text) == want


def test_keys_that_are_suffixes_of_other_keys():
    keys = [b" free trade ", b" trade ", b"e t"]
    assert _matches(keys, b" free trade ") == {(11, 0), (11, 1), (6, 2)}
