"""Compiled (numba) text kernels of theme scoring: document assembly and sentence starts.

- :func:`assemble` decodes an article's UTF-8 title and text (Arrow layout: bytes + offsets) into
  code points as :func:`analysis.text.sentences.document_text` builds the document (stripped title, blank
  line, stripped text), so that offsets are character offsets into that string;
- :func:`sentence_starts` is the sentence splitter of :mod:`analysis.text.sentences` ported loop for loop
  (paragraph breaks, terminal punctuation, abbreviations, initials, initialisms); it visits only the
  newline and punctuation positions (:func:`find_marks`) and gives the same starts.

Per-character classes come from lookup tables (:mod:`analysis.themes.kernel.charclasses`), so nothing here knows
about Python strings. Kernels are compiled on first use and cached on disk (``__pycache__``); tests
check them against the Python code on the shared corpora.

    >>> import numpy as np
    >>> from analysis.themes.kernel.charclasses import char_tables
    >>> cps = np.array([ord(c) for c in "Sen. Smith left. He went home."], dtype=np.int32)
    >>> t = char_tables()
    >>> marks, starts = np.empty(30, np.int64), np.empty(30, np.int64)
    >>> nm = find_marks(cps, 0, 30, t.flags, marks)
    >>> starts[:sentence_starts(cps, 0, 30, marks, nm, t.flags, t.lower, *t.never, *t.starters, starts)].tolist()
    [0, 17]
"""
from __future__ import annotations

import numpy as np
from numba import njit

# character class bits (see analysis.themes.kernel.charclasses)
SPACE, TERM, CLOSE, OPEN, START, WSB, ALPHA, UPPER, NEWLINE = 1, 2, 4, 8, 16, 32, 64, 128, 256
MARK = TERM | NEWLINE  # the positions the sentence splitter looks at
_NO_CP = 0x110000
_DOT, _NL, _SP, _TAB, _LPAR, _DQ, _LDQ = 46, 10, 32, 9, 40, 34, 0x201C
_FNV0, _FNV1 = np.uint64(1469598103934665603), np.uint64(1099511628211)


@njit(cache=True, nogil=True)
def _flag(flags, cp):
    """Class bits of a code point (0 outside the Basic Multilingual Plane)."""
    return flags[cp] if cp < 65536 else 0


@njit(cache=True, nogil=True)
def _in_set(cps, a, b, lower, hashes, ptr, chars):
    """True when cps[a:b], lower-cased, is one of the packed strings (``chartables.word_table``)."""
    h = _FNV0
    for i in range(a, b):
        c = cps[i]
        lc = lower[c] if c < 65536 else _NO_CP
        if lc < 0:
            return False  # a character whose lower case is longer is never in an ASCII word list
        h = (h ^ np.uint64(lc)) * _FNV1
    j = np.searchsorted(hashes, h)
    while j < hashes.shape[0] and hashes[j] == h:
        s, e = ptr[j], ptr[j + 1]
        if e - s == b - a:
            same = True
            for k in range(b - a):
                c = cps[a + k]
                if (lower[c] if c < 65536 else _NO_CP) != chars[s + k]:
                    same = False
                    break
            if same:
                return True
        j += 1
    return False


@njit(cache=True, nogil=True)
def _is_boundary(cps, a, n, end, dot, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c):
    """Port of ``sentences._is_boundary`` for the period at ``dot`` (offsets relative to ``a``)."""
    lo = max(0, dot - 40)
    t0 = lo
    for q in range(dot, lo - 1, -1):
        if _flag(flags, cps[a + q]) & SPACE:
            t0 = q + 1
            break
    while t0 <= dot:
        c = cps[a + t0]
        if c == 34 or c == 39 or c == 0x201C or c == 0x2018 or c == 40 or c == 91:
            t0 += 1
        else:
            break
    if _in_set(cps, a + t0, a + dot, lower, nv_h, nv_p, nv_c):
        return False
    m = dot - t0 + 1
    if m == 2 and _flag(flags, cps[a + dot - 1]) & UPPER:
        if dot - 1 == 0:
            return False
        p = cps[a + dot - 2]
        if _flag(flags, p) & SPACE or p == _LPAR or p == _DQ or p == _LDQ:
            return False
    if m >= 4 and cps[a + dot - 2] == _DOT and _flag(flags, cps[a + dot - 1]) & ALPHA \
            and _flag(flags, cps[a + dot - 3]) & ALPHA:
        w = end
        while w < n and _flag(flags, cps[a + w]) & SPACE:
            w += 1
        if w == end or w >= n:
            return False
        c = cps[a + w]
        if c == 34 or c == 39 or c == 0x201C or c == 0x2018 or c == 40 or c == 91:
            if w + 1 < n and _flag(flags, cps[a + w + 1]) & ALPHA:
                w += 1
            else:
                return False
        x = w
        while x < n and _flag(flags, cps[a + x]) & ALPHA:
            x += 1
        if x == w:
            return False
        return _in_set(cps, a + w, a + x, lower, st_h, st_p, st_c)
    return True


