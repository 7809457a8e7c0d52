"""Benchmark the supervised theme model against its previous default and a TF-IDF + LinearSVC baseline (one run).

For each shared dev set (AllSides ``topic``, NYT front page ``cap_major``): read it with
``analysis.model.evaluation.read_labelled``, split it with the evaluate command's fixed hash split
(``tune`` 70 % to train, ``holdout`` 30 % to test; ``evaluate --split holdout`` uses the same
items), then fit

- baseline: ``TfidfVectorizer()`` (defaults) + ``LinearSVC()`` (defaults) on the mapped themes;
- ours: :func:`analysis.model.theme_model.fit_model` with its defaults (on NYT with the CAP subtopics as
  ``fine_labels``, and also without them): no cross-validation, the length rule picks the ``balanced`` (long documents) or ``ensemble`` (short) preset,
  the word block reads the first 3,000 characters, ``min_df=3``, coefficients rounded to float16 precision;
- the previous default (``OLD_DEFAULT``): 5-fold CV on the tune split picks between the two presets, the word
  block reads whole documents, ``min_df=2``;
- optionally, with ``--ablations``, each preset forced and the model without character n-grams / lexicon features.

The holdout is never used to choose anything (every choice was made by CV on the tune split). Also
fits the default model on the whole dev set (tune + holdout, the 2,724 AllSides articles), the
training-time target, and saves both models to measure the file size. For each model it reports the
presence rule on holdout (``themes``: positive score or primary): mean themes per article and how often
the labelled theme is among them. Prints macro-F1 over the 8 core themes, accuracy, training seconds;
writes ``bench/results/model.json``.

    .venv/bin/python bench/model.py [--datasets allsides,nyt] [--ablations] [--cv 5]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis import config
from analysis.model.cross_validation import core_macro_f1
from analysis.model.evaluation import read_labelled, select_split
from analysis.model.features import article_docs
from analysis.model.theme_model import fit_model, predict_themes, save_model

# fit_model's defaults are the same for both datasets: 5-fold CV on the training items picks the preset.
# They were chosen by cross-validation on the tune split only (never on holdout), macro-F1 over core themes,
# mean of the 5 fold scores as fit_model reports it (in brackets: pooled out-of-fold F1 averaged over 3
# fold seeds): NYT ensemble (LinearSVC on CAP codes + LinearSVC on themes + ComplementNB alpha=0.1, word +
# char + lexicon blocks, scores scaled by their out-of-fold RMS and averaged) 0.785 (0.785) vs the previous
# single LinearSVC on CAP codes 0.781 (0.776) and the balanced preset 0.751; AllSides balanced (LinearSVC on
# themes, class_weight=balanced, word + 0.5 x headline + lexicon blocks) 0.776 (0.777) vs ensemble 0.761.
# Within noise (|diff| <= ~0.005) or worse, not adopted: C 0.2/0.3/1 (C grid now 0.5 only), word 1-3-grams +
# min_df=1, char 1-6 / char (not char_wb) / char block x0.7/x1.4, lexicon x0.5/x2, chi2 feature selection (top 20k/50k),
# headline/lede blocks, NB-SVM (Wang & Manning), LogisticRegression (lbfgs, 5x slower), SGD modified_huber,
# Ridge, Crammer-Singer, per-theme decision offsets fitted on out-of-fold scores, LSA (SVD-200) block, kNN,
# stacking (LogisticRegression on member scores), tempered class weights.
# See docs/methods.md (accuracy) and docs/benchmarks.md (training cost).
# Since then (issue 12): one preset by default, chosen by document length (what CV picked on both sets), CV only
# with --cv; the word block reads the first 3,000 characters and keeps terms in >= 3 documents (CV on the tune
# split, balanced preset: AllSides 0.779 vs 0.776 with whole documents and min_df=2, at half the time; NYT
# ensemble 0.785 either way); coefficients rounded to float16 precision (files about half the size).
# Later (issue 12): on NYT the source-label SVM learns the CAP subtopics (`cap_sub`, ``fine_labels``) with 10 %
# of its coefficients kept per class: pooled out-of-fold macro-F1 0.790 vs 0.786 (5-fold CV, tune split).
MODEL_OPTIONS: dict[str, dict] = {"allsides": {}, "nyt": {"fine_labels": True}}
FINE_FIELDS: dict[str, str] = {"nyt": "cap_sub"}  # the finer label field of each dataset (AllSides has none)
# The default before issue 12: CV between the two presets, whole documents, min_df=2.
OLD_DEFAULT: dict = {"word_head": None, "min_df": 2}
DATASETS = {
    "allsides": (config.ALLSIDES_JSONL, "topic", config.ALLSIDES_THEME_MAP),
    "nyt": (config.NYT_JSONL, "cap_major", config.NYT_THEME_MAP),
}


def baseline(train, test) -> dict:
    """Plain TF-IDF + LinearSVC with default settings, trained on themes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    t0 = time.perf_counter()
    pipe = make_pipeline(TfidfVectorizer(), LinearSVC()).fit(article_docs(train), train["gold"])
    secs = time.perf_counter() - t0
    pred = pipe.predict(article_docs(test))
    return score(test, pred, secs)


