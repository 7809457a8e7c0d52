"""KWIC line choice for the Dask report path: one ranking gives what a ``kwic_sample`` per size gave."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.notebook.text_samples import CANDIDATE_COLUMNS, kwic_order
from analysis.text.concordance import kwic_ranked, kwic_sample


def _order_by_every_size(candidates: pd.DataFrame, n: int) -> pd.DataFrame:
    """The former ``kwic_order``: one ``kwic_sample`` per sample size, kept here as the oracle."""
    seen: dict[tuple[str, int], int] = {}
    for k in range(1, n + 1):
        shown = kwic_sample(candidates, n=k)
        for key in zip(shown["article_id"].astype(str).tolist(), shown["start"].astype("int64").tolist()):
            seen.setdefault(key, k)
        if len(shown) < k:  # every candidate is shown
            break
    return pd.DataFrame([(a, st, k) for (a, st), k in seen.items()], columns=["article_id", "start", "first_n"]
                        ).astype({"article_id": "string", "start": "int64", "first_n": "int64"})


def _candidates(seed: int) -> pd.DataFrame:
    """Random candidate lines: repeated ids and positions, shared dates, missing dates and outlets."""
    rng = np.random.default_rng(seed)
    m = int(rng.integers(0, 60))
    ids = rng.integers(0, max(1, m // 2), m)
    days = pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 5, m), unit="D")
    dates = pd.Series(days).where(rng.random(m) > 0.1)
    sources = pd.Series(rng.choice(["X", "Y", "Z"], m), dtype="string").where(rng.random(m) > 0.1)
    return pd.DataFrame({"article_id": [f"a{i}" for i in ids], "date": dates.to_numpy(),
                         "source": sources.to_numpy(), "match": rng.choice(["tariff", "Tariff", "trade"], m),
                         "start": rng.integers(0, 8, m)})[CANDIDATE_COLUMNS]


@pytest.mark.parametrize("seed", range(25))
def test_kwic_order_matches_one_sample_per_size(seed: int) -> None:
    candidates = _candidates(seed)
    for n in (0, 1, 4, 25, len(candidates) + 3):
        pd.testing.assert_frame_equal(kwic_order(candidates, n), _order_by_every_size(candidates, n))


def test_every_sample_is_a_prefix_of_the_ranking() -> None:
    candidates = _candidates(7)
    ranked = kwic_ranked(candidates)
    def lines(t: pd.DataFrame) -> list[tuple[str, int]]:
        return sorted(zip(t["article_id"].astype(str), t["start"].astype(int)))

    for n in range(len(candidates) + 2):  # the same lines; kwic_sample orders them for reading
        assert lines(kwic_sample(candidates, n=n)) == lines(ranked.head(n)), n


def test_no_candidates_give_an_empty_order() -> None:
    empty = pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = kwic_order(empty, 25)
    assert out.empty and list(out.columns) == ["article_id", "start", "first_n"]
    pd.testing.assert_frame_equal(out, _order_by_every_size(empty, 25))
