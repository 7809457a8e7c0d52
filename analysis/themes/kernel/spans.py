"""Compiled helpers for candidate spans: growing arrays, case checks, ordering and longest-match resolution.

The rules are those of :mod:`analysis.themes.matcher`: candidates are ordered by (start, longer first,
entry-set rank); overlapping candidates form a cluster, in which the longest span wins, then the
leftmost; candidates for the very same span (e.g. ``tariffs`` and ``tariff*``) are kept together as
one run whose entry sets are merged later. Used by :func:`analysis.themes.kernel.scan.scan_batch`.

    >>> import numpy as np
    >>> cs, ce = np.array([0, 0, 5]), np.array([15, 4, 10])  # "free trade pact" over "free", "pact"
    >>> order, run0, run1, ch0, ch1 = (np.empty(3, np.int64) for _ in range(5))
    >>> n = choose(cs, ce, 3, order, run0, run1, ch0, ch1)
    >>> [(int(cs[ch0[k]]), int(ce[ch0[k]])) for k in range(n)]
    [(0, 15)]
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def grow(a, n):
    """Return ``a`` or a copy at least twice as long when index ``n`` would not fit."""
    if n < a.shape[0]:
        return a
    b = np.empty(max(2 * a.shape[0], n + 64), a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True, nogil=True)
def case_is(cps, a, s, e, case, form_ptr, form_chars, f):
    """True when the case-preserving form of doc[s:e] equals case form ``f``."""
    fs, fe = form_ptr[f], form_ptr[f + 1]
    if fe - fs != e - s:
        return False
    for i in range(e - s):
        cp = cps[a + s + i]
        if (case[cp] if cp < 65536 else 32) != form_chars[fs + i]:
            return False
    return True


@njit(cache=True, nogil=True)
def _before(s1, e1, r1, s2, e2, r2):
    """Candidate order: start, then longer first, then set rank."""
    if s1 != s2:
        return s1 < s2
    if e1 != e2:
        return e1 > e2
    return r1 < r2


@njit(cache=True, nogil=True)
def sort_cands(cs, ce, cr, cx, lo, n):
    """Insertion-sort candidates [lo, n) (already almost in order) in place."""
    for i in range(lo + 1, n):
        s, e, r, x = cs[i], ce[i], cr[i], cx[i]
        j = i - 1
        while j >= lo and _before(s, e, r, cs[j], ce[j], cr[j]):
            cs[j + 1], ce[j + 1], cr[j + 1], cx[j + 1] = cs[j], ce[j], cr[j], cx[j]
            j -= 1
        cs[j + 1], ce[j + 1], cr[j + 1], cx[j + 1] = s, e, r, x


@njit(cache=True, nogil=True)
def merge_sorted(cs, ce, cr, cx, mid, n, ts, te, tr, tx):
    """Merge the sorted runs [0, mid) and [mid, n) of the candidates (via the temporary arrays)."""
    i, j = 0, mid
    for k in range(n):
        if j >= n or (i < mid and not _before(cs[j], ce[j], cr[j], cs[i], ce[i], cr[i])):
            ts[k], te[k], tr[k], tx[k] = cs[i], ce[i], cr[i], cx[i]
            i += 1
        else:
            ts[k], te[k], tr[k], tx[k] = cs[j], ce[j], cr[j], cx[j]
            j += 1
    cs[:n], ce[:n], cr[:n], cx[:n] = ts[:n], te[:n], tr[:n], tx[:n]


@njit(cache=True, nogil=True)
def _resolve(cs, ce, c0, c1, order, run0, run1, nch, ch0, ch1):
    """Choose spans in cluster [c0, c1): longest first, then leftmost; same spans merge into a run."""
    m = c1 - c0
    for i in range(m):  # stable sort of the cluster by (s - e, s)
        idx = c0 + i
        j = i - 1
        while j >= 0 and (cs[idx] - ce[idx] < cs[order[j]] - ce[order[j]] or (
                cs[idx] - ce[idx] == cs[order[j]] - ce[order[j]] and cs[idx] < cs[order[j]])):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = idx
    nt = 0
    for i in range(m):
        idx = order[i]
        s, e = cs[idx], ce[idx]
        same = -1
        for t in range(nt):
            if cs[run0[t]] == s and ce[run0[t]] == e:
                same = t
                break
        if same >= 0:
            run1[same] = idx + 1
            continue
        free = True
        for t in range(nt):
            if not (e <= cs[run0[t]] or ce[run0[t]] <= s):
                free = False
                break
        if free:
            run0[nt] = idx
            run1[nt] = idx + 1
            nt += 1
    for i in range(1, nt):  # by start
        a0, a1 = run0[i], run1[i]
        j = i - 1
        while j >= 0 and cs[run0[j]] > cs[a0]:
            run0[j + 1], run1[j + 1] = run0[j], run1[j]
            j -= 1
        run0[j + 1], run1[j + 1] = a0, a1
    for t in range(nt):
        ch0[nch], ch1[nch] = run0[t], run1[t]
        nch += 1
    return nch


@njit(cache=True, nogil=True)
def choose(cs, ce, nc, order, run0, run1, ch0, ch1):
    """Group sorted candidates into overlapping clusters and choose spans; return how many (runs in ch0/ch1)."""
    nch = 0
    c0 = 0
    cl_end = ce[0]
    for i in range(1, nc + 1):
        if i < nc and cs[i] < cl_end:
            if ce[i] > cl_end:
                cl_end = ce[i]
            continue
        if i - c0 == 1:
            ch0[nch], ch1[nch] = c0, i
            nch += 1
        else:
            nch = _resolve(cs, ce, c0, i, order, run0, run1, nch, ch0, ch1)
        if i < nc:
            c0 = i
            cl_end = ce[i]
    return nch
