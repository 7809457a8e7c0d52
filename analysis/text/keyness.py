"""Keyness: the terms that distinguish two groups of articles.

Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", Political Analysis 16(4), section 3.5). For term w with counts y_a, y_b in
groups of n_a, n_b terms and prior pseudo-counts alpha_w (summing to alpha0)::

    delta_w = log((y_a + alpha_w) / (n_a + alpha0 - y_a - alpha_w))
            - log((y_b + alpha_w) / (n_b + alpha0 - y_b - alpha_w))
    var_w   = 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w)
    z_w     = delta_w / sqrt(var_w)

The prior's shape comes from a background corpus (default: both groups pooled) and is scaled to
``alpha0`` pseudo-counts. Terms are :func:`analysis.text.words.terms` (lower case, no stopwords).

    >>> import pandas as pd
    >>> a = pd.DataFrame({"title": ["Border"], "text": ["Border wall border asylum border."]})
    >>> b = pd.DataFrame({"title": ["Tariffs"], "text": ["Tariff tariffs trade trade trade."]})
    >>> keyness(a, b, top=1)[["term", "group"]].values.tolist()
    [['border', 'a'], ['trade', 'b']]
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.errors import UsageError
from analysis.text.words import term_counts

KEYNESS_COLUMNS: list[str] = ["term", "count_a", "count_b", "log_odds", "z", "group"]


def log_odds_table(counts_a: Mapping[str, int], counts_b: Mapping[str, int],
                   prior: Mapping[str, float] | None = None, alpha0: float = 1000.0) -> pd.DataFrame:
    """Return (term, count_a, count_b, log_odds, z) for every term of either group.

    >>> t = log_odds_table({"x": 10, "y": 1}, {"x": 1, "y": 10})
    >>> bool(t.set_index("term").loc["x", "z"] > 0 > t.set_index("term").loc["y", "z"])
    True
    """
    if alpha0 <= 0:
        raise UsageError(f"keyness: alpha0 must be positive, got {alpha0}")
    vocab = sorted(set(counts_a) | set(counts_b))
    if prior is None:
        prior = Counter(counts_a) + Counter(counts_b)
    prior_total = float(sum(prior.values())) or 1.0
    floor = 0.5 / prior_total  # terms missing from a background prior get half a count
    n_a = float(sum(counts_a.values()))
    n_b = float(sum(counts_b.values()))
    rows = []
    for w in vocab:
        ya, yb = counts_a.get(w, 0), counts_b.get(w, 0)
        alpha = alpha0 * max(prior.get(w, 0) / prior_total, floor)
        delta = (math.log((ya + alpha) / (n_a + alpha0 - ya - alpha))
                 - math.log((yb + alpha) / (n_b + alpha0 - yb - alpha)))
        var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
        rows.append((w, ya, yb, delta, delta / math.sqrt(var)))
    return pd.DataFrame(rows, columns=KEYNESS_COLUMNS[:5]).astype(
        {"count_a": "int64", "count_b": "int64", "log_odds": "float64", "z": "float64"})


def keyness(group_a: pd.DataFrame | Iterable[str], group_b: pd.DataFrame | Iterable[str],
            top: int = 20, prior: pd.DataFrame | Mapping[str, float] | None = None,
            alpha0: float = 1000.0, labels: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Return the ``top`` terms most distinctive of each group, by z-score of the log-odds ratio.

    ``group_a``/``group_b``: article tables (or texts). ``prior``: background articles or term
    counts (default: both groups pooled), scaled to ``alpha0`` pseudo-counts. Rows for group a
    come first (z descending), then group b (z ascending); ``group`` holds ``labels``.

    >>> a = ["Migrants crossed the border. Asylum claims rose at the border."]
    >>> b = ["Tariffs hit trade. Trade talks on tariffs stalled."]
    >>> keyness(a, b, top=2).term.tolist()
    ['border', 'asylum', 'tariffs', 'trade']
    """
    bg = term_counts(prior) if isinstance(prior, pd.DataFrame) else prior
    return keyness_from_counts(term_counts(group_a), term_counts(group_b), top, bg, alpha0, labels)


def keyness_from_counts(ca: Mapping[str, int], cb: Mapping[str, int], top: int = 20,
                        prior: Mapping[str, float] | None = None, alpha0: float = 1000.0,
                        labels: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """:func:`keyness` from the term counts of the two groups (e.g. sums of per-group counts).

    >>> keyness_from_counts({"x": 5, "y": 1}, {"x": 1, "y": 5}, top=1).term.tolist()
    ['x', 'y']
    """
    if not ca or not cb:
        raise UsageError("keyness: both groups need at least one term")
    table = log_odds_table(ca, cb, prior, alpha0)
    a = table[table["z"] > 0].sort_values(["z", "term"], ascending=[False, True]).head(top)
    b = table[table["z"] < 0].sort_values(["z", "term"], ascending=[True, True]).head(top)
    out = pd.concat([a.assign(group=labels[0]), b.assign(group=labels[1])], ignore_index=True)
    return out[KEYNESS_COLUMNS]
