"""The compiled theme scan: keyword matches, longest-match resolution and per-theme tallies of a batch.

:func:`scan_batch` runs, for each document of a batch (titles and texts as UTF-8 bytes + offsets,
assembled by :func:`analysis.themes.kernel.documents.assemble`), exactly the steps described in :mod:`analysis.themes.matcher`:

1. one pass of the Aho-Corasick table over the matching form of the document (padded with a space
   on each side); each key that ends gives a candidate span -- a glob extends to the end of its
   word, a case-sensitive entry counts only when the capitalization matches, and exclusion keys
   record excluded spans for their theme;
2. candidates sorted by (start, longer first, set rank) and grouped into overlapping clusters;
   inside a cluster the longest span wins (then the leftmost), and candidates for the very same
   span are merged (one entry per theme, exact words before globs);
3. each chosen span gives one hit per theme of its entry set, unless it overlaps an excluded span
   of that theme; hits get their sentence id (:func:`analysis.themes.kernel.documents.sentence_starts`) and are
   tallied per theme (hits, headline hits, sentences with a hit, weighted score, term counts).

The same pass counts words and marks sentence punctuation. Everything is arrays: ``keys``, ``sets``,
``dfa`` and ``tables`` come from :class:`analysis.themes.matcher.Matcher`; span ordering and resolution are
in :mod:`analysis.themes.kernel.spans`. ``tests/themes/kernel/reference_matcher.py`` keeps the first, pure-Python implementation,
and the tests require identical scores and hits on the shared corpora.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from analysis.themes.kernel.documents import assemble, sentence_starts
from analysis.themes.kernel.spans import case_is, choose, grow, merge_sorted, sort_cands

CT_WSB, CT_MARK = 1 << 16, 1 << 17  # flag bits of the combined character table (see Matcher)


@njit(cache=True, nogil=True)
def _term_rows(h_theme, h_text, nd, th_n, th_pos, bucket, tc, distinct, text_rank, row0, t_row, t_text, t_count, nt_):
    """Append (score row, text, count) per theme of a document, most frequent first, then by text.

    The output arrays must have room for ``nd`` more rows.
    """
    n_themes = th_n.shape[0]
    th_pos[0] = 0
    for th in range(n_themes):
        th_pos[th + 1] = th_pos[th] + th_n[th]
    for z in range(nd):  # counting sort of the hits by theme (th_pos ends one bucket late, then is shifted back)
        th = h_theme[z]
        bucket[th_pos[th]] = h_text[z]
        th_pos[th] += 1
    for th in range(n_themes, 0, -1):
        th_pos[th] = th_pos[th - 1]
    th_pos[0] = 0
    row = row0
    for th in range(n_themes):
        if th_n[th] == 0:
            continue
        nd_ = 0
        for z in range(th_pos[th], th_pos[th + 1]):
            txt = bucket[z]
            if tc[txt] == 0:
                distinct[nd_] = txt
                nd_ += 1
            tc[txt] += 1
        first = nt_
        for y in range(nd_):
            txt = distinct[y]
            cnt = tc[txt]
            tc[txt] = 0
            z = nt_
            while z > first and (t_count[z - 1] < cnt or (t_count[z - 1] == cnt and text_rank[t_text[z - 1]] > text_rank[txt])):
                t_row[z], t_text[z], t_count[z] = t_row[z - 1], t_text[z - 1], t_count[z - 1]
                z -= 1
            t_row[z], t_text[z], t_count[z] = row, txt, cnt
            nt_ += 1
        row += 1
    return nt_



@njit(cache=True, nogil=True)
def _glob_end(buf, n, end, chartab, sym_space):
    """End offset of the word a glob matched (norm offset ``end`` is the stem's last character)."""
    t = end + 1
    while t <= n:
        cp = buf[t - 1]
        if cp >= 65536 or chartab[cp] & 0xFFFF == sym_space:
            break
        t += 1
    return t - 1


@njit(cache=True, nogil=True)
def _scan_chars(buf, n, pos, state, resume, nm, n_words, prev_ws, marks, chartab, delta, n_sym, has_out, out_ptr,
                out_keys, sym_space, key_k, key_simple, key_plain, set_rank, cs, ce, cr, cx, nc, pk, pe, npend, max_out):
    """Count words, mark punctuation and run the automaton over buf[:n] from position ``pos``.

    ``chartab[cp]`` is the automaton symbol of a character (low 16 bits) plus ``CT_WSB`` and
    ``CT_MARK``. Positions -1 and n are the pad spaces around the document. When the candidate or
    pending arrays might overflow, returns with ``resume`` set (the outputs of ``state`` are still
    to be recorded); the caller grows them and calls again.
    Returns (pos, state, resume, nm, n_words, prev_ws, nc, npend, done).
    """
    while True:
        if not resume:
            sy = sym_space
            if 0 <= pos < n:
                cp = buf[pos]
                if cp < 65536:
                    ct = chartab[cp]
                    sy = ct & 0xFFFF
                    if ct & CT_WSB:
                        prev_ws = True
                    elif prev_ws:
                        n_words += 1
                        prev_ws = False
                    if ct & CT_MARK:
                        marks[nm] = pos
                        nm += 1
                elif prev_ws:
                    n_words += 1
                    prev_ws = False
            state = delta[state * n_sym + sy]
        resume = False
        if has_out[state]:
            if nc + max_out > cs.shape[0] or npend + max_out > pk.shape[0]:
                return pos, state, True, nm, n_words, prev_ws, nc, npend, False
            end = pos + 1
            for q in range(out_ptr[state], out_ptr[state + 1]):
                key = out_keys[q]
                if key_simple[key]:
                    sid = key_plain[key]
                    cs[nc], ce[nc], cr[nc], cx[nc] = end - key_k[key], end - 1, set_rank[sid], sid
                    nc += 1
                else:
                    pk[npend], pe[npend] = key, end
                    npend += 1
        if pos >= n:
            return pos, state, False, nm, n_words, prev_ws, nc, npend, True
        pos += 1


@njit(cache=True, nogil=True)
def _check_pending(buf, n, pk, pe, npend, case, chartab, sym_space, key_k, key_glob, key_plain, cg_ptr, cg_form, cg_set,
                   ex_ptr, ex_theme, ex_form, form_ptr, form_chars, set_rank, cs, ce, cr, cx, nc, xt, xs, xe):
    """Turn pending matches into candidates (glob ends, capitalization) and excluded spans; return (nc, nx).

    The arrays must have room for ``npend`` more candidates and every possible exclusion.
    """
    nx = 0
    for z in range(npend):
        key, end = pk[z], pe[z]
        s = end - key_k[key]
        e = _glob_end(buf, n, end, chartab, sym_space) if key_glob[key] else end - 1
        for x in range(ex_ptr[key], ex_ptr[key + 1]):
            if ex_form[x] < 0 or case_is(buf, 0, s, e, case, form_ptr, form_chars, ex_form[x]):
                xt[nx], xs[nx], xe[nx] = ex_theme[x], s, e
                nx += 1
        sid = key_plain[key]
        for g in range(cg_ptr[key], cg_ptr[key + 1]):
            if case_is(buf, 0, s, e, case, form_ptr, form_chars, cg_form[g]):
                sid = cg_set[g]
                break
        if sid >= 0:
            cs[nc], ce[nc], cr[nc], cx[nc] = s, e, set_rank[sid], sid
            nc += 1
    return nc, nx


@njit(cache=True, nogil=True)
def _tally(d, nch, ch0, ch1, cs, ce, cx, set_ptr, set_ent, ent_theme, ent_glob, ent_weight, ent_text, best, xt, xs, xe, nx,
           starts, ns, te, tw, with_hits, h_doc, h_ent, h_sent, h_s, h_e, nh, h_theme, h_text, th_n, th_title, th_sents,
           th_last, th_score):
    """Emit the hits of the chosen spans (dropping excluded ones) and tally them per theme; return (nh, nd).

    The hit arrays must have room for every entry of every chosen span.
    """
    n_themes = best.shape[0]
    last = ns - 1
    j = 0
    nd = 0
    for k in range(nch):
        r0, r1 = ch0[k], ch1[k]
        s, e = cs[r0], ce[r0]
        one = r1 - r0 == 1  # one entry set: already one entry per theme, by theme
        if one:
            q0, q1 = set_ptr[cx[r0]], set_ptr[cx[r0] + 1]
        else:  # the same span from several keys: per theme the first exact entry, else the first glob
            for r in range(r0, r1):
                for q in range(set_ptr[cx[r]], set_ptr[cx[r] + 1]):
                    ent = set_ent[q]
                    th = ent_theme[ent]
                    if best[th] < 0 or (ent_glob[best[th]] and not ent_glob[ent]):
                        best[th] = ent
            q0, q1 = 0, n_themes
        for q in range(q0, q1):
            if one:
                ent = set_ent[q]
            else:
                ent = best[q]
                best[q] = -1
                if ent < 0:
                    continue
            th = ent_theme[ent]
            dropped = False
            for x in range(nx):
                if xt[x] == th and xs[x] < e and s < xe[x]:
                    dropped = True
                    break
            if dropped:
                continue
            while j < last and starts[j + 1] <= s:
                j += 1
            if with_hits:
                h_doc[nh], h_ent[nh], h_sent[nh], h_s[nh], h_e[nh] = d, ent, j, s, e
                nh += 1
            h_theme[nd], h_text[nd] = th, ent_text[ent]
            nd += 1
            if th_n[th] == 0 or th_last[th] != j:
                th_sents[th] += 1
            th_last[th] = j
            th_n[th] += 1
            w = ent_weight[ent]
            if s < te:
                th_title[th] += 1
                th_score[th] += w + tw * w
            else:
                th_score[th] += w
    return nh, nd


@njit(cache=True, nogil=True)
def scan_batch(titles, texts, raw, with_hits, tables, dfa, keys, sets, params):
    """Scan every document of a batch; return (scores, terms, hits) arrays.

    ``titles`` and ``texts`` are (UTF-8 bytes, offsets) with one entry per document (Arrow layout).
    """
    t_data, t_off = titles
    x_data, x_off = texts
    flags, lower, case, never, starters, chartab = tables
    nv_h, nv_p, nv_c = never
    st_h, st_p, st_c = starters
    delta, n_sym, has_out, out_ptr, out_keys, sym_space = dfa
    key_k, key_simple, key_glob, key_plain, cg_ptr, cg_form, cg_set, ex_ptr, ex_theme, ex_form, form_ptr, form_chars = keys
    set_ptr, set_ent, set_rank, ent_theme, ent_glob, ent_weight, ent_text, text_rank = sets
    n_themes, tw_long, tw_short, short_words = params
    n_docs = x_off.shape[0] - 1
    max_out = max(1, np.max(out_ptr[1:] - out_ptr[:-1]))
    set_size = set_ptr[1:] - set_ptr[:-1]
    n_excl = ex_ptr[1:] - ex_ptr[:-1]
    big = 16
    for d in range(n_docs):
        big = max(big, t_off[d + 1] - t_off[d] + x_off[d + 1] - x_off[d] + 4)
    buf, marks, starts = np.empty(big, np.int32), np.empty(big, np.int64), np.empty(big, np.int64)
    cs, ce, cr, cx = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64)
    pk, pe = np.empty(256, np.int64), np.empty(256, np.int64)  # matches of keys that need checks
    xt, xs, xe = np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64)  # excluded spans
    order, run0, run1 = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64)
    ch0, ch1 = np.empty(1024, np.int64), np.empty(1024, np.int64)
    h_theme, h_text, bucket = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64)
    best = np.full(n_themes, -1, np.int64)
    th_n, th_title = np.zeros(n_themes, np.int64), np.zeros(n_themes, np.int64)
    th_sents, th_last = np.zeros(n_themes, np.int64), np.zeros(n_themes, np.int64)
    th_score, th_pos = np.zeros(n_themes, np.float64), np.zeros(n_themes + 1, np.int64)
    tc, distinct = np.zeros(text_rank.shape[0], np.int64), np.empty(text_rank.shape[0], np.int64)
    nr = 0
    r_doc, r_theme, r_hits, r_title = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64)
    r_sents, r_words, r_nsent, r_score = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.float64)
    nt_ = 0
    t_row, t_text, t_count = np.empty(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.int64)
    nh = 0
    hcap = 1024 if with_hits else 1
    h_doc, h_ent, h_sent, h_s, h_e = (np.empty(hcap, np.int64), np.empty(hcap, np.int64), np.empty(hcap, np.int64),
                                      np.empty(hcap, np.int64), np.empty(hcap, np.int64))
    for d in range(n_docs):
        n, title_end = assemble(t_data, t_off, x_data, x_off, d, raw, buf, flags)
        if n == 0:
            continue
        # 1. one pass over the characters
        pos, state, resume, nm, n_words, prev_ws, nc, npend, done = -1, 0, False, 0, 0, True, 0, 0, False
        while not done:
            pos, state, resume, nm, n_words, prev_ws, nc, npend, done = _scan_chars(
                buf, n, pos, state, resume, nm, n_words, prev_ws, marks, chartab, delta, n_sym, has_out, out_ptr,
                out_keys, sym_space, key_k, key_simple, key_plain, set_rank, cs, ce, cr, cx, nc, pk, pe, npend, max_out)
            if not done:
                if nc + max_out > cs.shape[0]:
                    cs, ce, cr, cx = grow(cs, nc + max_out), grow(ce, nc + max_out), grow(cr, nc + max_out), grow(cx, nc + max_out)
                if npend + max_out > pk.shape[0]:
                    pk, pe = grow(pk, npend + max_out), grow(pe, npend + max_out)
        # 2. pending matches: glob ends, capitalization, exclusions
        need_x = 0
        for z in range(npend):
            need_x += n_excl[pk[z]]
        if nc + npend >= cs.shape[0]:
            cs, ce, cr, cx = grow(cs, nc + npend), grow(ce, nc + npend), grow(cr, nc + npend), grow(cx, nc + npend)
        if need_x >= xt.shape[0]:
            xt, xs, xe = grow(xt, need_x), grow(xs, need_x), grow(xe, need_x)
        n_simple = nc
        nc, nx = _check_pending(buf, n, pk, pe, npend, case, chartab, sym_space, key_k, key_glob, key_plain, cg_ptr,
                                cg_form, cg_set, ex_ptr, ex_theme, ex_form, form_ptr, form_chars, set_rank,
                                cs, ce, cr, cx, nc, xt, xs, xe)
        if nc == 0:
            continue
        # 3. resolution
        if order.shape[0] < nc:
            order, run0, run1 = np.empty(2 * nc, np.int64), np.empty(2 * nc, np.int64), np.empty(2 * nc, np.int64)
            ch0, ch1 = np.empty(2 * nc, np.int64), np.empty(2 * nc, np.int64)
        sort_cands(cs, ce, cr, cx, 0, n_simple)  # each run arrives in order of end offset
        if nc > n_simple:
            sort_cands(cs, ce, cr, cx, n_simple, nc)
            if n_simple > 0:
                merge_sorted(cs, ce, cr, cx, n_simple, nc, order, run0, run1, ch0)
        nch = choose(cs, ce, nc, order, run0, run1, ch0, ch1)
        # 4. hits with sentence ids, tallies per theme
        need = 0
        for k in range(nch):
            need += set_size[cx[ch0[k]]] if ch1[k] - ch0[k] == 1 else n_themes
        if need >= h_theme.shape[0]:
            h_theme, h_text, bucket = grow(h_theme, need), grow(h_text, need), grow(bucket, need)
        if with_hits and nh + need >= h_doc.shape[0]:
            h_doc, h_ent, h_sent = grow(h_doc, nh + need), grow(h_ent, nh + need), grow(h_sent, nh + need)
            h_s, h_e = grow(h_s, nh + need), grow(h_e, nh + need)
        ns = sentence_starts(buf, 0, n, marks, nm, flags, lower, nv_h, nv_p, nv_c, st_h, st_p, st_c, starts)
        n_words = max(n_words, 1)
        tw = tw_short if n_words < short_words else tw_long
        nh, nd = _tally(d, nch, ch0, ch1, cs, ce, cx, set_ptr, set_ent, ent_theme, ent_glob, ent_weight, ent_text, best,
                        xt, xs, xe, nx, starts, ns, title_end, tw, with_hits, h_doc, h_ent, h_sent, h_s, h_e, nh,
                        h_theme, h_text, th_n, th_title, th_sents, th_last, th_score)
        if nd == 0:
            continue
        if nt_ + nd >= t_row.shape[0]:
            t_row, t_text, t_count = grow(t_row, nt_ + nd), grow(t_text, nt_ + nd), grow(t_count, nt_ + nd)
        if nr + n_themes >= r_doc.shape[0]:
            r_doc, r_theme, r_hits, r_title = grow(r_doc, nr + n_themes), grow(r_theme, nr + n_themes), grow(r_hits, nr + n_themes), grow(r_title, nr + n_themes)
            r_sents, r_words, r_nsent, r_score = grow(r_sents, nr + n_themes), grow(r_words, nr + n_themes), grow(r_nsent, nr + n_themes), grow(r_score, nr + n_themes)
        nt_ = _term_rows(h_theme, h_text, nd, th_n, th_pos, bucket, tc, distinct, text_rank, nr, t_row, t_text, t_count, nt_)
        nr = _score_rows(d, th_n, th_title, th_sents, th_score, n_words, max(ns, 1), nr, r_doc, r_theme, r_hits, r_title,
                         r_sents, r_words, r_nsent, r_score)
    return ((r_doc[:nr], r_theme[:nr], r_hits[:nr], r_title[:nr], r_sents[:nr], r_words[:nr], r_nsent[:nr],
             r_score[:nr]), (t_row[:nt_], t_text[:nt_], t_count[:nt_]),
            (h_doc[:nh], h_ent[:nh], h_sent[:nh], h_s[:nh], h_e[:nh]))


@njit(cache=True, nogil=True)
def _score_rows(d, th_n, th_title, th_sents, th_score, n_words, n_sent, nr, r_doc, r_theme, r_hits, r_title, r_sents,
                r_words, r_nsent, r_score):
    """Write one score row per theme with hits (by theme) and reset the tallies; return the row count."""
    for th in range(th_n.shape[0]):
        if th_n[th] == 0:
            continue
        r_doc[nr], r_theme[nr], r_hits[nr], r_title[nr] = d, th, th_n[th], th_title[th]
        r_sents[nr], r_words[nr], r_nsent[nr], r_score[nr] = th_sents[th], n_words, n_sent, th_score[th]
        nr += 1
        th_n[th], th_title[th], th_sents[th], th_score[th] = 0, 0, 0, 0.0
    return nr
