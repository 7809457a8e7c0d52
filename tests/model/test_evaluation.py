"""The evaluation against human labels (analysis.model.evaluation): metrics, splits, label maps.

The ``evaluate`` command on both dev sets is tested in tests/commands/test_evaluate.py.
"""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import UsageError
from analysis.model.evaluation import (
    bootstrap_intervals,
    confusion,
    evaluate,
    is_holdout,
    metrics,
    read_labelled,
    select_split,
)


def test_metrics_by_hand():
    gold = ["trade", "trade", "health", "other"]
    pred = ["trade", "health", "health", "trade"]
    m = metrics(gold, pred)
    assert m["accuracy"] == 0.5
    assert m["per_theme"]["trade"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["per_theme"]["health"]["precision"] == 0.5 and m["per_theme"]["health"]["recall"] == 1.0
    # core macro-F1 averages all 8 core themes (absent ones count 0)
    assert m["macro_f1_core"] == pytest.approx((0.5 + 2 / 3) / 8, abs=1e-4)
    cm = confusion(gold, pred)
    assert cm.loc["trade", "health"] == 1 and cm.values.sum() == 4


def test_holdout_is_fixed_and_about_30_percent(allsides_path, allsides_map):
    items = read_labelled(allsides_path, "topic", allsides_map)
    hold = select_split(items, "holdout")
    tune = select_split(items, "tune")
    assert len(hold) + len(tune) == len(items)
    assert set(hold.article_id).isdisjoint(tune.article_id)
    assert 0.25 < len(hold) / len(items) < 0.35
    assert all(is_holdout(i) for i in hold.article_id)


def test_label_maps_of_both_datasets(allsides_path, allsides_map, nyt_path, nyt_map):
    a = read_labelled(allsides_path, "topic", allsides_map)
    assert set(a.gold) <= set(schema.ALL_THEMES) | {schema.NO_THEME}
    assert a.loc[a.label == "immigration", "gold"].eq("migration").all()
    n = read_labelled(nyt_path, "cap_major", nyt_map)
    assert n.loc[n.label == "16", "gold"].eq("security_crime").all()
    assert n.loc[n.label == "29", "gold"].eq("other").all()


def test_evaluate_function_split(nyt_path, nyt_map):
    m = evaluate(nyt_path, "cap_major", nyt_map, split="holdout", sample_frac=0.05)
    assert m["split"] == "holdout" and m["n"] > 100


def test_usage_errors(allsides_path, allsides_map, tmp_path):
    with pytest.raises(UsageError, match="no field"):
        read_labelled(allsides_path, "nope", allsides_map)
    with pytest.raises(UsageError, match="not found"):
        read_labelled(tmp_path / "missing.jsonl", "topic", allsides_map)
    bad_map = tmp_path / "map.json"
    bad_map.write_text(json.dumps({"immigration": "migration"}))
    with pytest.raises(UsageError, match="not in the label map"):
        read_labelled(allsides_path, "topic", bad_map)


def test_reader_csvs_cannot_run_formulas(tmp_path):
    """Titles, labels and ids from the labelled file reach misclassified.csv neutralized (OWASP: a leading ')."""
    title = '=HYPERLINK("http://evil.example","click")'
    rows = [{"id": "@1", "title": title, "text": "Tariffs on steel imports rose. The tariff war goes on.",
             "topic": "-health"},
            {"id": "2", "title": "Hospitals and doctors", "text": "Health care costs rose.", "topic": "-health"}]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "eval"
    evaluate(labelled, "topic", {"topic": {"-health": "health"}}, out=out)
    with (out / "misclassified.csv").open(encoding="utf-8", newline="") as fh:
        wrong = list(csv.DictReader(fh))
    assert [(r["article_id"], r["title"], r["label"]) for r in wrong] == [("'@1", "'" + title, "'-health")]
    for name in ("per_theme.csv", "confusion.csv"):
        with (out / name).open(encoding="utf-8", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
        assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit()]


def test_bootstrap_intervals_bracket_the_estimate_and_shrink_with_more_items():
    gold = ["trade", "health", "economy", "trade"] * 25
    pred = ["trade", "health", "trade", "economy"] * 25
    point = metrics(gold, pred)
    small = bootstrap_intervals(gold, pred, [True, True, False, None] * 25)
    assert small == bootstrap_intervals(gold, pred, [True, True, False, None] * 25)  # fixed seed
    for key in ("accuracy", "macro_f1_core"):
        lo, hi = small[key]
        assert lo < point[key] < hi
    assert small["label_recall"][0] < 2 / 3 < small["label_recall"][1]
    big = bootstrap_intervals(gold * 10, pred * 10)
    assert "label_recall" not in big
    assert big["accuracy"][1] - big["accuracy"][0] < 0.5 * (small["accuracy"][1] - small["accuracy"][0])


def test_evaluate_reports_presence_intervals_and_yearly_attention(allsides_path, allsides_map, tmp_path):
    m = evaluate(allsides_path, "topic", allsides_map, split="holdout", sample_frac=0.3, out=tmp_path / "eval")
    assert m["intervals"]["macro_f1_core"][0] <= m["macro_f1_core"] <= m["intervals"]["macro_f1_core"][1]
    p = m["presence"]
    assert 0.85 <= p["label_recall"] <= 1 and 1 <= p["themes_per_article"] <= 2.5
    assert set(schema.CORE_THEMES) <= set(p["per_theme"])
    assert m["attention"]["years"][0] >= 2012 and "present_share" in m["attention"]["mean"]
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert saved["presence"] == p and saved["intervals"] == m["intervals"]
    with (tmp_path / "eval" / "presence.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["theme"]: r for r in csv.DictReader(fh)}
    assert int(rows["trade"]["flagged"]) == p["per_theme"]["trade"]["flagged"]
    assert (tmp_path / "eval" / "attention_yearly.csv").stat().st_size > 0


def test_read_labelled_carries_the_year(nyt_path, nyt_map, tmp_path):
    n = read_labelled(nyt_path, "cap_major", nyt_map)
    assert n["year"].min() == 1996 and n["year"].max() == 2006
    f = tmp_path / "l.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [{"id": "1", "title": "t", "text": "", "topic": "trade",
                                                     "date": "2019-03-01"},
                                                    {"id": "2", "title": "t", "text": "", "topic": "trade"}]))
    assert read_labelled(f, "topic", {"topic": {"trade": "trade"}})["year"].tolist() == [2019, pd.NA]
