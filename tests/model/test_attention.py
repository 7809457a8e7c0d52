"""Yearly attention from the coding vs the human-coded share (analysis.model.attention), by hand and on NYT.

The chart of it is tested in tests/notebook/test_validation.py, the ``evaluate`` output in
tests/commands/test_evaluate.py.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema
from analysis.model.attention import attention_agreement, yearly_attention
from analysis.model.evaluation import predict, read_labelled


def test_yearly_attention_by_hand():
    items = pd.DataFrame({"article_id": list("abcdef"), "year": [2000, 2000, 2001, 2001, 2002, None],
                          "gold": ["trade", "health", "trade", "other", "health", "trade"]})
    coded = pd.DataFrame({"article_id": list("abcdef"), "primary_theme": ["trade", "trade", "other", "trade", "health", "trade"],
                          "themes": [["trade"], ["health", "trade"], [], ["trade"], ["health"], ["trade"]],
                          "mentions": [["trade"], ["health", "trade"], ["trade"], ["trade"], ["health", "trade"], []]})
    t = yearly_attention(items, coded, ["trade", "health"]).set_index(["theme", "year"])
    assert t.loc[("trade", 2000)].to_dict() == {"n_items": 2, "human_share": 0.5, "primary_share": 1.0,
                                                "present_share": 1.0, "mention_share": 1.0}
    assert t.loc[("trade", 2001), "present_share"] == 0.5 and t.loc[("trade", 2001), "mention_share"] == 1.0
    assert t.loc[("health", 2002), "human_share"] == 1.0
    assert len(t) == 6  # the undated item is left out


def test_attention_agreement_by_hand():
    t = pd.DataFrame({"year": [1, 2, 3] * 2, "theme": ["trade"] * 3 + ["health"] * 3, "n_items": [10] * 6,
                      "human_share": [0.1, 0.2, 0.3, 0.5, 0.5, 0.5],
                      "primary_share": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
                      "present_share": [0.3, 0.2, 0.1, 0.5, 0.5, 0.5],
                      "mention_share": [0.2, 0.3, 0.4, 0.6, 0.7, 0.8]})
    a = attention_agreement(t)
    assert a["years"] == [1, 2, 3] and list(a["per_theme"]) == ["trade", "health"]
    assert a["per_theme"]["trade"]["present_share"] == {"mae_pp": pytest.approx(13.33, abs=0.01), "corr": -1.0}
    assert a["per_theme"]["health"]["primary_share"]["corr"] is None  # a constant human series has no correlation
    assert a["mean"]["mention_share"]["mae_pp"] == pytest.approx(15.0)
    assert a["mean"]["primary_share"] == {"mae_pp": pytest.approx(3.33, abs=0.01), "corr": 1.0, "themes_corr_ge_0_7": 1}


def test_nyt_dev_years_carried_share_tracks_the_human_share(nyt_path, nyt_map):
    """docs/methods.md: carried share within 3 pp of the human share on average, mean yearly correlation >= 0.7."""
    items = read_labelled(nyt_path, "cap_major", nyt_map)
    a = attention_agreement(yearly_attention(items, predict(items)))
    assert a["years"] == list(range(1996, 2007))
    assert a["mean"]["present_share"]["mae_pp"] <= 3.0
    assert a["mean"]["present_share"]["corr"] >= 0.7
    assert a["mean"]["mention_share"]["mae_pp"] > 2 * a["mean"]["present_share"]["mae_pp"]  # mentions overcount
    strong = {t for t, v in a["per_theme"].items() if v["present_share"]["corr"] >= 0.7}
    assert {"trade", "migration", "security_crime", "health", "energy"} <= strong <= set(schema.CORE_THEMES)
