"""Tests for the evaluation against human labels (metrics, files, CLI on both dev sets)."""
from __future__ import annotations

import argparse
import json

import pytest

from analysis import schema
from analysis.commands import evaluate as evaluate_cmd
from analysis.errors import UsageError
from analysis.model.evaluation import confusion, evaluate, is_holdout, metrics, read_labelled, select_split


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


def _run_cli(argv: list[str]) -> int:
    """Run the evaluate command through its own argument parser."""
    p = argparse.ArgumentParser()
    evaluate_cmd.add_arguments(p)
    return evaluate_cmd.run(p.parse_args(argv))


@pytest.mark.parametrize("which", ["allsides", "nyt"])
def test_evaluate_cli_small_slice(which, request, tmp_path, capsys):
    path = request.getfixturevalue(f"{which}_path")
    label_map = request.getfixturevalue(f"{which}_map")
    field = "topic" if which == "allsides" else "cap_major"
    out = tmp_path / "eval"
    rc = _run_cli([str(path), "--label-field", field, "--label-map", str(label_map),
                   "--sample-frac", "0.1", "--out", str(out)])
    assert rc == 0
    m = json.loads((out / "metrics.json").read_text())
    assert {"accuracy", "macro_f1_core", "per_theme"} <= set(m)
    assert 0.4 < m["accuracy"] <= 1 and 0.4 < m["macro_f1_core"] <= 1
    for theme in schema.CORE_THEMES:
        v = m["per_theme"][theme]
        assert set(v) == {"precision", "recall", "f1", "support"} and v["support"] > 0
    for name in ("confusion.csv", "confusion.png", "misclassified.csv", "per_theme.csv"):
        assert (out / name).stat().st_size > 0
    wrong = (out / "misclassified.csv").read_text()
    assert "[" in wrong  # matched terms shown as theme[term:count; ...]
    assert "macro-F1 core" in capsys.readouterr().out


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
