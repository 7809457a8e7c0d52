"""Candidate spans of the compiled scan (analysis.themes.kernel.spans): ordering and longest-match choice.

The whole scan is compared with the pure-Python reference in test_scan.py; here the span helpers
are checked on random candidates against the rules they implement.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis.themes.kernel.spans import choose, grow, merge_sorted, sort_cands


def _candidates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """n random candidate spans (start, end, set rank, payload), some repeated, over 60 characters."""
    cs = rng.integers(0, 50, n)
    ce = cs + rng.integers(1, 12, n)
    dup = rng.random(n) < 0.2
    cs[1:][dup[1:]], ce[1:][dup[1:]] = cs[:-1][dup[1:]], ce[:-1][dup[1:]]   # same span, another entry set
    return cs.astype(np.int64), ce.astype(np.int64), rng.integers(0, 4, n).astype(np.int64), np.arange(n, dtype=np.int64)


def _key(cs, ce, cr) -> list[tuple[int, int, int]]:
    """The candidate order: start, then longer first, then set rank."""
    return [(int(s), -int(e), int(r)) for s, e, r in zip(cs, ce, cr)]


@pytest.mark.parametrize("seed", range(5))
def test_sort_and_merge_give_the_candidate_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cs, ce, cr, cx = _candidates(rng, 40)
    want = sorted(_key(cs, ce, cr))
    a = [x.copy() for x in (cs, ce, cr, cx)]
    sort_cands(*a, 0, 40)
    assert _key(*a[:3]) == want and sorted(a[3]) == list(range(40))
    b = [x.copy() for x in (cs, ce, cr, cx)]
    sort_cands(*b, 0, 25)
    sort_cands(*b, 25, 40)
    merge_sorted(*b, 25, 40, *(np.empty(40, np.int64) for _ in range(4)))
    assert _key(*b[:3]) == want


@pytest.mark.parametrize("seed", range(20))
def test_choose_keeps_longest_non_overlapping_spans(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    cs, ce, cr, cx = _candidates(rng, n)
    sort_cands(cs, ce, cr, cx, 0, n)
    order, run0, run1, ch0, ch1 = (np.empty(n, np.int64) for _ in range(5))
    k = choose(cs, ce, n, order, run0, run1, ch0, ch1)
    runs = [(int(a), int(b)) for a, b in zip(ch0[:k], ch1[:k])]
    spans = [(int(cs[a]), int(ce[a])) for a, _ in runs]
    assert spans == sorted(spans)                                             # in text order
    for (_, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 <= s2                                                       # no overlaps
    for a, b in runs:                                                         # a run = every entry of one span
        assert {(int(cs[i]), int(ce[i])) for i in range(a, b)} == {(int(cs[a]), int(ce[a]))}
        assert [i for i in range(n) if (cs[i], ce[i]) == (cs[a], ce[a])] == list(range(a, b))
    chosen = {i for a, b in runs for i in range(a, b)}
    for i in set(range(n)) - chosen:                                          # a dropped candidate lost to a
        beaten = [(s, e) for s, e in spans if s < ce[i] and cs[i] < e]       # longer (or as long, earlier) span
        assert beaten and any(e - s > ce[i] - cs[i] or (e - s == ce[i] - cs[i] and s < cs[i]) for s, e in beaten)


def test_grow_doubles_only_when_full() -> None:
    a = np.arange(4, dtype=np.int64)
    assert grow(a, 3) is a
    b = grow(a, 4)
    assert b.shape[0] >= 68 and b[:4].tolist() == [0, 1, 2, 3] and b.dtype == a.dtype
