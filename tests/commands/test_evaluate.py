"""The ``evaluate`` command (analysis.commands.evaluate) on slices of both labelled dev sets, in process.

A trained model evaluated with ``--model`` is in tests/commands/test_train.py; the metrics
themselves (analysis.model.evaluation) are tested in tests/model/test_evaluation.py.
"""
from __future__ import annotations

import argparse
import json

import pytest

from analysis import schema
from analysis.commands import evaluate as evaluate_cmd
from analysis.errors import UsageError


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
