"""Choosing the theme model by cross-validation: presets x C values, scored on macro-F1 over core themes.

One stratified k-fold split of the training items (strata = themes) is shared by every candidate:
per fold the vectorizers are fitted on the training part, every member of every candidate preset
is fitted once per C value, and its theme scores on the held-out part are kept (out-of-fold
scores). A preset's prediction is the (scaled) mean of its members' out-of-fold scores, so
ensembles cost no extra fits. The candidate with the best mean per-fold macro-F1 over the 8 core
themes wins (ties: earlier preset, then C closer to 1).

    >>> core_macro_f1(["trade", "health"], ["trade", "health"])  # absent core themes score 0
    0.25
    >>> candidate_key("ensemble", 0.5)
    'ensemble C=0.5'
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.model.classifier import (
    block_weights,
    combine,
    decision_values,
    fit_member,
    rms_scale,
    theme_scores,
    uses_c,
)
from analysis.model.features import available_blocks, build_vectorizers, feature_blocks, stack_blocks

log = logging.getLogger(__name__)


def core_macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-F1 over the 8 core themes (sklearn ``f1_score(labels=CORE_THEMES, average='macro')``).

    >>> round(core_macro_f1(["trade", "migration"], ["trade", "trade"]), 4)
    0.0833
    """
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or predict
    from sklearn.metrics import f1_score

    return float(f1_score(list(gold), list(pred), labels=schema.CORE_THEMES, average="macro", zero_division=0))


def candidate_key(preset: str, c_value: float) -> str:
    """The name of a (preset, C) candidate in the cross-validation results."""
    return f"{preset} C={c_value:g}"


def fold_indices(themes: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold (train, test) index pairs; themes rarer than ``folds`` share one stratum.

    >>> [len(te) for _, te in fold_indices(np.array(["a"] * 4 + ["b"] * 4), 2, 0)]
    [4, 4]
    """
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or predict
    from sklearn.model_selection import StratifiedKFold

    counts = pd.Series(themes).value_counts()
    strata = np.where(pd.Series(themes).map(counts) >= folds, themes, "_rare")
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(themes)), strata))


def out_of_fold_scores(config: Mapping[str, Any], members: Mapping[str, Mapping[str, Any]], docs: Sequence[str],
                       lex: sp.csr_matrix | None, labels: Mapping[str, np.ndarray],
                       label_to_theme: Mapping[str, str], themes: Sequence[str],
                       splits: Sequence[tuple[np.ndarray, np.ndarray]],
                       c_grid: Sequence[float]) -> dict[tuple, np.ndarray]:
    """Out-of-fold theme scores of every member and C value: ``{(member, C or None): n x themes}``.

    ``labels`` maps each target (``source``, ``theme``) to the training labels of every item.
    """
    avail = available_blocks(config)
    needed = sorted({b for m in members.values() for b in m["blocks"] if b in avail})
    n = len(docs)
    oof: dict[tuple, np.ndarray] = {}
    for k, (tr, te) in enumerate(splits):
        vecs = build_vectorizers(config, needed)
        b_tr = feature_blocks(vecs, config, [docs[i] for i in tr], lex[tr] if lex is not None else None, fit=True)
        b_te = feature_blocks(vecs, config, [docs[i] for i in te], lex[te] if lex is not None else None)
        for name, spec in members.items():
            weights = block_weights(spec, config, avail)
            x_tr, x_te = stack_blocks(b_tr, weights), stack_blocks(b_te, weights)
            y = labels[spec["target"]]
            mapping = label_to_theme if spec["target"] == "source" else {t: t for t in themes}
            for c in (c_grid if uses_c(spec) else [None]):
                clf = fit_member(spec, x_tr, y[tr], c if c is not None else 1.0)
                dec = decision_values(clf, x_te)
                key = (name, c)
                if key not in oof:
                    oof[key] = np.full((n, len(themes)), -np.inf)
                oof[key][te] = theme_scores(dec, [str(x) for x in clf.classes_], mapping, themes)
        log.info("CV fold %d/%d fitted", k + 1, len(splits))
    return oof


def score_candidates(presets: Mapping[str, Sequence[Mapping[str, Any]]], oof: Mapping[tuple, np.ndarray],
                     gold: np.ndarray, themes: Sequence[str], splits: Sequence[tuple[np.ndarray, np.ndarray]],
                     c_grid: Sequence[float]) -> dict[str, Any]:
    """Per-fold macro-F1 (core themes) and accuracy of every (preset, C), the member scales, and the winner."""
    scales = {f"{name} C={c:g}" if c is not None else name: rms_scale(s) for (name, c), s in oof.items()}
    f1s: dict[str, list[float]] = {}
    accs: dict[str, list[float]] = {}
    order: list[tuple[str, float]] = []
    names = np.asarray(themes, dtype=object)
    for preset, members in presets.items():
        for c in c_grid:
            keys = [(m["name"], c if uses_c(m) else None) for m in members]
            mats = [oof[k] for k in keys]
            sc = [scales[f"{n} C={cc:g}" if cc is not None else n] for n, cc in keys]
            pred = names[combine(mats, sc).argmax(axis=1)]
            key = candidate_key(preset, c)
            f1s[key] = [round(core_macro_f1(gold[te], pred[te]), 4) for _, te in splits]
            accs[key] = [round(float(np.mean(gold[te] == pred[te])), 4) for _, te in splits]
            order.append((preset, c))
    means = {k: float(np.mean(v)) for k, v in f1s.items()}
    rank = {p: i for i, p in enumerate(presets)}
    best_p, best_c = max(order, key=lambda pc: (round(means[candidate_key(*pc)], 4), -rank[pc[0]],
                                                -abs(np.log(pc[1]))))
    best = candidate_key(best_p, best_c)
    member_scales = {m["name"]: scales[f"{m['name']} C={best_c:g}" if uses_c(m) else m["name"]]
                     for m in presets[best_p]}
    return {"candidates": {p: [m["name"] for m in ms] for p, ms in presets.items()},
            "macro_f1_core": f1s, "accuracy": accs, "best": best, "best_preset": best_p, "best_c": best_c,
            "scales": member_scales, "mean_macro_f1_core": round(means[best], 4),
            "std_macro_f1_core": round(float(np.std(f1s[best])), 4),
            "mean_accuracy": round(float(np.mean(accs[best])), 4)}


def cross_validate(config: Mapping[str, Any], presets: Mapping[str, Sequence[Mapping[str, Any]]],
                   docs: Sequence[str], lex: sp.csr_matrix | None, labels: Mapping[str, np.ndarray],
                   label_to_theme: Mapping[str, str], themes: Sequence[str], folds: int,
                   c_grid: Sequence[float], seed: int) -> dict[str, Any]:
    """Cross-validate every (preset, C) on one shared stratified k-fold split; see :func:`score_candidates`."""
    gold = np.asarray(labels["theme"], dtype=object)
    splits = fold_indices(gold, folds, seed)
    members = {m["name"]: m for ms in presets.values() for m in ms}
    oof = out_of_fold_scores(config, members, docs, lex, labels, label_to_theme, themes, splits, c_grid)
    out = {"folds": folds, "seed": seed, "c_grid": [float(c) for c in c_grid]}
    out.update(score_candidates(presets, oof, gold, themes, splits, c_grid))
    log.info("CV macro-F1 core: %s; chosen %s", {k: round(float(np.mean(v)), 4)
                                                  for k, v in out["macro_f1_core"].items()}, out["best"])
    return out
