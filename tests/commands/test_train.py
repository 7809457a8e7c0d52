"""The ``train`` command (analysis.commands.train) through ``python -m analysis``, and its model used by the others.

A model trained on a slice of the NYT dev set is written with its cross-validation scores, then
drives ``evaluate --model`` and ``score --model`` (analysis.commands.evaluate, analysis.commands.score);
a crafted pickle-based model file is refused by ``score --model`` without running it.
The model itself (analysis.model.theme_model) is tested in tests/model/test_theme_model.py.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess

import pandas as pd

from analysis import config, schema
from analysis.model import file_format as model_file
from analysis.model.theme_model import load_model
from tests.model.test_file_format import craft_pickle_model


def test_train_cli_writes_model_with_cv_scores(nyt_path, nyt_map, cli_env, python, tmp_path):
    out = tmp_path / "cli.model"
    proc = subprocess.run(
        [python, "-m", "analysis", "train", str(nyt_path), "--label-field", "cap_major", "--label-map",
         str(nyt_map), "--output", str(out), "--sample-frac", "0.1", "--cv", "2", "--c-grid", "0.5,1",
         "--no-char"], env=cli_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2-fold cross-validation" in proc.stdout and "<- chosen" in proc.stdout
    meta = model_file.read_header(out)
    assert meta["label_field"] == "cap_major" and meta["training_size"] > 2000
    assert set(meta["themes"]) <= set(schema.ALL_THEMES) | {schema.NO_THEME}
    keys = {f"{p} C={c}" for p in ("ensemble", "balanced") for c in ("0.5", "1")}
    assert set(meta["cv"]["macro_f1_core"]) == keys and len(meta["cv"]["macro_f1_core"]["ensemble C=1"]) == 2
    assert meta["cv"]["best"] in keys and meta["cv"]["best"] == f"{meta['preset']} C={meta['C']:g}"
    assert meta["cv"]["mean_macro_f1_core"] > 0.5
    for key in ("package_version", "sklearn_version", "created", "labels", "feature_config", "member_scales"):
        assert meta[key]
    assert load_model(out).metadata["C"] in (0.5, 1.0)


def test_train_cli_default_fits_one_preset_without_cv(nyt_path, nyt_map, cli_env, python, tmp_path):
    """No --cv: no cross-validation, the length rule picks ``ensemble`` for NYT's short texts; a small file."""
    out = tmp_path / "default.model"
    proc = subprocess.run(
        [python, "-m", "analysis", "train", str(nyt_path), "--label-field", "cap_major", "--label-map",
         str(nyt_map), "--output", str(out), "--sample-frac", "0.1", "--no-char"],
        env=cli_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "cross-validation" not in proc.stdout and "classifier (ensemble)" in proc.stdout
    meta = model_file.read_header(out)
    assert meta["cv"] is None and meta["preset"] == "ensemble"
    assert meta["feature_config"]["word_head"] == 3000 and meta["feature_config"]["min_df"] == 3
    coefs = [e for name, e in meta["contents"].items() if name.endswith(".coef.npy")]
    assert coefs and all(e["dtype"] == "float32" for e in coefs)
    assert out.stat().st_size < 10e6


def test_train_cli_fine_label_field(nyt_path, nyt_map, cli_env, python, tmp_path):
    """--fine-label-field cap_sub: the source-label SVM learns the CAP subtopics; recorded in the metadata."""
    out = tmp_path / "fine.model"
    args = [python, "-m", "analysis", "train", str(nyt_path), "--label-field", "cap_major", "--label-map",
            str(nyt_map), "--output", str(out), "--sample-frac", "0.1", "--no-char"]
    proc = subprocess.run(args + ["--fine-label-field", "cap_sub"], env=cli_env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "fine labels (cap_sub)" in proc.stdout
    meta = model_file.read_header(out)
    assert meta["fine_label_field"] == "cap_sub" and meta["fine_classes"] > 10
    assert any(k.startswith("fine:") for k in load_model(out).label_to_theme)
    bad = subprocess.run(args + ["--fine-label-field", "no_such_field"], env=cli_env, capture_output=True, text=True)
    assert bad.returncode == 2 and "no_such_field" in bad.stderr and "Traceback" not in bad.stderr


def test_train_cli_bad_input_is_usage_error(nyt_path, nyt_map, cli_env, python, tmp_path):
    proc = subprocess.run(
        [python, "-m", "analysis", "train", str(nyt_path), "--label-field", "no_such_field", "--label-map",
         str(nyt_map), "--output", str(tmp_path / "x.model")], env=cli_env, capture_output=True, text=True)
    assert proc.returncode == 2 and "no_such_field" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.model").exists()


def test_trained_model_drives_evaluate_and_score(nyt_path, nyt_map, cli_env, python, tmp_path):
    """train -> evaluate --model (metrics.json) -> score --model on an ingested store, all through the CLI."""
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "analysis", *args], env=cli_env, capture_output=True, text=True, timeout=300)

    out = tmp_path / "m.model"
    data = ["--label-field", "cap_major", "--label-map", str(nyt_map)]
    proc = cli("train", str(nyt_path), *data, "--output", str(out), "--sample-frac", "0.1", "--cv", "0", "--no-char",
               "--split", "tune")
    assert proc.returncode == 0, proc.stderr
    proc = cli("evaluate", str(nyt_path), *data, "--model", str(out), "--split", "holdout", "--sample-frac", "0.1",
               "--out", str(tmp_path / "eval"))
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text(encoding="utf-8"))
    assert 0.4 < metrics["macro_f1_core"] <= 1 and 0.5 < metrics["accuracy"] <= 1
    assert set(schema.CORE_THEMES) <= set(metrics["per_theme"])
    store = tmp_path / "store"
    assert cli("ingest", str(config.SAMPLE_DIR), "--store", str(store), "--no-progress").returncode == 0
    proc = cli("score", "--store", str(store), "--model", str(out))
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_parquet(store / "article_themes_model.parquet")
    assert len(pred) > 40 and set(pred["primary_theme"]) <= set(schema.ALL_THEMES) | {schema.NO_THEME}
    missing = cli("score", "--store", str(store), "--model", str(tmp_path / "none.model"))
    assert missing.returncode == 2 and "model file not found" in missing.stderr