@njit(cache=True, nogil=True)
def _sentences_in(cps, a, n, ps, pe, marks, mi, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out, k):
    """Append the sentence starts of paragraph [ps, pe) to ``out`` from index ``k``; return (k, mi).

    Only the marked positions (``marks``: every newline and terminal punctuation, ascending) are
    visited; ``mi`` is the first mark not before ``ps``.
    """
    start = ps
    out[k] = start
    k += 1
    nxt = ps  # the regular expression resumes its search here
    while mi < nm and marks[mi] < pe:
        i = marks[mi]
        mi += 1
        if i < nxt or not _flag(flags, cps[a + i]) & TERM:
            continue
        j = i
        while j < pe and _flag(flags, cps[a + j]) & TERM:
            j += 1
        e = j
        while e < pe and _flag(flags, cps[a + e]) & CLOSE:
            e += 1
        w = e
        while w < pe and _flag(flags, cps[a + w]) & SPACE:
            w += 1
        ok = False
        if w > e and w < pe:
            f = _flag(flags, cps[a + w])
            if f & START:
                ok = True
            elif f & OPEN and w + 1 < pe and _flag(flags, cps[a + w + 1]) & START:
                ok = True
        if not ok:
            nxt = j
            continue
        if cps[a + i] != _DOT or _is_boundary(cps, a, n, e, i, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c):
            start = w
            out[k] = start
            k += 1
        nxt = e
    return k, mi


@njit(cache=True, nogil=True)
def _strip(cps, a, s, e, flags):
    """Return [s, e) without leading/trailing white space (s == e when nothing is left)."""
    while s < e and _flag(flags, cps[a + s]) & SPACE:
        s += 1
    while e > s and _flag(flags, cps[a + e - 1]) & SPACE:
        e -= 1
    return s, e


@njit(cache=True, nogil=True)
def _paragraph(cps, a, n, s, e, marks, mi, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out, k):
    """Add the sentences of the raw paragraph [s, e) (stripped first; skipped when blank)."""
    s, e = _strip(cps, a, s, e, flags)
    if e > s:
        while mi < nm and marks[mi] < s:
            mi += 1
        k, mi = _sentences_in(cps, a, n, s, e, marks, mi, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out, k)
    return k, mi


@njit(cache=True, nogil=True)
def find_marks(cps, a, b, flags, marks):
    """Write the offsets (relative to ``a``) of newlines and terminal punctuation of cps[a:b]; return how many."""
    nm = 0
    for i in range(a, b):
        if _flag(flags, cps[i]) & MARK:
            marks[nm] = i - a
            nm += 1
    return nm


@njit(cache=True, nogil=True)
def sentence_starts(cps, a, b, marks, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out):
    """Write the sentence start offsets of the document cps[a:b] to ``out``; return how many.

    ``marks[:nm]`` are the document's newline and terminal-punctuation offsets (:func:`find_marks`).
    """
    n = b - a
    k = 0
    pos = 0
    mi = 0  # sentence marks consumed so far
    q = 0  # paragraph search position
    for x in range(nm):
        i = marks[x]
        if i < q or cps[a + i] != _NL:
            continue
        j = i + 1
        while j < n and (cps[a + j] == _SP or cps[a + j] == _TAB):
            j += 1
        if j < n and cps[a + j] == _NL:
            q = j + 1
            while q < n and _flag(flags, cps[a + q]) & SPACE:
                q += 1
            k, mi = _paragraph(cps, a, n, pos, i, marks, mi, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out, k)
            pos = q
    k, mi = _paragraph(cps, a, n, pos, n, marks, mi, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, out, k)
    return k


@njit(cache=True, nogil=True)
def decode_utf8(u, i, end, buf, k):
    """Decode UTF-8 bytes u[i:end] into code points at buf[k:]; return the new end ``k``."""
    while i < end:
        b0 = u[i]
        if b0 < 0x80:
            cp = np.int64(b0)
            i += 1
        elif b0 < 0xE0:
            cp = ((np.int64(b0) & 0x1F) << 6) | (np.int64(u[i + 1]) & 0x3F)
            i += 2
        elif b0 < 0xF0:
            cp = ((np.int64(b0) & 0x0F) << 12) | ((np.int64(u[i + 1]) & 0x3F) << 6) | (np.int64(u[i + 2]) & 0x3F)
            i += 3
        else:
            cp = (((np.int64(b0) & 0x07) << 18) | ((np.int64(u[i + 1]) & 0x3F) << 12)
                  | ((np.int64(u[i + 2]) & 0x3F) << 6) | (np.int64(u[i + 3]) & 0x3F))
            i += 4
        buf[k] = cp
        k += 1
    return k


@njit(cache=True, nogil=True)
def _stripped(buf, k0, k1, dest, flags):
    """Move buf[k0:k1] without surrounding white space to buf[dest:]; return its length."""
    while k0 < k1 and buf[k0] < 65536 and flags[buf[k0]] & SPACE:
        k0 += 1
    while k1 > k0 and buf[k1 - 1] < 65536 and flags[buf[k1 - 1]] & SPACE:
        k1 -= 1
    for z in range(k1 - k0):
        buf[dest + z] = buf[k0 + z]
    return k1 - k0


@njit(cache=True, nogil=True)
def assemble(t_data, t_off, x_data, x_off, d, raw, buf, flags):
    """Decode document ``d`` into ``buf``: stripped title, blank line, stripped text; return (length, title length).

    With ``raw`` the text alone, as it is (:meth:`analysis.themes.matcher.Matcher.find`).
    """
    if raw:
        return decode_utf8(x_data, x_off[d], x_off[d + 1], buf, 0), 0
    k = decode_utf8(t_data, t_off[d], t_off[d + 1], buf, 0)
    tl = _stripped(buf, 0, k, 0, flags)
    k = decode_utf8(x_data, x_off[d], x_off[d + 1], buf, tl + 2)
    if tl == 0:
        return _stripped(buf, 2, k, 0, flags), 0
    xl = _stripped(buf, tl + 2, k, tl + 2, flags)
    if xl == 0:
        return tl, tl
    buf[tl], buf[tl + 1] = 10, 10
    return tl + 2 + xl, tl
