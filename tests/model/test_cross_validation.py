"""Tests of the theme model's cross-validated choice of preset and C (analysis.model.cross_validation)."""
from __future__ import annotations

import numpy as np

from analysis.model.classifier import preset_members
from analysis.model.cross_validation import core_macro_f1, cross_validate, fold_indices, score_candidates
from analysis.model.features import feature_config

THEMES = ["migration", "trade"]


def _data(n: int = 24) -> tuple[list[str], np.ndarray]:
    """Short headlines of two themes."""
    trade = ["tariffs on steel", "export tariffs rise", "trade deal tariffs", "new tariffs on cars"]
    migr = ["asylum at the border", "border migrants wait", "migrants seek asylum", "asylum claims rise"]
    docs = [(trade if i % 2 == 0 else migr)[(i // 2) % 4] for i in range(n)]
    return docs, np.asarray(["trade" if i % 2 == 0 else "migration" for i in range(n)], dtype=object)


def test_core_macro_f1_counts_absent_core_themes_as_zero():
    assert core_macro_f1(["trade"] * 2, ["trade"] * 2) == 1 / 8


def test_folds_are_stratified_and_cover_every_item():
    _, y = _data()
    splits = fold_indices(y, 3, seed=1)
    assert sorted(np.concatenate([te for _, te in splits]).tolist()) == list(range(len(y)))
    assert all(sum(y[te] == "trade") == 4 for _, te in splits)


def test_cross_validate_scores_every_candidate_and_picks_the_best():
    docs, y = _data()
    presets = {p: preset_members(p) for p in ("ensemble", "balanced")}
    cfg = feature_config(None, lexicon_features=False)
    out = cross_validate(cfg, presets, docs, None, {"source": y, "theme": y}, {t: t for t in THEMES}, THEMES,
                         3, [0.5, 1.0], seed=0)
    assert set(out["macro_f1_core"]) == {"ensemble C=0.5", "ensemble C=1", "balanced C=0.5", "balanced C=1"}
    assert all(len(v) == 3 for v in out["macro_f1_core"].values())
    assert out["mean_macro_f1_core"] == 0.25  # 2 of 8 core themes, both perfect
    assert out["best"] == "ensemble C=1"  # ties: earlier preset, then C nearer 1
    assert set(out["scales"]) == {"svc_source", "svc_theme", "nb_theme"}


def test_score_candidates_prefers_higher_out_of_fold_f1():
    _, y = _data(12)
    splits = fold_indices(y, 2, seed=0)
    right = np.where(np.asarray(THEMES)[None, :] == y[:, None], 1.0, -1.0)
    oof = {("svc_theme_balanced", 0.5): right, ("svc_source", 0.5): -right, ("svc_theme", 0.5): -right,
           ("nb_theme", None): -right}
    presets = {"ensemble": preset_members("ensemble"), "balanced": preset_members("balanced")}
    out = score_candidates(presets, oof, y, THEMES, splits, [0.5])
    assert out["best_preset"] == "balanced" and out["macro_f1_core"]["ensemble C=0.5"] == [0.0, 0.0]
