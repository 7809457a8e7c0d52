"""Exact and near-duplicate flags (analysis.corpus.dedupe)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from analysis.corpus import dedupe
from analysis.corpus.dedupe import DedupeIndex, flag_duplicates

WORDS = ("tariff border minister trade steel court migrants security budget port senate vote "
         "officials said plan council police drug cartel prices farmers grain rail strike exports").split()


def _article(seed: int, n: int = 300) -> str:
    """A deterministic pseudo-article of ``n`` words in paragraphs."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) + ("." if i % 17 == 16 else "") for i in range(n)]
    return "\n\n".join(" ".join(words[i:i + 60]) for i in range(0, n, 60))


def _edit(text: str, fraction: float, seed: int = 0) -> str:
    """Replace ``fraction`` of the words with a marker word."""
    rng = random.Random(seed)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * fraction)):
        words[i] = f"edited{i}"
    return " ".join(words)


def _jaccard(a: str, b: str, k: int = dedupe.SHINGLE_WORDS) -> float:
    """Exact Jaccard resemblance of word k-shingle sets."""
    def sh(t: str) -> set[tuple[str, ...]]:
        w = re.findall(r"\w+(?:['’-]\w+)*", t.lower())
        return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}
    x, y = sh(a), sh(b)
    return len(x & y) / len(x | y)


def test_exact_duplicates_ignore_case_punctuation_space() -> None:
    a = _article(1)
    b = a.upper().replace(".", "").replace(" ", "  ")
    dup_of, kind, _ = flag_duplicates(["a", "b", "c"], ["T1", "T2", "T3"], [a, b, _article(2)])
    assert dup_of.tolist() == [None, "a", None] and kind.tolist() == [None, "exact", None]


def test_short_texts_key_on_title_too() -> None:
    dup_of, kind, _ = flag_duplicates(["a", "b", "c"], ["Fire downtown", "Flood uptown", "Fire downtown"],
                                      ["new years activities"] * 3)
    assert dup_of.tolist() == [None, None, "a"]


def test_near_duplicates_at_point_nine() -> None:
    base = _article(3, 400)
    close, far = _edit(base, 0.01, 1), _edit(base, 0.25, 2)
    assert _jaccard(base, close) > 0.9 > 0.6 > _jaccard(base, far)
    dup_of, kind, _ = flag_duplicates(["a", "b", "c"], ["A", "B", "C"], [base, close, far])
    assert dup_of.tolist() == [None, "a", None] and kind.tolist() == [None, "near", None]


@pytest.mark.parametrize("fraction", [0.0, 0.02, 0.05, 0.1, 0.3])
def test_resemblance_estimate_tracks_exact_jaccard(fraction: float) -> None:
    base = _article(4, 600)
    other = _edit(base, fraction, 5)
    sig, valid = dedupe.signatures([base, other])
    assert valid.all()
    est = float(dedupe.resemblance(sig[0], sig[1]))
    assert abs(est - _jaccard(base, other)) < 0.1


def test_duplicate_of_a_duplicate_points_at_first_copy() -> None:
    a = _article(6, 500)
    b = _edit(a, 0.01, 1)
    c = _edit(b, 0.01, 2)
    dup_of, _, _ = flag_duplicates(["a", "b", "c"], ["A", "B", "C"], [a, b, c])
    assert dup_of.tolist() == [None, "a", "a"]


def test_against_a_saved_index(tmp_path: Path) -> None:
    a, b = _article(7), _article(8)
    _, _, index = flag_duplicates(["a", "b"], ["A", "B"], [a, b])
    index.save(tmp_path / "idx.npz")
    loaded = DedupeIndex.load(tmp_path / "idx.npz")
    assert loaded.ids.tolist() == ["a", "b"] and np.array_equal(loaded.sigs, index.sigs)
    dup_of, kind, grown = flag_duplicates(["c", "d", "e"], ["C", "D", "E"], [_edit(b, 0.01), a, _article(9)], loaded)
    assert dup_of.tolist() == ["b", "a", None] and kind.tolist() == ["near", "exact", None]
    assert len(grown) == 5 and grown.roots.tolist() == ["", "", "b", "a", ""]
    assert len(DedupeIndex.load(tmp_path / "absent.npz")) == 0


def _pairs_by_brute_force(sig: np.ndarray, valid: np.ndarray) -> list[list[int]]:
    """Every (i, j) in one band bucket, j at most MAX_GROUP_PAIRS places after i (rows ascending), once."""
    rows = np.flatnonzero(valid)
    bh = dedupe.band_hashes(sig[rows])
    pairs = set()
    for b in range(dedupe.BANDS):
        buckets: dict[int, list[int]] = {}
        for r, h in zip(rows.tolist(), bh[:, b].tolist()):
            buckets.setdefault(h, []).append(r)
        for members in buckets.values():
            for k, j in enumerate(members):
                pairs.update((members[k - off], j) for off in range(1, min(k, dedupe.MAX_GROUP_PAIRS) + 1))
    return [list(p) for p in sorted(pairs)]


def test_candidate_pairs_of_new_rows_are_those_of_the_whole_index() -> None:
    rng = np.random.default_rng(7)
    sig = rng.integers(0, 3, size=(400, dedupe.NUM_BINS), dtype=np.uint32)     # crowded buckets
    valid = rng.random(400) < 0.9
    every = dedupe.candidate_pairs(sig, valid, 0)
    assert every.tolist() == _pairs_by_brute_force(sig, valid)
    for first_new in (1, 150, 399):
        got = dedupe.candidate_pairs(sig, valid, first_new)
        assert got.tolist() == every[every[:, 1] >= first_new].tolist()


def test_hashes_are_stable_constants() -> None:
    # the same input gives the same keys and signatures on every machine and run
    keys = dedupe.exact_keys(["Title"], ["Hello, world! Stable hashing across machines."])
    assert int(keys[0]) == 8567525903813986096
    sig, _ = dedupe.signatures([_article(10)])
    assert int(sig.astype(np.uint64).sum()) == 193076782479


def test_real_corpus_has_no_false_near_duplicates(allsides_path: Path) -> None:
    import pandas as pd
    df = pd.read_json(allsides_path, lines=True).head(1500)
    dup_of, kind, _ = flag_duplicates(df["id"].tolist(), df["title"].tolist(), df["text"].tolist())
    # the corpus maintainers removed duplicates; a few syndicated copies may remain, not many
    assert (kind == "near").sum() <= 5 and (kind == "exact").sum() == 0


def test_segments_concatenate_and_removal_reroots(tmp_path: Path) -> None:
    a, b = _article(11), _article(12)
    _, _, first = flag_duplicates(["a", "b"], ["A", "B"], [a, b])
    _, _, both = flag_duplicates(["c", "d"], ["C", "D"], [_edit(a, 0.01), a], first)
    first.save(tmp_path / "s1.npz")
    both.select(slice(2, None)).save(tmp_path / "s2.npz")
    loaded = DedupeIndex.load_segments([tmp_path / "s1.npz", tmp_path / "s2.npz"])
    assert loaded.ids.tolist() == ["a", "b", "c", "d"] and loaded.roots.tolist() == ["", "", "a", "a"]
    assert np.array_equal(loaded.sigs, both.sigs)
    rest = loaded.without(["a"])
    assert rest.ids.tolist() == ["b", "c", "d"] and rest.roots.tolist() == ["", "", "c"]
    dup_of, _, _ = flag_duplicates(["e"], ["E"], [a], rest)
    assert dup_of.tolist() == ["c"]
