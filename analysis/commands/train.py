"""Fit the supervised theme model on labelled articles and save it as one file.

Reads a labelled JSONL (like `evaluate`), maps the source labels to themes with the label map,
fits word + character TF-IDF and lexicon-hit features with a linear SVM on the source labels,
picks C by stratified k-fold cross-validation (macro-F1 over the 8 core themes), prints the CV
scores and writes MODEL_FILE (metadata: versions, label set, training size, CV scores).
Use it with `score --model FILE` or `evaluate ... --model FILE`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("labelled", help="labelled JSONL file")
    parser.add_argument("--label-field", required=True, help="field with the human label (e.g. topic, cap_major)")
    parser.add_argument("--label-map", required=True, help="JSON map from labels to themes (theme_map.json)")
    parser.add_argument("--output", required=True, help="model file to write")
    parser.add_argument("--text-fields", default="title,text", help="headline field, then body fields (default title,text)")
    parser.add_argument("--cv", type=int, default=5, help="cross-validation folds to choose C (0: none; default 5)")
    parser.add_argument("--c-grid", default="0.5,1", help="comma-separated C values to try (default 0.5,1)")
    parser.add_argument("--split", default="all", choices=["all", "tune", "holdout"],
                        help="train on all items or on evaluate's tuning 70%% (then `evaluate --split holdout`)")
    parser.add_argument("--sample-frac", type=float, help="deterministic fraction of the items (by hash of id)")
    parser.add_argument("--no-char", action="store_true", help="no character n-gram features")
    parser.add_argument("--no-lexicon", action="store_true", help="no dictionary (lexicon hit) features")
    parser.add_argument("--target", default="source", choices=["source", "theme"],
                        help="train on the source labels (mapped to themes afterwards) or directly on the themes")
    parser.add_argument("--class-weight", default="none", choices=["none", "balanced"],
                        help="class weights of the SVM (balanced favours rare themes; default none)")
    parser.add_argument("--title-weight", type=float, default=0.0,
                        help="weight of an extra headline-only word TF-IDF block (0: none; default 0)")


def _floats(text: str) -> list[float]:
    """Parse a comma-separated list of positive numbers."""
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise UsageError(f"--c-grid must be comma-separated numbers, got {text!r}") from None
    if not values or min(values) <= 0:
        raise UsageError("--c-grid needs positive numbers")
    return values


def run(args: argparse.Namespace) -> int:
    """Train, print the cross-validated scores and save the model."""
    from analysis.evaluate import read_labelled, select_split
    from analysis.model import fit_model, save_model

    fields = tuple(f.strip() for f in args.text_fields.split(",") if f.strip())
    if not fields:
        raise UsageError("--text-fields needs at least one field")
    if args.cv < 0 or args.cv == 1:
        raise UsageError("--cv must be 0 (none) or at least 2")
    grid = _floats(args.c_grid)
    if args.title_weight < 0:
        raise UsageError("--title-weight must be >= 0")
    items = select_split(read_labelled(args.labelled, args.label_field, args.label_map, fields),
                         args.split, args.sample_frac)
    if items["gold"].isna().any():
        raise UsageError("some labels have no theme in the label map and the map has no default theme")
    mapping = dict(zip(items["label"], items["gold"]))
    info = {"source": Path(args.labelled).name, "label_field": args.label_field,
            "label_map": Path(args.label_map).name, "split": args.split, "sample_frac": args.sample_frac}
    model = fit_model(items, items["label"].tolist(), ("title", "text"), mapping, cv=args.cv, c_grid=grid,
                      char_ngrams=None if args.no_char else (2, 5),
                      lexicon_features=False if args.no_lexicon else None, target=args.target,
                      class_weight=None if args.class_weight == "none" else args.class_weight,
                      title_weight=args.title_weight, info=info)
    model.metadata["text_fields"] = list(fields)
    meta = model.metadata
    print(f"trained on {meta['training_size']} items ({args.split}), {len(meta['labels'])} labels -> "
          f"{len(meta['themes'])} themes, {meta['n_features']} text features"
          f"{' + lexicon features' if meta['feature_config']['lexicon_features'] else ''}, "
          f"{meta['train_seconds']:.1f}s")
    cv = meta.get("cv")
    if cv:
        print(f"{cv['folds']}-fold cross-validation, macro-F1 over core themes per C:")
        for c, scores in cv["macro_f1_core"].items():
            mean = sum(scores) / len(scores)
            mark = "  <- chosen" if float(c) == cv["best_c"] else ""
            print(f"  C={c:<6s} mean {mean:.4f}  folds {' '.join(f'{s:.3f}' for s in scores)}{mark}")
        print(f"CV macro-F1 core {cv['mean_macro_f1_core']:.4f} (sd {cv['std_macro_f1_core']:.4f}), "
              f"accuracy {cv['mean_accuracy']:.4f}")
    path = save_model(model, args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0
