"""Multi-label presence metrics (analysis.model.presence): against single labels and a multi-label gold set.

The calibrated rule those metrics judge is pinned in tests/themes/test_presence.py.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.model.presence import gold_presence, gold_theme_estimate, presence_metrics, read_gold


def test_presence_metrics_by_hand():
    items = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "gold": ["trade", "trade", "health", "other"]})
    carried = pd.DataFrame({"article_id": ["a", "b", "c", "d"],
                            "themes": [["trade", "economy"], ["economy"], ["health", "trade"], []]})
    m = presence_metrics(items, carried)
    assert m["label_recall"] == pytest.approx(2 / 3, abs=1e-4)  # 'other' items have no labelled theme
    assert m["themes_per_article"] == 1.25 and m["no_theme_share"] == 0.25
    assert m["per_theme"]["trade"] == {"flagged": 2, "labelled": 2, "ratio": 1.0, "label_recall": 0.5}
    assert m["per_theme"]["economy"]["ratio"] is None and m["per_theme"]["economy"]["flagged"] == 2
    assert m["max_core_ratio"] == 1.0


def test_an_item_missing_from_the_coding_carries_nothing():
    m = presence_metrics(pd.DataFrame({"article_id": ["a"], "gold": ["trade"]}),
                         pd.DataFrame({"article_id": pd.Series([], dtype=str), "themes": []}))
    assert m["label_recall"] == 0.0 and m["themes_per_article"] == 0.0 and m["no_theme_share"] == 1.0


def test_gold_presence_by_hand():
    gold = pd.DataFrame({"article_id": ["a", "b", "c"], "themes": [["trade", "economy"], ["health"], []]})
    carried = pd.DataFrame({"article_id": ["a", "b", "c", "zzz"],
                            "themes": [["trade"], ["health", "economy"], ["other"], ["trade"]]})
    g = gold_presence(gold, carried)
    assert g["n"] == 3 and g["themes_per_article"] == 1.0 and g["gold_themes_per_article"] == 1.0
    assert g["per_theme"]["trade"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1, "flagged": 1}
    assert g["per_theme"]["economy"]["precision"] == 0.0 and g["per_theme"]["economy"]["recall"] == 0.0
    # core macro-F1 averages all 8 core themes: trade 1, health 1, economy 0, the five absent 0
    assert g["macro_f1_core"] == 0.25


def test_read_gold_splits_and_errors(tmp_path):
    f = tmp_path / "gold.jsonl"
    rows = [{"article_id": "a", "corpus": "nyt", "themes": ["trade"], "primary": "trade", "split": "tune"},
            {"article_id": "b", "corpus": "allsides", "themes": [], "primary": "other", "split": "report"}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert read_gold(f)["article_id"].tolist() == ["a", "b"]
    assert read_gold(f, "report")["article_id"].tolist() == ["b"]
    assert read_gold(f, corpus="nyt")["themes"].tolist() == [["trade"]]
    with pytest.raises(UsageError, match="gold-split"):
        read_gold(f, "holdout")
    with pytest.raises(UsageError, match="not found"):
        read_gold(tmp_path / "none.jsonl")
    f.write_text('{"article_id": "a", "themes": "trade"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"gold.jsonl:1: needs article_id and a list of themes"):
        read_gold(f)


def test_gold_theme_estimate_scales_each_label_to_the_corpus():
    # 4 trade-labelled articles (2 annotated: one also carries economy), 2 health-labelled (1 annotated)
    items = pd.DataFrame({"article_id": list("abcdef"), "gold": ["trade"] * 4 + ["health"] * 2})
    gold = pd.DataFrame({"article_id": ["a", "b", "e", "zzz"],
                         "themes": [["trade", "economy"], ["trade"], ["health", "trade"], ["trade"]]})
    est = gold_theme_estimate(items, gold, n_boot=200)
    assert est["economy"]["estimated"] == 2.0 and est["economy"]["ratio"] is None  # half of 4 trade articles
    assert est["trade"]["estimated"] == 6.0 and est["trade"]["ratio"] == 1.5  # 4 + all 2 health articles
    assert est["trade"]["interval"] == [1.5, 1.5]  # resampling "a"/"b" never changes trade; "e" always carries it
    assert est["health"] == {"labelled": 2, "estimated": 2.0, "ratio": 1.0, "interval": [1.0, 1.0]}