def test_score_refuses_pickle_model_without_running_it(cli_env, python, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, body in (("a.txt", "Tariffs rise on steel\n\nThe tariff on steel imports rose again."),
                       ("b.txt", "Migrants wait at the border\n\nAsylum claims rose at the border.")):
        (inbox / name).write_text(body, encoding="utf-8")
    store = tmp_path / "store"
    cli = [python, "-m", "analysis"]
    ingest = subprocess.run([*cli, "ingest", str(inbox), "--store", str(store), "--no-progress"], env=cli_env,
                            capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    marker = tmp_path / "pwned"
    model = craft_pickle_model(tmp_path / "evil.model", marker)
    proc = subprocess.run([*cli, "score", "--store", str(store), "--model", str(model)], env=cli_env,
                          capture_output=True, text=True, timeout=300)
    assert not marker.exists(), "score --model ran code from the model file"
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "python -m analysis train" in proc.stderr
    assert not (store / "article_themes_model.parquet").exists()


def test_output_that_is_not_a_regular_file_is_refused_before_training(cli_env, python, tmp_path):
    """`--output` naming a folder or a FIFO: one-line usage error (exit 2), nothing replaced, no training."""
    labelled = tmp_path / "labelled.jsonl"
    rows = [{"id": str(i), "title": t, "text": "", "topic": k} for i, (t, k) in
            enumerate([("Tariffs rise", "trade"), ("Steel tariffs", "trade"), ("Border wait", "migration"),
                       ("Asylum at the border", "migration")])]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"topic": {"trade": "trade", "migration": "migration"}}))
    fifo = tmp_path / "pipe.model"
    os.mkfifo(fifo)
    for target in (tmp_path, fifo):
        proc = subprocess.run([python, "-m", "analysis", "train", str(labelled), "--label-field", "topic",
                               "--label-map", str(label_map), "--output", str(target), "--cv", "0"],
                              env=cli_env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("error: --output") and "not a regular file" in proc.stderr
        assert "trained on" not in proc.stdout
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and tmp_path.is_dir()
