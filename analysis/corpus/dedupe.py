"""Exact and near-duplicate flags: ``dup_of`` points at the first copy; nothing is dropped.

* **Exact**: same normalized text (lower-cased words; for short texts under 300 characters the
  title is part of the key, so one-line summaries of different stories are not merged).
* **Near**: resemblance (Jaccard of word 3-shingle sets) >= 0.9, estimated with a 128-bin
  one-permutation MinHash (Li, Owen & Zhang 2012) densified by rotation (Shrivastava & Li 2014),
  and found with LSH banding (16 bands x 8 rows), so the cost grows near-linearly with the corpus.
  Texts with fewer than 20 shingles are only checked for exact duplicates.

Everything is vectorized with numpy; hashes are stable across machines and runs (pandas'
``hash_array`` with its fixed key, then fixed 64-bit mixing) -- never Python's salted ``hash()``.

    >>> a = "the wire story says the minister met the president on friday to talk about trade " * 3
    >>> idx = DedupeIndex.empty()
    >>> dup_of, kind, idx = flag_duplicates(["a1", "a2"], ["T", "T2"], [a, a + "today"], idx)
    >>> dup_of.tolist(), kind.tolist()
    ([None, 'a1'], [None, 'near'])
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.clean import utf8_joined, word_mask

NUM_BINS: int = 128
BANDS: int = 16
ROWS: int = NUM_BINS // BANDS
SHINGLE_WORDS: int = 3
THRESHOLD: float = 0.9
MIN_SHINGLES: int = 20
SHORT_TEXT: int = 300
MAX_GROUP_PAIRS: int = 64      # in one LSH bucket, each doc is compared with at most this many earlier ones

_EMPTY = np.uint64(1 << 40)
_ROT = np.uint64((1 << 32) // NUM_BINS)
_BAND_MULT = np.random.default_rng(20240601).integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)


def _mix(x: np.ndarray) -> np.ndarray:
    """Splitmix64 finalizer (in place on a uint64 array; one scratch array for the shifts)."""
    t = x >> np.uint64(30)
    with np.errstate(over="ignore"):
        x ^= t
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= np.right_shift(x, np.uint64(27), out=t)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= np.right_shift(x, np.uint64(31), out=t)
    return x


_MASKS = np.array([(1 << (8 * m)) - 1 for m in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable uint64 hash of every word (ASCII case folded), its text index, and words per text.

    Words are the ones :func:`analysis.corpus.clean.word_counts` counts; a word's hash covers its length,
    first 8 and last 8 bytes (longer words that agree on all three collide, harmlessly here).
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    data, starts, ends = utf8_joined(texts)
    padded = np.zeros(len(data) + 2, dtype=bool)
    padded[1:-1] = word_mask(data)
    edges = np.flatnonzero(padded[1:] != padded[:-1])   # alternating word starts and stops
    first, stop = edges[0::2], edges[1::2]
    low = np.frombuffer(data.tobytes().lower() + bytes(8), dtype=np.uint8)   # ASCII case folded
    view = np.ndarray(shape=(len(data) + 1,), dtype="<u8", buffer=low, offset=0, strides=(1,))
    length = stop - first
    m = _MASKS[np.minimum(length, 8)]
    head = view[first] & m
    tail = view[np.maximum(stop - 8, first)] & m
    with np.errstate(over="ignore"):
        h = _mix(head ^ (length.astype(np.uint64) << np.uint64(56))) + _mix(tail + np.uint64(0x9E3779B97F4A7C15))
    counts = np.searchsorted(first, ends) - np.searchsorted(first, starts)   # words lie inside one text
    doc = np.repeat(np.arange(n), counts)
    return h, doc, counts


def shingle_hashes(th: np.ndarray, doc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From word hashes: (uint64 hash per word 3-shingle, text index per shingle, shingles per text)."""
    k = SHINGLE_WORDS
    m = len(th) - k + 1
    if m <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(n, np.int64)
    with np.errstate(over="ignore"):
        sh = th[:m].copy()
        for j in range(1, k):
            sh = _mix(sh * np.uint64(0x9E3779B97F4A7C15) + th[j:j + m])
    same = doc[:m] == doc[k - 1:]
    sh, sdoc = sh[same], doc[:m][same]
    return sh, sdoc, np.bincount(sdoc, minlength=n)


