"""Fit the supervised theme model on labelled articles and save it as one file.

Reads a labelled JSONL (like `evaluate`), maps the source labels to themes with the label map,
builds word + headline + character TF-IDF and lexicon-hit features, and fits one preset: by default
the length rule picks `balanced` (one class-balanced LinearSVC on the themes) for long documents and
`ensemble` (mean of a LinearSVC on the source labels, a LinearSVC on the themes and a ComplementNB)
for short ones. `--cv K` chooses between the two by stratified K-fold cross-validation (macro-F1 over
the 8 core themes) instead and prints the CV scores. Writes MODEL_FILE, a zip of JSON and `.npy`
arrays that holds only data (metadata: versions, label set, training data, chosen preset, CV
scores). Use it with `score --model FILE`, `evaluate ... --model FILE` or `report --model FILE`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis.errors import UsageError
from analysis.model.classifier import DEFAULT_PRESETS, PRESETS
from analysis.model.file_format import check_output

PRESET_CHOICES = ["auto", *sorted(PRESETS)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("labelled", help="labelled JSONL file")
    parser.add_argument("--label-field", required=True, help="field with the human label (e.g. topic, cap_major)")
    parser.add_argument("--label-map", required=True, help="JSON map from labels to themes (theme_map.json)")
    parser.add_argument("--output", required=True, help="model file to write")
    parser.add_argument("--fine-label-field",
                        help="field with finer labels (e.g. cap_sub): the source-label SVM learns those seen at "
                             "least 10 times, each counted for the theme most of its items have")
    parser.add_argument("--text-fields", default="title,text", help="headline field, then body fields (default title,text)")
    parser.add_argument("--cv", type=int, default=0,
                        help="cross-validation folds to choose the preset and C (default 0: none, the length rule "
                             "picks the preset)")
    parser.add_argument("--c-grid", default="0.5", help="comma-separated C values of the SVMs to try (default 0.5)")
    parser.add_argument("--preset", default="auto", choices=PRESET_CHOICES,
                        help="classifier preset; auto (default) picks ensemble or balanced by document length "
                             "(or by cross-validation with --cv)")
    parser.add_argument("--split", default="all", choices=["all", "tune", "holdout"],
                        help="train on all items or on evaluate's tuning 70%% (then `evaluate --split holdout`)")
    parser.add_argument("--sample-frac", type=float, help="deterministic fraction of the items (by hash of id)")
    parser.add_argument("--no-char", action="store_true", help="no character n-gram features")
    parser.add_argument("--no-lexicon", action="store_true", help="no dictionary (lexicon hit) features")
    parser.add_argument("--target", choices=["source", "theme"],
                        help="instead of the presets: one SVM on the source labels or on the themes")
    parser.add_argument("--class-weight", choices=["none", "balanced"],
                        help="instead of the presets: one SVM with these class weights")
    parser.add_argument("--title-weight", type=float,
                        help="instead of the presets: one SVM with a headline-only word block of this weight")


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
    # deferred on purpose: both pull numba (the compiled theme kernels) into every CLI start-up
    from analysis.model.evaluation import read_labelled, select_split
    from analysis.model.theme_model import fit_model, save_model  # deferred on purpose, as above

    check_output(args.output, "--output")  # before training: a folder or a device is never replaced
    fields = tuple(f.strip() for f in args.text_fields.split(",") if f.strip())
    if not fields:
        raise UsageError("--text-fields needs at least one field")
    if args.cv < 0 or args.cv == 1:
        raise UsageError("--cv must be 0 (none) or at least 2")
    grid = _floats(args.c_grid)
    if args.title_weight is not None and args.title_weight < 0:
        raise UsageError("--title-weight must be >= 0")
    items = select_split(read_labelled(args.labelled, args.label_field, args.label_map, fields,
                                       args.fine_label_field), args.split, args.sample_frac)
    if items["gold"].isna().any():
        raise UsageError("some labels have no theme in the label map and the map has no default theme")
    mapping = dict(zip(items["label"], items["gold"]))
    info = {"source": Path(args.labelled).name, "label_field": args.label_field,
            "label_map": Path(args.label_map).name, "split": args.split, "sample_frac": args.sample_frac,
            "fine_label_field": args.fine_label_field}
    class_weight = {None: None, "none": None, "balanced": "balanced"}[args.class_weight]
    custom = args.target is not None or args.class_weight is not None or args.title_weight is not None
    model = fit_model(items, items["label"].tolist(), ("title", "text"), mapping, cv=args.cv, c_grid=grid,
                      char_ngrams=None if args.no_char else (2, 5),
                      lexicon_features=not args.no_lexicon,
                      presets=DEFAULT_PRESETS if args.preset == "auto" else (args.preset,),
                      target=(args.target or "source") if custom else None, class_weight=class_weight,
                      title_weight=(args.title_weight or 0.0) if custom else None,
                      fine_labels=items["fine_label"].tolist() if args.fine_label_field else None, info=info)
    model.metadata["text_fields"] = list(fields)
    meta = model.metadata
    print(f"trained on {meta['training_size']} items ({args.split}), {len(meta['labels'])} labels -> "
          f"{len(meta['themes'])} themes, {meta['n_features']} text features"
          f"{' + lexicon features' if meta['feature_config']['lexicon_features'] else ''}, "
          f"{meta['train_seconds']:.1f}s")
    print(f"classifier ({meta['preset']}): {meta['feature_config']['classifier']}")
    if args.fine_label_field:
        print(f"source-label SVM on {meta['fine_classes']} fine labels ({args.fine_label_field}) and the rarer "
              f"source labels" if meta["fine_classes"] else f"no {args.fine_label_field} label is frequent enough "
              f"or the preset has no source-label SVM: fine labels unused")
    cv = meta.get("cv")
    if cv:
        print(f"{cv['folds']}-fold cross-validation, macro-F1 over core themes per preset and C:")
        for key, scores in cv["macro_f1_core"].items():
            mean = sum(scores) / len(scores)
            mark = "  <- chosen" if key == cv["best"] else ""
            print(f"  {key:<18s} mean {mean:.4f}  folds {' '.join(f'{s:.3f}' for s in scores)}{mark}")
        print(f"CV macro-F1 core {cv['mean_macro_f1_core']:.4f} (sd {cv['std_macro_f1_core']:.4f}), "
              f"accuracy {cv['mean_accuracy']:.4f}")
    path = save_model(model, args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0
