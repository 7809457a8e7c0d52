"""The supervised theme model (analysis.model.theme_model, analysis.model.file_format): fit, save, load, predict.

The ``train`` command, and a trained model driving ``evaluate`` and ``score``, are tested in
tests/commands/test_train.py.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ModelMismatchError, UsageError
from analysis.model.cross_validation import core_macro_f1
from analysis.model.evaluation import read_labelled, select_split
from analysis.model.theme_model import fine_source_labels, fit_model, load_model, predict_themes, save_model
from tests.model.test_file_format import rewrite_model


@pytest.fixture(scope="module")
def nyt_items(nyt_path: Path, nyt_map: Path):
    """A deterministic 30 % sample of the NYT dev set (headline + summary, cap_major labels)."""
    return select_split(read_labelled(nyt_path, "cap_major", nyt_map), "all", sample_frac=0.3)


@pytest.fixture(scope="module")
def trained(nyt_items, tmp_path_factory) -> tuple[Path, object]:
    """A model fitted on the tune part of the sample and saved; returns (path, in-memory model)."""
    tune = nyt_items[~nyt_items["article_id"].isin(select_split(nyt_items, "holdout")["article_id"])]
    model = fit_model(tune, tune["label"].tolist(), label_map=dict(zip(tune["label"], tune["gold"])),
                      cv=2, c_grid=(1.0,), char_ngrams=None)
    path = save_model(model, tmp_path_factory.mktemp("model") / "nyt.model")
    return path, model


def test_roundtrip_gives_identical_predictions(trained, nyt_items):
    path, model = trained
    sample = nyt_items.head(300)
    loaded = load_model(path)
    a, b = predict_themes(model, sample), predict_themes(loaded, sample)
    assert a["primary_theme"].tolist() == b["primary_theme"].tolist()
    assert np.allclose(a["score"], b["score"])
    by_path = predict_themes(str(path), sample)  # the evaluate/score commands pass a path
    assert list(by_path.columns[:2]) == ["article_id", "primary_theme"]
    assert by_path["article_id"].tolist() == sample["article_id"].tolist()
    assert loaded.metadata["training_size"] == model.metadata["training_size"]
    assert loaded.metadata["cv"]["folds"] == 2


def test_beats_majority_baseline_on_held_out_items(trained, nyt_items):
    path, _ = trained
    test = select_split(nyt_items, "holdout")
    pred = predict_themes(path, test)["primary_theme"].to_numpy()
    gold = test["gold"].to_numpy()
    majority = Counter(select_split(nyt_items, "tune")["gold"]).most_common(1)[0][0]
    base = np.full(len(gold), majority, dtype=object)
    assert core_macro_f1(gold, pred) > core_macro_f1(gold, base) + 0.4
    assert np.mean(pred == gold) > np.mean(base == gold) + 0.3


def test_tampered_version_is_clear_error(trained, tmp_path):
    path, _ = trained
    bad = tmp_path / "old.model"
    rewrite_model(path, bad, header={"package_version": "0.0.1"})
    with pytest.raises(ModelMismatchError, match=r"package_version 0\.0\.1 .* installed.*retrain"):
        load_model(bad)
    rewrite_model(path, bad, header={"sklearn_version": "0.24.2"})
    with pytest.raises(ModelMismatchError, match="sklearn_version 0.24.2"):
        predict_themes(bad, read_labelled_stub())


def read_labelled_stub():
    """A one-row article table."""
    import pandas as pd

    return pd.DataFrame({"article_id": ["x"], "title": ["Senate votes on tariffs"], "text": [""]})


def test_label_set_mismatch_is_clear_error(trained):
    path, model = trained
    assert load_model(path, expected_labels=model.themes).themes == model.themes
    with pytest.raises(ModelMismatchError, match=r"label set mismatch.*requested but not in the model: \['piracy'\]"):
        load_model(path, expected_labels=["trade", "piracy"])


def test_non_model_and_corrupt_files_are_clear_errors(trained, nyt_path, tmp_path):
    path, _ = trained
    with pytest.raises(ModelMismatchError, match="not a theme model file"):
        load_model(nyt_path)
    truncated = tmp_path / "cut.model"
    truncated.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ModelMismatchError, match="not a theme model file, or a damaged one"):
        load_model(truncated)
    with pytest.raises(UsageError, match="not found"):
        load_model(tmp_path / "missing.model")


def test_source_labels_map_to_themes_on_allsides(allsides_path, allsides_map):
    items = select_split(read_labelled(allsides_path, "topic", allsides_map), "all", sample_frac=0.1)
    model = fit_model(items, items["label"], label_map=dict(zip(items["label"], items["gold"])), cv=0,
                      char_ngrams=None, lexicon_features=False)
    assert "immigration" in model.metadata["labels"] and "migration" in model.themes
    pred = predict_themes(model, items.head(50))
    assert set(pred["primary_theme"]) <= set(model.themes)
    assert all(model.label_to_theme[lab] == th for lab, th in zip(pred["label"], pred["primary_theme"]))


def test_theme_target_balanced_title_block(nyt_items, tmp_path):
    items = select_split(nyt_items, "tune", sample_frac=0.3)
    model = fit_model(items, items["label"], label_map=dict(zip(items["label"], items["gold"])), cv=0,
                      char_ngrams=None, target="theme", class_weight="balanced", title_weight=0.5)
    (member,) = model.config["members"]
    assert model.metadata["preset"] == "custom"
    assert member["target"] == "theme" and member["class_weight"] == "balanced" and "title" in model.vectorizers
    assert set(model.clf.classes_) == set(items["gold"]) and model.members[0]["weights"]["title"] == 0.5
    pred = predict_themes(load_model(save_model(model, tmp_path / "t.model")), select_split(nyt_items, "holdout"))
    assert set(pred["label"]) == set(pred["primary_theme"]) <= set(model.themes)
    with pytest.raises(UsageError, match="target"):
        fit_model(items, items["label"], cv=0, target="codes")


def test_ensemble_labels_agree_with_themes_and_old_format_is_refused(trained, nyt_items, tmp_path):
    path, model = trained
    assert model.metadata["preset"] in ("ensemble", "balanced")
    pred = predict_themes(model, nyt_items.head(200))
    assert all(model.label_to_theme[lab] == th for lab, th in zip(pred["label"], pred["primary_theme"]))
    scores = pred[[f"score_{t}" for t in model.themes]].to_numpy()
    assert np.array_equal(np.asarray(model.themes)[scores.argmax(axis=1)], pred["primary_theme"].to_numpy())
    old = tmp_path / "v1.model"
    rewrite_model(path, old, header={"format_version": 2})
    with pytest.raises(ModelMismatchError, match="format 2 but this installation reads format 3"):
        load_model(old)


def test_presets_are_chosen_by_cv_and_recorded(nyt_items):
    items = select_split(nyt_items, "tune", sample_frac=0.3)
    labels, mapping = items["label"], dict(zip(items["label"], items["gold"]))
    model = fit_model(items, labels, label_map=mapping, cv=2, char_ngrams=None, presets=("balanced", "ensemble"))
    cv = model.metadata["cv"]
    means = {k: np.mean(v) for k, v in cv["macro_f1_core"].items()}
    assert set(cv["candidates"]) == {"balanced", "ensemble"} and cv["best"] == max(means, key=means.get)
    assert model.metadata["preset"] == cv["best_preset"]
    assert [m["name"] for m in model.members] == cv["candidates"][cv["best_preset"]]
    single = fit_model(items, labels, label_map=mapping, cv=0, char_ngrams=None, presets="balanced")
    assert single.metadata["preset"] == "balanced" and single.label_to_theme == {t: t for t in single.themes}
    assert set(predict_themes(single, items.head(50))["label"]) <= set(single.themes)
    with pytest.raises(UsageError, match="unknown preset"):
        fit_model(items, labels, label_map=mapping, cv=0, presets="bagging")


def test_default_fit_has_no_cv_and_picks_the_preset_by_length(nyt_items):
    """Without ``cv`` no cross-validation runs; short NYT documents get ``ensemble``, long ones ``balanced``."""
    items = select_split(nyt_items, "tune", sample_frac=0.3)
    labels, mapping = items["label"], dict(zip(items["label"], items["gold"]))
    short = fit_model(items, labels, label_map=mapping, char_ngrams=None)
    assert short.metadata["cv"] is None and short.metadata["preset"] == "ensemble"
    assert short.config["word_head"] == 3000 and short.config["min_df"] == min(3, max(1, len(items) // 500))
    padded = items.assign(text=items["text"].fillna("") + " filler" * 400)  # every document > 1,500 characters
    long_docs = fit_model(padded, labels, label_map=mapping, char_ngrams=None, lexicon_features=False)
    assert long_docs.metadata["preset"] == "balanced"
    tail = [" zyxwordlate" if i % 2 else "" for i in range(len(items))]  # in half the documents, far down
    late = items.assign(text=items["text"].fillna("") + " filler" * 600 + pd.Series(tail, index=items.index))
    head_only = fit_model(late, labels, label_map=mapping, char_ngrams=None, lexicon_features=False, min_df=1)
    whole = fit_model(late, labels, label_map=mapping, char_ngrams=None, lexicon_features=False, min_df=1,
                      word_head=None)
    assert "zyxwordlate" not in head_only.vectorizers["word"].vocabulary_  # past the first 3,000 characters
    assert "zyxwordlate" in whole.vectorizers["word"].vocabulary_


def test_fine_labels_train_the_source_member_and_are_reported_as_source_labels(nyt_path, nyt_map, tmp_path):
    """``fine_labels`` (CAP subtopics): learned classes of >= 10 items, each for its majority theme."""
    items = select_split(read_labelled(nyt_path, "cap_major", nyt_map, fine_field="cap_sub"), "tune", sample_frac=0.3)
    assert items["fine_label"].str.fullmatch(r"\d+").all()
    labels, mapping = items["label"], dict(zip(items["label"], items["gold"]))
    model = fit_model(items, labels, label_map=mapping, char_ngrams=None, fine_labels=items["fine_label"])
    source = next(m for m in model.members if m["spec"]["target"] == "source")
    classes = [str(c) for c in source["clf"].classes_]
    fine = [c for c in classes if c.startswith("fine:")]
    counts = items["fine_label"].value_counts()
    assert model.metadata["fine_classes"] == len(fine) == int((counts >= 10).sum()) > 20
    for cls in fine:
        part = items[items["fine_label"] == cls[len("fine:"):]]
        assert model.label_to_theme[cls] == part["gold"].value_counts().index[0]
        assert model.fine_to_label[cls] in set(part["label"])
    assert source["spec"]["keep_coef"] == 0.1 and (source["clf"].coef_ != 0).mean() <= 0.11
    pred = predict_themes(model, select_split(read_labelled(nyt_path, "cap_major", nyt_map), "holdout").head(300))
    assert set(pred["label"]) <= set(model.metadata["labels"]) | {f"[{t}]" for t in model.themes}
    assert all(model.label_to_theme[lab] == th for lab, th in zip(pred["label"], pred["primary_theme"]))
    loaded = load_model(save_model(model, tmp_path / "fine.model"))
    assert loaded.fine_to_label == model.fine_to_label
    assert predict_themes(loaded, items.head(200)).equals(predict_themes(model, items.head(200)))
    balanced = fit_model(items, labels, label_map=mapping, char_ngrams=None, presets="balanced",
                         fine_labels=items["fine_label"])  # no source-label member: fine labels unused
    assert balanced.fine_to_label == {} and balanced.metadata["fine_classes"] == 0
    with pytest.raises(UsageError, match="fine labels"):
        fit_model(items, labels, label_map=mapping, fine_labels=["1"] * 3)


def test_fine_source_labels_keep_rare_and_missing_fine_labels_coarse():
    y_src = np.array(["12"] * 4 + ["20"] * 3, dtype=object)
    themes = np.array(["security_crime"] * 4 + ["government"] * 3, dtype=object)
    labels, to_theme, to_source = fine_source_labels(y_src, ["1205", "1205", "1205", "1201", "", None, float("nan")],
                                                     themes, 3)
    assert labels.tolist() == ["fine:1205"] * 3 + ["12", "20", "20", "20"]  # rare, empty, None, NaN: coarse
    assert to_theme == {"fine:1205": "security_crime"} and to_source == {"fine:1205": "12"}