def score(test, pred, secs: float) -> dict:
    """Macro-F1 over core themes, accuracy and training time."""
    gold = test["gold"].to_numpy()
    return {"macro_f1_core": round(core_macro_f1(gold, pred), 4),
            "accuracy": round(float(np.mean(gold == np.asarray(pred))), 4), "train_seconds": round(secs, 2)}


def presence(pred, test) -> dict:
    """The model's presence rule on holdout: mean themes per article, and how often the labelled theme is among them."""
    gold = test["gold"].to_numpy()
    themes = pred["themes"].tolist()
    labelled = [g in t for g, t in zip(gold, themes) if g != "other"]
    return {"themes_per_article": round(float(np.mean([len(t) for t in themes])), 3),
            "labelled_theme_present": round(float(np.mean(labelled)), 4) if labelled else None}


def ours(train, test, cv: int, **kw) -> dict:
    """The shipped model (fit_model) with optional overrides; also its file size and presence rule."""
    source = kw.pop("source_labels", True)
    if kw.pop("fine_labels", False):
        kw["fine_labels"] = train["fine_label"]
    labels = train["label"] if source else train["gold"]
    mapping = dict(zip(train["label"], train["gold"])) if source else None
    t0 = time.perf_counter()
    model = fit_model(train, labels, label_map=mapping, cv=cv, **kw)
    secs = time.perf_counter() - t0
    t1 = time.perf_counter()
    pred = predict_themes(model, test)
    out = score(test, pred["primary_theme"].to_numpy(), secs)
    cv = model.metadata["cv"] or {}
    with tempfile.TemporaryDirectory() as tmp:
        size = save_model(model, Path(tmp) / "m.model").stat().st_size
    out.update(predict_seconds=round(time.perf_counter() - t1, 2), preset=model.metadata["preset"],
               C=model.metadata["C"], cv_macro_f1_core=cv.get("mean_macro_f1_core"), cv_std=cv.get("std_macro_f1_core"),
               cv_candidates={k: round(float(np.mean(v)), 4) for k, v in cv.get("macro_f1_core", {}).items()},
               file_mb=round(size / 1e6, 2), **presence(pred, test))
    return out


def full_set(items, fine: bool = False) -> dict:
    """Train the default model on the whole dev set (the training-time target); seconds and file size."""
    t0 = time.perf_counter()
    model = fit_model(items, items["label"], label_map=dict(zip(items["label"], items["gold"])),
                      fine_labels=items["fine_label"] if fine else None)
    secs = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        size = save_model(model, Path(tmp) / "m.model").stat().st_size
    return {"n_train": len(items), "train_seconds": round(secs, 2), "preset": model.metadata["preset"],
            "file_mb": round(size / 1e6, 2)}


def main() -> int:
    """Run the benchmark and write bench/results/model.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="allsides,nyt")
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--ablations", action="store_true",
                    help="also fit the previous settings, each preset forced, no char n-grams, no lexicon")
    args = ap.parse_args()
    results = {}
    for name in args.datasets.split(","):
        path, field, lmap = DATASETS[name]
        items = read_labelled(path, field, lmap, fine_field=FINE_FIELDS.get(name))
        train, test = select_split(items, "tune"), select_split(items, "holdout")
        print(f"== {name}: train {len(train)} (split tune), test {len(test)} (split holdout)", flush=True)
        res = {"n_train": len(train), "n_test": len(test), "label_field": field}
        runs = {"baseline_tfidf_linearsvc": lambda: baseline(train, test),
                "model": lambda: ours(train, test, 0, **MODEL_OPTIONS[name]),
                "model_old_default": lambda: ours(train, test, args.cv, **OLD_DEFAULT)}
        if name in FINE_FIELDS:
            runs["model_no_fine_labels"] = lambda: ours(train, test, 0)
        res["model_options"] = MODEL_OPTIONS[name]
        if args.ablations:
            runs.update(model_ensemble=lambda: ours(train, test, 0, presets="ensemble"),
                        model_balanced=lambda: ours(train, test, 0, presets="balanced"),
                        model_cv=lambda: ours(train, test, args.cv),
                        model_no_char=lambda: ours(train, test, 0, char_ngrams=None),
                        model_no_lexicon=lambda: ours(train, test, 0, lexicon_features=False))
        for key, fn in runs.items():
            r = res[key] = fn()
            base = res["baseline_tfidf_linearsvc"]["macro_f1_core"]
            print(f"  {key:28s} macro-F1 core {r['macro_f1_core']:.4f}  accuracy {r['accuracy']:.4f}  "
                      f"train {r['train_seconds']:6.1f}s  vs baseline {r['macro_f1_core'] - base:+.4f}"
                      + (f"  ({r['preset']}, CV {r['cv_macro_f1_core']}, {r['file_mb']} MB, "
                         f"{r['themes_per_article']} themes/article, labelled present {r['labelled_theme_present']})"
                         if "C" in r else ""), flush=True)
        r = res["model_full_dev_set"] = full_set(items, bool(MODEL_OPTIONS[name].get("fine_labels")))
        print(f"  default model on all {r['n_train']} items: train {r['train_seconds']:.1f}s, {r['preset']}, "
              f"{r['file_mb']} MB", flush=True)
        results[name] = res
    out = config.BENCH_RESULTS_DIR / "model.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
