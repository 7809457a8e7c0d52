"""Score labelled articles and report precision/recall/F1 against the human labels.

Prints per-theme precision, recall, F1 and support, macro-F1 over the 8 core themes and
accuracy over all themes; with --out DIR also writes metrics.json, per_theme.csv, confusion.csv,
confusion.png and misclassified.csv (with the matched terms).
"""
from __future__ import annotations

import argparse

from analysis.errors import LexiconError, ModelMismatchError, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("labelled", help="labelled JSONL file")
    parser.add_argument("--label-field", required=True, help="field with the human label (e.g. topic, cap_major)")
    parser.add_argument("--label-map", required=True, help="JSON map from labels to themes (theme_map.json)")
    parser.add_argument("--text-fields", default="title,text", help="headline field, then body fields (default title,text)")
    parser.add_argument("--out", help="folder for metrics.json, confusion matrix and misclassified examples")
    parser.add_argument("--lexicons", help="folder of theme lexicon YAML files (default: shipped)")
    parser.add_argument("--model", help="evaluate this trained model file instead of the lexicons")
    parser.add_argument("--split", default="all", choices=["all", "tune", "holdout"],
                        help="all items, the tuning 70%% or the fixed held-aside 30%% (hash of id)")
    parser.add_argument("--sample-frac", type=float, help="deterministic fraction of the items (by hash of id)")


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the metrics table."""
    # deferred on purpose: pulls numba (the compiled theme kernels) into every CLI start-up
    from analysis.model.evaluation import evaluate

    fields = tuple(f.strip() for f in args.text_fields.split(",") if f.strip())
    if not fields:
        raise UsageError("--text-fields needs at least one field")
    try:
        m = evaluate(args.labelled, args.label_field, args.label_map, fields, lexicons=args.lexicons,
                     model=args.model, split=args.split, sample_frac=args.sample_frac, out=args.out)
    except (LexiconError, ModelMismatchError) as exc:
        raise UsageError(str(exc)) from None
    print(f"{'theme':20s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'support':>7s}")
    for theme, v in m["per_theme"].items():
        print(f"{theme:20s} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:7d}")
    print(f"items {m['n']} ({m['split']}), accuracy {m['accuracy']:.3f}, "
          f"macro-F1 core themes {m['macro_f1_core']:.3f}, macro-F1 all themes {m['macro_f1_all']:.3f}")
    if args.out:
        print(f"wrote metrics.json, confusion.csv/png, misclassified.csv to {args.out}")
    return 0
