"""An Aho-Corasick automaton as a dense transition table, built in Python and run by compiled code.

:func:`build_dfa` turns byte-string keys into ``(sym, delta, out_ptr, out_keys)``: ``sym`` maps a
byte to its symbol (0 = a byte no key contains), ``delta[state, symbol]`` is the next state (failure
links already folded in), and ``out_keys[out_ptr[s]:out_ptr[s + 1]]`` are the keys that end in state
``s`` (suffix outputs included). Scanning is then one table lookup per character, with no Python
per character or per match (see :func:`analysis.themes.kernel.scan.scan_batch`).

    >>> sym, delta, ptr, keys = build_dfa([b" tax ", b" ax"])
    >>> state = 0
    >>> ends = []
    >>> for i, b in enumerate(b" tax "):
    ...     state = delta[state, sym[b]]
    ...     ends += [(i, int(k)) for k in keys[ptr[state]:ptr[state + 1]]]
    >>> ends
    [(4, 0)]
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np


def build_dfa(keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the transition table and outputs of the Aho-Corasick automaton of ``keys``."""
    alphabet = sorted({b for k in keys for b in k})
    sym = np.zeros(256, dtype=np.int64)
    for i, b in enumerate(alphabet):
        sym[b] = i + 1
    goto: list[dict[int, int]] = [{}]
    own: list[list[int]] = [[]]
    for kid, key in enumerate(keys):
        state = 0
        for b in key:
            s = sym[b]
            nxt = goto[state].get(s)
            if nxt is None:
                nxt = len(goto)
                goto[state][s] = nxt
                goto.append({})
                own.append([])
            state = nxt
        own[state].append(kid)
    n = len(goto)
    delta = np.zeros((n, len(alphabet) + 1), dtype=np.int32)
    fail = [0] * n
    outs: list[list[int]] = [[] for _ in range(n)]
    queue: deque[int] = deque()
    for s, child in goto[0].items():
        delta[0, s] = child
        queue.append(child)
    for child in goto[0].values():
        outs[child] = list(own[child])
    while queue:
        u = queue.popleft()
        delta[u] = delta[fail[u]]
        for s, v in goto[u].items():
            delta[u, s] = v
        for s, v in goto[u].items():
            fail[v] = int(delta[fail[u], s]) if u else 0
            outs[v] = own[v] + outs[fail[v]]
            queue.append(v)
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    out_ptr[1:] = np.cumsum([len(o) for o in outs])
    out_keys = np.array([k for o in outs for k in o], dtype=np.int64)
    return sym, delta, out_ptr, out_keys


__all__ = ["build_dfa"]
