"""The ``evaluate`` command (analysis.commands.evaluate) on slices of both labelled dev sets, in process.

A trained model evaluated with ``--model`` is in tests/commands/test_train.py; the metrics
themselves (analysis.model.evaluation) are tested in tests/model/test_evaluation.py. A crafted
pickle-based model file is refused by ``python -m analysis evaluate --model`` without running it.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess

import pytest

from analysis import schema
from analysis.commands import evaluate as evaluate_cmd
from analysis.errors import UsageError
from tests.model.test_file_format import craft_pickle_model


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


def test_empty_text_fields_is_a_usage_error(allsides_path, allsides_map):
    with pytest.raises(UsageError, match="at least one field"):
        _run_cli([str(allsides_path), "--label-field", "topic", "--label-map", str(allsides_map),
                  "--text-fields", " , "])


def test_evaluate_refuses_pickle_model_without_running_it(cli_env, python, tmp_path):
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps({"id": str(i), "title": t, "text": "", "topic": k})
                                  for i, (t, k) in enumerate([("Tariffs rise", "trade"), ("Border wait", "migration")])))
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"topic": {"trade": "trade", "migration": "migration"}}))
    marker = tmp_path / "pwned"
    model = craft_pickle_model(tmp_path / "evil.model", marker)
    proc = subprocess.run([python, "-m", "analysis", "evaluate", str(labelled), "--label-field", "topic",
                           "--label-map", str(label_map), "--model", str(model), "--out", str(tmp_path / "eval")],
                          env=cli_env, capture_output=True, text=True, timeout=300)
    assert not marker.exists(), "evaluate --model ran code from the model file"
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "python -m analysis train" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_out_that_is_a_file_is_usage_error(allsides_path, allsides_map, tmp_path):
    out = tmp_path / "eval.txt"
    out.write_text("keep me")
    with pytest.raises(UsageError, match=r"--out .*eval\.txt is not a folder"):
        _run_cli([str(allsides_path), "--label-field", "topic", "--label-map", str(allsides_map),
                  "--sample-frac", "0.02", "--out", str(out)])
    assert out.read_text() == "keep me"


def test_evaluate_cli_nyt_yearly_attention_chart_and_intervals(nyt_path, nyt_map, tmp_path, capsys):
    out = tmp_path / "eval"
    rc = _run_cli([str(nyt_path), "--label-field", "cap_major", "--label-map", str(nyt_map),
                   "--sample-frac", "0.1", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "[95% " in printed and "carries the labelled theme" in printed
    assert "yearly attention vs human share (1996-2006)" in printed
    for name in ("attention_vs_human.png", "attention_vs_human.svg", "attention_vs_human.csv",
                 "attention_yearly.csv", "presence.csv"):
        assert (out / name).stat().st_size > 0, name
    with (out / "attention_vs_human.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["theme"] for r in rows} == set(schema.CORE_THEMES)
    assert {r["year"] for r in rows} == {str(y) for y in range(1996, 2007)}
    assert set(rows[0]) >= {"human_share", "primary_share", "present_share", "mention_share"}
    m = json.loads((out / "metrics.json").read_text())
    assert m["attention"]["mean"]["present_share"]["mae_pp"] < m["attention"]["mean"]["mention_share"]["mae_pp"]


def test_evaluate_cli_gold_set(allsides_path, allsides_map, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    with allsides_path.open(encoding="utf-8") as fh:
        first = [json.loads(next(fh)) for _ in range(3)]
    gold.write_text("\n".join(json.dumps({"article_id": r["id"], "corpus": "allsides", "themes": ["trade"],
                                          "split": "report"}) for r in first) + "\n", encoding="utf-8")
    rc = _run_cli([str(allsides_path), "--label-field", "topic", "--label-map", str(allsides_map),
                   "--sample-frac", "0.02", "--gold", str(gold), "--out", str(tmp_path / "eval")])
    assert rc == 0
    assert "gold set (report, 3 articles)" in capsys.readouterr().out
    m = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert m["gold_presence"]["n"] == 3 and m["gold_presence"]["per_theme"]["trade"]["support"] == 3
    assert (tmp_path / "eval" / "gold_presence.csv").stat().st_size > 0
    with pytest.raises(UsageError, match="not found"):
        _run_cli([str(allsides_path), "--label-field", "topic", "--label-map", str(allsides_map),
                  "--sample-frac", "0.02", "--gold", str(tmp_path / "missing.jsonl")])