def _sequence_keys(h: np.ndarray, doc: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Order-sensitive uint64 hash of each text's word sequence (0 for texts without words)."""
    keys = np.zeros(len(counts), np.uint64)
    if not len(h):
        return keys
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(h)) - first[doc]
    with np.errstate(over="ignore"):
        g = _mix(h ^ _mix(pos.astype(np.uint64) + np.uint64(1)))
    nz = counts > 0
    keys[nz] = np.add.reduceat(g, first[nz])
    return keys


def _signatures_from(sh: np.ndarray, doc: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-permutation MinHash from shingle hashes (see :func:`signatures`)."""
    n = len(counts)
    valid = counts >= MIN_SHINGLES
    sig = np.zeros((n, NUM_BINS), dtype=np.uint32)
    rows = np.flatnonzero(valid)              # short texts get no signature (exact checks only)
    if not len(rows):
        return sig, valid
    slot = np.full(n, -1, dtype=np.int64)
    slot[rows] = np.arange(len(rows))
    keep = valid[doc]
    sh, d = sh[keep], slot[doc[keep]]
    part = np.full((len(rows), NUM_BINS), _EMPTY, dtype=np.uint64)
    bins = (sh >> np.uint64(64 - int(np.log2(NUM_BINS)))).astype(np.int64)
    np.minimum.at(part.reshape(-1), d * NUM_BINS + bins, sh & np.uint64(0xFFFFFFFF))
    # rotation densification: an empty bin borrows the next non-empty bin (circular) + offset
    empty = part == _EMPTY
    if empty.any():
        pos = np.arange(2 * NUM_BINS)
        idx = np.where(np.concatenate([~empty, ~empty], axis=1), pos, 2 * NUM_BINS)
        nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :NUM_BINS]
        dist = (nxt - np.arange(NUM_BINS)).astype(np.uint64)
        filled = np.take_along_axis(part, nxt % NUM_BINS, axis=1) + dist * _ROT
        part = np.where(empty, filled, part)
    sig[rows] = part.astype(np.uint32)
    return sig, valid


def signatures(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One-permutation MinHash signatures: (uint32 array n x NUM_BINS, bool valid per text)."""
    h, doc, _ = word_hashes(texts)
    sh, sdoc, counts = shingle_hashes(h, doc, len(texts))
    return _signatures_from(sh, sdoc, counts)


def exact_keys(titles: Sequence[str], texts: Sequence[str],
               words: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Stable uint64 key of each article's normalized words (case/punctuation/space-insensitive).

    Texts shorter than :data:`SHORT_TEXT` characters also key on the title, so one-line summaries
    of different stories are not merged. ``words`` reuses :func:`word_hashes` of ``texts``.
    """
    h, doc, counts = words if words is not None else word_hashes(texts)
    keys = _sequence_keys(h, doc, counts)
    short = np.flatnonzero(np.fromiter((len(t or "") < SHORT_TEXT for t in texts), bool, len(texts)))
    if len(short):
        tk = _sequence_keys(*word_hashes([titles[i] or "" for i in short]))
        with np.errstate(over="ignore"):
            keys[short] = _mix(keys[short] ^ _mix(tk + np.uint64(0x632BE59BD9B4E019)))
    return keys


def resemblance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard resemblance of signature rows ``a`` and ``b`` (same shapes)."""
    return (a == b).mean(axis=-1)


@dataclass
class DedupeIndex:
    """What dedupe needs to remember about stored articles (persisted next to the store)."""

    ids: np.ndarray     # article_id (str objects)
    keys: np.ndarray    # uint64 exact keys
    sigs: np.ndarray    # uint32 (n, NUM_BINS)
    valid: np.ndarray   # bool: has a near-dup signature
    roots: np.ndarray   # article_id of the first copy, "" when original

    @classmethod
    def empty(cls) -> DedupeIndex:
        """An index with no articles."""
        return cls(np.zeros(0, object), np.zeros(0, np.uint64), np.zeros((0, NUM_BINS), np.uint32),
                   np.zeros(0, bool), np.zeros(0, object))

    def __len__(self) -> int:
        """Number of indexed articles."""
        return len(self.ids)

    def extend(self, other: DedupeIndex) -> DedupeIndex:
        """Return a new index with ``other``'s rows appended."""
        return DedupeIndex(*(np.concatenate([getattr(self, f), getattr(other, f)])
                             for f in ("ids", "keys", "sigs", "valid", "roots")))

    def select(self, rows: np.ndarray | slice) -> DedupeIndex:
        """A new index with only ``rows`` (a boolean mask, positions or a slice), in their order."""
        return DedupeIndex(*(getattr(self, f)[rows] for f in ("ids", "keys", "sigs", "valid", "roots")))

    @classmethod
    def concat(cls, parts: Sequence[DedupeIndex]) -> DedupeIndex:
        """One index holding the rows of ``parts`` in order (an empty index for none)."""
        return cls.empty() if not parts else parts[0] if len(parts) == 1 else DedupeIndex(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("ids", "keys", "sigs", "valid", "roots")))

    def without(self, ids: Sequence[str]) -> DedupeIndex:
        """A new index without the rows of ``ids``, its roots made consistent (see :meth:`rerooted`)."""
        return self.select(~np.isin(self.ids, np.asarray(list(ids), dtype=object))).rerooted()

    def rerooted(self) -> DedupeIndex:
        """Roots that name an article no longer in the index move to the first remaining copy.

        Rows whose root is gone are grouped by that root; the first of each group (index order)
        becomes an original (root ``""``) and the others point at it, so every root names a row
        of the index, as ``dup_of`` always names the first stored copy.

        >>> idx = DedupeIndex(np.array(["b", "c", "d"], object), np.zeros(3, np.uint64),
        ...                   np.zeros((3, NUM_BINS), np.uint32), np.zeros(3, bool), np.array(["a", "a", ""], object))
        >>> idx.rerooted().roots.tolist()
        ['', 'b', '']
        """
        present = set(self.ids.tolist())
        orphan = np.flatnonzero([r != "" and r not in present for r in self.roots.tolist()])
        if not len(orphan):
            return self
        roots = self.roots.copy()
        first: dict[str, str] = {}
        for i in orphan:
            old = roots[i]
            if old in first:
                roots[i] = first[old]
            else:
                first[old] = self.ids[i]
                roots[i] = ""
        return DedupeIndex(self.ids, self.keys, self.sigs, self.valid, roots)

    def save(self, path: Path) -> None:
        """Write the index as an ``.npz`` file (ids as fixed-width unicode)."""
        with open(path, "wb") as fh:
            np.savez(fh, ids=self.ids.astype("U"), keys=self.keys, sigs=self.sigs, valid=self.valid,
                     roots=self.roots.astype("U"), num_bins=np.array([NUM_BINS]))

    @classmethod
    def load(cls, path: Path) -> DedupeIndex:
        """Read an index written by :meth:`save` (missing file -> empty index)."""
        if not path.exists():
            return cls.empty()
        z = np.load(path, allow_pickle=False)
        if int(z["num_bins"][0]) != NUM_BINS:
            raise ValueError(f"{path}: signatures built with {int(z['num_bins'][0])} bins, need {NUM_BINS}")
        return cls(z["ids"].astype(object), z["keys"], z["sigs"], z["valid"], z["roots"].astype(object))

    @classmethod
    def load_segments(cls, paths: Sequence[Path]) -> DedupeIndex:
        """Read the segments of an append-only index (files written by :meth:`save`) as one index."""
        return cls.concat([cls.load(p) for p in paths])


def band_hashes(sig: np.ndarray) -> np.ndarray:
    """Hash each band of each signature to one uint64: array (n, BANDS)."""
    s = sig.astype(np.uint64).reshape(len(sig), BANDS, ROWS)
    with np.errstate(over="ignore"):
        return _mix((s * _BAND_MULT).sum(axis=2, dtype=np.uint64))


def candidate_pairs(sig: np.ndarray, valid: np.ndarray, first_new: int) -> np.ndarray:
    """LSH candidate pairs (i < j, j >= first_new) among valid rows: int64 array (m, 2)."""
    rows = np.flatnonzero(valid)
    if len(rows) < 2 or not (rows >= first_new).any():
        return np.zeros((0, 2), np.int64)
    bh = band_hashes(sig[rows])
    out = []
    for b in range(BANDS):
        order = np.lexsort((rows, bh[:, b]))
        h, r = bh[order, b], rows[order]
        start = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
        size = np.diff(np.r_[start, len(h)])
        fresh = r[start + size - 1] >= first_new       # buckets holding a new row (rows ascend in a bucket)
        if not fresh.any():
            continue
        take = np.repeat(fresh, size)
        r, size = r[take], size[fresh]                 # only those buckets, members in the same order
        start = np.r_[0, np.cumsum(size)[:-1]]
        pos = np.arange(len(r))
        grp_start = np.repeat(start, size)
        for off in range(1, min(int(size.max()), MAX_GROUP_PAIRS + 1)):
            # pair every member with the member `off` places earlier in its bucket
            ok = pos - off >= grp_start
            i, j = r[pos[ok] - off], r[pos[ok]]
            keep = j >= first_new
            if keep.any():
                out.append(np.stack([i[keep], j[keep]], axis=1))
    if not out:
        return np.zeros((0, 2), np.int64)
    both = np.concatenate(out)
    flat = np.unique(both[:, 0] * np.int64(len(sig)) + both[:, 1])   # one int64 per pair: sorted as (i, j)
    return np.stack([flat // len(sig), flat % len(sig)], axis=1)


def flag_duplicates(
    ids: Sequence[str], titles: Sequence[str], texts: Sequence[str], index: DedupeIndex | None = None,
    threshold: float = THRESHOLD,
) -> tuple[pd.Series, pd.Series, DedupeIndex]:
    """Flag new articles against ``index`` and each other (in order).

    Returns (dup_of per new article or None, kind 'exact'/'near'/None, index extended with them).
    """
    index = DedupeIndex.empty() if index is None else index
    n_old, n = len(index), len(ids)
    texts, titles = list(texts), list(titles)
    words = word_hashes(texts)
    sh, sdoc, counts = shingle_hashes(words[0], words[1], n)
    sig, valid = _signatures_from(sh, sdoc, counts)
    keys = exact_keys(titles, texts, words)
    all_ids = np.concatenate([index.ids, np.asarray(ids, dtype=object)])
    roots = np.concatenate([index.roots, np.full(n, "", dtype=object)])
    kind = np.full(n, None, dtype=object)
    best = np.full(n, -1, dtype=np.int64)              # earliest matching row (global position)
    # exact: the earliest row with the same key
    all_keys = np.concatenate([index.keys, keys])
    first_pos = pd.Series(np.arange(len(all_keys))).groupby(all_keys, sort=False).transform("min").to_numpy()
    ex = first_pos[n_old:] < np.arange(n_old, n_old + n)
    best[ex] = first_pos[n_old:][ex]
    kind[ex] = "exact"
    # near: LSH candidates verified by estimated resemblance
    all_sig = np.concatenate([index.sigs, sig])
    all_valid = np.concatenate([index.valid, valid])
    pairs = candidate_pairs(all_sig, all_valid, n_old)
    if len(pairs):
        sim = resemblance(all_sig[pairs[:, 0]], all_sig[pairs[:, 1]])
        pairs = pairs[sim >= threshold]
        if len(pairs):
            earliest = pd.Series(pairs[:, 0]).groupby(pairs[:, 1]).min()
            for j, i in zip(earliest.index.to_numpy() - n_old, earliest.to_numpy()):
                if best[j] < 0:
                    best[j], kind[j] = i, "near"
    dup_of = np.full(n, None, dtype=object)
    for j in np.flatnonzero(best >= 0):               # in order, so roots of earlier rows are final
        i = best[j]
        root = roots[i] or all_ids[i]
        roots[n_old + j] = root
        dup_of[j] = root
    new = DedupeIndex(np.asarray(ids, dtype=object), keys, sig, valid, roots[n_old:])
    return pd.Series(dup_of, dtype=object), pd.Series(kind, dtype=object), index.extend(new)
